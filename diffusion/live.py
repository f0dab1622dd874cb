"""The live barometer: the innovation barometer's own questions answered from the registry's published records,
beside the latest published survey round's weighted estimates.

Each figure is one GROUP BY over a narrow table (records per year and novelty; classifications per dimension and
code; partner kinds), so a page costs a fixed number of queries whatever the registry's size. Registry codes are
set beside a survey option only where they mean the same thing; the rest are shown from the registry alone."""

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Case, CharField, Count, Exists, OuterRef, Q, QuerySet, Value, When
from django.db.models.functions import ExtractYear

from barometer.models import Round
from barometer.results import analysis
from barometer.vocabulary import RoundStatus
from innovations.models import Classification, Innovation, Partnership
from innovations.vocabulary import CHOICES_BY_DIMENSION, Dimension, Novelty, Status
from organisations.models import OrganisationKind

NOVELTY = (Novelty.NEW, Novelty.ADAPTED, Novelty.COPIED)
PARTNER = "partner"  # the facet of development partners (from partnerships, not a classification dimension)

# The facets in the order the barometer asks them: (facet, the survey's question or "" where none matches).
FACETS: tuple[tuple[str, str], ...] = (
    (Dimension.IDEA_SOURCE, "q_idea_sources"),
    (PARTNER, "q_partners"),
    (Dimension.MOTIVATION, "q_motivations"),
    (Dimension.CHANNEL, "q_channels"),
    # The survey asks outcomes on a scale (to what extent); the registry records whether one was achieved or is
    # expected. Not the same question, so these stay registry-only.
    (Dimension.OUTCOME_ACHIEVED, ""),
    (Dimension.OUTCOME_EXPECTED, ""),
)
NOVELTY_QUESTION = "q_novelty"

# Registry codes whose meaning is the survey option's of the same code (checked against the municipal
# questionnaire in barometer/fixtures/); codes not listed have no survey counterpart.
SURVEY_CODES: dict[str, frozenset[str]] = {
    NOVELTY_QUESTION: frozenset(NOVELTY),
    Dimension.IDEA_SOURCE: frozenset(
        (
            "own_staff",
            "users",
            "other_municipalities",
            "domestic_networks",
            "universities",
            "companies",
            "third_sector",
            "state_agencies",
            "international",
        )
    ),
    Dimension.MOTIVATION: frozenset(("user_needs", "savings", "technology", "legislation", "strategy", "other")),
    Dimension.CHANNEL: frozenset(
        ("own_website", "own_networks", "partner_channels", "social_media", "events", "publications")
    ),
    PARTNER: frozenset(
        ("other_municipalities", "companies", "universities", "third_sector", "state_agencies", "international")
    ),
}

# Partner organisations' kinds grouped as the survey's partner options group them ("other municipalities, joint
# municipal authorities and regions"; "universities, higher education and research institutes"; "state agencies
# and ministries"). A regional council is a joint municipal authority by law. "other" has no survey option.
PARTNER_GROUPS: dict[str, str] = {
    OrganisationKind.MUNICIPALITY: "other_municipalities",
    OrganisationKind.JOINT_AUTHORITY: "other_municipalities",
    OrganisationKind.WELLBEING_COUNTY: "other_municipalities",
    OrganisationKind.REGIONAL_COUNCIL: "other_municipalities",
    OrganisationKind.COMPANY: "companies",
    OrganisationKind.UNIVERSITY: "universities",
    OrganisationKind.UAS: "universities",
    OrganisationKind.RESEARCH_INSTITUTE: "universities",
    OrganisationKind.THIRD_SECTOR: "third_sector",
    OrganisationKind.MINISTRY: "state_agencies",
    OrganisationKind.STATE_AGENCY: "state_agencies",
    OrganisationKind.INTERNATIONAL: "international",
    OrganisationKind.OTHER: "other",
}
PARTNER_ORDER = (
    "other_municipalities",
    "companies",
    "universities",
    "third_sector",
    "state_agencies",
    "international",
    "other",
)


@dataclass(frozen=True)
class Filters:
    year: int | None = None  # the year the record was taken into use
    region: str = ""  # the owner's region code
    kind: str = ""  # the owner's organisation kind


@dataclass
class Estimate:
    """A survey option's weighted (or, where weighting is not possible, unweighted) percentage and interval."""

    percent: float | None
    ci_low: float | None
    ci_high: float | None


@dataclass
class FacetRow:
    code: str
    count: int  # records naming this code
    share: float | None  # of the records that name any code in the facet (0–1)
    survey: Estimate | None = None  # None where the survey has no matching option (or no round)


@dataclass
class Facet:
    code: str  # a Dimension, or PARTNER
    question: str  # the survey's question code, "" when none matches
    recorded: int  # records that name any code in this facet: the denominator
    rows: list[FacetRow]


