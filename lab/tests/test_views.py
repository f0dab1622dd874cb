"""The portfolio page and its exports: every role × action, the link on the organisation page, the period form's
errors, the three languages, the CSV's sections and the XLSX's sheets, formula injection."""

import csv
import io
from typing import Any

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext
from openpyxl import load_workbook  # type: ignore[import-untyped]

from lab.selectors import portfolio
from lab.tabulation import Period
from lab.tests.conftest import World
from tests.factories import OrganisationFactory, PartnershipFactory
from tests.pages import client_as, client_for, url

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "registered_user", "sender", "handler", "editor_b", "editor_a", "admin_a", "platform_admin")
ALLOWED = {"editor_a", "admin_a", "platform_admin"}
ACTIONS = {"page": "lab:portfolio", "csv": "lab:csv", "xlsx": "lab:xlsx"}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", list(ACTIONS))
def test_every_role_and_action(world: World, role: str, action: str, request: Any) -> None:
    response = client_as(role, request).get(url(ACTIONS[action], organisation_id=world.org.pk))
    if role == "anonymous":
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]
    elif role in ALLOWED:
        assert response.status_code == 200
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("role", ROLES)
def test_the_organisation_page_links_to_the_portfolio_for_its_people_only(
    world: World, role: str, request: Any
) -> None:
    response = client_as(role, request).get(url("organisations:detail", slug=world.org.slug))
    assert response.status_code == 200
    assert (url("lab:portfolio", organisation_id=world.org.pk) in response.text) == (role in ALLOWED)


def test_unknown_organisation_is_404(editor_a: Any) -> None:
    client = client_for(editor_a)
    assert client.get(url("lab:portfolio", organisation_id=999_999)).status_code == 404
    assert client.get(url("lab:csv", organisation_id=999_999)).status_code == 404


def test_writes_are_not_accepted(world: World, editor_a: Any) -> None:
    client = client_for(editor_a)
    assert client.post(url("lab:portfolio", organisation_id=world.org.pk)).status_code == 405


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_page_in_each_language(world: World, editor_a: Any, language: str) -> None:
    client = client_for(editor_a)
    response = client.get(url("lab:portfolio", language=language, organisation_id=world.org.pk))
    assert response.status_code == 200
    with translation.override(language):
        assert f'lang="{language}"' in response.text
        assert gettext("Where ideas came from") in response.text
        assert gettext("Partners by kind") in response.text
    # Tables are accessible: a caption, and headers with their scope.
    assert response.text.count("<caption") >= 10
    assert 'scope="row"' in response.text
    assert 'scope="col"' in response.text


def test_the_page_shows_the_figures(world: World, editor_a: Any) -> None:
    client = client_for(editor_a)
    response = client.get(url("lab:portfolio", organisation_id=world.org.pk))
    assert response.context["portfolio"].totals["ideas"] == 5
    # Challenge titles (in Finnish on the Finnish page), partners linking to their pages.
    assert "=Suljettu haaste" in response.text
    assert url("organisations:detail", slug=world.company.slug) in response.text


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("year=2025&start=2025-01-01", "year", "Give either a year or dates, not both."),
        ("start=2025-05-01&end=2025-04-01", "end", "The end date cannot be before the start date."),
        ("year=abc", "year", "Enter a whole number."),
        ("year=1900", "year", "Ensure this value is greater than or equal to 2000."),
        ("start=2025-13-40", "start", "Enter a valid date."),
    ],
)
def test_bad_periods_are_named_next_to_their_field(
    world: World, editor_a: Any, query: str, field: str, message: str
) -> None:
    client = client_for(editor_a)
    response = client.get(url("lab:portfolio", language="en", organisation_id=world.org.pk, query=query))
    assert response.status_code == 200
    with translation.override("en"):
        assert gettext(message) in response.context["form"].errors[field]
    assert f'href="#id_{field}"' in response.text  # the error summary links to the field
    assert 'aria-invalid="true"' in response.text
    # The figures shown are those of all time, and the exports refuse to pretend otherwise.
    assert response.context["portfolio"].period == Period()
    export = client.get(url("lab:csv", language="en", organisation_id=world.org.pk, query=query))
    assert export.status_code == 302
    assert export["Location"].endswith(f"?{query}")


