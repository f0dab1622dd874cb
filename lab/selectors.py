"""The Lab portfolio of an organisation: its challenges, ideas, experiments, innovations and partners in the
barometer's categories, for its own innovation coordinators.

What counts, and why:
- A record belongs to the period when it was created in it (a challenge also when it received ideas in it).
- Ideas are the confirmed ones sent to the organisation; duplicates merged into another idea and ideas hidden by
  moderation are left out, so that no idea is counted twice and spam does not inflate the figures.
- Drafts count: the portfolio is the organisation's own view of its work.
The counting itself is in lab.tabulation (plain Python); here the values are read from the database.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from core.permissions import require
from experiments.models import Decision, Experiment, ExperimentPartner
from ideas.models import Challenge, ChallengeStatus, Idea, IdeaSource, IdeaState, IdeaStateOption
from ideas.selectors.ideas import kind_default, state_options
from innovations.models import Classification, Innovation, Partnership
from innovations.vocabulary import Dimension, InnovationType, Novelty, PartnerRole, Stage, Status
from lab.tabulation import (
    NO_PARTNER,
    OTHER_CATEGORY,
    Period,
    Row,
    Table,
    column_totals,
    crosstab,
    partner_category_rows,
    share,
    tally,
)
from organisations.models import Organisation, OrganisationKind

NOT_DECIDED = "none"


def _choices(choices: Any) -> list[tuple[str, str]]:
    """(code, label) of a TextChoices class, the labels in the active language."""
    return [(str(code), str(label)) for code, label in choices.choices]


@dataclass
class Portfolio:
    organisation: Organisation
    period: Period
    tables: list[Table] = field(default_factory=list)
    totals: dict[str, int] = field(default_factory=dict)

    def table(self, key: str) -> Table:
        return next(table for table in self.tables if table.key == key)


def _created_in(qs: QuerySet[Any], period: Period, prefix: str = "") -> QuerySet[Any]:
    return qs.filter(_created_q(period, prefix))


def _created_q(period: Period, prefix: str = "") -> Q:
    q = Q()
    if period.start is not None:
        q &= Q(**{f"{prefix}created_at__date__gte": period.start})
    if period.end is not None:
        q &= Q(**{f"{prefix}created_at__date__lte": period.end})
    return q


def counted_ideas(organisation: Organisation, period: Period) -> QuerySet[Idea]:
    """The ideas the portfolio counts (see the module's docstring)."""
    return _created_in(
        Idea.objects.filter(organisation=organisation, confirmed=True, hidden=False, merged_into__isnull=True), period
    )


def _counted_challenge_ideas(period: Period) -> Q:
    return Q(ideas__confirmed=True, ideas__hidden=False, ideas__merged_into__isnull=True) & _created_q(
        period, "ideas__"
    )


def portfolio(*, user: Any, organisation: Organisation, period: Period) -> Portfolio:
    """The portfolio's tables; PermissionDenied unless the person is one of the organisation's people."""
    require(user, "lab.view_portfolio", organisation)
    ideas = counted_ideas(organisation, period)
    experiments = _created_in(Experiment.objects.filter(owner=organisation), period)
    innovations = _created_in(Innovation.objects.filter(owner=organisation), period)
    result = Portfolio(organisation=organisation, period=period)
    challenge_rows, challenge_statuses = _challenges(organisation, period)
    result.tables = [
        Table(
            "challenges",
            _("Challenges"),
            _("Challenge"),
            [_("Status"), _("Organised as"), _("Opens on"), _("Closes on"), _("Ideas")],
            challenge_rows,
        ),
        Table(
            "challenge_statuses",
            _("Challenges by status"),
            _("Status"),
            [_("Challenges")],
            tally(challenge_statuses, _choices(ChallengeStatus)),
        ),
        _ideas_by_state(organisation, ideas),
        _sources(ideas, innovations),
        _experiments_by_decision(experiments),
        _experiments_by_phase(experiments),
        Table(
            "innovation_stages",
            _("Innovations by stage"),
            _("Stage"),
            [_("Innovations")],
            tally(innovations.values_list("stage", flat=True), _choices(Stage)),
        ),
        Table(
            "innovation_types",
            _("Innovations by type"),
            _("Type"),
            [_("Innovations")],
            tally(_classification_codes(innovations, Dimension.TYPE), _choices(InnovationType)),
            note=_("An innovation may be of several types."),
        ),
        Table(
            "innovation_novelty",
            _("Innovations by novelty"),
            _("Novelty"),
            [_("Innovations")],
            tally(innovations.values_list("novelty", flat=True), _choices(Novelty)),
        ),
        *_partners(ideas, experiments, innovations),
        _path(ideas, experiments),
    ]
    result.totals = {
        "challenges": len(challenge_rows),
        "ideas": ideas.count(),
        "experiments": experiments.count(),
        "innovations": innovations.count(),
    }
    return result


def _challenges(organisation: Organisation, period: Period) -> tuple[list[Row], list[str]]:
    """One row per challenge the organisation owns or co-organises that was created in the period or received
    ideas in it, newest first; and the status of each."""
    counted = _counted_challenge_ideas(period)
    challenges = (
        Challenge.objects.filter(Q(owner=organisation) | Q(co_organisers=organisation))
        .distinct()
        .annotate(idea_count=Count("ideas", filter=counted, distinct=True))
        .order_by("-created_at", "-id")
    )
    rows, statuses = [], []
    for challenge in challenges:
        created = timezone.localtime(challenge.created_at).date()
        if not (period.contains(created) or challenge.idea_count):
            continue
        role = _("Owner") if challenge.owner_id == organisation.pk else _("Co-organiser")
        rows.append(
            Row(
                str(challenge.pk),
                str(challenge.title),
                [
                    str(challenge.get_status_display()),
                    role,
                    challenge.opens_on,
                    challenge.closes_on,
                    challenge.idea_count,
                ],
            )
        )
        statuses.append(challenge.status)
    return rows, statuses


def _ideas_by_state(organisation: Organisation, ideas: QuerySet[Idea]) -> Table:
    """The organisation's own state names if it has defined them (in their order), else the six built-in states.
    An idea is counted under its own state; one without (or with a state of another kind) under its kind's default,
    as the idea pages name it (ideas.services.states.option_for: the first public state of the kind, else the first
    of the kind); a kind the organisation has no name for keeps its built-in name."""
    options = state_options(organisation_id=organisation.pk)
    labels = dict(_choices(IdeaState))
    if not options:
        rows = tally(ideas.values_list("state", flat=True), _choices(IdeaState))
        return Table("idea_states", _("Ideas by state"), _("State"), [_("Ideas")], rows)
    by_id = {option.pk: option for option in options}
    defaults: dict[str, IdeaStateOption] = {}
    for kind in IdeaState.values:
        default = kind_default(options, kind) or next((o for o in options if o.kind == kind), None)
        if default is not None:
            defaults[kind] = default
    keys = []
    for state, option_id in ideas.values_list("state", "state_option_id"):
        option = by_id.get(option_id)
        if option is not None and option.kind == state:
            keys.append(f"option-{option.pk}")
        elif state in defaults:
            keys.append(f"option-{defaults[state].pk}")
        else:
            keys.append(state)
    categories = [(f"option-{option.pk}", str(option.name)) for option in options]
    categories += [(kind, label) for kind, label in _choices(IdeaState) if kind not in defaults]
    kind_of = {f"option-{option.pk}": option.kind for option in options}
    rows = [
        row
        for row in tally(keys, categories)
        # Built-in states the organisation has not named appear only when ideas are in them.
        if row.code.startswith("option-") or row.values[0]
    ]
    for row in rows:
        row.values.insert(0, labels.get(kind_of.get(row.code, row.code), row.code))
    return Table("idea_states", _("Ideas by state"), _("State"), [_("Built-in state"), _("Ideas")], rows)


def _classification_codes(innovations: QuerySet[Innovation], dimension: str) -> list[str]:
    return list(
        Classification.objects.filter(innovation__in=innovations, dimension=dimension).values_list("code", flat=True)
    )


def _sources(ideas: QuerySet[Idea], innovations: QuerySet[Innovation]) -> Table:
    """Where ideas came from (the idea's source) next to the idea sources recorded for innovations: both in the
    categories of the barometer's question on idea sources (the ideas' list is the longer one)."""
    idea_rows = tally(ideas.values_list("source", flat=True), _choices(IdeaSource))
    innovation_counts = {
        row.code: row.values[0]
        for row in tally(_classification_codes(innovations, Dimension.IDEA_SOURCE), _choices(IdeaSource))
    }
    for row in idea_rows:
        row.values.append(innovation_counts.pop(row.code, 0))
    idea_rows += [Row(code, code, [0, count]) for code, count in innovation_counts.items()]
    return Table(
        "idea_sources",
        _("Where ideas came from"),
        _("Idea source"),
        [_("Ideas"), _("Innovations")],
        idea_rows,
        note=_("An idea has one source; an innovation may have several."),
    )


def _experiments_by_decision(experiments: QuerySet[Experiment]) -> Table:
    pairs = [(decision or NOT_DECIDED, status) for decision, status in experiments.values_list("decision", "status")]
    rows = crosstab(pairs, [*_choices(Decision), (NOT_DECIDED, _("Not decided yet"))], _choices(Status))
    rows.append(Row("total", _("Total"), column_totals(rows)))
    return Table(
        "experiment_decisions",
        _("Experiments by decision and status"),
        _("Decision"),
        [*(str(label) for _code, label in _choices(Status)), _("Total")],
        rows,
    )


def _experiments_by_phase(experiments: QuerySet[Experiment]) -> Table:
    # The same rule as Experiment.is_finished: finished once the end date has passed.
    today = timezone.localdate()
    phases = [
        "finished" if ends_on is not None and ends_on < today else "running"
        for ends_on in experiments.values_list("ends_on", flat=True)
    ]
    return Table(
        "experiment_phases",
        _("Experiments by phase"),
        _("Phase"),
        [_("Experiments")],
        tally(phases, [("running", _("Running")), ("finished", _("Finished"))]),
    )


def _partners(
    ideas: QuerySet[Idea], experiments: QuerySet[Experiment], innovations: QuerySet[Innovation]
) -> list[Table]:
    """Organisations linked through the ideas, experiments and innovations: one row each with how many of each
    they are linked to and in which roles; the same summed by the partners' kind; and in the categories of the
    barometer's question on partners."""
    # (record id, organisation id) of each link, per kind of record: ideas, experiments, innovations.
    links: list[list[tuple[int, int]]] = [
        list(Idea.partners.through.objects.filter(idea__in=ideas).values_list("idea_id", "organisation_id")),
        list(
            ExperimentPartner.objects.filter(experiment__in=experiments).values_list("experiment_id", "organisation_id")
        ),
        list(Partnership.objects.filter(innovation__in=innovations).values_list("innovation_id", "organisation_id")),
    ]
    counts: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
    for index, pairs in enumerate(links):
        for _record, organisation_id in pairs:
            counts[organisation_id][index] += 1
    roles: dict[int, set[str]] = defaultdict(set)
    for organisation_id, role in [
        *ExperimentPartner.objects.filter(experiment__in=experiments).values_list("organisation_id", "role"),
        *Partnership.objects.filter(innovation__in=innovations).values_list("organisation_id", "role"),
    ]:
        roles[organisation_id].add(role)
    role_labels = dict(PartnerRole.choices)
    kind_labels = dict(OrganisationKind.choices)
    partners = sorted(Organisation.objects.filter(pk__in=counts), key=lambda o: (str(o.name).casefold(), o.pk))
    rows = [
        Row(
            partner.slug,
            str(partner.name),
            [
                str(kind_labels.get(partner.kind, partner.kind)),
                *counts[partner.pk],
                ", ".join(str(role_labels[role]) for role in PartnerRole.values if role in roles[partner.pk]),
            ],
        )
        for partner in partners
    ]
    by_kind: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for partner in partners:
        total = by_kind[partner.kind]
        total[0] += 1
        for index, count in enumerate(counts[partner.pk], start=1):
            total[index] += count
    kind_rows = [Row(kind, str(label), by_kind[kind]) for kind, label in OrganisationKind.choices if kind in by_kind]
    kinds = {partner.pk: partner.kind for partner in partners}
    record_totals = [ideas.count(), experiments.count(), innovations.count()]
    return [
        Table(
            "partners",
            _("Partners"),
            _("Partner"),
            [_("Kind"), _("Ideas"), _("Experiments"), _("Innovations"), _("Roles")],
            rows,
        ),
        Table(
            "partner_kinds",
            _("Partners by kind"),
            _("Kind"),
            [_("Partner organisations"), _("Ideas"), _("Experiments"), _("Innovations")],
            kind_rows,
        ),
        Table(
            "partner_categories",
            _("Partners in the barometer's categories"),
            _("Partner category"),
            [_("Partner organisations"), _("Ideas"), _("Experiments"), _("Innovations")],
            partner_category_rows(kinds, links, record_totals, _partner_categories()),
            note=_(
                "How many ideas, experiments and innovations had at least one partner of each category, as the "
                "barometer asks about each innovation; a record may have partners in several categories."
            ),
        ),
    ]


def _partner_categories() -> list[tuple[str, str]]:
    """The barometer's answer options to "With whom did you develop the innovation?" that organisations can be,
    then "on their own" (no partner) and the kinds the barometer has no option for."""
    return [
        ("other_municipalities", _("Other municipalities, joint municipal authorities and regions")),
        ("companies", _("Companies")),
        ("universities", _("Universities, higher education and research institutes")),
        ("third_sector", _("Third sector (associations, foundations)")),
        ("state_agencies", _("State agencies and ministries")),
        ("international", _("International partners")),
        (OTHER_CATEGORY, _("Other partners (no option in the barometer)")),
        (NO_PARTNER, _("Developed on their own (no partners)")),
    ]


def _path(ideas: QuerySet[Idea], experiments: QuerySet[Experiment]) -> Table:
    """How far ideas got: to experiments, to innovations (directly or when their experiment was scaled up)."""
    idea_total = ideas.count()
    to_experiment = ideas.filter(experiment__isnull=False).count()
    to_innovation = ideas.filter(
        Q(innovation__isnull=False) | Q(experiment__resulting_innovation__isnull=False)
    ).count()
    experiment_total = experiments.count()
    from_ideas = experiments.filter(ideas__in=ideas).distinct().count()
    scaled_up = experiments.filter(resulting_innovation__isnull=False).count()
    rows = [
        Row("ideas", _("Ideas"), [idea_total, share(idea_total, idea_total)]),
        Row(
            "ideas_to_experiments", _("Ideas taken into experiments"), [to_experiment, share(to_experiment, idea_total)]
        ),
        Row(
            "ideas_to_innovations",
            _("Ideas that became innovations"),
            [to_innovation, share(to_innovation, idea_total)],
        ),
        Row("experiments", _("Experiments"), [experiment_total, share(experiment_total, experiment_total)]),
        Row(
            "experiments_from_ideas",
            _("Experiments that grew from ideas"),
            [from_ideas, share(from_ideas, experiment_total)],
        ),
        Row(
            "experiments_to_innovations",
            _("Experiments scaled up into innovations"),
            [scaled_up, share(scaled_up, experiment_total)],
        ),
    ]
    return Table(
        "path",
        _("From ideas to experiments and innovations"),
        _("Step"),
        [pgettext("count", "Number"), _("Share (%)")],
        rows,
        note=_("Shares of ideas are of all the ideas counted; shares of experiments of all the experiments."),
    )
