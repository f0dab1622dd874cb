"""The import service with the database: upload, mapping, dry run, the all-or-nothing import, re-import that
updates, the round's rules (one response per organisation, published rounds), stale work, the background thread,
and the time of a 10,000-row import."""

import datetime
import io
import re
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone, translation

from audit.models import ChangeRecord
from barometer import answers as answer_rules
from barometer.imports import readers, services
from barometer.models import Answer, Response, ResponseImport
from barometer.tests.test_import_support import (
    HEADER,
    csv_bytes,
    frame_rows,
    label_choices,
    upload,
    xlsx_bytes,
)
from barometer.vocabulary import ImportStatus, ResponseSource, ResponseStatus, RoundStatus, Unit

pytestmark = pytest.mark.django_db


def _row(external_id: str, organisation: Any, **answers: Any) -> list[Any]:
    values = {"kind": "municipality", "introduced": "no", **answers}
    return [external_id, organisation.municipality_code, *(values.get(column, "") for column in HEADER[2:])]


def _check(actor: Any, response_import: ResponseImport) -> ResponseImport:
    # Within the call (a thread would not see this test's transaction); the thread has its own test below.
    return services.import_start(actor=actor, response_import=response_import, dry_run=True, background=False)


def _run(actor: Any, response_import: ResponseImport) -> ResponseImport:
    return services.import_start(actor=actor, response_import=response_import, dry_run=False, background=False)


def _answers(round_: Any) -> dict[str, dict[str, Any]]:
    return {
        response.external_id: {answer.question.code: answer.value for answer in response.answers.all()}
        for response in Response.objects.filter(round=round_).prefetch_related("answers__question")
    }


@pytest.fixture
def good_file(round_open, org_a, org_b) -> bytes:
    label_choices(round_open.questionnaire_version)
    return csv_bytes(
        [
            HEADER,
            _row(
                "A1",
                org_a,
                introduced="Kyllä",
                types_service="1",
                types_process="0",
                enablers_technology="large",
                staff="12,5",
            ),
            _row("B1", org_b, kind="joint_authority", introduced="Nej", staff="3"),
        ]
    )


# --- upload and mapping -----------------------------------------------------------------------------------------


def test_upload_stores_the_file_with_an_automatic_mapping(editor_a, round_open, good_file):
    response_import = upload(editor_a, round_open, good_file)
    assert response_import.file_format == "csv"
    assert response_import.status == ImportStatus.UPLOADED
    assert response_import.created_by == editor_a
    assert response_import.rows_total == 2
    assert response_import.mapping["id"] == "id"
    assert response_import.mapping["organisation"] == "kunta"
    assert response_import.mapping["columns"]["types_service"] == "types:service"
    assert response_import.file.read() == good_file
    assert ChangeRecord.objects.filter(object_id=response_import.pk, action="create").exists()


@pytest.mark.parametrize("person", ["registered_user", "editor_b"])
def test_only_the_barometer_team_uploads(request, person, round_open, good_file):
    with pytest.raises(PermissionDenied):
        upload(request.getfixturevalue(person), round_open, good_file)
    assert not ResponseImport.objects.exists()


@pytest.mark.parametrize(
    ("data", "name", "fragment"),
    [
        (b"", "x.csv", "empty"),
        (b"\x00\x01binary", "x.csv", "characters of the file cannot be read"),
        (b"PK\x03\x04broken", "x.xlsx", "cannot be read as an Excel workbook"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "old.xls", "old Excel file"),
        (b"%PDF-1.7", "report.pdf", "“.pdf” cannot be imported"),
        (b"a;a\n1;2\n", "x.csv", "Two columns are named “a”"),
    ],
)
def test_bad_files_are_refused_with_a_message(editor_a, round_open, data, name, fragment):
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        upload(editor_a, round_open, data, name)
    assert fragment in caught.value.message_dict["file"][0]
    assert not ResponseImport.objects.exists()


def test_a_file_over_the_size_limit_is_refused(editor_a, round_open, good_file, monkeypatch):
    monkeypatch.setattr(services, "MAX_BYTES", len(good_file) - 1)
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        upload(editor_a, round_open, good_file)
    assert "larger than" in caught.value.message_dict["file"][0]


