"""The live barometer: shares against a hand count on a small registry, drafts never counted, the filters, the
survey round beside the registry only when one is published, and a number of queries that does not grow."""

import datetime
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from barometer.models import Round
from barometer.results import analysis
from barometer.vocabulary import RoundStatus
from diffusion import live
from diffusion.pages import live_barometer as live_page
from innovations.vocabulary import Status
from organisations.models import Organisation, OrganisationKind, Region
from tests.factories import InnovationFactory, OrganisationFactory, PartnershipFactory

pytestmark = pytest.mark.django_db


def page_url(lang: str = "fi") -> str:
    with translation.override(lang):
        return reverse("diffusion:live_barometer")


@pytest.fixture(autouse=True)
def _no_rounds(db: None) -> None:
    # The reference data may hold rounds; each test says whether it has one.
    Round.objects.filter(status=RoundStatus.PUBLISHED).update(status=RoundStatus.CLOSED)
    cache.clear()


@pytest.fixture
def registry() -> dict[str, Any]:
    """Two owners in different regions and of different kinds; four published records and a draft."""
    uusimaa, pirkanmaa = Region.objects.get(code="01"), Region.objects.get(code="06")
    town = OrganisationFactory.create(kind=OrganisationKind.MUNICIPALITY, region=uusimaa)
    joint = OrganisationFactory.create(kind=OrganisationKind.JOINT_AUTHORITY, region=pirkanmaa)
    company = OrganisationFactory.create(kind=OrganisationKind.COMPANY, region=uusimaa)
    university = OrganisationFactory.create(kind=OrganisationKind.UNIVERSITY, region=uusimaa)
    uas = OrganisationFactory.create(kind=OrganisationKind.UAS, region=pirkanmaa)
    day = datetime.date
    one = InnovationFactory.create(
        owner=town,
        novelty="new",
        introduced_on=day(2020, 5, 1),
        classifications={"type": ["service"], "idea_source": ["own_staff", "users"], "motivation": ["savings"]},
    )
    two = InnovationFactory.create(
        owner=town,
        novelty="adapted",
        introduced_on=day(2021, 2, 1),
        classifications={"type": ["service"], "idea_source": ["users"], "channel": ["own_website"]},
    )
    three = InnovationFactory.create(
        owner=joint,
        novelty="copied",
        introduced_on=day(2021, 9, 1),
        classifications={"type": ["process"], "idea_source": ["own_staff"], "outcome_achieved": ["quality"]},
    )
    InnovationFactory.create(owner=joint, novelty="new", classifications={"type": ["process"]})  # no year
    draft = InnovationFactory.create(
        owner=town,
        status=Status.DRAFT,
        novelty="new",
        introduced_on=day(2021, 1, 1),
        classifications={"type": ["service"], "idea_source": ["users", "companies"], "motivation": ["savings"]},
    )
    PartnershipFactory.create(innovation=one, organisation=company)
    PartnershipFactory.create(innovation=two, organisation=university)
    PartnershipFactory.create(innovation=two, organisation=uas)  # the same group: the record counts once
    PartnershipFactory.create(innovation=three, organisation=town)
    PartnershipFactory.create(innovation=draft, organisation=company)
    return {"town": town, "joint": joint}


def _facet(result: live.LiveBarometer, code: str) -> dict[str, tuple[int, float | None]]:
    facet = next(f for f in result.facets if f.code == code)
    return {row.code: (row.count, row.share) for row in facet.rows if row.count}


def test_shares_match_a_hand_count(registry: dict[str, Any]) -> None:
    result = live.live_barometer(live.Filters(), with_survey=False)
    assert result.total == 4  # the draft is not counted
    assert {r.code: (r.count, r.share) for r in result.novelty} == {
        "new": (2, 2 / 4),
        "adapted": (1, 1 / 4),
        "copied": (1, 1 / 4),
    }
    assert [(y.year, y.total, y.counts) for y in result.by_year] == [
        (2020, 1, {"new": 1, "adapted": 0, "copied": 0}),
        (2021, 2, {"new": 0, "adapted": 1, "copied": 1}),
        (None, 1, {"new": 1, "adapted": 0, "copied": 0}),
    ]
    # Three records name an idea source: own staff in two, users in two (the draft's users and companies: no).
    assert _facet(result, "idea_source") == {"own_staff": (2, 2 / 3), "users": (2, 2 / 3)}
    assert _facet(result, "motivation") == {"savings": (1, 1.0)}
    assert _facet(result, "channel") == {"own_website": (1, 1.0)}
    assert _facet(result, "outcome_achieved") == {"quality": (1, 1.0)}
    # Partners: three records have one; a university and a UAS on the same record count once.
    assert _facet(result, live.PARTNER) == {
        "companies": (1, 1 / 3),
        "universities": (1, 1 / 3),
        "other_municipalities": (1, 1 / 3),
    }
    assert next(f for f in result.facets if f.code == live.PARTNER).recorded == 3


