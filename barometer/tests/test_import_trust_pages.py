"""The import's pages, service and command line with files that would lose or change answers: the dry run names
each problem with its row and column, the mapping screen shows SPSS variable labels and the columns left out,
and a round remembers its mapping for the next file."""

import io
from pathlib import Path
from typing import Any

import openpyxl  # type: ignore[import-untyped]  # ships no type information
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation
from django.utils.html import escape

from barometer.imports import services
from barometer.models import Question, Response, ResponseImport, Round
from barometer.tests.test_import_support import HEADER, csv_bytes, label_choices, sav_bytes, upload
from barometer.vocabulary import ImportStatus
from innovations.tests.test_views_support import url

pytestmark = pytest.mark.django_db


def _texts(round_: Round) -> None:
    """Question texts as a real questionnaire has them (the fixture's texts are the codes)."""
    texts = {
        "kind": "Organisaation tyyppi",
        "introduced": "Onko organisaationne ottanut käyttöön innovaatioita?",
        "staff": "Henkilöstön määrä",
    }
    for code, text in texts.items():
        Question.objects.filter(version=round_.questionnaire_version, code=code).update(text_fi=text)


def _spss(org_a: Any, org_b: Any) -> bytes:
    """An analyst's SPSS file: short names, question texts as variable labels, numeric codes with value labels,
    9 = "En osaa sanoa" declared user-missing, and a weight that is no question."""
    return sav_bytes(
        {
            "nro": ["1", "2", "3"],
            "kunta": [org_a.municipality_code, org_b.municipality_code, org_a.municipality_code],
            "k1": [1.0, 1.0, 1.0],
            "k2": [2.0, 9.0, 1.0],
            "paino": [1.2, 0.8, 1.0],
        },
        {"k1": {1.0: "municipality"}, "k2": {1.0: "yes", 2.0: "no", 9.0: "En osaa sanoa"}},
        variable_labels={
            "nro": "Vastaustunnus",
            "kunta": "Kuntanumero",
            "k1": "Organisaation tyyppi",
            "k2": "K2. Onko organisaationne ottanut käyttöön innovaatioita?",
            "paino": "Painokerroin",
        },
        missing={"k2": [9.0]},
    )


def test_an_spss_file_as_analysts_have_it_is_mapped_by_its_labels_and_read_correctly(
    editor_a, round_open, org_a, org_b
):
    round_open.unit = "respondent"
    round_open.save()
    _texts(round_open)
    label_choices(round_open.questionnaire_version)
    response_import = upload(editor_a, round_open, _spss(org_a, org_b), "aineisto.sav")
    assert response_import.mapping["id"] == "nro"
    assert response_import.mapping["organisation"] == "kunta"
    assert response_import.mapping["columns"] == {"k1": "kind", "k2": "introduced"}
    preview = services.import_preview(response_import)
    assert [(c.name, c.label) for c in preview.ignored(response_import.mapping)] == [("paino", "Painokerroin")]
    checked = services.import_start(actor=editor_a, response_import=response_import, dry_run=True)
    assert checked.problems == []
    done = services.import_start(actor=editor_a, response_import=checked, dry_run=False)
    assert done.status == ImportStatus.DONE
    answers = {
        response.external_id: response.answers.get(question__code="introduced").value
        for response in Response.objects.filter(round=round_open)
    }
    assert answers == {"1": "no", "2": "dont_know", "3": "yes"}  # 9 = "En osaa sanoa" kept as that option


def test_a_file_whose_questions_match_nothing_is_refused_by_the_dry_run(editor_a, round_open, org_a, org_b):
    data = sav_bytes(
        {"nro": ["1", "2"], "kunta": [org_a.municipality_code, org_b.municipality_code], "x1": [1.0, 2.0]},
        variable_labels={"nro": "Vastaustunnus", "x1": "Jotain ihan muuta"},
    )
    evaluation, problems = services.import_check_file(
        actor=editor_a, round_=round_open, file=io.BytesIO(data), file_name="x.sav"
    )
    assert evaluation is None
    assert [p["code"] for p in problems] == ["no_questions"]
    with translation.override("en"):
        assert "No column is mapped to a question" in services.message("no_questions")
    assert not Response.objects.exists()


def test_the_dry_run_of_a_cut_csv_names_the_row(editor_a, round_open, org_a, org_b):
    rows = [
        HEADER,
        ["A1", org_a.municipality_code, "municipality", "no", "", "", "large", "4"],
        ["A2", org_b.municipality_code, "municipality", "no", "", "", "large", "8,5"],
    ]
    data = csv_bytes(rows)
    for cut, code in (
        (data[: data.index(b";8,5")], "short_row"),  # …;large   (one value short)
        (data[: data.index(b"8,5")], "cut_row"),  # …;large;   (as many values, the last one empty)
    ):
        evaluation, problems = services.import_check_file(
            actor=editor_a, round_=round_open, file=io.BytesIO(cut), file_name="x.csv"
        )
        assert [(p["code"], p["rows"], p["column"]) for p in problems] == [(code, [3], "staff")]
    quoted = csv_bytes(rows, delimiter=",").replace(b"8,5", b'"8,5"')
    cut = quoted[: quoted.index(b',5"')]  # …,"8
    evaluation, problems = services.import_check_file(
        actor=editor_a, round_=round_open, file=io.BytesIO(cut), file_name="x.csv"
    )
    assert [(p["code"], p["rows"]) for p in problems] == [("cut_csv", [3])]
    assert evaluation is None