def test_no_import_into_a_published_round(editor_a, round_open, good_file):
    response_import = upload(editor_a, round_open, good_file)
    round_open.status = RoundStatus.PUBLISHED
    round_open.save()
    with pytest.raises(ValidationError):
        upload(editor_a, round_open, good_file)
    with pytest.raises(ValidationError):
        _check(editor_a, response_import)


def test_set_mapping_checks_it_against_the_file_and_keys_errors_by_column(editor_a, round_open, good_file):
    response_import = upload(editor_a, round_open, good_file)
    mapping = {**response_import.mapping, "columns": {**response_import.mapping["columns"], "staff": "enablers"}}
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        services.import_set_mapping(actor=editor_a, response_import=response_import, mapping=mapping)
    assert list(caught.value.message_dict) == ["staff"]
    assert "answered row by row" in caught.value.message_dict["staff"][0]
    del mapping["id"]
    with pytest.raises(ValidationError) as caught:
        services.import_set_mapping(actor=editor_a, response_import=response_import, mapping=mapping)
    assert set(caught.value.message_dict) == {"__all__", "staff"}


def test_a_new_mapping_clears_the_last_check(editor_a, round_open, good_file):
    response_import = _check(editor_a, upload(editor_a, round_open, good_file))
    assert response_import.status == ImportStatus.CHECKED
    mapping = {**response_import.mapping, "columns": {"kind": "kind", "introduced": "introduced"}}
    saved = services.import_set_mapping(actor=editor_a, response_import=response_import, mapping=mapping)
    assert (saved.status, saved.problems, saved.created) == (ImportStatus.UPLOADED, [], 0)
    assert saved.mapping == mapping


def test_another_sheet_gets_its_own_automatic_mapping(editor_a, round_open, org_a):
    data = xlsx_bytes(
        {
            "Ohje": [["Lue tämä"]],
            "Data": [["Response ID", "kunta", "kind"], ["1", org_a.municipality_code, "municipality"]],
        }
    )
    response_import = upload(editor_a, round_open, data, "export.xlsx")
    assert response_import.mapping["sheet"] == "Ohje"
    saved = services.import_set_mapping(
        actor=editor_a, response_import=response_import, mapping={**response_import.mapping, "sheet": "Data"}
    )
    assert saved.mapping["sheet"] == "Data"
    assert (saved.mapping["id"], saved.mapping["columns"]) == ("Response ID", {"kind": "kind"})
    assert _run(editor_a, _check(editor_a, saved)).status == ImportStatus.DONE


# --- the dry run ------------------------------------------------------------------------------------------------


def test_the_dry_run_lists_problems_and_saves_nothing(editor_a, round_open, org_a):
    data = csv_bytes(
        [HEADER, _row("A1", org_a, introduced="maybe"), ["A2", "Atlantis", "municipality", "no", "", "", "", ""]]
    )
    response_import = _check(editor_a, upload(editor_a, round_open, data))
    assert response_import.status == ImportStatus.CHECKED
    assert [(p["code"], p["rows"], p["column"], p["value"]) for p in response_import.problems] == [
        ("unknown_choice", [2], "introduced", "maybe"),
        ("unknown_organisation", [3], "kunta", "Atlantis"),
    ]
    assert not Response.objects.exists()
    with pytest.raises(ValidationError):
        _run(editor_a, response_import)  # the import needs a clean check
    assert not Response.objects.exists()


def test_a_clean_dry_run_says_what_the_import_will_do(editor_a, round_open, good_file):
    response_import = _check(editor_a, upload(editor_a, round_open, good_file))
    assert (response_import.problems, response_import.created, response_import.updated) == ([], 2, 0)
    assert (response_import.rows_done, response_import.rows_total) == (2, 2)
    assert not Response.objects.exists()


def test_the_import_needs_a_check_first(editor_a, round_open, good_file):
    with pytest.raises(ValidationError):
        _run(editor_a, upload(editor_a, round_open, good_file))


# --- the import -------------------------------------------------------------------------------------------------


