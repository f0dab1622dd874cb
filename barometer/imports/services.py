"""Importing responses made with other survey tools: upload, column mapping, dry run and the all-or-nothing import.

Reading files and converting rows is plain Python in barometer/imports/readers.py; this module adds the permission
(barometer.manage_round), the round's questionnaire and sampling frame, the stored file, the one transaction and
the change log. The pages and the command line (import_barometer_responses) both call it.

How a long check or import runs, and how its progress is seen:
- Small files (up to SYNC_BYTES) are checked and imported within the request. Longer ones run in a thread that
  the request starts (`import_start`). A task queue would add a worker process to deploy and watch for a job
  that a barometer team starts a few times a round and that takes seconds; the thread is enough because nothing
  depends on it finishing: the data are written in one transaction, so a thread that dies with its process
  leaves the database as it was, and an import that has not reported progress for STALE_AFTER can be started
  again.
- The work has two steps: every row is read, converted and checked (no transaction is open), then everything is
  saved in one transaction. `rows_done` counts the rows of the first step, written in their own short
  autocommit updates, so any request of any process sees them on SQLite and PostgreSQL alike. The second step
  is a few bulk statements (see the timings in the tests); the page says "saving" meanwhile. Progress is not
  written during that transaction: SQLite allows one writer at a time, so a second connection could not write
  it until the transaction ends.
"""

import datetime
import logging
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import islice
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction
from django.db.models import Model
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Actor, person_of
from audit.models import Action
from audit.services import change_record, diff
from barometer.imports import readers
from barometer.models import Answer, QuestionnaireVersion, Response, ResponseImport, Round
from barometer.selectors import version_contents
from barometer.vocabulary import ImportStatus, ResponseSource, ResponseStatus, RoundStatus, Unit
from core.permissions import require
from core.translated import LANGUAGES

logger = logging.getLogger(__name__)

MANAGE = "barometer.manage_round"
MAX_BYTES = 20 * 1024 * 1024
# Files up to this size are checked and imported within the request (about 2,000 rows of 40 answers as CSV).
SYNC_BYTES = 256 * 1024
STALE_AFTER = datetime.timedelta(minutes=10)
WORKING = (ImportStatus.CHECKING, ImportStatus.RUNNING)
BATCH = 1_000
PREVIEW_ROWS = 200
SAMPLES = 4


def _check_round(round_: Round) -> None:
    if round_.status == RoundStatus.PUBLISHED:
        raise ValidationError(
            _("The round's results are published: responses can no longer be imported into it."), code="published"
        )


# --- messages -----------------------------------------------------------------------------------------------------

