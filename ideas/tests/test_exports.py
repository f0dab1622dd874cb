"""The challenge export: its tables and what they leave out, formula neutralising, CSV and XLSX files, and every
role on the export page and files."""

import csv
import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook  # type: ignore[import-untyped]

from ideas import exports
from ideas.models import Challenge, Idea, IdeaState
from ideas.services import ideas as services
from tests.factories import UserFactory as _UserFactory
from tests.pages import url as page_url


def person(**fields: Any) -> Any:
    return _UserFactory(**fields)


@pytest.fixture
def busy_challenge(challenge_a: Challenge, editor_a: Any, anonymous: Any) -> Challenge:
    """Ideas with supports, comments, a state change, and texts that try to become spreadsheet formulas."""
    sender = person(email="lahettaja@example.fi", first_name="Salla", last_name="Sender")
    idea = services.idea_send(
        actor=sender, challenge=challenge_a, title='=HYPERLINK("http://evil")', text="<p>+SUM(A1:A9)</p>"
    )
    supporter = person(email="tukija@example.fi")
    services.support_add(actor=supporter, idea=idea)
    services.comment_add(actor=supporter, idea=idea, text="@cmd hyvä")
    services.idea_set_state(actor=editor_a, idea=idea, state=IdeaState.NOT_TAKEN_FORWARD, reason="-Ei rahaa")
    services.idea_send(actor=person(), challenge=challenge_a, title="Kylätalo", text="Yhteinen tila")
    services.idea_send(
        actor=anonymous, challenge=challenge_a, title="Nimetön", text="Teksti", sender_email="anon@example.fi"
    )
    return challenge_a


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Kylätalo", "Kylätalo"),
        ("a=b", "a=b"),
        (-5, -5),
        (None, ""),
        (True, True),
    ],
)
def test_safe_cell(value: Any, expected: Any) -> None:
    assert exports.safe_cell(value) == expected


def test_tables_hold_the_challenge_without_personal_data(busy_challenge: Challenge) -> None:
    with translation.override("en"):
        tables = {table.name: table for table in exports.challenge_tables(busy_challenge)}
    assert list(tables) == ["ideas", "comments", "supports", "states"]
    ideas = tables["ideas"]
    assert len(ideas.rows) == 3
    first = dict(zip(ideas.columns, ideas.rows[0], strict=True))
    assert first["title"] == '=HYPERLINK("http://evil")'
    assert first["text"] == "+SUM(A1:A9)"  # markup removed
    assert first["state"] == "Not taken forward"  # the state's name, not its code
    assert first["state_reason"] == "-Ei rahaa"
    assert first["supports"] == 1
    assert first["comments"] == 1
    assert len(tables["comments"].rows) == 1
    assert len(tables["supports"].rows) == 1
    states = [dict(zip(tables["states"].columns, row, strict=True)) for row in tables["states"].rows]
    assert [(s["from_state"], s["to_state"], s["reason"]) for s in states] == [
        ("Received", "Not taken forward", "-Ei rahaa")
    ]
    everything = repr([table.rows for table in tables.values()]) + repr([table.columns for table in tables.values()])
    for personal in ("lahettaja@example.fi", "tukija@example.fi", "anon@example.fi", "Salla", "Sender", "email"):
        assert personal not in everything


def test_counts_of_supports_and_comments_do_not_multiply_each_other(busy_challenge: Challenge) -> None:
    idea = busy_challenge.ideas.order_by("pk").first()
    assert idea is not None
    for index in range(2):
        someone = person()
        services.support_add(actor=someone, idea=idea)
        services.comment_add(actor=someone, idea=idea, text=f"Kommentti {index}")
    ideas = exports.challenge_tables(busy_challenge)[0]
    first = dict(zip(ideas.columns, ideas.rows[0], strict=True))
    assert (first["supports"], first["comments"]) == (3, 3)


def test_tables_leave_out_other_challenges(busy_challenge: Challenge, org_a: Any, editor_a: Any) -> None:
    from tests.factories import ChallengeFactory

    other = ChallengeFactory.create(owner=org_a, actor=editor_a, unnumbered=True)
    services.idea_send(actor=person(), challenge=other, title="Muualla", text="Toinen haaste")
    titles = [row[1] for row in exports.challenge_tables(busy_challenge)[0].rows]
    assert "Muualla" not in titles