def test_import_creates_submitted_responses_with_clean_answers(editor_a, round_open, good_file, org_a, org_b):
    response_import = _run(editor_a, _check(editor_a, upload(editor_a, round_open, good_file)))
    assert (response_import.status, response_import.created, response_import.updated) == (ImportStatus.DONE, 2, 0)
    assert response_import.finished_at is not None
    responses = {r.external_id: r for r in Response.objects.filter(round=round_open)}
    assert {r.frame_unit.organisation for r in responses.values()} == {org_a, org_b}
    assert all(r.source == ResponseSource.IMPORT and r.status == ResponseStatus.SUBMITTED for r in responses.values())
    assert all(r.submitted_at is not None for r in responses.values())
    assert _answers(round_open) == {
        "A1": {
            "kind": "municipality",
            "introduced": "yes",
            "types": ["service"],
            "enablers": {"technology": "large"},
            "staff": 12.5,
        },
        "B1": {"kind": "joint_authority", "introduced": "no", "staff": 3},
    }
    record = ChangeRecord.objects.filter(object_id=response_import.pk, action="update").first()
    assert record is not None
    assert record.changes["created"] == [None, 2]


def test_importing_the_same_file_again_updates_instead_of_duplicating(editor_a, round_open, org_a, org_b):
    first = csv_bytes([HEADER, _row("A1", org_a, staff="1"), _row("B1", org_b, staff="2")])
    _run(editor_a, _check(editor_a, upload(editor_a, round_open, first)))
    ids = dict(Response.objects.values_list("external_id", "pk"))
    # Again, with A1 changed (and its number removed), B1 moved to org_a's… no: the round takes one response per
    # organisation, so B1 keeps org_b; and a new row C1 (respondent-unit round below).
    second = csv_bytes([HEADER, _row("A1", org_a, introduced="yes", types_process="1"), _row("B1", org_b, staff="2")])
    again = _run(editor_a, _check(editor_a, upload(editor_a, round_open, second)))
    assert (again.created, again.updated) == (0, 2)
    assert dict(Response.objects.values_list("external_id", "pk")) == ids
    assert _answers(round_open)["A1"] == {"kind": "municipality", "introduced": "yes", "types": ["process"]}


def test_a_reimport_can_move_a_response_to_another_organisation(editor_a, round_open, org_a, org_b):
    round_open.unit = Unit.RESPONDENT
    round_open.save()
    _run(editor_a, _check(editor_a, upload(editor_a, round_open, csv_bytes([HEADER, _row("X", org_a)]))))
    again = _run(
        editor_a,
        _check(editor_a, upload(editor_a, round_open, csv_bytes([HEADER, _row("X", org_b), _row("Y", org_b)]))),
    )
    assert (again.created, again.updated) == (1, 1)
    assert Response.objects.get(external_id="X").frame_unit.organisation == org_b


def test_one_response_per_organisation_counts_the_answering_forms_responses(
    editor_a, round_open, org_a, org_b, invitation_b
):
    Response.objects.create(round=round_open, frame_unit=invitation_b.frame_unit, invitation=invitation_b)
    data = csv_bytes([HEADER, _row("A1", org_a), _row("B1", org_b), _row("A2", org_a)])
    checked = _check(editor_a, upload(editor_a, round_open, data))
    with translation.override("en"):
        found = [(p["code"], p["rows"], services.message(p["code"], p["params"])) for p in checked.problems]
    assert [(code, rows) for code, rows, _message in found] == [("already_answered", [3]), ("organisation_twice", [4])]
    assert "from the answering form" in found[0][2]
    assert "Row 2 is from the same organisation" in found[1][2]


def test_one_response_per_organisation_names_the_response_imported_before(editor_a, round_open, org_a):
    _run(editor_a, _check(editor_a, upload(editor_a, round_open, csv_bytes([HEADER, _row("A1", org_a)]))))
    checked = _check(editor_a, upload(editor_a, round_open, csv_bytes([HEADER, _row("Z9", org_a)])))
    assert [(p["code"], p["rows"], p["params"]) for p in checked.problems] == [("already_imported", [2], {"id": "A1"})]
    with translation.override("sv"):  # worded when read, in the reader's language
        assert "A1" in services.message("already_imported", {"id": "A1"})


def test_respondent_rounds_take_several_responses_of_one_organisation(editor_a, round_open, org_a):
    round_open.unit = Unit.RESPONDENT
    round_open.save()
    data = csv_bytes([HEADER, _row("A1", org_a), _row("A2", org_a)])
    assert _run(editor_a, _check(editor_a, upload(editor_a, round_open, data))).created == 2


