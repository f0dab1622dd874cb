"""The results pages: who sees what (every role × every page and download), the disclosure rules in what the
public gets, the explorer's form and shareable state, the downloads, and the languages of the URL."""

import io
from collections.abc import Callable
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from openpyxl import load_workbook  # type: ignore[import-untyped]  # ships no type information

from barometer.models import Round
from barometer.tests.test_analysis_support import STRATA, analysed_round, previous_round, round_with_random_answers
from barometer.vocabulary import RoundStatus, Unit
from tests.pages import client_as, client_for, url

pytestmark = pytest.mark.django_db
__all__ = ["analysed_round", "previous_round"]  # fixtures used by name

ROLES = ("anonymous", "registered_user", "editor_b", "editor_a", "admin_a", "platform_admin")
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    cache.clear()


@pytest.fixture
def unpublished(small_version: Any, org_a: Any) -> Round:
    """A closed round of org_a whose results are not published yet."""
    return round_with_random_answers(
        small_version, org_a, slug="closed-round", year=2023, seed=7, status=RoundStatus.CLOSED
    )


# --- who sees what -------------------------------------------------------------------------------------------

PAGES: dict[str, Callable[[str], str]] = {
    "report": lambda slug: url("barometer:report", slug=slug),
    "report, weighted": lambda slug: url("barometer:report", slug=slug, query="weighted=1"),
    "PDF": lambda slug: url("barometer:report_pdf", slug=slug),
    "XLSX": lambda slug: url("barometer:report_xlsx", slug=slug),
    "CSV": lambda slug: url("barometer:report_csv", slug=slug),
    "chart PNG": lambda slug: url("barometer:figure", slug=slug, question="types", figure="chart", fmt="png"),
    "chart SVG": lambda slug: url("barometer:figure", slug=slug, question="types", figure="chart", fmt="svg"),
    "table CSV": lambda slug: url("barometer:figure", slug=slug, question="types", figure="chart", fmt="csv"),
    "map": lambda slug: url(
        "barometer:figure", slug=slug, question="types", figure="map", fmt="svg", query="breakdown=region"
    ),
}
# PDFs take a while to lay out: one person outside the team and one of the team get one (access is the same check).
PDF_ROLES = ("anonymous", "editor_a")


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", [p for p in PAGES if p != "PDF"])
def test_published_results_are_for_everyone(
    role: str, page: str, analysed_round: Round, request: pytest.FixtureRequest
) -> None:
    response = client_as(role, request).get(PAGES[page](analysed_round.slug))
    assert response.status_code == 200


@pytest.mark.parametrize("role", PDF_ROLES)
def test_published_pdf(role: str, analysed_round: Round, request: pytest.FixtureRequest) -> None:
    response = client_as(role, request).get(PAGES["PDF"](analysed_round.slug))
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", 404),
        ("registered_user", 404),
        ("editor_b", 404),
        ("editor_a", 200),
        ("admin_a", 200),
        ("platform_admin", 200),
    ],
)
@pytest.mark.parametrize("page", [p for p in PAGES if p != "PDF"])
def test_unpublished_results_are_for_the_team_only(
    role: str, expected: int, page: str, unpublished: Round, request: pytest.FixtureRequest
) -> None:
    response = client_as(role, request).get(PAGES[page](unpublished.slug))
    assert response.status_code == expected


@pytest.mark.parametrize(("role", "expected"), [("anonymous", 404), ("editor_b", 404), ("editor_a", 200)])
def test_unpublished_pdf(role: str, expected: int, unpublished: Round, request: pytest.FixtureRequest) -> None:
    response = client_as(role, request).get(url("barometer:report_pdf", slug=unpublished.slug))
    assert response.status_code == expected
    if expected == 200:
        assert response.content.startswith(b"%PDF")


@pytest.mark.parametrize(
    ("role", "sees_unpublished", "sees_team_links"),
    [
        ("anonymous", False, False),
        ("registered_user", False, False),
        ("editor_b", False, True),
        ("editor_a", True, True),
        ("admin_a", True, True),
        ("platform_admin", True, True),
    ],
)
def test_landing_page(
    role: str,
    sees_unpublished: bool,
    sees_team_links: bool,
    analysed_round: Round,
    unpublished: Round,
    request: pytest.FixtureRequest,
) -> None:
    page = client_as(role, request).get(url("barometer:index", "en")).content.decode()
    assert url("barometer:report", "en", slug=analysed_round.slug) in page
    assert (url("barometer:report", "en", slug=unpublished.slug) in page) == sees_unpublished
    assert ("For the barometer team" in page) == sees_team_links
    assert 'aria-current="page">Barometer</a>' in page


