"""Every figure of the portfolio against the small portfolio of conftest.world, counted by hand; for periods, against
a plain recount in Python over all the rows; the organisation's own state names; who may read it."""

import datetime
from collections import Counter
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone, translation

from experiments.models import Experiment
from ideas.models import Challenge, Idea, IdeaState, IdeaStateOption
from ideas.services import states
from innovations.models import Innovation
from lab.selectors import Portfolio, portfolio
from lab.tabulation import Period
from lab.tests.conftest import World, move_to_last_year
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def figures(result: Portfolio, key: str) -> dict[str, list[Any]]:
    """{row code: values} of one table, rows with nothing in them left out (zero rows are tested apart)."""
    return {row.code: row.values for row in result.table(key).rows if any(v not in (0, "", None) for v in row.values)}


def test_totals(world: World, editor_a: Any) -> None:
    result = portfolio(user=editor_a, organisation=world.org, period=Period())
    # Not counted: the unconfirmed, hidden and merged ideas and org_b's idea; org_b's experiment and innovation.
    assert result.totals == {"challenges": 4, "ideas": 5, "experiments": 3, "innovations": 3}


def test_challenges(world: World, editor_a: Any) -> None:
    with translation.override("en"):
        result = portfolio(user=editor_a, organisation=world.org, period=Period())
        owner, co_organiser, open_, closed, draft = "Owner", "Co-organiser", "Open", "Closed", "Draft"
    c = world.challenges
    rows = {row.code: row.values for row in result.table("challenges").rows}
    assert rows == {
        # Two counted ideas: the hidden, merged and unconfirmed ones are not.
        str(c["open"].pk): [open_, owner, c["open"].opens_on, c["open"].closes_on, 2],
        str(c["closed"].pk): [closed, owner, None, None, 1],
        str(c["draft"].pk): [draft, owner, None, None, 0],
        # org_b's challenge that org_a co-organises: its idea was sent to org_b, and still belongs to the challenge.
        str(c["shared"].pk): [closed, co_organiser, None, None, 1],
    }
    assert figures(result, "challenge_statuses") == {"draft": [1], "open": [1], "closed": [2]}


def test_ideas_by_built_in_state(world: World, editor_a: Any) -> None:
    with translation.override("en"):
        result = portfolio(user=editor_a, organisation=world.org, period=Period())
        labels = {state: str(label) for state, label in IdeaState.choices}
    rows = {row.code: row.values for row in result.table("idea_states").rows}
    # All six states in their order, zero rows too.
    assert list(rows) == list(IdeaState.values)
    assert rows == {
        "received": [1],
        "under_review": [1],
        "in_development": [0],
        "experimenting": [1],
        "in_use": [1],
        "not_taken_forward": [1],
    }
    assert [row.label for row in result.table("idea_states").rows] == list(labels.values())


def test_ideas_by_the_organisations_own_states(world: World, editor_a: Any) -> None:
    # Own names for three kinds: two for "received", of which the first is not public, so the second is the kind's
    # default; one (of another kind) that an idea points to but does not match its state.
    def state(kind: str, name: str, public: bool = True, organisation: Any = world.org) -> IdeaStateOption:
        return states.idea_state_create(
            actor=platform_admin, organisation=organisation, kind=kind, names={"fi": name}, public=public
        )

    platform_admin = UserFactory.create(platform_admin=True)
    internal = state(IdeaState.RECEIVED, "Jonossa", public=False)
    new = state(IdeaState.RECEIVED, "Uusi")
    looked = state(IdeaState.UNDER_REVIEW, "Arvioitavana")
    in_use = state(IdeaState.IN_USE, "Käytössä")
    state(IdeaState.RECEIVED, "Toisen tila", organisation=world.other)
    Idea.objects.filter(pk=world.ideas["staff"].pk).update(state_option=internal)  # under review, not "received"
    with translation.override("en"):
        result = portfolio(user=editor_a, organisation=world.org, period=Period())
        labels = {kind: str(label) for kind, label in IdeaState.choices}
    rows = [(row.code, row.label, row.values) for row in result.table("idea_states").rows]
    assert rows == [
        (f"option-{internal.pk}", "Jonossa", [labels["received"], 0]),
        # "to_innovation" is received without an own state: the kind's default is its first public state.
        (f"option-{new.pk}", "Uusi", [labels["received"], 1]),
        # "staff" points to a state of another kind: its kind's state counts it.
        (f"option-{looked.pk}", "Arvioitavana", [labels["under_review"], 1]),
        (f"option-{in_use.pk}", "Käytössä", [labels["in_use"], 1]),
        # Kinds without an own name keep the built-in one, and appear only when ideas are in them.
        ("experimenting", labels["experimenting"], [labels["experimenting"], 1]),
        ("not_taken_forward", labels["not_taken_forward"], [labels["not_taken_forward"], 1]),
    ]