def test_a_failure_midway_leaves_the_database_as_it_was(editor_a, round_open, org_a, org_b, monkeypatch):
    first = csv_bytes([HEADER, _row("A1", org_a, staff="1")])
    _run(editor_a, _check(editor_a, upload(editor_a, round_open, first)))
    before = (_answers(round_open), Response.objects.count(), Answer.objects.count())
    second = _check(
        editor_a, upload(editor_a, round_open, csv_bytes([HEADER, _row("A1", org_a, staff="9"), _row("B1", org_b)]))
    )
    assert second.problems == []

    real = services._insert_many

    def fail_after_some(model: Any, template: Any, varying: Any, rows: Any) -> None:
        if model is not Answer:
            return real(model, template, varying, rows)
        real(model, template, varying, list(rows)[:1])  # the responses and some answers are written…
        raise RuntimeError("disk full")  # …then the database gives up

    monkeypatch.setattr(services, "_insert_many", fail_after_some)
    failed = _run(editor_a, second)
    assert failed.status == ImportStatus.FAILED
    assert [p["code"] for p in failed.problems] == ["failed"]
    assert (_answers(round_open), Response.objects.count(), Answer.objects.count()) == before
    # And it can be checked and imported again once the cause is gone.
    monkeypatch.setattr(services, "_insert_many", real)
    assert _run(editor_a, _check(editor_a, failed)).status == ImportStatus.DONE
    assert _answers(round_open)["A1"]["staff"] == 9


def test_a_response_imported_by_someone_else_since_the_check_is_updated_not_duplicated(
    editor_a, round_open, org_a, org_b, monkeypatch
):
    """The check and the save are apart in time: the save reads the round's identifiers again in its transaction."""
    round_open.unit = Unit.RESPONDENT
    round_open.save()
    checked = _check(editor_a, upload(editor_a, round_open, csv_bytes([HEADER, _row("A1", org_a), _row("B1", org_b)])))
    assert (checked.created, checked.updated) == (2, 0)
    real = services._evaluate

    def evaluate_then_someone_else_imports(*args: Any, **kwargs: Any) -> Any:
        result = real(*args, **kwargs)
        Response.objects.create(round=round_open, frame_unit=round_open.frame.first(), external_id="B1")
        return result

    monkeypatch.setattr(services, "_evaluate", evaluate_then_someone_else_imports)
    done = _run(editor_a, checked)
    assert (done.status, done.created, done.updated) == (ImportStatus.DONE, 1, 1)
    assert sorted(Response.objects.values_list("external_id", flat=True)) == ["A1", "B1"]
    assert _answers(round_open)["B1"] == {"kind": "municipality", "introduced": "no"}


# --- working, stale work, the thread ----------------------------------------------------------------------------


def test_nothing_starts_while_work_is_going_on_but_stale_work_can_start_again(editor_a, round_open, good_file):
    response_import = upload(editor_a, round_open, good_file)
    ResponseImport.objects.filter(pk=response_import.pk).update(status=ImportStatus.RUNNING, progress_at=timezone.now())
    response_import.refresh_from_db()
    assert not services.is_stale(response_import)
    with pytest.raises(ValidationError):
        _check(editor_a, response_import)
    with pytest.raises(ValidationError):
        services.import_set_mapping(actor=editor_a, response_import=response_import, mapping=response_import.mapping)
    long_ago = timezone.now() - services.STALE_AFTER - datetime.timedelta(seconds=1)
    ResponseImport.objects.filter(pk=response_import.pk).update(progress_at=long_ago)
    response_import.refresh_from_db()
    assert services.is_stale(response_import)
    assert _check(editor_a, response_import).status == ImportStatus.CHECKED


def test_progress_of_each_state():
    def progress(status: str, done: int, total: int) -> services.Progress:
        return services.import_progress(
            ResponseImport(status=status, rows_done=done, rows_total=total, progress_at=timezone.now())
        )

    assert progress(ImportStatus.CHECKING, 250, 1000).percent == 25
    assert progress(ImportStatus.CHECKING, 250, 0).percent is None  # not counted yet: indeterminate
    assert progress(ImportStatus.CHECKING, 1200, 1000).percent == 99  # the estimate was low
    running = progress(ImportStatus.RUNNING, 1000, 1000)
    assert (running.saving, running.percent, running.working) == (True, 100, True)
    assert progress(ImportStatus.DONE, 1000, 1000).percent == 100
    assert progress(ImportStatus.UPLOADED, 0, 1000).percent is None


