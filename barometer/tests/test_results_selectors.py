"""Who sees which round's results, and how (barometer.selectors), and the explorer's reading
(results.selectors.explore): the pages and the API ask the same selectors, so they give the same answer."""

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from barometer import selectors
from barometer.models import Round
from barometer.results.selectors import ExploreQuery, explore
from barometer.tests.test_analysis_support import analysed_round, previous_round, round_with_random_answers
from barometer.vocabulary import RoundStatus
from tests.pages import client_for

pytestmark = pytest.mark.django_db
__all__ = ["analysed_round", "previous_round"]  # fixtures used by name

ROLES = ("anonymous", "registered_user", "editor_b", "editor_a", "admin_a", "platform_admin")
TEAM = {"editor_a", "admin_a", "platform_admin"}


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    cache.clear()


@pytest.fixture
def unpublished(small_version: Any, org_a: Any) -> Round:
    return round_with_random_answers(
        small_version, org_a, slug="closed-round", year=2023, seed=7, status=RoundStatus.CLOSED
    )


@pytest.mark.parametrize("role", ROLES)
def test_unpublished_results_are_the_teams_on_the_page_and_in_the_api_alike(
    role: str, unpublished: Round, analysed_round: Round, request: pytest.FixtureRequest
) -> None:
    person = request.getfixturevalue(role)
    team = role in TEAM
    assert (selectors.results_round(user=person, slug=unpublished.slug) is not None) == team
    assert selectors.results_round(user=person, slug=analysed_round.slug) == analysed_round
    client = client_for(person)
    page = client.get(reverse("barometer:report", kwargs={"slug": unpublished.slug}))
    api = client.get(f"/api/v1/barometer/rounds/{unpublished.slug}/results")
    assert page.status_code == api.status_code == (200 if team else 404)


@pytest.mark.parametrize("role", ROLES)
def test_disclosure_control_for_everyone_but_the_team_unless_it_previews(
    role: str, analysed_round: Round, request: pytest.FixtureRequest
) -> None:
    person = request.getfixturevalue(role)
    team = role in TEAM
    assert selectors.is_team(user=person, round=analysed_round) == team
    assert selectors.sees_public_results(user=person, round=analysed_round) == (not team)
    assert selectors.sees_public_results(user=person, round=analysed_round, preview=True)


def test_explore_gives_the_apis_figures_with_the_comparison(
    analysed_round: Round, previous_round: Round, anonymous: Any
) -> None:
    rounds = list(selectors.rounds_visible(anonymous))
    ex = explore(
        user=anonymous,
        round=analysed_round,
        rounds=rounds,
        query=ExploreQuery(question="introduced", compare=previous_round.slug),
    )
    assert ex.options.public
    assert ex.compare_round == previous_round
    assert ex.result is not None
    assert ex.corrections == {"choice": None}  # nothing replaced; no map, so no map answer
    assert set(ex.figures) == {"chart", "trend"}
    data = Client().get(
        f"/api/v1/barometer/rounds/{analysed_round.slug}/results/introduced?compare={previous_round.slug}"
    )
    rows = data.json()["question"]["blocks"][0]["rows"]
    assert [(r["code"], r["percent"], r["previous"]) for r in rows] == [
        (r.code, r.percent, r.previous) for r in ex.result.blocks[0].rows
    ]


def test_explore_replaces_what_the_round_does_not_have_and_says_so(analysed_round: Round, anonymous: Any) -> None:
    ex = explore(
        user=anonymous,
        round=analysed_round,
        rounds=[analysed_round],
        query=ExploreQuery(question="nope", breakdown="q:nope", compare="other-round"),
    )
    assert ex.question is not None
    assert ex.corrections["question"] == ex.question.code
    assert ex.corrections["breakdown"] == ""
    assert ex.corrections["compare"] == ""
    assert len(ex.notices) == 3


def test_filters_are_the_teams_only(analysed_round: Round, anonymous: Any, editor_a: Any) -> None:
    query = ExploreQuery(question="introduced", filters={"region": "01"})
    outsider = explore(user=anonymous, round=analysed_round, rounds=[analysed_round], query=query)
    team = explore(user=editor_a, round=analysed_round, rounds=[analysed_round], query=query)
    assert outsider.options.filters == ()
    assert team.options.filters == (("region", "01"),)
    assert not team.options.public


def test_the_map_answer_is_chosen_and_the_page_keeps_it_last_in_its_links(analysed_round: Round) -> None:
    ex = explore(
        user=AnonymousUser(),
        round=analysed_round,
        rounds=[analysed_round],
        query=ExploreQuery(question="introduced", breakdown="region", choice="unknown"),
    )
    assert "map" in ex.figures
    assert ex.map_choice == ex.map_choices[0][0]  # an answer the map does not have: its first
    page = Client().get(
        reverse("barometer:explorer"),
        {"choice": ex.map_choice, "round": analysed_round.slug, "question": "introduced", "breakdown": "region"},
    )
    assert page.context["query"].endswith(f"&choice={ex.map_choice}")