def test_a_draft_is_never_counted(registry: dict[str, Any]) -> None:
    result = live.live_barometer(live.Filters(year=2021, region="01"), with_survey=False)
    assert result.total == 1  # only the adapted record; the town's 2021 draft is not
    assert _facet(result, "idea_source") == {"users": (1, 1.0)}
    assert "companies" not in _facet(result, live.PARTNER)
    assert "savings" not in _facet(result, "motivation")


def test_filters(registry: dict[str, Any]) -> None:
    by_kind = live.live_barometer(live.Filters(kind=OrganisationKind.JOINT_AUTHORITY), with_survey=False)
    assert by_kind.total == 2
    assert {r.code: r.count for r in by_kind.novelty} == {"new": 1, "adapted": 0, "copied": 1}
    by_region = live.live_barometer(live.Filters(region="01"), with_survey=False)
    assert by_region.total == 2
    assert _facet(by_region, "idea_source") == {"own_staff": (1, 0.5), "users": (2, 1.0)}
    by_year = live.live_barometer(live.Filters(year=2020), with_survey=False)
    assert by_year.total == 1
    assert len(by_year.by_year) == 3  # the year table still shows every year
    nothing = live.live_barometer(live.Filters(region="19"), with_survey=False)
    assert nothing.total == 0
    assert all(r.share is None for r in nothing.novelty)


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_the_page_says_registry_records_not_a_sample(client: Client, registry: dict[str, Any], lang: str) -> None:
    response = client.get(page_url(lang), {"region": "01"})
    assert response.status_code == 200
    html = response.content.decode()
    label = {"fi": "Rekisterin tietueet, ei otos", "sv": "Registrets poster, inget urval", "en": "Registry records"}
    assert label[lang] in html
    assert {"fi": "50\u00a0%", "sv": "50\u00a0%", "en": "50%"}[lang] in html  # own staff among Uusimaa's records
    assert 'id="facet-partner-caption"' in html