def test_every_problem_code_has_a_message():
    sources = Path(readers.__file__).read_text() + Path(services.__file__).read_text()
    answers = Path(answer_rules.__file__).read_text()
    found = set(re.findall(r'(?:FileError|Issue|_problem)\("(\w+)"', sources))
    found |= set(re.findall(r'\.add\(\s*(?:number|row\.row|table\.header_row),\s*"(\w+)"', sources))
    found |= set(re.findall(r'\("(\w+)", (?:len\(record\)|position),', sources))  # a reader's row problems
    found |= set(re.findall(r'code = "(\w+)" if', sources))
    found |= set(re.findall(r'AnswerError\("(\w+)"', answers)) - {
        "unknown_kind",
        "not_a_grid",
        "not_text",
        "unknown_item",
    }
    assert len(found) > 30
    assert found - set(services.MESSAGES) == set()


@pytest.mark.django_db(transaction=True)
def test_a_long_file_is_worked_in_a_thread_with_progress(editor_a, round_open, org_a, org_b, monkeypatch):
    round_open.unit = Unit.RESPONDENT
    round_open.save()
    monkeypatch.setattr(services, "SYNC_BYTES", 0)
    seen: list[int] = []
    real = services._progress

    def watched(pk: int) -> Any:
        report = real(pk)

        def both(rows: int) -> None:
            report(rows)
            seen.append(ResponseImport.objects.get(pk=pk).rows_done)  # what another request would see

        return both

    monkeypatch.setattr(services, "_progress", watched)
    response_import = upload(editor_a, round_open, csv_bytes(frame_rows(round_open, [org_a, org_b], 600)))
    for dry_run in (True, False):
        started = services.import_start(actor=editor_a, response_import=response_import, dry_run=dry_run)
        assert started.status == (ImportStatus.CHECKING if dry_run else ImportStatus.RUNNING)
        for thread in threading.enumerate():
            if thread.name == f"barometer-import-{response_import.pk}":
                thread.join(timeout=60)
        response_import.refresh_from_db()
    assert response_import.status == ImportStatus.DONE, response_import.problems
    assert response_import.created == 600
    assert seen[:2] == [250, 500]
    assert seen[2] == 600


@pytest.mark.slow
def test_ten_thousand_rows_import_in_reasonable_time(editor_a, round_open, org_a, org_b, capsys):
    """10,000 rows × 8 columns (about 50,000 answers): measured and printed; the bound is generous for the
    shared machine (see the report for the figures)."""
    round_open.unit = Unit.RESPONDENT
    round_open.save()
    data = csv_bytes(frame_rows(round_open, [org_a, org_b], 10_000))
    response_import = upload(editor_a, round_open, data)
    started = time.perf_counter()
    checked = _check(editor_a, response_import)
    checked_at = time.perf_counter()
    assert checked.problems == [], checked.problems[:3]
    done = _run(editor_a, checked)
    finished = time.perf_counter()
    assert done.created == 10_000
    again = _run(editor_a, _check(editor_a, upload(editor_a, round_open, data)))
    updated = time.perf_counter()
    assert (again.created, again.updated) == (0, 10_000)
    assert Response.objects.count() == 10_000
    with capsys.disabled():
        print(
            f"\n[{connection.vendor}] 10,000 rows, {Answer.objects.count()} answers: dry run {checked_at - started:.2f} s, "
            f"import (check + save) {finished - checked_at:.2f} s, re-import as updates (check + check + save) "
            f"{updated - finished:.2f} s"
        )
    assert finished - started < 120


def test_a_dry_run_of_a_file_that_is_not_stored(editor_a, round_open, good_file):
    evaluation, problems = services.import_check_file(
        actor=editor_a, round_=round_open, file=io.BytesIO(good_file), file_name="x.csv"
    )
    assert problems == []
    assert evaluation is not None
    assert evaluation.creates == 2
    evaluation, problems = services.import_check_file(
        actor=editor_a, round_=round_open, file=io.BytesIO(good_file), file_name="x.csv", mapping={"columns": {}}
    )
    assert evaluation is None
    assert [p["code"] for p in problems] == ["no_id_column", "no_organisation_column", "no_questions"]
    assert not ResponseImport.objects.exists()
    assert not Response.objects.exists()