def test_year_filter_on_the_page(world: World, editor_a: Any) -> None:
    client = client_for(editor_a)
    year = timezone.localdate().year
    this_year = client.get(url("lab:portfolio", organisation_id=world.org.pk, query=f"year={year}"))
    assert this_year.context["portfolio"].totals["ideas"] == 5
    last_year = client.get(url("lab:portfolio", organisation_id=world.org.pk, query=f"year={year - 1}"))
    assert last_year.context["portfolio"].totals == {"challenges": 0, "ideas": 0, "experiments": 0, "innovations": 0}
    # The export links carry the period.
    assert f"portfolio.csv?year={year - 1}" in last_year.text


# --- exports ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_csv_has_one_row_per_figure_with_its_section(world: World, editor_a: Any, language: str) -> None:
    client = client_for(editor_a)
    response = client.get(url("lab:csv", language=language, organisation_id=world.org.pk))
    assert response["Content-Type"].startswith("text/csv")
    assert f"lab-{world.org.slug}-all.csv" in response["Content-Disposition"]
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    with translation.override(language):
        assert rows[0] == [gettext("Section"), gettext("Code"), gettext("Row"), gettext("Column"), gettext("Value")]
        expected = portfolio(user=editor_a, organisation=world.org, period=Period())
    # Every figure of every table, once, in the language of the address.
    assert len(rows) - 1 == sum(len(table.rows) * len(table.columns) for table in expected.tables)
    ideas = expected.table("idea_sources")
    assert [ideas.title, "users", ideas.rows[2].label, ideas.columns[0], "2"] in rows
    assert {row[0] for row in rows[1:]} == {table.title for table in expected.tables}


def test_xlsx_has_a_sheet_per_table(world: World, editor_a: Any) -> None:
    client = client_for(editor_a)
    response = client.get(url("lab:xlsx", language="sv", organisation_id=world.org.pk))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = load_workbook(io.BytesIO(response.content))
    with translation.override("sv"):
        expected = portfolio(user=editor_a, organisation=world.org, period=Period())
    assert len(workbook.sheetnames) == 1 + len(expected.tables)
    sources = workbook[workbook.sheetnames[1 + [t.key for t in expected.tables].index("idea_sources")]]
    values = [list(row) for row in sources.iter_rows(values_only=True)]
    table = expected.table("idea_sources")
    assert values[0][0] == table.title
    assert table.headings in values
    assert [table.rows[2].label, 2, 2] in values  # service users: two ideas, two innovations
    # Sheet names are at most 31 characters and unique; the overview links to every sheet (quotes doubled).
    assert all(len(name) <= 31 for name in workbook.sheetnames)
    overview = workbook[workbook.sheetnames[0]]
    targets = [cell.hyperlink.location or cell.hyperlink.target for cell in overview["A"] if cell.hyperlink]
    assert len(targets) == len(expected.tables)
    assert [t.removeprefix("#'").removesuffix("'!A1").replace("''", "'") for t in targets] == workbook.sheetnames[1:]


def test_formula_injection_is_neutralised(world: World, editor_a: Any) -> None:
    hostile = OrganisationFactory.create(name_fi='=HYPERLINK("http://evil.example","x")', name_en="@SUM(1+1)")
    PartnershipFactory.create(innovation=world.innovations["service"], organisation=hostile)
    client = client_for(editor_a)
    workbook = load_workbook(io.BytesIO(client.get(url("lab:xlsx", organisation_id=world.org.pk)).content))
    cells = [cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row if cell.value]
    texts = [cell.value for cell in cells if isinstance(cell.value, str)]
    # No formula anywhere: the hostile name and the challenge title "=Suljettu haaste" are plain text.
    assert all(cell.data_type != "f" for cell in cells)
    assert '\'=HYPERLINK("http://evil.example","x")' in texts
    assert "'=Suljettu haaste" in texts
    rows = list(csv.reader(io.StringIO(client.get(url("lab:csv", organisation_id=world.org.pk)).content.decode())))
    assert not any(value.startswith(("=", "+", "-", "@")) for row in rows for value in row)
    assert any(value == "'=Suljettu haaste" for row in rows for value in row)