# Every code of readers.FileError, readers.Issue and a row problem, with its message. The placeholders are
# the problem's params; "%(question)s" and "%(choice)s" are codes, as the file and the mapping name them.
MESSAGES = {
    # the file as a whole
    "empty": gettext_lazy("The file is empty."),
    "no_rows": gettext_lazy("The file has column names but no rows of answers."),
    "file_too_large": gettext_lazy("The file is larger than %(limit)s MB: split it into smaller files."),
    "old_excel": gettext_lazy(
        "This is an old Excel file (.xls). Save it as an Excel workbook (.xlsx) or as CSV and upload that."
    ),
    "corrupt_xlsx": gettext_lazy(
        "The file cannot be read as an Excel workbook (.xlsx): it is damaged or of another kind. Open it in a "
        "spreadsheet program and save it as .xlsx or CSV."
    ),
    "unsafe_xlsx": gettext_lazy(
        "The workbook unpacks to too much data, or a part of it is compressed suspiciously well: it is not read. "
        "Save it as CSV and upload that."
    ),
    "corrupt_sav": gettext_lazy(
        "The file cannot be read as an SPSS data file (.sav): it is damaged or of another kind."
    ),
    "unknown_format": gettext_lazy(
        "Files of type “%(extension)s” cannot be imported: upload a CSV, Excel (.xlsx) or SPSS (.sav) file."
    ),
    "unreadable_encoding": gettext_lazy(
        "The characters of the file cannot be read. Save it as CSV in UTF-8, or as an Excel workbook, and upload it "
        "again."
    ),
    "unreadable_csv": gettext_lazy("Row %(row)s of the CSV file cannot be read: check its quotation marks."),
    "cut_csv": gettext_lazy(
        "Row %(row)s ends inside quotation marks: the file seems to be cut short there. Save the whole file again "
        "and upload it."
    ),
    "too_many_rows": gettext_lazy("The file has more than %(limit)s rows."),
    "too_many_columns": gettext_lazy("The file has more than %(limit)s columns."),
    "duplicate_column": gettext_lazy("Two columns are named “%(column)s”: give every column a name of its own."),
    "value_without_column": gettext_lazy("Row %(row)s has a value in a column that has no name in the first row."),
    "no_such_sheet": gettext_lazy("The workbook has no sheet “%(sheet)s”. Its sheets: %(sheets)s."),
    # the mapping
    "not_an_object": gettext_lazy("The mapping is not in the right form (a JSON object as the documentation shows)."),
    "no_id_column": gettext_lazy("Choose the column that identifies each respondent."),
    "no_organisation_column": gettext_lazy("Choose the column that names the organisation."),
    "unknown_column": gettext_lazy("The file has no column “%(column)s”."),
    "bad_delimiter": gettext_lazy("The list delimiter is not valid."),
    "no_questions": gettext_lazy(
        "No column is mapped to a question: the responses would be imported without a single answer. Choose which "
        "question each column of answers belongs to."
    ),
    "unknown_question": gettext_lazy("The questionnaire has no question “%(question)s”."),
    "target_twice": gettext_lazy("Column “%(other)s” is already mapped to “%(target)s”."),
    "needs_item": gettext_lazy("Question “%(question)s” is answered row by row: map the column to one of its rows."),
    "unknown_choice_code": gettext_lazy("Question “%(question)s” has no answer option “%(choice)s”."),
    "no_parts": gettext_lazy(
        "Question “%(question)s” has no options to map one by one: map the column to the question."
    ),
    "list_and_flags": gettext_lazy(
        "Question “%(question)s” is mapped both as a list in one column and as 0/1 columns: choose one way."
    ),
    "values_for_unmapped": gettext_lazy(
        "Values are matched for column “%(column)s”, which is not mapped to a question with answer options."
    ),
    # one row
    "missing_id": gettext_lazy("The respondent's identifier is empty."),
    "id_too_long": gettext_lazy("The identifier is longer than %(limit)s characters."),
    "duplicate_id": gettext_lazy("Row %(first_row)s has the same identifier."),
    "missing_organisation": gettext_lazy("The organisation is empty."),
    "unknown_organisation": gettext_lazy(
        "No organisation in the round's sampling frame has this municipality code, business ID or name."
    ),
    "ambiguous_organisation": gettext_lazy(
        "More than one organisation in the sampling frame has this name: use the municipality code or business ID."
    ),
    "organisation_twice": gettext_lazy(
        "Row %(first_row)s is from the same organisation, and this round takes one response per organisation."
    ),
    "already_answered": gettext_lazy(
        "The organisation already has a response in this round (from the answering form), and the round takes one "
        "response per organisation."
    ),
    "already_imported": gettext_lazy(
        "The organisation already has a response in this round (imported as “%(id)s”), and the round takes one "
        "response per organisation."
    ),
    "unknown_choice": gettext_lazy("The value matches no answer option of question “%(question)s”."),
    "unknown_label": gettext_lazy(
        "The file labels the value “%(label)s”, which matches no answer option of question “%(question)s”. Match it "
        "to an option on the mapping screen."
    ),
    "short_row": gettext_lazy(
        "The row has %(fields)s values, but the first row names %(columns)s columns: the row seems to be cut short, "
        "and the file may be incomplete. Every row needs a value, even an empty one, for every column."
    ),
    "cut_row": gettext_lazy(
        "The last row ends with an empty value and without a line break: the file seems to be cut short here. Save "
        "the whole file again (in a spreadsheet program) and upload it again."
    ),
    "formula_without_value": gettext_lazy(
        "Cell %(cell)s holds a formula whose result is not saved in the file, so its answer cannot be read. Open the "
        "file in a spreadsheet program (such as Excel or LibreOffice Calc), save it, and upload it again."
    ),
    "unmapped_column": gettext_lazy(
        "The column is not imported, although its name is like “%(target)s”, to which no column is mapped: is it "
        "misspelt? Map the column, or mark it to be left out on the mapping screen (in a mapping file: list it "
        "under “ignore”)."
    ),
    "not_0_1": gettext_lazy(
        "Column of option “%(choice)s” of question “%(question)s”: the value should say chosen (1) or not chosen "
        "(0 or empty)."
    ),
    "exclusive_choice": gettext_lazy("Option “%(choice)s” cannot be chosen together with other options."),
    "not_a_number": gettext_lazy("The value is not a number."),
    "too_small": gettext_lazy("The number is smaller than %(limit)s, the smallest the question allows."),
    "too_large": gettext_lazy("The number is larger than %(limit)s, the largest the question allows."),
    "text_too_long": gettext_lazy("The text is longer than %(limit)s characters."),
    "not_asked": gettext_lazy(
        "The row answers question “%(question)s”, which the questionnaire's routing does not ask of this respondent."
    ),
    "required": gettext_lazy("Question “%(question)s” needs an answer."),
    "failed": gettext_lazy(
        "The work stopped because of an unexpected error, and nothing was saved. Try again; if it happens again, "
        "tell the site's administrators."
    ),
}
FALLBACK = gettext_lazy("The answer does not fit the question.")


