"""Responses made with other survey tools: CSV, XLSX and SPSS .sav files read into one table shape, a column
mapping proposed and checked, and every row turned into answers. Plain Python (no Django): the pages, the
command line and the tests share this one implementation; `barometer.imports.services` does the database part.

A table is the file's column names and its rows, each with the row number a person sees in the file: the
spreadsheet row for CSV and XLSX (the header is row 1) and the case number for SPSS files. Rows are read lazily,
so a long file is checked while it is read and the progress can be shown.

The mapping (stored as JSON on the import, and the --mapping file of the command line):

    {"id": "<column>", "organisation": "<column>",
     "columns": {"<column>": "<question>" | "<question>:<choice or item>", …},
     "delimiter": ";",
     "values": {"<column>": {"<value in the file>": "<choice code>" | null, …}, …},
     "ignore": ["<column>", …],
     "sheet": "<sheet name>"}

"<question>" takes a single choice, number or text answer, or a multiple choice's chosen options written as one
delimited list; "<question>:<choice>" is one option of a multiple choice as a 0/1 column; "<question>:<item>" one
row of a scale or grid. A value mapped to null means "no answer" ("not chosen" in a 0/1 column). Values match
answer options by the SPSS file's own value label where it has one, else by code or by label in any language,
case-insensitively. SPSS user-missing values that name an option ("9 = En osaa sanoa") are that option; others
are no answer. "ignore" lists the columns left out on purpose although their names are like a question's (any
other such column is a problem: most likely misspelt). A mapping must map at least one column to a question.

Nothing that changes an answer passes unsaid: a CSV row with fewer values than columns or a quotation mark left
open at the end (a cut file), and an XLSX formula whose result the file does not hold, are problems naming their
row and column.
"""

import codecs
import csv
import datetime
import difflib
import io
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import PurePath
from typing import IO, Any, cast

import openpyxl  # type: ignore[import-untyped]  # ships no type information
import pyreadstat
from openpyxl.xml.functions import iterparse  # type: ignore[import-untyped]  # the parser openpyxl reads sheets with

from barometer.answers import AnswerError, QuestionSpec, asked, clean, is_empty
from core import archives

Cell = str | int | float | None
Row = tuple[int, list[Cell]]

# Limits that keep one upload's memory and time bounded; a barometer has hundreds or thousands of respondents.
MAX_ROWS = 100_000
MAX_COLUMNS = 2_000
MAX_ID_LENGTH = 100  # Response.external_id
# Problems are grouped by (problem, column, value); each group lists at most this many row numbers.
MAX_ROWS_PER_PROBLEM = 200
MAX_PROBLEM_GROUPS = 5_000
CSV_DELIMITERS = (";", ",", "\t", "|")
LIST_DELIMITERS = (";", ",", "|", "/", "\n")
SAV_CHUNK = 5_000
# A sheet is read row by row, so it may inflate to more than an attachment's parts.
XLSX_LIMITS = archives.Limits(max_member_bytes=400 * archives.MIB, max_total_bytes=500 * archives.MIB)

EXTENSIONS = {
    ".csv": "csv",
    ".txt": "csv",
    ".tsv": "csv",
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".sav": "sav",
    ".zsav": "sav",
}

# Column names that the automatic mapping takes for the respondent's identifier and the organisation (compared
# after `_name_key`). A response-level export of Innoverkko should name them "response_id" and "organisation", and
# its answers by question code, `code_choice` (0/1) and `code_item`: such a file then imports with no manual step.
ID_COLUMNS = frozenset(
    {"id", "response_id", "respondent_id", "respondent", "external_id", "identifier", "tunniste", "vastaustunnus"}
)
ORGANISATION_COLUMNS = frozenset(
    {
        "organisation",
        "organization",
        "organisation_id",
        "organisaatio",
        "municipality_code",
        "kuntanumero",
        "kuntakoodi",
        "business_id",
        "y_tunnus",
        "ytunnus",
        "municipality",
        "kunta",
        "kommun",
    }
)
# How survey tools write "chosen" and "not chosen" in a 0/1 column (compared case-insensitively).
CHOSEN = frozenset({"1", "x", "true", "yes", "kyllä", "ja", "sant", "valittu", "vald", "selected", "checked"})
NOT_CHOSEN = frozenset({"0", "false", "no", "ei", "nej", "falskt", "ei valittu", "not selected", "inte vald"})


class FileError(ValueError):
    """The file as a whole cannot be read. `code` is machine-readable; `params` fill the message."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


@dataclass
class Table:
    """A file's columns and (lazily read) rows. `rows` can be iterated once."""

    format: str
    columns: list[str]
    rows: Iterator[Row]
    # Rows the file says it has (exact for CSV and SPSS; from the sheet's dimensions for XLSX, which may count
    # empty formatted rows): the progress bar's denominator until a check has counted them.
    row_estimate: int = 0
    # SPSS value labels: {column: {value as text: label}}.
    value_labels: dict[str, dict[str, str]] = field(default_factory=dict)
    # SPSS variable labels (usually the question's text): {column: label}.
    variable_labels: dict[str, str] = field(default_factory=dict)
    # SPSS user-missing values: {column: [(low, high), …]} (a single value has low == high).
    user_missing: dict[str, list[tuple[Any, Any]]] = field(default_factory=dict)
    sheets: list[str] = field(default_factory=list)
    sheet: str = ""
    # The row of the column names (None for SPSS, whose variables are no row): where a column's problem is shown.
    header_row: int | None = 1
    # Problems the reader found in a row, filled just before the row is yielded and taken by `convert`:
    # {row: [(code, column position, value, params), …]}. A row read short, a formula without its value.
    row_problems: dict[int, list[tuple[str, int, str, dict[str, Any]]]] = field(default_factory=dict)

    def is_user_missing(self, column: str, cell: Cell) -> bool:
        """Whether the file declares the cell's value missing (SPSS "user-missing", e.g. 9 = "Don't know")."""
        if cell is None:
            return False
        for low, high in self.user_missing.get(column, ()):
            if isinstance(cell, (int, float)) and isinstance(low, (int, float)) and isinstance(high, (int, float)):
                if low <= cell <= high:
                    return True
            elif isinstance(cell, str) and cell in (str(low).strip(), str(high).strip()):
                return True
        return False


