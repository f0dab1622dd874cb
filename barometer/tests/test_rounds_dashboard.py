"""The live dashboard's response rates, proven against a recount: random responses over the real frame of
municipalities, counted again the slow, obvious way (one organisation at a time, in Python), must give the same
N, n, answering and rate in every stratum. Also the JSON the page polls, and the order and labels of the rows."""

import random
from collections import defaultdict

import pytest
from django.utils import translation

from barometer.models import FrameUnit, Response
from barometer.rounds import services
from barometer.rounds.selectors import round_progress
from barometer.tests.test_rounds_support import respond, url
from barometer.vocabulary import ResponseStatus
from organisations.models import OrganisationKind, SizeClass
from tests.factories import OrganisationFactory, RoundFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """Messages are read in English (the message ids), whatever the Finnish and Swedish catalogues say."""
    with translation.override("en"):
        yield


@pytest.fixture
def big_round(editor_a, org_a, small_version):
    """Every municipality and joint municipal authority (one without a region or size), drawn by the service."""
    round = RoundFactory.create(actor=editor_a, organiser=org_a, questionnaire_version=small_version)
    OrganisationFactory.create(kind=OrganisationKind.JOINT_AUTHORITY, region=None)
    services.frame_draw(actor=editor_a, round=round, kinds=["municipality", "joint_authority"])
    return round


def _random_responses(round, seed):
    """0–3 responses per organisation, each in progress or submitted, with the odds varying by stratum so that
    rates differ between rows."""
    rng = random.Random(seed)
    for unit in round.frame.all():
        bias = 0.2 + 0.6 * (int(unit.region_code or 0) % 7) / 7
        for _ in range(rng.choice((0, 0, 1, 1, 2, 3))):
            status = ResponseStatus.SUBMITTED if rng.random() < bias else ResponseStatus.IN_PROGRESS
            respond(unit, status)


def _recount(round):
    """{dimension: {code: (N, answered, answering)}}, counted one organisation at a time."""
    statuses = defaultdict(set)
    for response in Response.objects.filter(round=round):
        statuses[response.frame_unit_id].add(response.status)
    counts = {"kind": defaultdict(lambda: [0, 0, 0]), "size_class": defaultdict(lambda: [0, 0, 0])}
    counts["region"] = defaultdict(lambda: [0, 0, 0])
    counts["all"] = defaultdict(lambda: [0, 0, 0])
    for unit in FrameUnit.objects.filter(round=round):
        mine = statuses[unit.pk]
        answered = ResponseStatus.SUBMITTED in mine
        answering = not answered and ResponseStatus.IN_PROGRESS in mine
        for dimension, code in (
            ("kind", unit.kind),
            ("size_class", unit.size_class),
            ("region", unit.region_code),
            ("all", "all"),
        ):
            counts[dimension][code][0] += 1
            counts[dimension][code][1] += answered
            counts[dimension][code][2] += answering
    return {
        dimension: {code: tuple(values) for code, values in by_code.items()} for dimension, by_code in counts.items()
    }


def _shown(progress):
    shown = {
        table.dimension: {row.key: (row.frame, row.responded, row.answering) for row in table.rows}
        for table in progress.tables
    }
    shown["all"] = {"all": (progress.overall.frame, progress.overall.responded, progress.overall.answering)}
    return shown


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_response_rates_by_stratum_equal_a_recount(big_round, seed):
    _random_responses(big_round, seed)
    progress = round_progress(round=big_round)
    assert _shown(progress) == _recount(big_round)
    for table in [progress.overall_table, *progress.tables]:
        for row in table.rows:
            assert row.rate == pytest.approx(row.responded / row.frame)
            assert row.not_started == row.frame - row.responded - row.answering >= 0
        # Every breakdown covers the whole frame once.
        assert sum(row.frame for row in table.rows) == progress.overall.frame
    statuses = list(Response.objects.filter(round=big_round).values_list("status", flat=True))
    assert progress.respondents_submitted == statuses.count(ResponseStatus.SUBMITTED)
    assert progress.responses_in_progress == statuses.count(ResponseStatus.IN_PROGRESS)


def test_an_empty_frame_has_no_rate_rather_than_a_division_by_zero(editor_a, org_a, small_version):
    progress = round_progress(
        round=RoundFactory.create(actor=editor_a, organiser=org_a, questionnaire_version=small_version)
    )
    assert (progress.overall.frame, progress.overall.rate, progress.overall.responded_share) == (0, None, 0.0)
    assert all(not table.rows for table in progress.tables)


def test_rows_follow_the_vocabulary_with_not_known_last_and_readable_labels(big_round):
    progress = round_progress(round=big_round)
    kinds, sizes, regions = progress.tables
    assert [row.key for row in kinds.rows] == ["municipality", "joint_authority"]
    assert [row.key for row in sizes.rows] == [*SizeClass.values, ""]
    assert sizes.rows[0].label == str(SizeClass.LT5K.label)
    assert sizes.rows[-1].label == "Not known"  # joint authorities have no population
    assert regions.rows[-1].key == ""
    uusimaa = next(row for row in regions.rows if row.key == "01")
    assert uusimaa.label == "Uusimaa"


def test_the_polled_json_has_the_same_figures_as_the_page(client, editor_a, big_round):
    _random_responses(big_round, 7)
    client.force_login(editor_a)
    data = client.get(url("barometer:round_dashboard_data", language="en", slug=big_round.slug)).json()
    progress = round_progress(round=big_round)
    assert data["overall"]["frame"] == progress.overall.frame
    assert data["overall"]["responded"] == progress.overall.responded
    for table in progress.tables:
        got = {
            row["key"]: (row["frame"], row["responded"], row["answering"], row["not_started"])
            for row in data["tables"][table.dimension]
        }
        assert got == {row.key: (row.frame, row.responded, row.answering, row.not_started) for row in table.rows}
    assert data["summary"].startswith(f"{progress.overall.responded} of {progress.overall.frame} organisations")
    assert data["overall"]["rate_text"].endswith("%")


def test_the_page_has_a_table_per_breakdown_a_live_summary_and_works_without_script(client, editor_a, big_round):
    _random_responses(big_round, 11)
    client.force_login(editor_a)
    page = client.get(url("barometer:round_dashboard", language="en", slug=big_round.slug)).content.decode()
    for dimension in ("all", "kind", "size_class", "region"):
        assert f'data-dimension="{dimension}"' in page
    assert 'aria-live="polite"' in page
    # Without JavaScript the figures update by reloading; the pause button appears only with JavaScript.
    assert "Update the figures" in page
    assert 'data-pause aria-pressed="false" hidden' in page
    assert "http-equiv" not in page  # no automatic reload: it would interrupt screen-reader users


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_the_page_and_the_json_write_a_rate_alike_with_one_decimal(client, editor_a, big_round, language):
    """The script replaces the page's text with the JSON's: they must agree, decimal comma and % spacing included."""
    respond(big_round.frame.first())
    client.force_login(editor_a)
    data = client.get(url("barometer:round_dashboard_data", language=language, slug=big_round.slug)).json()
    page = client.get(url("barometer:round_dashboard", language=language, slug=big_round.slug)).content.decode()
    share = 100 / big_round.frame.count()
    decimal = "." if language == "en" else ","
    assert data["overall"]["rate_text"].startswith(f"{share:.1f}".replace(".", decimal))  # e.g. 0,3 %: not 0 %
    overall = page.split('data-dimension="all"')[1]
    assert f'data-cell="rate_text">{data["overall"]["rate_text"]}</span>' in overall