@pytest.mark.parametrize(
    ("role", "may_choose"),
    [
        ("anonymous", False),
        ("registered_user", False),
        ("editor_b", False),
        ("editor_a", True),
        ("admin_a", True),
        ("platform_admin", True),
    ],
)
def test_explorer_offers_unpublished_rounds_and_filters_to_the_team_only(
    role: str, may_choose: bool, analysed_round: Round, unpublished: Round, request: pytest.FixtureRequest
) -> None:
    client = client_as(role, request)
    page = client.get(url("barometer:explorer", "en")).content.decode()
    assert f'value="{analysed_round.slug}"' in page
    assert (f'value="{unpublished.slug}"' in page) == may_choose
    chosen = client.get(url("barometer:explorer", "en", query=f"round={unpublished.slug}&question=types"))
    assert chosen.status_code == 200
    text = chosen.content.decode()
    assert ("Select a valid choice" in text) != may_choose
    assert ('name="region"' in text) == may_choose  # a filter
    assert ("Only: Region" in page) == may_choose


# --- disclosure control -----------------------------------------------------------------------------------------


@pytest.fixture
def small_groups(small_version: Any, org_a: Any) -> Round:
    """A published round where region 04 has 3 respondents: suppressed in public, with region 02 (6) beside it."""
    strata = [(("municipality", "lt5k", "01"), 9), (("municipality", "lt5k", "02"), 6)]
    strata += [(("municipality", "lt5k", "03"), 7), (("municipality", "lt5k", "04"), 3)]
    return round_with_random_answers(small_version, org_a, slug="small-groups", year=2021, strata=strata, seed=9)


def _explore(client: Client, round_: Round, query: str) -> str:
    return client.get(url("barometer:explorer", "en", query=f"round={round_.slug}&{query}")).content.decode()


def test_the_public_sees_small_groups_suppressed_and_the_team_sees_them_unless_it_previews(
    small_groups: Round, editor_a: Any
) -> None:
    team = client_for(editor_a)
    csv_url = url("barometer:figure", "en", slug=small_groups.slug, question="introduced", figure="chart", fmt="csv")
    public_rows = Client().get(csv_url + "?breakdown=region").content.decode().splitlines()
    team_rows = team.get(csv_url + "?breakdown=region").content.decode().splitlines()
    preview_rows = team.get(csv_url + "?breakdown=region&view=public").content.decode().splitlines()

    def group_codes(rows: list[str]) -> set[str]:
        header = rows[0].lstrip("\ufeff").split(",")
        records = [dict(zip(header, row.split(","), strict=False)) for row in rows[1:]]
        return {r["group_code"] for r in records}

    # Region 04 has 3 respondents: the public sees it combined with the next smallest region (02), never alone.
    combined = {code for code in group_codes(public_rows) if "+" in code}
    assert [sorted(code.split("+")) for code in combined] == [["02", "04"]]
    assert "04" not in group_codes(public_rows)
    assert group_codes(preview_rows) == group_codes(public_rows)
    assert {"02", "04"} <= group_codes(team_rows)


def test_free_text_answers_are_not_published_unless_the_round_says_so(analysed_round: Round, editor_a: Any) -> None:
    public = _explore(Client(), analysed_round, "question=comments")
    assert "Free-text answers are not published" in public
    assert "Hyvä kysely." not in public
    assert "Kiitos!" not in public
    team = client_for(editor_a)
    assert "Read the answers" in _explore(team, analysed_round, "question=comments")
    analysed_round.answers_public = True
    analysed_round.save(update_fields=["answers_public"])
    assert "Read the answers" in _explore(Client(), analysed_round, "question=comments")


def test_filters_in_a_public_query_are_ignored(analysed_round: Round) -> None:
    everyone = _explore(Client(), analysed_round, "question=introduced")
    filtered = _explore(Client(), analysed_round, "question=introduced&region=01")
    total = everyone.split("Total (N)")[1][:80]
    assert filtered.split("Total (N)")[1][:80] == total
    assert "Only: Region" not in filtered


# --- the explorer ------------------------------------------------------------------------------------------------


def test_the_explorer_defaults_to_the_latest_round_compared_with_its_previous_one(
    analysed_round: Round, previous_round: Round
) -> None:
    page = Client().get(url("barometer:explorer", "en")).content.decode()
    assert f'<option value="{analysed_round.slug}" selected>' in page
    assert f'<option value="{previous_round.slug}" selected>' in page  # compare with
    assert "Compared with Barometer 2018" in page
    assert "Across rounds" in page  # the trend of the two rounds
    # The share link repeats the state, and every download takes it.
    assert f"round={analysed_round.slug}" in page.split('id="share-link"')[1][:400]
    assert f"compare={previous_round.slug}" in page.split("Chart as PNG")[0].rsplit("href=", 1)[1]


def test_breakdown_by_region_draws_a_map_of_the_chosen_answer(analysed_round: Round) -> None:
    page = _explore(Client(), analysed_round, "question=types&breakdown=region&choice=process")
    assert "By region: process" in page
    assert '<option value="process" selected>' in page
    assert 'id="figure-map"' in page
    svg = Client().get(
        url("barometer:figure", slug=analysed_round.slug, question="types", figure="map", fmt="png")
        + "?breakdown=region&choice=process"
    )
    assert svg["Content-Type"] == "image/png"
    assert svg.content.startswith(PNG_SIGNATURE)
    assert 'filename="barometri-2022-types-map.png"' in svg["Content-Disposition"]