# --- reading -----------------------------------------------------------------------------------------------------


def detect_format(file_name: str, head: bytes) -> str:
    """csv, xlsx or sav, from the file's first bytes where they tell, otherwise from its extension."""
    extension = PurePath(file_name.lower()).suffix
    if not head:
        raise FileError("empty")
    if head.startswith(b"\xd0\xcf\x11\xe0") or extension == ".xls":  # the Excel 97–2003 container
        raise FileError("old_excel")
    if head[:4] in (b"$FL2", b"$FL3"):
        return "sav"
    if head.startswith(b"PK\x03\x04"):  # a zip container: an XLSX workbook, or another format openpyxl refuses
        return "xlsx"
    kind = EXTENSIONS.get(extension)
    if kind == "xlsx":
        raise FileError("corrupt_xlsx")
    if kind == "sav":
        raise FileError("corrupt_sav")
    if kind is None:
        raise FileError("unknown_format", extension=extension or "–")
    return kind


def read_table(source: IO[bytes], file_name: str, *, sheet: str | None = None) -> Table:
    """The file's table. Raises FileError for a file that cannot be read (also while its rows are read)."""
    source.seek(0)
    kind = detect_format(file_name, source.read(8))
    source.seek(0)
    if kind == "xlsx":
        return _read_xlsx(source, sheet)
    if kind == "sav":
        return _read_sav(source)
    return _read_csv(source.read())


def cell_text(cell: Cell) -> str:
    """A cell as the person sees it: 1.0 from a number column is "1"."""
    if cell is None:
        return ""
    if isinstance(cell, float):
        return str(int(cell)) if cell.is_integer() else repr(cell)
    return str(cell)


def _cell(value: Any) -> Cell:
    """One cell in the common shape: text stripped (empty is None), numbers kept, dates as ISO text."""
    if value is None:
        return None
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return None if value != value else value  # NaN is SPSS's "system missing"
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return str(value).strip() or None


def _column_names(header: Sequence[Any]) -> list[str]:
    names = [cell_text(_cell(value)) for value in header]
    while names and not names[-1]:  # empty cells after the last name (trailing delimiters, formatted cells)
        names.pop()
    if not names:
        raise FileError("empty")
    if len(names) > MAX_COLUMNS:
        raise FileError("too_many_columns", limit=MAX_COLUMNS)
    # An unnamed column in the middle is named by its position, as a spreadsheet shows it.
    names = [name or f"column_{position}" for position, name in enumerate(names, start=1)]
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise FileError("duplicate_column", column=name)
        seen.add(name)
    return names


def _rows(numbered: Iterable[tuple[int, Sequence[Any]]], width: int) -> Iterator[Row]:
    """Rows in the common shape, blank rows skipped, at most MAX_ROWS; a value beyond the named columns is an
    error rather than silently dropped."""
    count = 0
    for number, raw in numbered:
        cells = [_cell(value) for value in raw]
        if any(cell is not None for cell in cells[width:]):
            raise FileError("value_without_column", row=number)
        cells = cells[:width] + [None] * (width - len(cells))
        if all(cell is None for cell in cells):
            continue
        count += 1
        if count > MAX_ROWS:
            raise FileError("too_many_rows", limit=MAX_ROWS)
        yield number, cells


def _decode(data: bytes) -> str:
    """The text of a CSV file: UTF-8 (with or without the byte order mark Excel writes), UTF-16 with its byte
    order mark (Excel's "Unicode text"), else Windows-1252 or Latin-1, which Finnish Excel writes on Windows."""
    if data.startswith(codecs.BOM_UTF8):
        candidates: tuple[str, ...] = ("utf-8-sig",)
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = ("utf-16",)
    else:
        candidates = ("utf-8", "cp1252", "latin-1")
    for encoding in candidates:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        # Latin-1 decodes any bytes: control characters (other than tab and line ends) mean it was no text.
        if not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]", text):
            return text
    raise FileError("unreadable_encoding")


def _delimiter(text: str) -> str:
    """The delimiter that splits the first lines into the same number (more than one) of fields, the most."""
    lines = text[:65_536].splitlines()[:20]
    if len(text) > 65_536 and len(lines) > 1:
        lines = lines[:-1]  # the last sampled line may be cut short
    best, best_score = ",", (False, 1)
    for delimiter in CSV_DELIMITERS:
        counts = [len(fields) for fields in csv.reader(lines, delimiter=delimiter) if fields]
        if counts and counts[0] > 1:
            score = (all(count == counts[0] for count in counts), counts[0])
            if score > best_score:
                best, best_score = delimiter, score
    return best


def _read_csv(data: bytes) -> Table:
    text = _decode(data)
    if not text.strip():
        raise FileError("empty")
    delimiter = _delimiter(text)
    source = io.StringIO(text, newline="")
    try:
        reader = csv.reader(source, delimiter=delimiter)
        header = next(reader)
    except (csv.Error, StopIteration):
        raise FileError("unreadable_csv", row=1) from None
    columns = _column_names(header)
    problems: dict[int, list[tuple[str, int, str, dict[str, Any]]]] = {}

    # Every program that writes CSV ends its last row with a line break; a file cut short seldom does.
    ends_whole = text.endswith(("\n", "\r"))

    def numbered() -> Iterator[tuple[int, Sequence[Any]]]:
        # Records, not lines: a quoted cell may span lines but is one spreadsheet row. Each is yielded once the
        # next one is read, so that the last one is known.
        number = 1
        held: tuple[int, list[str]] | None = None
        last_start = start = source.tell()
        while True:
            try:
                record = next(reader)
            except StopIteration:
                break
            except csv.Error:
                raise FileError("unreadable_csv", row=number + 1) from None
            number += 1
            if 0 < len(record) < len(columns) and any(cell.strip() for cell in record):
                # Fewer values than columns: a row cut short (often the last one of a cut file). Padding it with
                # empty cells would take the cut answers for unanswered ones.
                params = {"fields": len(record), "columns": len(columns)}
                problems[number] = [("short_row", len(record), "", params)]
            if held is not None:
                yield held
            held, last_start, start = (number, record), start, source.tell()
        if held is None:
            return
        if _open_quote(text[last_start:], delimiter):
            # The last row ends inside quotation marks: cut short ("8,5" cut to "8 would be read as 8).
            raise FileError("cut_csv", row=held[0])
        last, record = held
        if not ends_whole and len(record) == len(columns) and not record[-1].strip() and last not in problems:
            # Cut right after a delimiter: as many values as columns, the last one empty, and no line break.
            problems[last] = [("cut_row", len(columns) - 1, "", {})]
        yield held

    return Table(
        "csv",
        columns,
        _rows(numbered(), len(columns)),
        row_estimate=max(text.count("\n") - 1, 0),
        row_problems=problems,
    )


