"""`manage.py import_barometer_responses`: the same import for scripts — dry run, problems with rows, columns and
values, exit status, the automatic or a given mapping, sheets, re-import, and acting as a named user."""

import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from barometer.models import Response, ResponseImport
from barometer.tests.test_import_support import HEADER, csv_bytes, xlsx_bytes
from barometer.vocabulary import ImportStatus

pytestmark = pytest.mark.django_db


def run(*args: Any) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_barometer_responses", *map(str, args), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def fails(*args: Any) -> tuple[CommandError, str]:
    err = io.StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("import_barometer_responses", *map(str, args), stdout=io.StringIO(), stderr=err)
    return caught.value, err.getvalue()


@pytest.fixture
def good(tmp_path: Path, org_a: Any, org_b: Any) -> Path:
    path = tmp_path / "vastaukset.csv"
    path.write_bytes(
        csv_bytes(
            [
                HEADER,
                ["A1", org_a.municipality_code, "municipality", "yes", "1", "", "large", "12,5"],
                ["B1", org_b.municipality_code, "joint_authority", "no", "", "", "", ""],
            ]
        )
    )
    return path


def test_dry_run_of_a_good_file_saves_nothing(round_open, good):
    out, err = run(round_open.slug, good, "--dry-run")
    assert out.strip() == "Dry run: 2 rows, no problems. The import would create 2 responses and update 0."
    assert err == ""
    assert not ResponseImport.objects.exists()
    assert not Response.objects.exists()


def test_problems_are_printed_with_rows_columns_and_values_and_exit_with_1(round_open, org_a, tmp_path):
    path = tmp_path / "huono.csv"
    path.write_bytes(
        csv_bytes(
            [
                HEADER,
                ["A1", "Atlantis", "municipality", "no", "", "", "", ""],
                ["A2", "Atlantis", "municipality", "no", "", "", "", ""],
                ["A3", org_a.municipality_code, "municipality", "maybe", "", "", "", ""],
            ]
        )
    )
    for extra in (["--dry-run"], []):
        error, err = fails(round_open.slug, path, *extra)
        assert error.returncode == 1
        assert str(error) == "3 problems: nothing was saved."
        assert err.splitlines() == [
            "rows 2, 3, column “kunta”, value “Atlantis”: No organisation in the round's sampling frame has this "
            "municipality code, business ID or name.",
            "rows 4, column “introduced”, value “maybe”: The value matches no answer option of question “introduced”.",
        ]
    assert not Response.objects.exists()
    assert ResponseImport.objects.get().status == ImportStatus.CHECKED  # the import without --dry-run is recorded


def test_import_then_import_again_updates(round_open, good):
    out, _err = run(round_open.slug, good)
    assert out.strip() == "Imported 2 rows: 2 responses created, 0 updated."
    out, _err = run(round_open.slug, good)
    assert out.strip() == "Imported 2 rows: 0 responses created, 2 updated."
    assert Response.objects.count() == 2
    assert ResponseImport.objects.filter(status=ImportStatus.DONE).count() == 2


def test_messages_in_finnish_swedish_or_english(round_open, tmp_path):
    path = tmp_path / "x.csv"
    path.write_bytes(csv_bytes([["id", "kunta", "introduced"], ["1", "Atlantis", "yes"]]))
    english = fails(round_open.slug, path, "--dry-run")[1]
    for language in ("fi", "sv"):
        translated = fails(round_open.slug, path, "--dry-run", "--language", language)[1]
        assert "Atlantis" in translated  # the value is named whatever the language
        assert translated.count("\n") == english.count("\n")


def test_a_mapping_file_and_a_sheet(round_open, org_a, tmp_path):
    workbook = tmp_path / "export.xlsx"
    workbook.write_bytes(
        xlsx_bytes(
            {
                "Ohje": [["Tämä välilehti on ohje"]],
                "Vastaukset": [["Nro", "Kunta", "Innovoitu"], [1, org_a.municipality_code, "Joo"]],
            }
        )
    )
    mapping = tmp_path / "mapping.json"
    mapping.write_text(
        json.dumps(
            {
                "id": "Nro",
                "organisation": "Kunta",
                "columns": {"Innovoitu": "introduced"},
                "values": {"Innovoitu": {"Joo": "yes"}},
            }
        )
    )
    out, _err = run(round_open.slug, workbook, "--mapping", mapping, "--sheet", "Vastaukset")
    assert out.strip() == "Imported 1 rows: 1 responses created, 0 updated."
    response = Response.objects.get()
    assert response.external_id == "1"
    assert {a.question.code: a.value for a in response.answers.all()} == {"introduced": "yes"}
    error, _err = fails(round_open.slug, workbook, "--sheet", "Puuttuu", "--dry-run")
    assert error.returncode == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["no-such-round", "{good}"], "There is no round “no-such-round”."),
        (["{round}", "/no/such/file.csv"], "There is no file /no/such/file.csv."),
        (["{round}", "{good}", "--mapping", "{bad_json}"], "The mapping file cannot be read"),
        (["{round}", "{good}", "--mapping", "{list_json}"], "The mapping is not in the right form"),
        (["{round}", "{good}", "--user", "nobody"], "There is no user “nobody”."),
    ],
)
def test_bad_arguments(round_open, good, tmp_path, args, message):
    bad_json, list_json = tmp_path / "bad.json", tmp_path / "list.json"
    bad_json.write_text("{not json")
    list_json.write_text("[]")
    values = {"good": good, "round": round_open.slug, "bad_json": bad_json, "list_json": list_json}
    error, _err = fails(*(arg.format(**values) for arg in args))
    assert message in str(error)
    assert not Response.objects.exists()


def test_a_named_user_needs_the_right_to_manage_the_round(round_open, good, editor_a, editor_b):
    error, _err = fails(round_open.slug, good, "--user", editor_b.username)
    assert "permission" in str(error)
    assert not ResponseImport.objects.exists()
    run(round_open.slug, good, "--user", editor_a.username)
    assert ResponseImport.objects.get().created_by == editor_a


def test_mapping_errors_are_reported(round_open, good, tmp_path):
    mapping = tmp_path / "mapping.json"
    mapping.write_text(json.dumps({"id": "id", "organisation": "kunta", "columns": {"staff": "enablers"}}))
    error, _err = fails(round_open.slug, good, "--mapping", mapping)
    assert "staff: Question “enablers” is answered row by row" in str(error)
    error, err = fails(round_open.slug, good, "--mapping", mapping, "--dry-run")
    assert "column “staff”: Question “enablers” is answered row by row" in err
    assert error.returncode == 1