def test_a_choice_the_round_does_not_have_is_replaced_with_a_notice(analysed_round: Round) -> None:
    page = _explore(Client(), analysed_round, "question=nope&breakdown=q:nothing&compare=nowhere")
    assert "The question “nope” is not in this round" in page
    assert "cannot be broken down that way" in page
    assert "There is no other round “nowhere” to compare with." in page
    assert "Please check the following" not in page
    assert '<option value="kind" selected>' in page  # the first question with answer options


def test_an_unknown_round_is_a_form_error(analysed_round: Round) -> None:
    response = Client().get(url("barometer:explorer", "en", query="round=nope"))
    assert response.status_code == 200
    text = response.content.decode()
    assert "Please check the following" in text
    assert "Survey round: Select a valid choice" in text


def test_weighting_that_is_not_possible_says_why(small_version: Any, org_a: Any) -> None:
    sparse = round_with_random_answers(
        small_version,
        org_a,
        slug="sparse",
        year=2020,
        strata=[(STRATA[0][0], 6), (STRATA[1][0], 0)],
        seed=3,
        unit=Unit.RESPONDENT,
    )
    page = _explore(Client(), sparse, "question=introduced&weighted=1")
    assert "unit of analysis is the organisation" in page
    assert "The figures are unweighted." in page


def test_unknown_figures_and_questions_are_404(analysed_round: Round) -> None:
    client = Client()
    for question, figure, fmt in (("types", "pie", "png"), ("types", "chart", "gif"), ("nope", "chart", "png")):
        address = url("barometer:figure", slug=analysed_round.slug, question=question, figure=figure, fmt=fmt)
        assert client.get(address).status_code == 404
    # A trend needs a round to compare with; a number has no chart (but its table).
    trend = url("barometer:figure", slug=analysed_round.slug, question="types", figure="trend", fmt="svg")
    assert client.get(trend).status_code == 404
    number = url("barometer:figure", slug=analysed_round.slug, question="staff", figure="chart", fmt="png")
    assert client.get(number).status_code == 404


# --- the report -------------------------------------------------------------------------------------------------


def test_the_report_page_has_every_question_with_its_chart_table_and_downloads(
    analysed_round: Round, previous_round: Round
) -> None:
    page = Client().get(url("barometer:report", "en", slug=analysed_round.slug)).content.decode()
    for code in ("kind", "introduced", "types", "enablers", "staff", "comments"):
        assert f'id="q-{code}"' in page
    assert page.count('<svg role="img"') == 4  # the choice questions; numbers and texts have tables only
    assert page.count("Chart as PNG") == 4
    assert page.count("<table") == 4
    assert "Compared with Barometer 2018." in page


@pytest.mark.parametrize(("language", "words"), [("fi", 'lang="fi"'), ("sv", 'lang="sv"'), ("en", "Report as PDF")])
def test_the_report_is_in_the_language_of_the_url(language: str, words: str, analysed_round: Round) -> None:
    response = Client().get(url("barometer:report", language, slug=analysed_round.slug))
    assert response.status_code == 200
    assert words in response.content.decode()
    workbook = Client().get(url("barometer:report_xlsx", language, slug=analysed_round.slug))
    sheet = load_workbook(io.BytesIO(workbook.content)).worksheets[0]
    assert sheet["A1"].value == getattr(analysed_round, f"name_{language}")


def test_synthetic_rounds_are_labelled_wherever_they_are_shown(analysed_round: Round) -> None:
    analysed_round.is_synthetic = True
    analysed_round.save(update_fields=["is_synthetic"])
    client = Client()
    for address in (
        url("barometer:index", "en"),
        url("barometer:report", "en", slug=analysed_round.slug),
        url("barometer:explorer", "en"),
    ):
        assert "Synthetic demo data" in client.get(address).content.decode(), address
    svg = client.get(
        url("barometer:figure", "en", slug=analysed_round.slug, question="types", figure="chart", fmt="svg")
    )
    assert "Synthetic demo data" in svg.content.decode()
    data = client.get(url("barometer:report_csv", "en", slug=analysed_round.slug)).content.decode()
    assert ",True\r\n" in data  # is_synthetic, the last column
    xlsx = client.get(url("barometer:report_xlsx", "en", slug=analysed_round.slug))
    contents = [row[0] for row in load_workbook(io.BytesIO(xlsx.content)).worksheets[0].iter_rows(values_only=True)]
    assert "Synthetic demo data, not a real survey." in contents


def test_downloads_are_files_of_their_kind(analysed_round: Round) -> None:
    client = Client()
    xlsx = client.get(url("barometer:report_xlsx", slug=analysed_round.slug))
    assert xlsx["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert xlsx.content.startswith(b"PK")
    svg = client.get(url("barometer:figure", slug=analysed_round.slug, question="enablers", figure="chart", fmt="svg"))
    assert svg["Content-Type"] == "image/svg+xml"
    assert svg.content.startswith(b"<svg")
    data = client.get(url("barometer:report_csv", slug=analysed_round.slug))
    assert data["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="barometri-2022-' in data["Content-Disposition"]
