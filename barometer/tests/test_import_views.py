"""The import pages: who may do what (every role × action), the whole flow through the pages (upload, mapping,
matching values by hand, dry run, import), bad files with clear messages, the progress bar and its JSON."""

import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext

from barometer.imports import services
from barometer.models import Response, ResponseImport, Round
from barometer.tests.test_import_support import HEADER, csv_bytes, label_choices, upload, xlsx_bytes
from barometer.vocabulary import ImportStatus, RoundStatus
from innovations.tests.test_views_support import url

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "registered_user", "editor_b", "editor_a", "admin_a", "platform_admin")


def _file(round_: Round, org: Any, name: str = "vastaukset.csv") -> SimpleUploadedFile:
    data = csv_bytes([HEADER, ["A1", org.municipality_code, "municipality", "no", "", "", "large", "4"]])
    return SimpleUploadedFile(name, data, content_type="text/csv")


def _uploaded(round_: Round, editor: Any, org: Any) -> ResponseImport:
    return upload(editor, round_, _file(round_, org).read())


def _checked(round_: Round, editor: Any, org: Any) -> ResponseImport:
    return services.import_start(actor=editor, response_import=_uploaded(round_, editor, org), dry_run=True)


def _mapping_post(response_import: ResponseImport, **changes: str) -> dict[str, str]:
    """What the mapping form posts: the saved mapping as it is, with `changes` ({"column_3": "…"})."""
    preview = services.import_preview(response_import)
    data = {"delimiter": response_import.mapping.get("delimiter", ";")}
    for position, column in enumerate(preview.columns):
        name = column.name
        if response_import.mapping.get("id") == name:
            data[f"column_{position}"] = "@id"
        elif response_import.mapping.get("organisation") == name:
            data[f"column_{position}"] = "@organisation"
        else:
            data[f"column_{position}"] = response_import.mapping.get("columns", {}).get(name, "")
    data.update(changes)
    return data


def _detail(response_import: ResponseImport, name: str = "barometer:import_detail", language: str = "fi") -> str:
    return url(name, language, slug=response_import.round.slug, pk=response_import.pk)


# action → (method, request builder (round, editor_a, org_a) → (path, data), expected per role in ROLES order)
Build = Callable[[Round, Any, Any], tuple[str, dict[str, Any]]]
ACTIONS: dict[str, tuple[str, Build, tuple[Any, ...]]] = {
    "open the imports page": (
        "get",
        lambda r, e, o: (url("barometer:imports", slug=r.slug), {}),
        ("login", 403, 403, 200, 200, 200),
    ),
    "upload a file": (
        "post",
        lambda r, e, o: (url("barometer:imports", slug=r.slug), {"file": _file(r, o)}),
        ("login", 403, 403, 302, 302, 302),
    ),
    "open an import": (
        "get",
        lambda r, e, o: (_detail(_uploaded(r, e, o)), {}),
        ("login", 403, 403, 200, 200, 200),
    ),
    "save the mapping and check": (
        "post",
        lambda r, e, o: (lambda i: (_detail(i), _mapping_post(i)))(_uploaded(r, e, o)),
        ("login", 403, 403, 302, 302, 302),
    ),
    "check again": (
        "post",
        lambda r, e, o: (_detail(_uploaded(r, e, o), "barometer:import_check"), {}),
        ("login", 403, 403, 302, 302, 302),
    ),
    "import": (
        "post",
        lambda r, e, o: (_detail(_checked(r, e, o), "barometer:import_run"), {}),
        ("login", 403, 403, 302, 302, 302),
    ),
    "follow the progress": (
        "get",
        lambda r, e, o: (_detail(_uploaded(r, e, o), "barometer:import_progress"), {}),
        ("login", 403, 403, 200, 200, 200),
    ),
    "download the mapping": (
        "get",
        lambda r, e, o: (_detail(_uploaded(r, e, o), "barometer:import_mapping"), {}),
        ("login", 403, 403, 200, 200, 200),
    ),
    "import by GET": (
        "get",
        lambda r, e, o: (_detail(_checked(r, e, o), "barometer:import_run"), {}),
        ("login", 405, 405, 405, 405, 405),  # the method is refused before anything is looked up
    ),
}