def test_csv_file_neutralises_formulas(busy_challenge: Challenge, editor_a: Any, client: Client) -> None:
    client.force_login(editor_a)
    response = client.get(page_url("ideas:export_csv", "en", pk=busy_challenge.pk, table="ideas"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    text = response.content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows[0]["Title"] == '\'=HYPERLINK("http://evil")'
    assert rows[0]["Text"] == "'+SUM(A1:A9)"
    assert rows[0]["Reason for the state"] == "'-Ei rahaa"
    comments = client.get(page_url("ideas:export_csv", "en", pk=busy_challenge.pk, table="comments"))
    assert next(iter(csv.DictReader(io.StringIO(comments.content.decode("utf-8-sig")))))["Text"] == "'@cmd hyvä"
    assert client.get(reverse("ideas:export_csv", args=[busy_challenge.pk, "people"])).status_code == 404


def test_xlsx_has_a_sheet_per_table_and_no_formulas(busy_challenge: Challenge, editor_a: Any, client: Client) -> None:
    client.force_login(editor_a)
    response = client.get(page_url("ideas:export_xlsx", "en", pk=busy_challenge.pk))
    assert response.status_code == 200
    assert response["Content-Type"] == exports.XLSX_CONTENT_TYPE
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Ideas", "Comments", "Supports", "State changes"]
    sheet = workbook["Ideas"]
    header = [cell.value for cell in sheet[1]]
    row = dict(zip(header, [cell.value for cell in sheet[2]], strict=True))
    assert row["Title"] == '\'=HYPERLINK("http://evil")'
    assert all(cell.data_type != "f" for ws in workbook.worksheets for line in ws.iter_rows() for cell in line)
    assert workbook["State changes"].max_row == 2


@pytest.mark.parametrize(
    ("language", "sheets", "title", "state"),
    [
        ("fi", ["Ideat", "Kommentit", "Kannatukset", "Tilamuutokset"], "Otsikko", "Ei viedä eteenpäin"),
        ("sv", ["Idéer", "Kommentarer", "Stöd", "Statusändringar"], "Titel", "Går inte vidare"),
    ],
)
def test_xlsx_speaks_the_language_of_the_page(
    busy_challenge: Challenge, editor_a: Any, client: Client, language: str, sheets: list[str], title: str, state: str
) -> None:
    """The workbook offered on the Finnish page has Finnish sheet names, headers and states (issue 12, item 15)."""
    client.force_login(editor_a)
    workbook = load_workbook(
        io.BytesIO(client.get(page_url("ideas:export_xlsx", language, pk=busy_challenge.pk)).content)
    )
    assert workbook.sheetnames == sheets
    sheet = workbook[sheets[0]]
    header = [cell.value for cell in sheet[1]]
    row = dict(zip(header, [cell.value for cell in sheet[2]], strict=True))
    assert title in header
    assert state in row.values()


def test_xlsx_drops_control_characters() -> None:
    content = exports.write_xlsx([exports.Table("ideas", ("title",), [("a\x00b\x07c",)])])
    assert load_workbook(io.BytesIO(content))["ideas"]["A2"].value == "abc"


ROLES = [
    ("anonymous", 403),
    ("registered_user", 403),
    ("sender", 403),
    ("editor_a", 200),
    ("admin_a", 200),
    ("editor_b", 403),
    ("challenge_handler", 200),
    ("platform_admin", 200),
]


@pytest.mark.parametrize(("role", "status"), ROLES)
def test_export_by_role(
    role: str, status: int, busy_challenge: Challenge, idea_a: Idea, request: pytest.FixtureRequest, client: Client
) -> None:
    if role == "challenge_handler":
        actor = person()
        busy_challenge.handlers.add(actor)
    elif role == "sender":
        actor = idea_a.sender
    else:
        actor = request.getfixturevalue(role)
    if role != "anonymous":
        client.force_login(actor)
    for url in (
        reverse("ideas:export", args=[busy_challenge.pk]),
        reverse("ideas:export_csv", args=[busy_challenge.pk, "ideas"]),
        reverse("ideas:export_xlsx", args=[busy_challenge.pk]),
    ):
        assert client.get(url).status_code == status, url
    detail = client.get(reverse("ideas:detail", args=[busy_challenge.pk])).content.decode()
    assert (reverse("ideas:export", args=[busy_challenge.pk]) in detail) == (status == 200)


def test_a_staff_challenge_is_a_404_to_outsiders(org_a: Any, editor_a: Any, editor_b: Any, client: Client) -> None:
    from tests.factories import ChallengeFactory

    staff = ChallengeFactory.create(owner=org_a, actor=editor_a, unnumbered=True, audience="staff")
    client.force_login(editor_b)
    assert client.get(reverse("ideas:export_xlsx", args=[staff.pk])).status_code == 404


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_export_page_in_each_language(language: str, busy_challenge: Challenge, editor_a: Any, client: Client) -> None:
    client.force_login(editor_a)
    url = reverse("ideas:export", args=[busy_challenge.pk])
    response = client.get(f"/{language}/" + url.split("/", 2)[2])
    assert response.status_code == 200
    assert f'lang="{language}"' in response.content.decode()