def test_bad_filters_are_explained_not_a_500(client: Client, registry: dict[str, Any]) -> None:
    response = client.get(page_url("en"), {"year": "soon", "region": "zz", "kind": "<b>"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "error-summary" in html
    assert "4 published records" in html  # the invalid filters are left out


def test_the_survey_comparison_is_absent_without_a_round(client: Client, registry: dict[str, Any]) -> None:
    assert live.latest_round() is None
    html = client.get(page_url("en")).content.decode()
    assert "No survey round with these questions is published" in html
    assert "weighted estimate" not in html


@pytest.fixture
def survey() -> Round:
    from demo import barometer as demo_barometer

    OrganisationFactory.create(
        kind=OrganisationKind.OTHER,
        name_fi="Suomen Kuntaliitto",
        name_sv="Finlands Kommunförbund",
        name_en="Association of Finnish Municipalities",
    )
    for _ in range(3):
        OrganisationFactory.create(kind=OrganisationKind.JOINT_AUTHORITY)
    demo_barometer.demo_rounds_load()
    slugs = (demo_barometer.ROUND_2018.slug, demo_barometer.ROUND_2022.slug)
    Round.objects.filter(slug__in=slugs).update(status=RoundStatus.PUBLISHED)  # other demo rounds stay unpublished
    cache.clear()
    return Round.objects.get(slug=demo_barometer.ROUND_2022.slug)


def test_the_survey_comparison_is_the_latest_rounds_estimates(
    client: Client, registry: dict[str, Any], survey: Round
) -> None:
    assert live.latest_round() == survey
    result = live.live_barometer(live.Filters())
    assert result.survey is not None
    assert result.survey.round == survey
    # The same figures as the barometer's own reading of the round.
    data = analysis.round_data(survey)
    options = analysis.Options(weighted=not data.weighting_problem(), public=True)
    expected = analysis.question_result(data, data.questions["q_novelty"], options)
    rows = {row.code: row for row in expected.blocks[0].rows}
    for row in result.novelty:
        assert row.survey is not None
        assert row.survey.percent == rows[row.code].percent
        assert row.survey.ci_low == rows[row.code].ci_low
    partners = next(f for f in result.facets if f.code == live.PARTNER)
    assert next(r for r in partners.rows if r.code == "other").survey is None  # no survey option: registry only
    outcomes = next(f for f in result.facets if f.code == "outcome_achieved")
    assert all(r.survey is None for r in outcomes.rows)
    html = client.get(page_url("en")).content.decode()
    assert str(survey.name) in html
    assert "Synthetic demo data" in html
    assert "not asked" in html


def test_a_real_round_is_preferred_to_a_synthetic_one(registry: dict[str, Any], survey: Round) -> None:
    from demo import barometer as demo_barometer

    older = Round.objects.get(slug=demo_barometer.ROUND_2018.slug)
    Round.objects.filter(pk=older.pk).update(is_synthetic=False)
    assert live.latest_round() == older


def test_the_number_of_queries_does_not_grow(client: Client, registry: dict[str, Any]) -> None:
    url = page_url("en")
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        client.get(url, {"kind": "municipality"})
    owner = Organisation.objects.get(pk=registry["town"].pk)
    for n in range(6):
        record = InnovationFactory.create(
            owner=owner,
            introduced_on=datetime.date(2010 + n, 1, 1),
            classifications={"type": ["service"], "idea_source": ["users"], "channel": ["events"]},
        )
        PartnershipFactory.create(innovation=record)
    with CaptureQueriesContext(connection) as large:
        client.get(url, {"kind": "municipality"})
    assert len(large) == len(small)
    assert len(small) <= 8


API = "/api/v1/diffusion/live-barometer"


def test_the_api_gives_the_same_figures(client: Client, registry: dict[str, Any]) -> None:
    response = client.get(API, {"region": "01"})
    assert response.status_code == 200
    body = response.json()
    assert body["source"] == "registry records, not a sample"
    assert body["total"] == 2
    assert body["survey_round"] is None
    ideas = next(f for f in body["facets"] if f["code"] == "idea_source")
    assert ideas["recorded"] == 2
    assert {r["code"]: r["share"] for r in ideas["rows"] if r["count"]} == {"own_staff": 0.5, "users": 1.0}
    assert [y["year"] for y in body["by_year"]] == [2020, 2021]
    assert client.get(API, {"kind": "joint_authority"}).json()["total"] == 2


@pytest.mark.parametrize("query", [{"year": "soon"}, {"year": "99999"}, {"kind": "castle"}, {"region": "toolong"}])
def test_the_api_refuses_bad_filters(client: Client, registry: dict[str, Any], query: dict[str, str]) -> None:
    assert client.get(API, query).status_code == 422


@pytest.mark.parametrize("name", ["diffusion:overview", "barometer:index"])
def test_linked_from_the_overview_and_the_barometer(client: Client, name: str) -> None:
    with translation.override("sv"):
        html = client.get(reverse(name)).content.decode()
        assert f'href="{reverse("diffusion:live_barometer")}"' in html


# --- the survey column among the chosen region's and kind's respondents ------------------------------------------


def _biggest_region(round_: Round) -> str:
    data = analysis.round_data(round_)
    regions = [r.strata["region"] for r in data.respondents if r.strata["region"]]
    return max(set(regions), key=regions.count)


def test_a_public_rounds_estimates_are_among_the_chosen_groups_respondents(
    client: Client, registry: dict[str, Any], survey: Round
) -> None:
    Round.objects.filter(pk=survey.pk).update(answers_public=True)
    survey.refresh_from_db()
    cache.clear()
    region = _biggest_region(survey)
    result = live.live_barometer(live.Filters(region=region, kind=OrganisationKind.MUNICIPALITY))
    assert result.survey is not None
    assert result.survey.domain == (("region", region), ("kind", "municipality"))
    assert not result.survey.filters_ignored
    # The same figures as the barometer's own domain estimate with these filters (and not the whole round's).
    data = analysis.round_data(survey)
    weighted = not data.weighting_problem()
    question = data.questions["q_novelty"]
    domain = analysis.question_result(
        data, question, analysis.Options(weighted, True, (("region", region), ("kind", "municipality")))
    )
    whole = analysis.question_result(data, question, analysis.Options(weighted, True))
    if domain.blocks[0].suppressed:
        assert "q_novelty" in result.survey.suppressed
    else:
        expected = {row.code: row.percent for row in domain.blocks[0].rows if row.percent is not None}
        assert {row.code: row.survey.percent for row in result.novelty if row.survey} == expected
        assert expected != {row.code: row.percent for row in whole.blocks[0].rows if row.percent is not None}
    with translation.override("en"):
        html = client.get(page_url("en"), {"region": region, "kind": "municipality"}).content.decode()
    assert "among its respondents in the chosen group" in html
    body = client.get(API, {"region": region, "kind": "municipality"}).json()
    assert body["survey_round"]["domain"] == {"region": region, "kind": "municipality"}
    assert body["survey_round"]["filters_ignored"] is False


def test_a_group_too_small_is_suppressed_not_shown(client: Client, registry: dict[str, Any], survey: Round) -> None:
    Round.objects.filter(pk=survey.pk).update(answers_public=True)
    cache.clear()
    # Universities answer the municipal barometer in no round: nobody in the group.
    result = live.live_barometer(live.Filters(kind=OrganisationKind.UNIVERSITY))
    assert result.survey is not None
    assert "q_novelty" in result.survey.suppressed
    assert all(row.survey is None for row in result.novelty)
    html = client.get(page_url("en"), {"kind": "university"}).content.decode()
    assert "too few answers" in html


def test_a_round_whose_answers_are_not_public_is_shown_whole(
    client: Client, registry: dict[str, Any], survey: Round
) -> None:
    assert not survey.answers_public
    region = _biggest_region(survey)
    filtered = live.live_barometer(live.Filters(region=region))
    whole = live.live_barometer(live.Filters())
    assert filtered.survey is not None
    assert whole.survey is not None
    assert filtered.survey.filters_ignored
    assert filtered.survey.domain == ()
    assert filtered.survey.estimates == whole.survey.estimates
    with translation.override("sv"):
        html = client.get(page_url("sv"), {"region": region}).content.decode()
    with translation.override("sv"):
        assert escape(live_page.survey_scope(filtered.survey)) in html
    assert client.get(API, {"region": region}).json()["survey_round"]["filters_ignored"] is True