def test_idea_sources_next_to_innovations(world: World, editor_a: Any) -> None:
    result = portfolio(user=editor_a, organisation=world.org, period=Period())
    assert figures(result, "idea_sources") == {
        "own_staff": [1, 1],
        "management": [1, 0],  # a category only ideas have
        "users": [2, 2],
        "companies": [1, 1],
    }
    assert len(result.table("idea_sources").rows) == 11  # every category of the barometer's question


def test_experiments(world: World, editor_a: Any) -> None:
    result = portfolio(user=editor_a, organisation=world.org, period=Period())
    # Columns: draft, published, total.
    assert figures(result, "experiment_decisions") == {
        "scale_up": [0, 1, 1],
        "stop": [1, 0, 1],
        "none": [1, 0, 1],
        "total": [2, 1, 3],
    }
    assert figures(result, "experiment_phases") == {"running": [2], "finished": [1]}


def test_innovations(world: World, editor_a: Any) -> None:
    result = portfolio(user=editor_a, organisation=world.org, period=Period())
    # The innovation the scaled-up experiment became is in use too.
    assert figures(result, "innovation_stages") == {"in_use": [2], "idea": [1]}
    assert figures(result, "innovation_types") == {"service": [1], "process": [1], "product": [1]}
    assert figures(result, "innovation_novelty") == {"new": [2], "adapted": [1]}


def test_partners(world: World, editor_a: Any) -> None:
    with translation.override("en"):
        result = portfolio(user=editor_a, organisation=world.org, period=Period())
        municipality, company, university = "Municipality", "Company", "University"
        funder, supplier, pilot, researcher = "Funder", "Supplier", "Pilot site", "Research partner"
    assert figures(result, "partners") == {
        # Columns: kind, ideas, experiments, innovations, roles.
        world.company.slug: [company, 2, 2, 1, f"{funder}, {supplier}"],
        world.other.slug: [municipality, 1, 1, 0, pilot],
        world.university.slug: [university, 0, 0, 1, researcher],
    }
    # Columns: partner organisations, ideas, experiments, innovations.
    assert figures(result, "partner_kinds") == {
        "municipality": [1, 1, 1, 0],
        "company": [1, 2, 2, 1],
        "university": [1, 0, 0, 1],
    }


def test_partners_in_the_barometers_categories(world: World, editor_a: Any) -> None:
    result = portfolio(user=editor_a, organisation=world.org, period=Period())
    rows = {row.code: row.values for row in result.table("partner_categories").rows}
    # Columns: partner organisations, then how many ideas, experiments and innovations have one in the category.
    assert rows == {
        "other_municipalities": [1, 1, 1, 0],  # org_b: in "user" and the running experiment
        "companies": [1, 2, 2, 1],
        "universities": [1, 0, 0, 1],
        "third_sector": [0, 0, 0, 0],
        "state_agencies": [0, 0, 0, 0],
        "international": [0, 0, 0, 0],
        "other": [0, 0, 0, 0],
        # Of 5 ideas 2 have partners, of 3 experiments 2, of 3 innovations 1 (the service innovation, with two).
        "none": [None, 3, 1, 2],
    }


def test_path_from_ideas_to_innovations(world: World, editor_a: Any) -> None:
    result = portfolio(user=editor_a, organisation=world.org, period=Period())
    assert figures(result, "path") == {
        "ideas": [5, 100.0],
        "ideas_to_experiments": [2, 40.0],
        # One through its experiment that was scaled up, one linked to an innovation directly.
        "ideas_to_innovations": [2, 40.0],
        "experiments": [3, 100.0],
        "experiments_from_ideas": [2, 66.7],
        "experiments_to_innovations": [1, 33.3],
    }


def test_an_empty_portfolio_has_no_shares(org_a: Any, editor_a: Any) -> None:
    result = portfolio(user=editor_a, organisation=org_a, period=Period())
    assert result.totals == {"challenges": 0, "ideas": 0, "experiments": 0, "innovations": 0}
    assert {row.code: row.values for row in result.table("path").rows}["ideas_to_experiments"] == [0, None]
    assert result.table("partners").rows == []


# --- periods, against a plain recount -----------------------------------------------------------------------


def _day(value: datetime.datetime) -> datetime.date:
    return timezone.localtime(value).date()