def test_the_command_line_dry_run_names_a_misspelt_column_and_lists_those_left_out(round_open, org_a, tmp_path):
    path: Path = tmp_path / "vastaukset.csv"
    path.write_bytes(
        csv_bytes(
            [
                ["id", "kunta", "kind", "introdcued", "aikaleima"],
                ["A1", org_a.municipality_code, "municipality", "yes", "2026-01-01"],
            ]
        )
    )
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_barometer_responses", round_open.slug, str(path), "--dry-run", stdout=out, stderr=err)
    assert "Columns not imported: introdcued, aikaleima" in out.getvalue()
    assert "rows 1, column “introdcued”" in err.getvalue()
    assert "“introduced”" in err.getvalue()
    assert not Response.objects.exists()


def test_an_xlsx_with_formulas_without_results_is_not_imported_as_unanswered(editor_a, round_open, org_a):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["id", "kunta", "kind", "introduced", "staff", "part_time"])
    sheet.append(["A1", org_a.municipality_code, "municipality", "no", "=F2*2", 3])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response_import = upload(editor_a, round_open, buffer.getvalue(), "vastaukset.xlsx")
    checked = services.import_start(actor=editor_a, response_import=response_import, dry_run=True)
    assert [(p["code"], p["rows"], p["column"], p["params"]) for p in checked.problems] == [
        ("formula_without_value", [2], "staff", {"cell": "E2"})
    ]
    with translation.override("en"):
        text = services.message("formula_without_value", {"cell": "E2"})
    assert "Cell E2 holds a formula" in text
    assert "Open the file in a spreadsheet program" in text


def test_a_round_remembers_its_mapping_for_the_next_file(client, editor_a, round_open, org_a, org_b):
    label_choices(round_open.questionnaire_version)
    columns = ["Nro", "Kunta", "Tyyppi", "Innovoitu", "Muistiinpano"]
    first = csv_bytes([columns, ["1", org_a.municipality_code, "municipality", "Joo", "x"]])
    response_import = upload(editor_a, round_open, first)
    mapping = {
        "id": "Nro",
        "organisation": "Kunta",
        "columns": {"Tyyppi": "kind", "Innovoitu": "introduced"},
        "values": {"Innovoitu": {"Joo": "yes"}},
        "delimiter": ";",
    }
    saved = services.import_set_mapping(actor=editor_a, response_import=response_import, mapping=mapping)
    services.import_start(actor=editor_a, response_import=saved, dry_run=True)
    second = csv_bytes([[*columns, "staff"], ["2", org_b.municipality_code, "municipality", "Joo", "", "5"]])
    following = upload(editor_a, round_open, second)
    assert following.mapping["id"] == "Nro"
    assert following.mapping["organisation"] == "Kunta"
    # The remembered columns and values, and the new column mapped by its name.
    assert following.mapping["columns"] == {"Tyyppi": "kind", "Innovoitu": "introduced", "staff": "staff"}
    assert following.mapping["values"] == {"Innovoitu": {"Joo": "yes"}}
    checked = services.import_start(actor=editor_a, response_import=following, dry_run=True)
    assert checked.problems == []
    # Another round does not share it.
    assert services.remembered_mapping(Round(pk=0)) == {}


def test_the_mapping_page_shows_spss_labels_and_the_columns_left_out(client, editor_a, round_open, org_a, org_b):
    _texts(round_open)
    response_import = upload(editor_a, round_open, _spss(org_a, org_b), "aineisto.sav")
    client.force_login(editor_a)
    page = client.get(url("barometer:import_detail", slug=round_open.slug, pk=response_import.pk)).content.decode()
    assert escape("K2. Onko organisaationne ottanut käyttöön innovaatioita?") in page
    assert "1 sarake jää tuomatta" in page
    assert "Painokerroin" in page


def test_a_misspelt_column_on_the_mapping_page_is_a_problem_until_left_out_on_purpose(
    client, editor_a, round_open, org_a
):
    data = csv_bytes([["id", "kunta", "kind", "introdcued"], ["A1", org_a.municipality_code, "municipality", "yes"]])
    response_import = upload(editor_a, round_open, data)
    client.force_login(editor_a)
    address = url("barometer:import_detail", slug=round_open.slug, pk=response_import.pk)
    page = client.get(address).content.decode()
    assert 'name="leave_3"' in page  # the box under the misspelt column
    post = {"delimiter": ";", "column_0": "@id", "column_1": "@organisation", "column_2": "kind", "column_3": ""}
    client.post(address, post)
    response_import.refresh_from_db()
    assert [(p["code"], p["column"], p["rows"]) for p in response_import.problems] == [
        ("unmapped_column", "introdcued", [1])
    ]
    assert "ignore" not in response_import.mapping
    client.post(address, {**post, "leave_3": "on"})
    response_import.refresh_from_db()
    assert response_import.mapping["ignore"] == ["introdcued"]
    assert response_import.status == ImportStatus.CHECKED
    assert response_import.problems == []
    page = client.get(address).content.decode()
    assert "introdcued" in page.split('id="result"')[1].split('id="mapping"')[0]  # listed in the check's result
    assert ResponseImport.objects.count() == 1