def message(code: str, params: Mapping[str, Any] | None = None) -> str:
    """The message of a problem or mapping issue in the active language."""
    text = str(MESSAGES.get(code, FALLBACK))
    values = {
        key: formats.number_format(value) if isinstance(value, int) else value for key, value in (params or {}).items()
    }
    try:
        return text % values if values else text
    except (KeyError, TypeError, ValueError):  # a message that names a parameter the problem lacks
        return text.replace("%%", "%")


def _file_error(problem: readers.FileError) -> ValidationError:
    return ValidationError({"file": message(problem.code, problem.params)}, code=problem.code)


def _mapping_error(error: readers.MappingError) -> ValidationError:
    """The issues keyed by the column they concern ("__all__" otherwise), for the form to place."""
    errors: dict[str, list[str]] = {}
    for issue in error.issues:
        params = {"column": issue.column, **issue.params}
        errors.setdefault(issue.column or "__all__", []).append(message(issue.code, params))
    return ValidationError(errors)


def _problem(code: str, params: Mapping[str, Any] | None = None, column: str = "") -> dict[str, Any]:
    """A problem of the whole file or mapping (not of a row), in the shape of the row problems."""
    params = dict(params or {})
    row = params.get("row")
    return {
        "row": row,
        "rows": [row] if row else [],
        "count": 1,
        "column": column,
        "value": "",
        "code": code,
        "params": params,
    }


# --- reading the stored file --------------------------------------------------------------------------------------


def questionnaire_for(version: QuestionnaireVersion) -> readers.Questionnaire:
    """The questionnaire version as the import sees it: specs, routing and every language's option labels."""
    from barometer.selectors import question_spec

    questions, conditions, labels, texts, items = [], {}, {}, {}, {}
    for section in version_contents(version):
        for question in section.questions.all():
            questions.append(question_spec(question))
            conditions[question.code] = section.show_if or {}
            labels[question.code] = {
                choice.code: tuple(getattr(choice, f"label_{lang}", "") or "" for lang in LANGUAGES)
                for choice in question.choices.all()
            }
            texts[question.code] = tuple(getattr(question, f"text_{lang}", "") or "" for lang in LANGUAGES)
            items[question.code] = {
                item.code: tuple(getattr(item, f"label_{lang}", "") or "" for lang in LANGUAGES)
                for item in question.items.all()
            }
    return readers.Questionnaire(questions, conditions, labels, texts, items)