def recount(world: World, period: Period) -> dict[str, Any]:
    """The headline figures and a few tables counted the plain way: every row read, the rules applied in Python."""
    ideas = [
        idea
        for idea in Idea.objects.all()
        if idea.organisation_id == world.org.pk
        and idea.confirmed
        and not idea.hidden
        and idea.merged_into_id is None
        and period.contains(_day(idea.created_at))
    ]
    experiments = [
        e for e in Experiment.objects.all() if e.owner_id == world.org.pk and period.contains(_day(e.created_at))
    ]
    innovations = [
        i for i in Innovation.objects.all() if i.owner_id == world.org.pk and period.contains(_day(i.created_at))
    ]
    challenges = {}
    for challenge in Challenge.objects.all():
        if challenge.owner_id != world.org.pk and not challenge.co_organisers.filter(pk=world.org.pk).exists():
            continue
        received = [
            idea
            for idea in Idea.objects.filter(challenge=challenge)
            if idea.confirmed
            and not idea.hidden
            and idea.merged_into_id is None
            and period.contains(_day(idea.created_at))
        ]
        if period.contains(_day(challenge.created_at)) or received:
            challenges[str(challenge.pk)] = len(received)
    return {
        "totals": {
            "challenges": len(challenges),
            "ideas": len(ideas),
            "experiments": len(experiments),
            "innovations": len(innovations),
        },
        "challenges": challenges,
        "states": Counter(idea.state for idea in ideas),
        "sources": Counter(idea.source for idea in ideas),
        "stages": Counter(i.stage for i in innovations),
        "to_experiments": sum(1 for idea in ideas if idea.experiment_id),
    }


def check_against_recount(world: World, user: Any, period: Period) -> dict[str, Any]:
    result = portfolio(user=user, organisation=world.org, period=period)
    expected = recount(world, period)
    assert result.totals == expected["totals"]
    assert {row.code: row.values[-1] for row in result.table("challenges").rows} == expected["challenges"]
    assert {row.code: row.values[-1] for row in result.table("idea_states").rows} == {
        state: expected["states"][state] for state in IdeaState.values
    }
    assert {row.code: row.values[0] for row in result.table("idea_sources").rows if row.values[0]} == dict(
        expected["sources"]
    )
    assert {row.code: row.values[0] for row in result.table("innovation_stages").rows if row.values[0]} == dict(
        expected["stages"]
    )
    assert {row.code: row.values[0] for row in result.table("path").rows}["ideas_to_experiments"] == expected[
        "to_experiments"
    ]
    return expected


def test_periods_against_a_plain_recount(world: World, editor_a: Any) -> None:
    last_year = move_to_last_year(
        world.ideas["staff"], world.experiments["running"], world.innovations["product"], world.challenges["draft"]
    )
    this_year = timezone.localdate().year
    now = check_against_recount(world, editor_a, Period.year(this_year))
    then = check_against_recount(world, editor_a, Period.year(last_year.year))
    # By hand: what was moved to last year counts only there.
    assert now["totals"] == {"challenges": 3, "ideas": 4, "experiments": 2, "innovations": 2}
    assert then["totals"] == {"challenges": 2, "ideas": 1, "experiments": 1, "innovations": 1}
    # The open challenge was created this year but received an idea last year: it is listed in both.
    assert then["challenges"] == {str(world.challenges["open"].pk): 1, str(world.challenges["draft"].pk): 0}
    # A range of days, both ends included, and open-ended ranges.
    check_against_recount(world, editor_a, Period(last_year, last_year))
    assert (
        check_against_recount(world, editor_a, Period(last_year + datetime.timedelta(days=1), None))["totals"]
        == now["totals"]
    )
    assert check_against_recount(world, editor_a, Period(None, last_year))["totals"] == then["totals"]
    assert check_against_recount(world, editor_a, Period())["totals"]["ideas"] == 5


# --- who may read it ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("anonymous", False),
        ("registered_user", False),
        ("sender", False),
        ("handler", False),
        ("editor_b", False),
        ("editor_a", True),
        ("admin_a", True),
        ("platform_admin", True),
    ],
)
def test_only_the_organisations_people_may_read_it(world: World, role: str, allowed: bool, request: Any) -> None:
    user = getattr(world, role) if role in ("sender", "handler") else request.getfixturevalue(role)
    if allowed:
        assert portfolio(user=user, organisation=world.org, period=Period()).totals["ideas"] == 5
    else:
        with pytest.raises(PermissionDenied):
            portfolio(user=user, organisation=world.org, period=Period())