def _open_quote(tail: str, delimiter: str) -> bool:
    """Whether the text (the file's last record) ends inside a quoted value. The reader itself is lenient with
    quotes (a stray space after a closing quote is kept as text), so only the end is checked strictly."""
    try:
        list(csv.reader(io.StringIO(tail, newline=""), delimiter=delimiter, strict=True))
    except csv.Error as error:
        return "unexpected end of data" in str(error)
    return False


def _read_xlsx(source: IO[bytes], sheet: str | None) -> Table:
    # openpyxl reads some parts whole: a zip bomb is refused before it opens the file (core/archives.py).
    try:
        archives.open_checked(source, XLSX_LIMITS).close()
    except archives.UnsafeArchiveError as refused:
        raise FileError("corrupt_xlsx" if refused.code == "damaged" else "unsafe_xlsx") from None
    source.seek(0)
    try:
        workbook = openpyxl.load_workbook(source, read_only=True, data_only=True)
    except Exception:  # a damaged or foreign zip fails in many ways (zip, XML, missing parts): all mean the same
        raise FileError("corrupt_xlsx") from None
    sheets = [worksheet.title for worksheet in workbook.worksheets]
    if not sheets:
        workbook.close()
        raise FileError("corrupt_xlsx")
    if sheet and sheet not in sheets:
        workbook.close()
        raise FileError("no_such_sheet", sheet=sheet, sheets=", ".join(sheets))
    worksheet = workbook[sheet or sheets[0]]
    try:
        formulas = _formulas_without_values(worksheet)
    except Exception:
        workbook.close()
        raise FileError("corrupt_xlsx") from None
    raw = enumerate(worksheet.iter_rows(values_only=True), start=1)
    try:
        # The header is the first row that has anything in it.
        header_row, header = next((number, row) for number, row in raw if any(_cell(v) is not None for v in row))
        columns = _column_names(header)
    except StopIteration:
        workbook.close()
        raise FileError("empty") from None
    except FileError:
        workbook.close()
        raise
    except Exception:
        workbook.close()
        raise FileError("corrupt_xlsx") from None

    def numbered() -> Iterator[tuple[int, Sequence[Any]]]:
        try:
            yield from raw
        except FileError:
            raise
        except Exception:
            raise FileError("corrupt_xlsx") from None
        finally:
            workbook.close()

    estimate = max((worksheet.max_row or 0) - header_row, 0)
    # One list per row, as convert takes them.
    merged: dict[int, list[tuple[str, int, str, dict[str, Any]]]] = {}
    for row, cells in formulas.items():
        for position, formula in cells:
            if row > header_row and position < len(columns):
                merged.setdefault(row, []).append(
                    ("formula_without_value", position, formula, {"cell": f"{_column_letter(position)}{row}"})
                )
    return Table(
        "xlsx",
        columns,
        _rows(numbered(), len(columns)),
        row_estimate=estimate,
        sheets=sheets,
        sheet=worksheet.title,
        header_row=header_row,
        row_problems=merged,
    )