def _organisations(round_: Round) -> dict[str, int | None]:
    """Municipality codes, business IDs and names (all languages) of the frame's organisations → frame unit;
    None for a key that more than one organisation has."""
    keys: dict[str, int | None] = {}
    for unit in round_.frame.select_related("organisation"):
        organisation = unit.organisation
        names = [getattr(organisation, f"name_{lang}", "") for lang in LANGUAGES]
        for raw in {organisation.municipality_code, organisation.business_id, *names}:
            if raw:
                key = readers.organisation_key(raw)
                keys[key] = unit.pk if keys.get(key, unit.pk) == unit.pk else None
    return keys


@contextmanager
def _table(response_import: ResponseImport, sheet: str | None = None) -> Iterator[readers.Table]:
    """The stored file's table; the file stays open while its rows are read."""
    with response_import.file.open("rb") as source:
        yield readers.read_table(source, response_import.file_name, sheet=sheet)


@dataclass
class ColumnPreview:
    name: str
    samples: list[str]
    label: str = ""  # an SPSS variable label (usually the question's text)
    # The question, option or row the column's name is like, when no column is mapped to it (perhaps misspelt).
    resembles: str = ""


@dataclass
class Preview:
    """The file's columns with a few of their values, for the mapping step."""

    columns: list[ColumnPreview] = field(default_factory=list)
    sheets: list[str] = field(default_factory=list)
    sheet: str = ""
    error: str = ""

    def ignored(self, mapping: Mapping[str, Any]) -> list[ColumnPreview]:
        """The columns the mapping imports nothing from."""
        names = set(readers.ignored_columns([column.name for column in self.columns], mapping))
        return [column for column in self.columns if column.name in names]


def import_preview(response_import: ResponseImport) -> Preview:
    """Columns and sample values from the first rows (a read: no permission of its own; the views check it)."""
    questionnaire = questionnaire_for(response_import.round.questionnaire_version)
    try:
        with _table(response_import, response_import.mapping.get("sheet")) as table:
            resembling = readers.resembling_targets(
                table.columns, response_import.mapping, questionnaire, table.variable_labels
            )
            samples: list[list[str]] = [[] for _column in table.columns]
            for count, (_number, cells) in enumerate(table.rows):
                if count >= PREVIEW_ROWS:
                    break
                for found, column, cell in zip(samples, table.columns, cells, strict=True):
                    text = readers.cell_text(cell)
                    label = table.value_labels.get(column, {}).get(text)
                    shown = f"{text} = {label}" if label else text
                    if text and len(found) < SAMPLES and shown not in found:
                        found.append(shown[:60])
            columns = [
                ColumnPreview(name, found, table.variable_labels.get(name, ""), resembling.get(name, ""))
                for name, found in zip(table.columns, samples, strict=True)
            ]
            return Preview(columns, table.sheets, table.sheet)
    except readers.FileError as problem:
        return Preview(error=message(problem.code, problem.params))


# --- upload and mapping -------------------------------------------------------------------------------------------