@pytest.mark.parametrize("action", list(ACTIONS))
@pytest.mark.parametrize("role", ROLES)
def test_import_actions_by_role(client, request, action, role, round_open, editor_a, org_a):
    method, build, expected_by_role = ACTIONS[action]
    expected = expected_by_role[ROLES.index(role)]
    path, data = build(round_open, editor_a, org_a)
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    imports_before = ResponseImport.objects.count()
    responses_before = Response.objects.count()
    response = getattr(client, method)(path, data)
    if expected == "login":
        assert response.status_code == 302
        assert response["Location"].startswith(url("accounts:login") + "?next=")
    else:
        assert response.status_code == expected
    succeeded = expected == 302
    # The refusals leave nothing behind; the allowed writes did their work.
    if action == "upload a file":
        assert ResponseImport.objects.count() == imports_before + succeeded
    if action == "import":
        assert Response.objects.count() == responses_before + succeeded
    if action == "save the mapping and check" and succeeded:
        assert ResponseImport.objects.get().status == ImportStatus.CHECKED


def test_an_unknown_round_or_an_import_of_another_round_is_404(client, editor_a, round_open, org_a, small_version):
    client.force_login(editor_a)
    response_import = _uploaded(round_open, editor_a, org_a)
    assert client.get(url("barometer:imports", slug="no-such-round")).status_code == 404
    other = Round.objects.create(
        slug="other",
        name_fi="Toinen",
        questionnaire_version=small_version,
        organiser=round_open.organiser,
        year=2024,
        reference_period_start=round_open.reference_period_start,
        reference_period_end=round_open.reference_period_end,
        opens_on=round_open.opens_on,
        closes_on=round_open.closes_on,
    )
    path = url("barometer:import_detail", slug=other.slug, pk=response_import.pk)
    assert client.get(path).status_code == 404


# --- the whole flow ---------------------------------------------------------------------------------------------


def test_upload_map_match_values_check_and_import_through_the_pages(client, editor_a, round_open, org_a, org_b):
    label_choices(round_open.questionnaire_version)
    client.force_login(editor_a)
    data = csv_bytes(
        [
            ["Vastaus", "Organisaatio", "kind", "introduced", "palvelu", "enablers_technology", "staff"],
            ["1", org_a.municipality_code, "municipality", "Joo", "1", "large", "3"],
            ["2", org_b.name_fi, "joint_authority", "Nej", "", "some", "7,5"],
        ]
    )
    response = client.post(
        url("barometer:imports", slug=round_open.slug), {"file": SimpleUploadedFile("export.csv", data)}
    )
    response_import = ResponseImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == _detail(response_import) + "#mapping"

    # The mapping page: every column with its values and what the automatic mapping made of it.
    page = client.get(_detail(response_import)).content.decode()
    assert "Vastaus" in page
    assert "<code>Joo</code>" in page
    assert re.search(r'<option selected value="introduced">', page)
    assert re.search(r'<select[^>]*name="column_0"[^>]*>(?:(?!</select>).)*<option selected value="">', page, re.S)

    # The team maps the identifier, the organisation and the 0/1 column; the check finds "Joo".
    post = _mapping_post(response_import, column_0="@id", column_1="@organisation", column_4="types:service")
    response = client.post(_detail(response_import), post)
    assert response.status_code == 302
    response_import.refresh_from_db()
    assert response_import.status == ImportStatus.CHECKED
    assert [(p["code"], p["value"]) for p in response_import.problems] == [("unknown_choice", "Joo")]
    page = client.get(_detail(response_import, language="en")).content.decode()
    assert "The check found 1 problem</h2>" in page
    assert "The value matches no answer option of question “introduced”." in page
    field = re.search(
        r'<label for="id_(value_[0-9a-f]{16})" class="visually-hidden">Value “Joo” of column “introduced”', page
    )
    assert field is not None
    assert "Import the responses" not in page

    # "Joo" means yes: matched by hand, checked again, clean.
    response = client.post(_detail(response_import), {**post, field.group(1): "yes"})
    assert response.status_code == 302
    response_import.refresh_from_db()
    assert response_import.mapping["values"] == {"introduced": {"Joo": "yes"}}
    assert (response_import.problems, response_import.created) == ([], 2)
    page = client.get(_detail(response_import, language="en")).content.decode()
    assert "The check found no problems" in page
    assert "The import creates 2 responses and updates 0 imported before." in page
    assert "Import the responses" in page

    # Import.
    response = client.post(_detail(response_import, "barometer:import_run"))
    assert response.status_code == 302
    response_import.refresh_from_db()
    assert (response_import.status, response_import.created) == (ImportStatus.DONE, 2)
    assert set(Response.objects.values_list("external_id", flat=True)) == {"1", "2"}
    page = client.get(_detail(response_import, language="en")).content.decode()
    assert "The file was imported: 2 responses created and 0 updated." in page