@dataclass
class YearRow:
    year: int | None  # None: the record does not say when it was taken into use
    total: int
    counts: dict[str, int]


@dataclass
class SurveyRound:
    round: Round
    weighted: bool
    estimates: dict[str, dict[str, Estimate]]  # question code → option code → estimate
    # The region and kind filters the estimates honour (domain estimates among those respondents); () is the
    # whole round: no such filter was chosen, or the round's answers are not public (see `survey_round`).
    domain: tuple[tuple[str, str], ...] = ()
    filters_ignored: bool = False  # a region or kind was chosen but the round may not be broken down by it
    suppressed: frozenset[str] = frozenset()  # questions with too few answers in the domain to be shown


@dataclass
class LiveBarometer:
    filters: Filters
    total: int  # published records in the filters (and the year, if chosen)
    by_year: list[YearRow]  # every year, within region and kind
    novelty: list[FacetRow]
    facets: list[Facet]
    survey: SurveyRound | None = None
    years: list[int] = field(default_factory=list)


def _records(filters: Filters) -> QuerySet[Innovation]:
    records = Innovation.objects.filter(status=Status.PUBLISHED)  # a draft is never counted
    if filters.region:
        records = records.filter(owner__region__code=filters.region)
    if filters.kind:
        records = records.filter(owner__kind=filters.kind)
    return records


def _share(count: int, of: int) -> float | None:
    return count / of if of else None