def import_upload(*, actor: Actor, round_: Round, file: IO[bytes], file_name: str) -> ResponseImport:
    """Stores an uploaded file after reading its columns, with an automatic mapping proposed from their names."""
    require(actor, MANAGE, round_)
    _check_round(round_)
    size = getattr(file, "size", None)
    if size is None:
        file.seek(0, 2)
        size = file.tell()
    if size > MAX_BYTES:
        raise ValidationError(
            {"file": message("file_too_large", {"limit": MAX_BYTES // (1024 * 1024)})}, code="file_too_large"
        )
    questionnaire = questionnaire_for(round_.questionnaire_version)
    remembered = remembered_mapping(round_)
    try:
        table = readers.read_table(file, file_name)
        if table.sheets and remembered.get("sheet") in table.sheets and remembered["sheet"] != table.sheet:
            file.seek(0)  # the sheet the round's last import used
            table = readers.read_table(file, file_name, sheet=remembered["sheet"])
    except readers.FileError as problem:
        raise _file_error(problem) from None
    mapping = readers.propose_mapping(table.columns, questionnaire, table.variable_labels)
    if remembered:
        mapping = readers.merge_mapping(remembered, mapping, table.columns)
    if table.sheets:
        mapping["sheet"] = table.sheet
    file.seek(0)
    with transaction.atomic():
        response_import = ResponseImport(
            round=round_,
            file_name=file_name[:255],
            file_format=table.format,
            mapping=mapping,
            rows_total=table.row_estimate,
            created_by=person_of(actor),
        )
        response_import.file.save(file_name, File(file, name=file_name), save=False)
        response_import.save()
        change_record(
            obj=response_import, actor=actor, action=Action.CREATE, changes=diff({}, {"file_name": file_name})
        )
    return response_import


def remembered_mapping(round_: Round) -> dict[str, Any]:
    """The mapping of the round's latest import that a person saved (and so checked): the next file of the round,
    usually of the same shape, starts from it. Empty when there is none."""
    last = (
        ResponseImport.objects.filter(round=round_, status__in=(ImportStatus.CHECKED, ImportStatus.DONE))
        .order_by("-created_at", "-pk")
        .values_list("mapping", flat=True)
        .first()
    )
    return dict(last) if isinstance(last, Mapping) else {}


def is_stale(response_import: ResponseImport) -> bool:
    """A check or import that has not reported progress for a long time: its process has ended."""
    if response_import.status not in WORKING:
        return False
    last = response_import.progress_at or response_import.created_at
    return timezone.now() - last > STALE_AFTER


def _lock(response_import: ResponseImport) -> ResponseImport:
    current = ResponseImport.objects.select_for_update().select_related("round").get(pk=response_import.pk)
    if current.status in WORKING and not is_stale(current):
        raise ValidationError(
            _("The file is being checked or imported right now: wait until that is done."), code="working"
        )
    return current


def import_set_mapping(*, actor: Actor, response_import: ResponseImport, mapping: Mapping[str, Any]) -> ResponseImport:
    """Saves a checked mapping. A new sheet of a workbook gets its own automatic mapping. The dry run's results
    are cleared: the file must be checked again."""
    require(actor, MANAGE, response_import.round)
    questionnaire = questionnaire_for(response_import.round.questionnaire_version)
    with transaction.atomic():
        current = _lock(response_import)
        mapping = dict(mapping)
        sheet = mapping.get("sheet") or None
        try:
            with _table(current, sheet) as table:
                columns, estimate = table.columns, table.row_estimate
        except readers.FileError as problem:
            raise ValidationError({"sheet": message(problem.code, problem.params)}, code=problem.code) from None
        try:
            readers.make_plan(mapping, columns, questionnaire)
        except readers.MappingError as error:
            if not table.sheets or table.sheet == current.mapping.get("sheet"):
                raise _mapping_error(error) from None
            # Another sheet, whose columns the mapping does not fit: start from the sheet's automatic mapping.
            mapping = {**readers.propose_mapping(columns, questionnaire, table.variable_labels), "sheet": table.sheet}
        before = {"mapping": current.mapping, "status": current.status}
        current.mapping = mapping
        current.status = ImportStatus.UPLOADED
        current.problems = []
        current.created = current.updated = current.rows_done = 0
        current.rows_total = estimate
        current.save()
        change_record(
            obj=current,
            actor=actor,
            action=Action.UPDATE,
            changes=diff(before, {"mapping": mapping, "status": current.status}),
        )
    return current


# --- the check and the import -------------------------------------------------------------------------------------


@dataclass
class Evaluation:
    """What the file would do: its converted rows, its problems, and how many responses it creates or updates."""

    conversion: readers.Conversion
    existing: dict[str, int]  # external_id → response of this round
    creates: int = 0
    updates: int = 0
    ignored: list[str] = field(default_factory=list)  # the file's columns imported as nothing

    @property
    def problems(self) -> list[dict[str, Any]]:
        return self.conversion.problem_list()


def _evaluate(
    round_: Round, table: readers.Table, mapping: Any, progress: Callable[[int], None] | None = None
) -> Evaluation:
    """The dry run: every row converted and checked, also against the responses the round already has. Reads
    only. Raises readers.FileError or readers.MappingError for the file or mapping as a whole."""
    questionnaire = questionnaire_for(round_.questionnaire_version)
    plan = readers.make_plan(mapping, table.columns, questionnaire)
    one_each = round_.unit == Unit.ORGANISATION
    conversion = readers.convert(
        table, plan, questionnaire, _organisations(round_), one_per_organisation=one_each, progress=progress
    )
    existing = dict(Response.objects.filter(round=round_).exclude(external_id="").values_list("external_id", "pk"))
    if one_each:
        # Units that keep a response whatever this file does: the web form's, and imports the file does not update.
        in_file = {row.external_id for row in conversion.rows}
        occupied = {
            unit: external_id
            for unit, external_id in Response.objects.filter(round=round_).values_list("frame_unit_id", "external_id")
            if external_id not in in_file
        }
        kept = []
        for row in conversion.rows:
            if row.unit in occupied:
                # Stored problems keep codes and raw values only: they are worded in the reader's language.
                other = occupied[row.unit]
                code, params = ("already_imported", {"id": other}) if other else ("already_answered", {})
                conversion.add(row.row, code, plan.organisation_column, row.organisation, params)
            else:
                kept.append(row)
        conversion.rows = kept
    evaluation = Evaluation(conversion, existing, ignored=readers.ignored_columns(table.columns, mapping))
    evaluation.updates = sum(1 for row in conversion.rows if row.external_id in existing)
    evaluation.creates = len(conversion.rows) - evaluation.updates
    return evaluation


def import_check_file(
    *,
    actor: Actor,
    round_: Round,
    file: IO[bytes],
    file_name: str,
    mapping: Mapping[str, Any] | None = None,
    sheet: str | None = None,
) -> tuple[Evaluation | None, list[dict[str, Any]]]:
    """A dry run of a file that is not stored (the command line's --dry-run): (evaluation, problems). Writes
    nothing. Without a mapping, the automatic one is used."""
    require(actor, MANAGE, round_)
    sheet = sheet or (mapping or {}).get("sheet")
    try:
        table = readers.read_table(file, file_name, sheet=sheet)
        if mapping is None:
            mapping = readers.propose_mapping(
                table.columns, questionnaire_for(round_.questionnaire_version), table.variable_labels
            )
            remembered = remembered_mapping(round_)
            if remembered:
                mapping = readers.merge_mapping(remembered, mapping, table.columns)
        evaluation = _evaluate(round_, table, mapping)
    except readers.FileError as problem:
        return None, [_problem(problem.code, problem.params)]
    except readers.MappingError as error:
        return None, [
            _problem(issue.code, {"column": issue.column, **issue.params}, issue.column) for issue in error.issues
        ]
    return evaluation, evaluation.problems


def import_start(
    *, actor: Actor, response_import: ResponseImport, dry_run: bool, background: bool = True, checked: bool = True
) -> ResponseImport:
    """Starts the dry run or the import: within this call for small files (or background=False), else in a thread.

    The import (dry_run=False) needs, with checked=True, a dry run that found no problems; it checks every row
    again anyway and saves nothing if a problem has appeared since.
    """
    require(actor, MANAGE, response_import.round)
    _check_round(response_import.round)
    with transaction.atomic():
        current = _lock(response_import)
        if not dry_run and checked and (current.status != ImportStatus.CHECKED or current.problems):
            raise ValidationError(
                _("Check the file first (dry run): it can be imported when the check finds no problems."),
                code="not_checked",
            )
        current.status = ImportStatus.CHECKING if dry_run else ImportStatus.RUNNING
        current.rows_done = 0
        current.progress_at = timezone.now()
        current.save(update_fields=["status", "rows_done", "progress_at"])
        if background and current.file.size > SYNC_BYTES:
            thread = threading.Thread(
                target=_work_in_thread, args=(current.pk, actor, dry_run), name=f"barometer-import-{current.pk}"
            )
            thread.daemon = True  # a stopping server does not wait for it: its transaction is simply rolled back
            # Started once the claim is committed, so that the thread's own connection sees it.
            transaction.on_commit(thread.start)
            return current
    _work(current.pk, actor, dry_run)
    current.refresh_from_db()
    return current


def _work_in_thread(pk: int, actor: Actor, dry_run: bool) -> None:
    try:
        _work(pk, actor, dry_run)
    finally:
        connections.close_all()  # this thread's own connections


def _progress(pk: int) -> Callable[[int], None]:
    def report(rows: int) -> None:
        # An autocommit update of its own (no transaction is open in this step): visible to every request.
        try:
            ResponseImport.objects.filter(pk=pk).update(rows_done=rows, progress_at=timezone.now())
        except DatabaseError:  # e.g. SQLite busy with another writer: the progress is for show, the work goes on
            logger.warning("Could not record the progress of response import %s", pk, exc_info=True)

    return report


def _work(pk: int, actor: Actor, dry_run: bool) -> None:
    response_import = ResponseImport.objects.select_related("round__questionnaire_version").get(pk=pk)
    round_ = response_import.round
    try:
        with _table(response_import, response_import.mapping.get("sheet")) as table:
            evaluation = _evaluate(round_, table, response_import.mapping, _progress(pk))
    except readers.FileError as problem:
        _finish_check(response_import, [_problem(problem.code, problem.params)])
        return
    except readers.MappingError as error:
        _finish_check(
            response_import, [_problem(i.code, {"column": i.column, **i.params}, i.column) for i in error.issues]
        )
        return
    except Exception:
        logger.exception("Checking response import %s failed", pk)
        _fail(pk)
        return
    rows = evaluation.conversion.rows_read
    if dry_run or evaluation.conversion.problems:
        _finish_check(response_import, evaluation.problems, evaluation, rows)
        return
    try:
        _save(response_import, evaluation, actor, rows)
    except Exception:
        logger.exception("Importing response import %s failed; the transaction was rolled back", pk)
        _fail(pk)


def _finish_check(
    response_import: ResponseImport, problems: list[dict[str, Any]], evaluation: Evaluation | None = None, rows: int = 0
) -> None:
    # In a checked import, created and updated say what the import would do.
    ResponseImport.objects.filter(pk=response_import.pk).update(
        status=ImportStatus.CHECKED,
        problems=problems,
        rows_total=rows or response_import.rows_total,
        rows_done=rows,
        created=evaluation.creates if evaluation else 0,
        updated=evaluation.updates if evaluation else 0,
        progress_at=timezone.now(),
    )


def _fail(pk: int) -> None:
    ResponseImport.objects.filter(pk=pk).update(
        status=ImportStatus.FAILED, problems=[_problem("failed")], progress_at=timezone.now()
    )


def _chunks(items: Iterable[Any], size: int = BATCH) -> Iterator[list[Any]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _insert_many(
    model: type[Model], template: Mapping[str, Any], varying: Sequence[str], rows: Iterable[Sequence[Any]]
) -> None:
    """INSERTs many rows of `model`, for large imports: the ORM's bulk_create spends about 0.1 ms per object
    building and preparing it, and on PostgreSQL as much again quoting its parameters, most of the time of a
    large import. Every column but `varying` (attribute names) takes its value from one object made from
    `template`, prepared once; the varying values come from `rows`, each prepared by its field. So rows are stored
    exactly as the ORM stores them, new columns with defaults included."""
    db = connections[DEFAULT_DB_ALIAS]  # the connection itself: every attribute read of the proxy costs
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    sample = model(**template)
    by_name = {field.attname: field for field in fields}
    fixed = {
        field.attname: field.get_db_prep_save(field.pre_save(sample, add=True), db)
        for field in fields
        if field.attname not in varying
    }
    order = [*fixed, *varying]
    prepare = [by_name[name].get_db_prep_save for name in varying]
    constant = list(fixed.values())

    def prepared(row: Sequence[Any]) -> list[Any]:
        return [*constant, *(prepare_value(value, db) for prepare_value, value in zip(prepare, row, strict=True))]

    # Only names from the model's own metadata are put in the statements; every value is a parameter.
    table = db.ops.quote_name(model._meta.db_table)
    columns = ", ".join(db.ops.quote_name(str(by_name[name].column)) for name in order)
    with db.cursor() as cursor:
        if db.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(prepared(row))
            return
        # Elsewhere as many rows per statement as the database takes parameters (999 on SQLite).
        size = max(1, db.ops.bulk_batch_size([by_name[name] for name in order], [None] * BATCH))
        row_marks = "(" + ", ".join(["%s"] * len(order)) + ")"
        for chunk in _chunks(rows, size):
            params = [value for row in chunk for value in prepared(row)]
            cursor.execute(f"INSERT INTO {table} ({columns}) VALUES {', '.join([row_marks] * len(chunk))}", params)  # noqa: S608


def _save(response_import: ResponseImport, evaluation: Evaluation, actor: Actor, rows: int) -> None:
    """All rows in one transaction with bulk statements: new responses created, re-imported ones updated with
    their answers replaced. Any failure rolls back everything."""
    round_ = response_import.round
    question_ids = dict(round_.questionnaire_version.questions.values_list("code", "pk"))
    now = timezone.now()
    # Every row is checked: the page now says "saving" until the transaction below ends.
    ResponseImport.objects.filter(pk=response_import.pk).update(rows_total=rows, rows_done=rows, progress_at=now)
    with transaction.atomic():
        # The identifiers are read again inside the transaction: another import may have run since the check.
        existing = dict(
            Response.objects.select_for_update()
            .filter(round=round_)
            .exclude(external_id="")
            .values_list("external_id", "pk")
        )
        current_units = dict(Response.objects.filter(pk__in=existing.values()).values_list("pk", "frame_unit_id"))
        new_rows = [row for row in evaluation.conversion.rows if row.external_id not in existing]
        old_rows = [row for row in evaluation.conversion.rows if row.external_id in existing]
        _insert_many(
            Response,
            {"round": round_, "source": ResponseSource.IMPORT, "status": ResponseStatus.SUBMITTED, "submitted_at": now},
            ("frame_unit_id", "external_id"),
            ((row.unit, row.external_id) for row in new_rows),
        )
        # The new responses' keys, by their (per round unique) identifiers.
        response_of = dict(
            Response.objects.filter(round=round_).exclude(external_id="").values_list("external_id", "pk")
        )
        old_ids = [existing[row.external_id] for row in old_rows]
        moved = [
            Response(pk=existing[row.external_id], frame_unit_id=row.unit)
            for row in old_rows
            if current_units[existing[row.external_id]] != row.unit
        ]
        Response.objects.bulk_update(moved, ["frame_unit"], batch_size=BATCH)
        for chunk in _chunks(old_ids):
            Response.objects.filter(pk__in=chunk).update(
                source=ResponseSource.IMPORT, status=ResponseStatus.SUBMITTED, updated_at=now
            )
            Answer.objects.filter(response_id__in=chunk).delete()
        _insert_many(
            Answer,
            {},
            ("response_id", "question_id", "value"),
            (
                (response_of[row.external_id], question_ids[code], value)
                for row in evaluation.conversion.rows
                for code, value in row.answers.items()
            ),
        )
        before = {"status": response_import.status}
        ResponseImport.objects.filter(pk=response_import.pk).update(
            status=ImportStatus.DONE,
            problems=[],
            created=len(new_rows),
            updated=len(old_rows),
            rows_total=rows,
            rows_done=rows,
            finished_at=timezone.now(),
            progress_at=timezone.now(),
        )
        change_record(
            obj=response_import,
            actor=actor,
            action=Action.UPDATE,
            changes=diff(before, {"status": ImportStatus.DONE, "created": len(new_rows), "updated": len(old_rows)}),
        )


# --- progress -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Progress:
    status: str
    working: bool
    stale: bool
    rows_done: int
    rows_total: int
    saving: bool

    @property
    def percent(self) -> int | None:
        """None while the number of rows is unknown (an indeterminate progress bar)."""
        if self.saving or not self.working:
            return 100 if self.saving or self.status in (ImportStatus.CHECKED, ImportStatus.DONE) else None
        if not self.rows_total:
            return None
        return min(99, self.rows_done * 100 // self.rows_total)


def import_progress(response_import: ResponseImport) -> Progress:
    working = response_import.status in WORKING
    rows_total = response_import.rows_total  # an estimate until the rows are counted
    saving = (
        response_import.status == ImportStatus.RUNNING
        and rows_total > 0
        and response_import.rows_done >= response_import.rows_total
    )
    return Progress(
        status=response_import.status,
        working=working,
        stale=is_stale(response_import),
        rows_done=response_import.rows_done,
        rows_total=rows_total,
        saving=saving,
    )