_CELL_REFERENCE = re.compile(r"([A-Z]+)(\d+)")
_SHEET_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def _column_letter(position: int) -> str:
    """The spreadsheet's name of a 0-based column position: 0 → A, 26 → AA."""
    letters = ""
    number = position + 1
    while number:
        number, remainder = divmod(number - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


_FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[\s>/]")


def _has_formulas(worksheet: Any) -> bool:
    """Whether the sheet's XML has a formula element at all: a quick scan of its bytes, so that the usual export
    without formulas is not parsed twice."""
    tail = b""
    with worksheet._get_source() as source:
        while chunk := source.read(1 << 20):
            if _FORMULA_TAG.search(tail + chunk):
                return True
            tail = chunk[-16:]
    return False


def _formulas_without_values(worksheet: Any) -> dict[int, list[tuple[int, str]]]:
    """{row: [(column position, "=formula"), …]} of the formula cells whose result is not saved in the file. A
    workbook written by a program that does not calculate (a script, some exports) has formulas without results,
    which openpyxl reads as empty cells: their answers would be imported as unanswered."""
    found: dict[int, list[tuple[int, str]]] = {}
    if not _has_formulas(worksheet):
        return found
    # openpyxl reads a formula without a result as an empty cell, and one whose result is "" the same way: only the
    # sheet's XML tells them apart. Its read-only worksheet opens that part here.
    row = 0
    with worksheet._get_source() as source:
        for _event, element in iterparse(source):
            if element.tag != f"{_SHEET_NS}row":
                continue
            row = int(element.get("r") or row + 1)
            position = -1
            for cell in element.iter(f"{_SHEET_NS}c"):
                match = _CELL_REFERENCE.fullmatch(cell.get("r") or "")
                position = _column_position(match.group(1)) if match else position + 1
                formula = cell.find(f"{_SHEET_NS}f")
                value = cell.find(f"{_SHEET_NS}v")
                # No result: no <v>, or an empty one (openpyxl writes <v/>) in a cell that is not text (a formula
                # whose result is "" is written as t="str" with an empty <v>).
                if formula is not None and (value is None or (not value.text and cell.get("t") != "str")):
                    found.setdefault(row, []).append((position, f"={formula.text or ''}"))
            element.clear()  # a long sheet is read in constant memory
    return found


def _column_position(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - ord("A") + 1
    return number - 1


def _read_sav(binary: IO[bytes]) -> Table:
    source = cast(Any, binary)  # pyreadstat's FileLike protocol types read() slightly differently from IO
    try:
        _, meta = pyreadstat.read_sav(source, metadataonly=True, user_missing=True)
    except Exception:  # pyreadstat's own error types for every kind of damage
        raise FileError("corrupt_sav") from None
    columns = _column_names(list(meta.column_names))
    labels = {
        column: {cell_text(_cell(value)): str(label) for value, label in value_labels.items()}
        for column, value_labels in (meta.variable_value_labels or {}).items()
    }
    variable_labels = {
        column: " ".join(str(label).split())
        for column, label in (meta.column_names_to_labels or {}).items()
        if label and str(label).strip()
    }
    # User-missing values are read as the values they are (9, not "missing"): one that names an answer option
    # ("9 = En osaa sanoa") is that answer; the others mean no answer (see `convert`).
    user_missing = {
        column: [(bound.get("lo"), bound.get("hi")) for bound in bounds if isinstance(bound, Mapping)]
        for column, bounds in (meta.missing_ranges or {}).items()
        if bounds
    }
    total = meta.number_rows  # None when the file does not say

    def numbered() -> Iterator[tuple[int, Sequence[Any]]]:
        offset = 0
        while total is None or offset < total:
            source.seek(0)
            try:
                data, _ = pyreadstat.read_sav(
                    source, row_offset=offset, row_limit=SAV_CHUNK, output_format="dict", user_missing=True
                )
            except Exception:
                raise FileError("corrupt_sav") from None
            chunk = [data[column] for column in meta.column_names]
            length = len(chunk[0]) if chunk else 0
            for index in range(length):
                yield offset + index + 1, [values[index] for values in chunk]
            offset += length
            if length < SAV_CHUNK:
                break

    return Table(
        "sav",
        columns,
        _rows(numbered(), len(columns)),
        row_estimate=total or 0,
        value_labels=labels,
        variable_labels=variable_labels,
        user_missing=user_missing,
        header_row=None,
    )


# --- the questionnaire and the mapping ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Questionnaire:
    """What the import needs to know of a questionnaire version."""

    questions: Sequence[QuestionSpec]
    section_conditions: Mapping[str, Mapping[str, Any]]
    # {question: {choice: (label in each language, …)}}
    choice_labels: Mapping[str, Mapping[str, Sequence[str]]] = field(default_factory=dict)
    # {question: (text in each language, …)} and {question: {item: (label in each language, …)}}: what an SPSS
    # file's variable labels are matched with.
    question_texts: Mapping[str, Sequence[str]] = field(default_factory=dict)
    item_labels: Mapping[str, Mapping[str, Sequence[str]]] = field(default_factory=dict)

    def by_code(self) -> dict[str, QuestionSpec]:
        return {spec.code: spec for spec in self.questions}


@dataclass(frozen=True)
class Issue:
    """One thing wrong with a mapping."""

    code: str
    column: str = ""
    params: Mapping[str, Any] = field(default_factory=dict)


class MappingError(ValueError):
    def __init__(self, issues: list[Issue]) -> None:
        super().__init__(", ".join(issue.code for issue in issues))
        self.issues = issues


@dataclass(frozen=True)
class Target:
    """Where one column's cells go. `way`: choice (single), list (multiple as a delimited list), flag (one option
    of a multiple choice as 0/1), item (a scale or grid row), number, text."""

    column: str
    question: QuestionSpec
    way: str
    part: str = ""


@dataclass(frozen=True)
class Plan:
    """A checked mapping: which column is what."""

    id_column: str
    organisation_column: str
    targets: tuple[Target, ...]
    delimiter: str
    values: Mapping[str, Mapping[str, str | None]]
    # Columns the mapping says to leave out: no problem for them even when they look like a question's.
    ignore: frozenset[str] = frozenset()

    @property
    def questions(self) -> set[str]:
        return {target.question.code for target in self.targets}

    def as_mapping(self) -> dict[str, Any]:
        """The columns' part of the mapping this plan was made of."""
        return {
            "id": self.id_column,
            "organisation": self.organisation_column,
            "columns": {t.column: f"{t.question.code}:{t.part}" if t.part else t.question.code for t in self.targets},
        }


def _name_key(name: str) -> str:
    return re.sub(r"[\s\-.]+", "_", name.strip().casefold())


def _text_key(text: str) -> str:
    """A text compared with another: letters and digits only, one space between words, any case."""
    return " ".join(re.sub(r"[^\w]+", " ", text.casefold()).split())


def _label_targets(questionnaire: Questionnaire) -> dict[str, str]:
    """What an SPSS variable label can say, as `_text_key`s, → the mapping's target: a question's text (in any
    language), or its text and an option's or a row's label ("Innovaation tyyppi: Palvelu")."""
    found: dict[str, str] = {}
    twice: set[str] = set()

    def add(text: str, target: str) -> None:
        key = _text_key(text)
        if not key:
            return
        if found.get(key, target) != target:
            twice.add(key)
        found[key] = target

    for spec in questionnaire.questions:
        texts = [text for text in questionnaire.question_texts.get(spec.code, ()) if text]
        if spec.kind in ("scale", "grid"):
            for item, labels in questionnaire.item_labels.get(spec.code, {}).items():
                for text in texts:
                    for label in labels:
                        if label:
                            add(f"{text} {label}", f"{spec.code}:{item}")
            continue
        for text in texts:
            add(text, spec.code)
        if spec.kind == "multiple":
            for choice, labels in questionnaire.choice_labels.get(spec.code, {}).items():
                for text in texts:
                    for label in labels:
                        if label:
                            add(f"{text} {label}", f"{spec.code}:{choice}")
    return {key: target for key, target in found.items() if key not in twice}


def _by_label(label: str, targets: Mapping[str, str]) -> str | None:
    """The target an SPSS variable label names: the text itself, or the text after a short question number
    ("K5. …", "Q12a …")."""
    key = _text_key(label)
    if key in targets:
        return targets[key]
    number, _space, rest = key.partition(" ")
    if rest and len(number) <= 6 and any(character.isdigit() for character in number):
        return targets.get(rest)
    return None


def propose_mapping(
    columns: Sequence[str], questionnaire: Questionnaire, variable_labels: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """A mapping from the column names: question codes, `code_choice` and `code_item`, and the usual names of an
    identifier and an organisation column (see ID_COLUMNS); then, for an SPSS file's short variable names
    (q1, v12), from their variable labels: a question's text, or its text and an option's or row's label."""
    specs = questionnaire.by_code()
    parts: dict[str, str] = {}  # "<question>_<choice or item>" → "<question>:<choice or item>"
    for spec in questionnaire.questions:
        if spec.kind == "multiple":
            parts.update({f"{spec.code}_{choice}".casefold(): f"{spec.code}:{choice}" for choice in spec.choices})
        elif spec.kind in ("scale", "grid"):
            parts.update({f"{spec.code}_{item}".casefold(): f"{spec.code}:{item}" for item in spec.items})
    whole = {code.casefold(): code for code, spec in specs.items() if spec.kind not in ("scale", "grid")}
    mapping: dict[str, Any] = {"columns": {}, "delimiter": ";", "values": {}}
    unnamed = []
    for column in columns:
        key = column.strip().casefold()
        if key in whole:
            mapping["columns"][column] = whole[key]
        elif key in parts:
            mapping["columns"][column] = parts[key]
        elif _name_key(column) in ID_COLUMNS and "id" not in mapping:
            mapping["id"] = column
        elif _name_key(column) in ORGANISATION_COLUMNS and "organisation" not in mapping:
            mapping["organisation"] = column
        else:
            unnamed.append(column)
    labels = variable_labels or {}
    if labels:
        by_label = _label_targets(questionnaire)
        taken = set(mapping["columns"].values())
        for column in unnamed:
            label = labels.get(column, "")
            target = _by_label(label, by_label) if label else None
            if target and target not in taken:
                mapping["columns"][column] = target
                taken.add(target)
            elif label and _name_key(label) in ID_COLUMNS and "id" not in mapping:
                mapping["id"] = column
            elif label and _name_key(label) in ORGANISATION_COLUMNS and "organisation" not in mapping:
                mapping["organisation"] = column
    return mapping


def merge_mapping(remembered: Mapping[str, Any], proposed: Mapping[str, Any], columns: Sequence[str]) -> dict[str, Any]:
    """A round's remembered mapping applied to a new file: what it says of the file's columns (identifier,
    organisation, questions, columns left out on purpose, values matched by hand, the list delimiter), and the
    proposal for the columns it does not know."""

    def part(key: str) -> Mapping[str, Any]:
        value = remembered.get(key)
        return value if isinstance(value, Mapping) else {}

    known = set(columns)
    merged: dict[str, Any] = {"columns": {}, "values": {}}
    delimiter = remembered.get("delimiter")
    merged["delimiter"] = delimiter if isinstance(delimiter, str) else proposed.get("delimiter", ";")
    for key in ("id", "organisation"):
        value = remembered.get(key) if remembered.get(key) in known else proposed.get(key)
        if value:
            merged[key] = value
    old = {column: target for column, target in part("columns").items() if column in known and target}
    ignore = [column for column in remembered.get("ignore") or [] if isinstance(column, str) and column in known]
    used = {merged.get("id"), merged.get("organisation")}
    taken = set(old.values())
    for column in columns:
        target = proposed.get("columns", {}).get(column)
        if column in old and column not in used:
            merged["columns"][column] = old[column]
        elif column in ignore or column in used:
            continue
        elif target and target not in taken:
            merged["columns"][column] = target
            taken.add(target)
    merged["values"] = {column: values for column, values in part("values").items() if column in merged["columns"]}
    if ignore:
        merged["ignore"] = ignore
    return merged


def ignored_columns(columns: Sequence[str], mapping: Mapping[str, Any]) -> list[str]:
    """The columns a mapping imports nothing from, in the file's order."""
    used = {mapping.get("id"), mapping.get("organisation")}
    targets = mapping.get("columns") or {}
    return [column for column in columns if column not in used and not targets.get(column)]


def resembling_targets(
    columns: Sequence[str],
    mapping: Mapping[str, Any],
    questionnaire: Questionnaire,
    variable_labels: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """{column: target} for the ignored columns whose name (or SPSS variable label) is nearly that of a question,
    option or row that no column is mapped to: most likely misspelt ("introdcued"), and its answers would be lost
    without a word."""
    mapped = {str(target) for target in (mapping.get("columns") or {}).values() if target}
    mapped_questions = {target.partition(":")[0] for target in mapped}
    names: dict[str, str] = {}
    for value, spec, part in target_options(questionnaire):
        if value in mapped or spec.code in mapped or (not part and spec.code in mapped_questions):
            continue
        names[_name_key(f"{spec.code}_{part}" if part else spec.code)] = value
    texts = {key: target for key, target in _label_targets(questionnaire).items() if target not in mapped}
    found: dict[str, str] = {}
    for column in ignored_columns(columns, mapping):
        close = difflib.get_close_matches(_name_key(column), list(names), n=1, cutoff=0.8)
        if close:
            found[column] = names[close[0]]
            continue
        label = (variable_labels or {}).get(column, "")
        close = difflib.get_close_matches(_text_key(label), list(texts), n=1, cutoff=0.85) if label else []
        if close:
            found[column] = texts[close[0]]
    return found


def target_options(questionnaire: Questionnaire) -> list[tuple[str, QuestionSpec, str]]:
    """Every value a column can map to, as (value, question, part), in questionnaire order."""
    options: list[tuple[str, QuestionSpec, str]] = []
    for spec in questionnaire.questions:
        if spec.kind in ("scale", "grid"):
            options += [(f"{spec.code}:{item}", spec, item) for item in spec.items]
            continue
        options.append((spec.code, spec, ""))
        if spec.kind == "multiple":
            options += [(f"{spec.code}:{choice}", spec, choice) for choice in spec.choices]
    return options


def make_plan(mapping: Any, columns: Sequence[str], questionnaire: Questionnaire) -> Plan:
    """The mapping checked against the file's columns and the questionnaire, or MappingError with every issue."""
    if not isinstance(mapping, Mapping):
        raise MappingError([Issue("not_an_object")])
    issues: list[Issue] = []
    known = set(columns)
    specs = questionnaire.by_code()

    def column_of(key: str, missing: str) -> str:
        column = mapping.get(key)
        if not column:
            issues.append(Issue(missing))
            return ""
        if not isinstance(column, str) or column not in known:
            issues.append(Issue("unknown_column", str(column)))
            return ""
        return column

    id_column = column_of("id", "no_id_column")
    organisation_column = column_of("organisation", "no_organisation_column")
    delimiter = mapping.get("delimiter") or ";"
    if not isinstance(delimiter, str) or len(delimiter) > 5:
        issues.append(Issue("bad_delimiter"))
        delimiter = ";"
    raw_columns = mapping.get("columns") or {}
    if not isinstance(raw_columns, Mapping):
        raise MappingError([*issues, Issue("not_an_object")])
    targets: list[Target] = []
    taken: dict[str, str] = {}  # target → the column that took it first
    as_list: set[str] = set()
    as_flags: set[str] = set()
    for column, value in raw_columns.items():
        if not value:
            continue  # ignored column
        if column not in known:
            issues.append(Issue("unknown_column", str(column)))
            continue
        code, _, part = str(value).partition(":")
        spec = specs.get(code)
        if spec is None:
            issues.append(Issue("unknown_question", column, {"question": code}))
            continue
        if str(value) in taken:
            issues.append(Issue("target_twice", column, {"target": str(value), "other": taken[str(value)]}))
            continue
        taken[str(value)] = column
        if spec.kind in ("scale", "grid"):
            if part not in spec.items:
                issues.append(Issue("needs_item", column, {"question": code}))
                continue
            targets.append(Target(column, spec, "item", part))
        elif spec.kind == "multiple":
            if part and part not in spec.choices:
                issues.append(Issue("unknown_choice_code", column, {"question": code, "choice": part}))
                continue
            (as_flags if part else as_list).add(code)
            targets.append(Target(column, spec, "flag" if part else "list", part))
        elif part:
            issues.append(Issue("no_parts", column, {"question": code}))
        else:
            targets.append(Target(column, spec, {"single": "choice"}.get(spec.kind, spec.kind)))
    for code in sorted(as_list & as_flags):
        issues.append(Issue("list_and_flags", "", {"question": code}))
    values = _checked_values(mapping.get("values") or {}, {t.column: t for t in targets}, issues)
    ignore = mapping.get("ignore") or []
    if not isinstance(ignore, list) or not all(isinstance(column, str) for column in ignore):
        issues.append(Issue("not_an_object"))
        ignore = []
    if not any(raw_columns.values()):
        # Every response would be imported without a single answer.
        issues.append(Issue("no_questions"))
    if issues:
        raise MappingError(issues)
    return Plan(id_column, organisation_column, tuple(targets), delimiter, values, frozenset(ignore))


def _checked_values(raw: Any, targets: Mapping[str, Target], issues: list[Issue]) -> dict[str, dict[str, str | None]]:
    if not isinstance(raw, Mapping):
        issues.append(Issue("not_an_object"))
        return {}
    values: dict[str, dict[str, str | None]] = {}
    for column, pairs in raw.items():
        target = targets.get(column)
        if not pairs:
            continue
        if target is None or target.way not in ("choice", "list", "flag", "item") or not isinstance(pairs, Mapping):
            issues.append(Issue("values_for_unmapped", str(column)))
            continue
        allowed = {target.part} if target.way == "flag" else set(target.question.choices)
        for code in pairs.values():
            if code is not None and code not in allowed:
                issues.append(Issue("unknown_choice_code", column, {"question": target.question.code, "choice": code}))
        values[column] = {str(value): code for value, code in pairs.items()}
    return values


# --- converting rows ----------------------------------------------------------------------------------------------


@dataclass
class Problem:
    """One kind of problem with one value of one column, and the rows where it occurs."""

    code: str
    column: str
    value: str
    params: dict[str, Any]
    rows: list[int]
    count: int = 1

    def as_json(self) -> dict[str, Any]:
        return {
            "row": self.rows[0] if self.rows else None,
            "rows": self.rows,
            "count": self.count,
            "column": self.column,
            "value": self.value,
            "code": self.code,
            "params": self.params,
        }


@dataclass
class ConvertedRow:
    row: int
    external_id: str
    unit: int
    organisation: str  # as the file names it
    answers: dict[str, Any]


@dataclass
class Conversion:
    rows: list[ConvertedRow] = field(default_factory=list)
    problems: dict[tuple[str, str, str], Problem] = field(default_factory=dict)
    rows_read: int = 0
    problem_count: int = 0

    def add(self, row: int | None, code: str, column: str, value: str, params: Mapping[str, Any] | None = None) -> None:
        """A problem in a row, or (row None) of a whole column of a file whose columns are no row (SPSS)."""
        self.problem_count += 1
        key = (code, column, value)
        problem = self.problems.get(key)
        if problem is not None:
            problem.count += 1
            if row is not None and len(problem.rows) < MAX_ROWS_PER_PROBLEM:
                problem.rows.append(row)
        elif len(self.problems) < MAX_PROBLEM_GROUPS:
            rows = [] if row is None else [row]
            self.problems[key] = Problem(code, column, value[:200], _json_params(params or {}), rows)

    def problem_list(self) -> list[dict[str, Any]]:
        return [
            p.as_json()
            for p in sorted(self.problems.values(), key=lambda p: (p.rows[0] if p.rows else 0, p.column, p.code))
        ]


def _json_params(params: Mapping[str, Any]) -> dict[str, Any]:
    def plain(value: Any) -> int | str:
        if isinstance(value, Decimal):  # a question's limit: 100000.00 → "100000", 0.50 → "0.5"
            return format(value.normalize(), "f")
        return value if isinstance(value, (int, str)) else str(value)

    return {key: plain(value) for key, value in params.items()}


def organisation_key(value: str) -> str:
    """How a cell and a frame organisation's codes and names are compared: case-insensitively, and a municipality
    code also without its leading zeros (a spreadsheet shows 091 as 91)."""
    text = " ".join(value.split()).casefold()
    return text.zfill(3) if text.isdigit() and len(text) < 3 else text


_NO_MATCH = object()


class _Matcher:
    """Cell → choice code for one question: the mapping's own values first, then the file's own value label of
    the cell (SPSS), then codes and labels. The file's label says what its value means: a region coded 1–19 in the
    file's own order is matched by its name, never by a choice that happens to have the same code."""

    def __init__(self, questionnaire: Questionnaire, plan: Plan, table: Table):
        self.plan = plan
        self.table = table
        self.lookups: dict[str, dict[str, str]] = {}
        for spec in questionnaire.questions:
            lookup: dict[str, str] = {}
            for choice, labels in questionnaire.choice_labels.get(spec.code, {}).items():
                lookup.update({label.strip().casefold(): choice for label in labels if label and label.strip()})
            lookup.update({choice.casefold(): choice for choice in spec.choices})  # a code wins over a label
            self.lookups[spec.code] = lookup

    def label(self, target: Target, text: str) -> str:
        return self.table.value_labels.get(target.column, {}).get(text, "")

    def choice(self, target: Target, text: str, missing: bool = False) -> Any:
        """The choice code, None for "no answer", or _NO_MATCH. `missing`: the file declares the value missing
        (SPSS user-missing): unless it names an option (9 = "En osaa sanoa"), it means no answer."""
        own = self.plan.values.get(target.column, {})
        if text in own:
            return own[text]
        lookup = self.lookups[target.question.code]
        label = self.label(target, text)
        found = lookup.get(label.strip().casefold()) if label.strip() else lookup.get(text.casefold())
        if found is None and missing:
            return None
        return _NO_MATCH if found is None else found

    def chosen(self, target: Target, text: str) -> bool | None:
        """Whether a 0/1 cell says the option was chosen; None when it cannot tell."""
        own = self.plan.values.get(target.column, {})
        if text in own:
            return own[text] is not None
        candidates = [text]
        label = self.label(target, text)
        if label:
            candidates.insert(0, label)  # the file's own word for the value first
        for candidate in candidates:
            key = candidate.strip().casefold()
            if key in CHOSEN or self.lookups[target.question.code].get(key) == target.part:
                return True
            if key in NOT_CHOSEN:
                return False
            try:
                number = float(key.replace(",", "."))
            except ValueError:
                continue
            if number in (0.0, 1.0):
                return number == 1.0
        return None


def _routing_on_file(questionnaire: Questionnaire, mapped: set[str]) -> tuple[list[QuestionSpec], dict[str, Any]]:
    """The questionnaire's routing, keeping only the conditions on questions that the file has: a file without
    the question a block is routed on cannot say who was asked, so its answers are taken as they are."""

    def kept(condition: Mapping[str, Any]) -> Mapping[str, Any]:
        return condition if condition and condition.get("question") in mapped else {}

    specs = [replace(spec, show_if=kept(spec.show_if)) for spec in questionnaire.questions]
    sections = {code: kept(condition) for code, condition in questionnaire.section_conditions.items()}
    return specs, sections


def convert(
    table: Table,
    plan: Plan,
    questionnaire: Questionnaire,
    organisations: Mapping[str, int | None],
    *,
    one_per_organisation: bool = False,
    progress: Callable[[int], None] | None = None,
    progress_every: int = 250,
) -> Conversion:
    """Every row turned into answers and checked; rows with a problem are left out and their problems listed.

    `organisations` maps `organisation_key`s (municipality code, business ID, names) to a frame unit, or to None
    when the key names more than one.
    """
    result = Conversion()
    index = {column: position for position, column in enumerate(table.columns)}
    matcher = _Matcher(questionnaire, plan, table)
    # A column left out that looks like a question no column is mapped to: misspelt, most likely.
    resembling = resembling_targets(table.columns, plan.as_mapping(), questionnaire, table.variable_labels)
    for column, like in resembling.items():
        if column not in plan.ignore:
            result.add(table.header_row, "unmapped_column", column, "", {"target": like})
    used = {plan.id_column, plan.organisation_column, *(target.column for target in plan.targets)}
    organisation_labels = table.value_labels.get(plan.organisation_column, {})
    specs = questionnaire.by_code()
    routed_specs, routed_sections = _routing_on_file(questionnaire, plan.questions)
    routed_on = {
        spec.code: {spec.show_if.get("question"), routed_sections.get(spec.code, {}).get("question")} - {None}
        for spec in routed_specs
    }
    first_column: dict[str, str] = {}
    for target in plan.targets:
        first_column.setdefault(target.question.code, target.column)
    mapped = plan.questions
    first_id_row: dict[str, int] = {}
    first_unit_row: dict[int, int] = {}
    for number, cells in table.rows:
        result.rows_read += 1
        before = result.problem_count
        unreadable: set[str] = set()
        for code, position, value, params in table.row_problems.pop(number, ()):
            column = table.columns[position] if position < len(table.columns) else ""
            # A row read short is always a problem; a formula without its result only where it is imported.
            if code in ("short_row", "cut_row") or column in used:
                result.add(number, code, column, value, params)
                unreadable.add(column)
        external_id = cell_text(cells[index[plan.id_column]])
        if not external_id:
            result.add(number, "missing_id", plan.id_column, "")
        elif len(external_id) > MAX_ID_LENGTH:
            result.add(number, "id_too_long", plan.id_column, external_id, {"limit": MAX_ID_LENGTH})
        elif external_id in first_id_row:
            result.add(number, "duplicate_id", plan.id_column, external_id, {"first_row": first_id_row[external_id]})
        else:
            first_id_row[external_id] = number
        organisation = cell_text(cells[index[plan.organisation_column]])
        unit = organisations.get(organisation_key(organisation)) if organisation else None
        # The file's own label of the value first (an SPSS file coding its municipalities 1, 2, 3 … by name: 5 is
        # then not Alajärvi, whose code is 005); the value itself where the label names no organisation.
        label = organisation_labels.get(organisation, "")
        if label and organisations.get(organisation_key(label)) is not None:
            unit = organisations[organisation_key(label)]
        if not organisation:
            result.add(number, "missing_organisation", plan.organisation_column, "")
        elif unit is None:
            code = (
                "ambiguous_organisation" if organisation_key(organisation) in organisations else "unknown_organisation"
            )
            result.add(number, code, plan.organisation_column, organisation)
        elif one_per_organisation and unit in first_unit_row:
            result.add(
                number,
                "organisation_twice",
                plan.organisation_column,
                organisation,
                {"first_row": first_unit_row[unit]},
            )
        else:
            first_unit_row[unit] = number
        answers, failed = _row_answers(number, cells, index, plan, matcher, result, table)
        failed |= {target.question.code for target in plan.targets if target.column in unreadable}
        cleaned: dict[str, Any] = {}
        for code, value in answers.items():
            try:
                value = clean(specs[code], value)
            except AnswerError as error:
                column = _error_column(error, code, plan, first_column)
                failed.add(code)
                result.add(number, error.code, column, cell_text(cells[index[column]]), error.params)
                continue
            if value is not None:
                cleaned[code] = value
        shown = asked(routed_specs, cleaned, routed_sections)
        for code in cleaned:
            # Routed on an answer that is itself wrong: that one problem is enough.
            if code not in shown and not routed_on[code] & failed:
                column = first_column[code]
                result.add(number, "not_asked", column, cell_text(cells[index[column]]), {"question": code})
        for spec in routed_specs:
            if (
                spec.required
                and spec.code in mapped
                and spec.code not in failed  # its value is wrong, and said so: not also "missing"
                and spec.code in shown
                and is_empty(cleaned.get(spec.code))
            ):
                result.add(number, "required", first_column[spec.code], "", {"question": spec.code})
        if result.problem_count == before and unit is not None:
            result.rows.append(ConvertedRow(number, external_id, unit, organisation, cleaned))
        if progress and result.rows_read % progress_every == 0:
            progress(result.rows_read)
    if result.rows_read == 0:
        raise FileError("no_rows")
    if progress:
        progress(result.rows_read)
    return result


def _error_column(error: AnswerError, code: str, plan: Plan, first_column: Mapping[str, str]) -> str:
    """The column an answer's error is about: an exclusive option's own 0/1 column when there is one."""
    part = str(error.params.get("choice", ""))
    for target in plan.targets:
        if target.question.code == code and target.way == "flag" and target.part == part:
            return target.column
    return first_column[code]


def _row_answers(
    number: int,
    cells: list[Cell],
    index: Mapping[str, int],
    plan: Plan,
    matcher: _Matcher,
    result: Conversion,
    table: Table,
) -> tuple[dict[str, Any], set[str]]:
    """The row's raw answers per question (not yet cleaned), and the questions with a cell that matches nothing
    (each such cell is a problem)."""
    answers: dict[str, Any] = {}
    failed: set[str] = set()

    def unmatched(target: Target, text: str) -> None:
        label = matcher.label(target, text)
        if label:
            params = {"question": target.question.code, "label": label}
            result.add(number, "unknown_label", target.column, text, params)
        else:
            result.add(number, "unknown_choice", target.column, text, {"question": target.question.code})
        failed.add(target.question.code)

    for target in plan.targets:
        code = target.question.code
        cell = cells[index[target.column]]
        missing = table.is_user_missing(target.column, cell)
        text = cell_text(cell)
        if target.way == "flag":
            chosen_list = answers.setdefault(code, [])
            if not text or missing:
                continue
            chosen = matcher.chosen(target, text)
            if chosen is None:
                result.add(number, "not_0_1", target.column, text, {"question": code, "choice": target.part})
                failed.add(code)
            elif chosen:
                chosen_list.append(target.part)
        elif not text:
            continue
        elif target.way == "list":
            parts = text.splitlines() if plan.delimiter == "\n" else text.split(plan.delimiter)
            chosen_list = answers.setdefault(code, [])
            for part in (p.strip() for p in parts):
                found = matcher.choice(target, part, missing) if part else None
                if found is _NO_MATCH:
                    unmatched(target, part)
                elif found is not None:
                    chosen_list.append(found)
        elif target.way in ("choice", "item"):
            found = matcher.choice(target, text, missing)
            if found is _NO_MATCH:
                unmatched(target, text)
            elif found is not None and target.way == "item":
                answers.setdefault(code, {})[target.part] = found
            elif found is not None:
                answers[code] = found
        elif missing:
            continue  # a number or text the file declares missing (999 = "no answer")
        elif target.way == "number":
            answers[code] = cell if isinstance(cell, (int, float)) else text
        else:
            answers[code] = text
    return answers, failed


def unmatched_values(problems: Iterable[Mapping[str, Any]]) -> dict[str, Counter[str]]:
    """Per column, the values that matched no answer option, with how many rows have them."""
    found: dict[str, Counter[str]] = {}
    for problem in problems:
        if problem.get("code") in ("unknown_choice", "unknown_label", "not_0_1"):
            found.setdefault(problem["column"], Counter())[problem["value"]] += int(problem.get("count", 1))
    return found