def live_barometer(filters: Filters, *, with_survey: bool = True) -> LiveBarometer:
    """Three GROUP BY queries (and one for the survey round; its estimates are cached per round state)."""
    base = _records(filters)
    in_year = base if filters.year is None else base.filter(introduced_on__year=filters.year)
    facet_codes = [code for code, _question in FACETS if code != PARTNER]

    # 1. Records per year and novelty, with how many of them name anything in each facet (the denominators).
    named = {
        code: Count("pk", filter=Q(Exists(Classification.objects.filter(innovation=OuterRef("pk"), dimension=code))))
        for code in facet_codes
    }
    named[PARTNER] = Count("pk", filter=Q(Exists(Partnership.objects.filter(innovation=OuterRef("pk")))))
    cells: list[dict[str, Any]] = [
        dict(cell)
        for cell in base.annotate(year=ExtractYear("introduced_on"))
        .values("year", "novelty")
        .annotate(n=Count("pk"), **{f"named_{code}": agg for code, agg in named.items()})
        .order_by()
    ]
    per_year: dict[int | None, YearRow] = {}
    recorded = dict.fromkeys(named, 0)
    novelty_counts: dict[str, int] = dict.fromkeys(NOVELTY, 0)
    total = 0
    for cell in cells:
        row = per_year.setdefault(cell["year"], YearRow(cell["year"], 0, {str(c): 0 for c in NOVELTY}))
        row.total += cell["n"]
        row.counts[cell["novelty"]] = row.counts.get(cell["novelty"], 0) + cell["n"]
        if filters.year is None or cell["year"] == filters.year:
            total += cell["n"]
            novelty_counts[cell["novelty"]] = novelty_counts.get(cell["novelty"], 0) + cell["n"]
            for code in named:
                recorded[code] += cell[f"named_{code}"]
    by_year = sorted(per_year.values(), key=lambda r: (r.year is None, r.year or 0))

    # 2. Classifications per dimension and code (unique per record, dimension and code: a count is of records).
    counts: dict[str, dict[str, int]] = {code: {} for code, _question in FACETS}
    for item in (
        Classification.objects.filter(innovation__in=in_year, dimension__in=facet_codes)
        .values("dimension", "code")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        counts[item["dimension"]][item["code"]] = item["n"]

    # 3. Partners: records with a partner in each group of kinds (a record with two companies counts once).
    group = Case(
        *[When(organisation__kind=kind, then=Value(code)) for kind, code in PARTNER_GROUPS.items()],
        default=Value("other"),
        output_field=CharField(),
    )
    partners: list[dict[str, Any]] = [
        dict(partner)
        for partner in Partnership.objects.filter(innovation__in=in_year)
        .annotate(group=group)
        .values("group")
        .annotate(n=Count("innovation", distinct=True))
        .order_by()
    ]
    for partner in partners:
        counts[PARTNER][partner["group"]] = partner["n"]

    facets = []
    for code, question in FACETS:
        order = list(PARTNER_ORDER if code == PARTNER else CHOICES_BY_DIMENSION[code].values)
        order += sorted(set(counts[code]) - set(order))  # a code since retired from the vocabulary
        facets.append(
            Facet(
                code=code,
                question=question,
                recorded=recorded[code],
                rows=[
                    FacetRow(c, counts[code].get(c, 0), _share(counts[code].get(c, 0), recorded[code])) for c in order
                ],
            )
        )
    result = LiveBarometer(
        filters=filters,
        total=total,
        by_year=by_year,
        novelty=[FacetRow(c, novelty_counts[c], _share(novelty_counts[c], total)) for c in NOVELTY],
        facets=facets,
        years=[r.year for r in by_year if r.year is not None],
    )
    if with_survey:
        result.survey = survey_round(filters)
        if result.survey is not None:
            _attach(result, result.survey)
    return result


def _attach(result: LiveBarometer, survey: SurveyRound) -> None:
    for row in result.novelty:
        row.survey = survey.estimates.get(NOVELTY_QUESTION, {}).get(row.code)
    for facet in result.facets:
        matched = SURVEY_CODES.get(facet.code, frozenset())
        for row in facet.rows:
            if row.code in matched:
                row.survey = survey.estimates.get(facet.question, {}).get(row.code)


def latest_round() -> Round | None:
    """The latest published round that asks these questions: a real one before any synthetic demo round."""
    return (
        Round.objects.filter(
            status=RoundStatus.PUBLISHED,
            is_tryout=False,
            questionnaire_version__sections__questions__code=NOVELTY_QUESTION,
        )
        .order_by("is_synthetic", "-year", "-pk")
        .first()
    )


def _estimates(
    round_: Round, domain: tuple[tuple[str, str], ...]
) -> tuple[bool, dict[str, dict[str, Estimate]], frozenset[str]]:
    data = analysis.round_data(round_)
    weighted = not data.weighting_problem()
    # Disclosure control as for any reader: a domain with too few answers is suppressed, not shown.
    options = analysis.Options(weighted=weighted, public=True, filters=domain)
    out: dict[str, dict[str, Estimate]] = {}
    suppressed: set[str] = set()
    for code in [NOVELTY_QUESTION, *(q for _f, q in FACETS if q)]:
        question = data.questions.get(code)
        if question is None:
            continue
        result = analysis.question_result(data, question, options)
        if not result.blocks or result.blocks[0].suppressed:
            suppressed.add(code)
            continue
        out[code] = {
            row.code: Estimate(row.percent, row.ci_low, row.ci_high)
            for row in result.blocks[0].rows
            if not row.excluded and not row.suppressed and row.percent is not None
        }
    return weighted, out, frozenset(suppressed)


def survey_round(filters: Filters | None = None) -> SurveyRound | None:
    """The latest round's estimates, among the respondents of the chosen region and organisation kind (the frame's
    strata, so the same codes as the registry's) when the round's answers are public. A round whose answers are
    not public is only published whole: the barometer's disclosure rules allow no filters on it, since breaking
    it down by region and kind beside other published tables is how hidden cells are recovered."""
    round_ = latest_round()
    if round_ is None:
        return None
    wanted = (
        () if filters is None else tuple((k, v) for k, v in (("region", filters.region), ("kind", filters.kind)) if v)
    )
    domain = wanted if round_.answers_public else ()
    key = "&".join(f"{k}={v}" for k, v in domain)
    weighted, estimates, suppressed = analysis.cached(
        round_, "live-barometer-domain", lambda: _estimates(round_, domain), key
    )
    return SurveyRound(
        round=round_,
        weighted=weighted,
        estimates=estimates,
        domain=domain,
        filters_ignored=bool(wanted) and not domain,
        suppressed=suppressed,
    )


def as_data(live: LiveBarometer) -> dict[str, Any]:
    """The figures as plain data (the API's answer)."""

    def row(r: FacetRow) -> dict[str, Any]:
        survey = None if r.survey is None else vars(r.survey)
        return {"code": r.code, "count": r.count, "share": r.share, "survey": survey}

    survey = live.survey
    return {
        "source": "registry records, not a sample",
        "filters": {"year": live.filters.year, "region": live.filters.region, "kind": live.filters.kind},
        "total": live.total,
        "by_year": [{"year": y.year, "total": y.total, **y.counts} for y in live.by_year],
        "novelty": [row(r) for r in live.novelty],
        "facets": [
            {"code": f.code, "question": f.question, "recorded": f.recorded, "rows": [row(r) for r in f.rows]}
            for f in live.facets
        ],
        "survey_round": None
        if survey is None
        else {
            "slug": survey.round.slug,
            "name": str(survey.round.name),
            "year": survey.round.year,
            "is_synthetic": survey.round.is_synthetic,
            "weighted": survey.weighted,
            "domain": dict(survey.domain),
            "filters_ignored": survey.filters_ignored,
            "suppressed": sorted(survey.suppressed),
        },
    }