def test_the_mapping_download_is_the_stored_mapping(client, editor_a, round_open, org_a):
    client.force_login(editor_a)
    response_import = _uploaded(round_open, editor_a, org_a)
    response = client.get(_detail(response_import, "barometer:import_mapping"))
    assert response["Content-Disposition"] == f'attachment; filename="mapping-{response_import.pk}.json"'
    assert json.loads(response.content) == response_import.mapping


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("kuva.png", b"\x89PNG\r\n\x1a\n", "“.png” cannot be imported"),
        ("tyhja.csv", b"", "is empty."),
        ("rikki.xlsx", b"PK\x03\x04 this is no workbook", "cannot be read as an Excel workbook"),
        ("binaari.csv", b"\x00\x01\x02\x03", "The characters of the file cannot be read"),
        ("vanha.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest", "old Excel file"),
    ],
)
def test_bad_files_get_a_clear_message_not_an_error_page(client, editor_a, round_open, name, data, message):
    client.force_login(editor_a)
    response = client.post(
        url("barometer:imports", "en", slug=round_open.slug), {"file": SimpleUploadedFile(name, data)}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert 'class="error-summary"' in page
    assert message in page
    assert not ResponseImport.objects.exists()


def test_a_file_over_the_limit_is_refused(client, editor_a, round_open, org_a, monkeypatch):
    monkeypatch.setattr("barometer.imports.forms.MAX_BYTES", 10)
    client.force_login(editor_a)
    response = client.post(url("barometer:imports", "en", slug=round_open.slug), {"file": _file(round_open, org_a)})
    assert response.status_code == 200
    assert "The file is larger than 0 MB" in response.content.decode()
    assert not ResponseImport.objects.exists()


def test_mapping_errors_are_shown_at_their_columns(client, editor_a, round_open, org_a):
    client.force_login(editor_a)
    response_import = _uploaded(round_open, editor_a, org_a)
    # Two identifier columns (the form), and two columns for one answer (the service).
    post = _mapping_post(response_import, column_2="@id", column_7="kind")
    response = client.post(_detail(response_import, language="en"), post)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Only one column can be the respondent&#x27;s identifier." in page
    response = client.post(_detail(response_import, language="en"), _mapping_post(response_import, column_7="kind"))
    page = response.content.decode()
    assert response.status_code == 200
    assert 'href="#id_column_7"' in page  # the error summary links to the column's select
    assert "Column “kind” is already mapped to “kind”." in page
    response_import.refresh_from_db()
    assert response_import.status == ImportStatus.UPLOADED  # nothing was saved or checked


def test_the_workbook_sheet_is_chosen_on_the_mapping_page(client, editor_a, round_open, org_a):
    client.force_login(editor_a)
    data = xlsx_bytes(
        {"Ohje": [["Lue tämä"]], "Data": [["id", "kunta", "kind"], ["1", org_a.municipality_code, "municipality"]]}
    )
    response_import = upload(editor_a, round_open, data, "export.xlsx")
    page = client.get(_detail(response_import)).content.decode()
    assert 'name="sheet"' in page
    response = client.post(_detail(response_import), {**_mapping_post(response_import), "sheet": "Data"})
    assert response.status_code == 302
    response_import.refresh_from_db()
    assert response_import.mapping["sheet"] == "Data"
    assert response_import.mapping["columns"] == {"kind": "kind"}


def test_problems_are_listed_with_rows_columns_values_and_pages(client, editor_a, round_open, org_a, monkeypatch):
    monkeypatch.setattr("barometer.imports.views.PROBLEMS_PER_PAGE", 2)
    client.force_login(editor_a)
    rows = [HEADER] + [[f"A{n}", f"Atlantis {n % 3}", "municipality", "no", "", "", "", ""] for n in range(12)]
    response_import = services.import_start(
        actor=editor_a, response_import=upload(editor_a, round_open, csv_bytes(rows)), dry_run=True
    )
    page = client.get(_detail(response_import, language="en")).content.decode()
    assert "The check found 12 problems" in page
    assert "<td>2, 5, 8, 11</td>" in page  # the rows of one problem together
    assert "<code>Atlantis 0</code>" in page
    assert "No organisation in the round&#x27;s sampling frame" in page
    assert 'aria-label="Pages of problems"' in page
    assert "<code>Atlantis 2</code>" in client.get(_detail(response_import, language="en") + "?page=2").content.decode()
    assert "Import the responses" not in page


def test_the_progress_bar_while_work_goes_on(client, editor_a, round_open, org_a):
    client.force_login(editor_a)
    response_import = _uploaded(round_open, editor_a, org_a)
    ResponseImport.objects.filter(pk=response_import.pk).update(
        status=ImportStatus.CHECKING, rows_done=250, rows_total=1000, progress_at=timezone.now()
    )
    page = client.get(_detail(response_import, language="en")).content.decode()
    assert re.search(r'role="progressbar"[^>]*aria-valuemin="0" aria-valuemax="100" aria-valuenow="25"', page)
    assert 'aria-valuetext="250 of 1000 rows checked"' in page
    assert "barometer/imports.js" in page
    assert "Refresh the progress" in page  # without JavaScript
    assert 'name="column_0"' not in page  # no mapping while the file is worked on
    data = client.get(_detail(response_import, "barometer:import_progress", "en")).json()
    assert data == {
        "status": "checking",
        "working": True,
        "stale": False,
        "saving": False,
        "rows_done": 250,
        "rows_total": 1000,
        "percent": 25,
        "text": "250 of 1000 rows checked",
    }
    # A mapping posted meanwhile is refused with a message, not saved.
    response = client.post(_detail(response_import), _mapping_post(response_import))
    assert response.status_code == 302
    response_import.refresh_from_db()
    assert response_import.status == ImportStatus.CHECKING


def test_saving_and_stale_work_on_the_page(client, editor_a, round_open, org_a):
    client.force_login(editor_a)
    response_import = _uploaded(round_open, editor_a, org_a)
    ResponseImport.objects.filter(pk=response_import.pk).update(
        status=ImportStatus.RUNNING, rows_done=10, rows_total=10, progress_at=timezone.now()
    )
    data = client.get(_detail(response_import, "barometer:import_progress", "en")).json()
    assert (data["saving"], data["percent"], data["text"]) == (True, 100, "Every row is checked. Saving the responses…")
    ResponseImport.objects.filter(pk=response_import.pk).update(progress_at=timezone.now() - services.STALE_AFTER * 2)
    page = client.get(_detail(response_import, language="en")).content.decode()
    assert "The work stopped" in page
    assert 'role="progressbar"' not in page
    response = client.post(_detail(response_import, "barometer:import_check"))
    assert response.status_code == 302
    response_import.refresh_from_db()
    assert response_import.status == ImportStatus.CHECKED


def test_a_published_round_takes_no_uploads(client, editor_a, round_open, org_a):
    client.force_login(editor_a)
    response_import = _checked(round_open, editor_a, org_a)
    round_open.status = RoundStatus.PUBLISHED
    round_open.save()
    page = client.get(url("barometer:imports", "en", slug=round_open.slug)).content.decode()
    assert "responses can no longer be imported" in page
    assert 'type="file"' not in page
    response = client.post(_detail(response_import, "barometer:import_run"), follow=True)
    with translation.override("fi"):  # the detail page is in Finnish
        refusal = gettext("The round's results are published: responses can no longer be imported into it.")
    assert escape(refusal) in response.content.decode()
    assert not Response.objects.exists()


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_the_pages_in_every_language(client, editor_a, round_open, org_a, language):
    client.force_login(editor_a)
    response_import = _checked(round_open, editor_a, org_a)
    for path in (url("barometer:imports", language, slug=round_open.slug), _detail(response_import, language=language)):
        response = client.get(path)
        assert response.status_code == 200
        assert f'<html lang="{language}">' in response.content.decode()


def test_values_to_match_keep_the_saved_ones_and_the_most_frequent(round_open, monkeypatch):
    from barometer.imports import forms

    monkeypatch.setattr(forms, "MAX_VALUE_ROWS", 3)
    questions = {q.code: q for q in round_open.questionnaire_version.questions.all()}
    mapping = {"columns": {"vastaus": "introduced"}, "values": {"vastaus": {"Joo": "yes"}}}
    unmatched = {"vastaus": {"a": 1, "b": 5, "c": 3, "Joo": 0}}
    rows = forms.value_rows(mapping, unmatched, questions)
    assert [(row.value, row.count, row.initial) for row in rows] == [("Joo", 0, "yes"), ("b", 5, ""), ("c", 3, "")]
    assert [code for code, _label in rows[0].choices] == ["", "@none", "yes", "no", "dont_know"]
