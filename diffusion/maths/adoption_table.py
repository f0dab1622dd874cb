"""Adoption tables: who adopted which innovation when, read from a CSV file and grouped for the fits.

Public interface
----------------
``AdoptionEvent(organisation, innovation, year, source=None)``
    One adoption (frozen dataclass). ``organisation`` and ``innovation`` are any stable keys (an organisation id as
    text, a state's name, a SPID policy code); ``year`` is the adoption period; ``source`` is the organisation the
    adopter learned from, when recorded.
``TableProblem(row, column, message)``
    One problem in a file: ``row`` is the line's number in the file (the header is row 1; ``None`` for the file as a
    whole), ``column`` the column's name as written in the header (``None`` when the problem is not one column's).
``AdoptionTableError(problems)``
    Raised by the readers with every problem found (``.problems``), never only the first.
``read_adoption_csv(path_or_text, *, columns=None) -> list[AdoptionEvent]``
    Reads a table of adoptions. A ``pathlib.Path`` (or any ``os.PathLike``) is read as a file, ``bytes`` as the
    file's content, a ``str`` containing a line break as the text itself and any other ``str`` as a path.
``read_population_csv(path_or_text, *, column=None) -> list[str]``
    The organisations that could adopt (the population N), one per row of a column ``organisation`` (or its
    aliases, or ``column``); duplicates are named as problems.
``first_adoptions(events) -> list[AdoptionEvent]``
    Each (organisation, innovation) once, at its earliest year (a repeated adoption is a re-enactment, not a new
    adopter).
``events_by_innovation(events) -> dict[str, list[AdoptionEvent]]``
    The first adoptions grouped by innovation, in key order, each list ordered by year then organisation.
``adoption_years(events) -> dict[str, dict[str, int]]``
    innovation -> {organisation: first adoption year}.

The file format
---------------
Columns (the header's names are matched without regard to case, spaces or the BOM; other columns are ignored):

- ``organisation`` (also ``organization``, ``org``, ``state``, ``statenam``),
- ``innovation`` (also ``policy``, ``innovation_id``),
- ``date`` (ISO 8601, ``2024-03-15``; also ``adoption_date``) or ``year`` (also ``adopt_year``, ``adoption_year``),
  at least one of them; a row may leave one empty. When both are given they must agree,
- ``source`` (optional; also ``learned_from``).

``columns`` maps these names to other header names (``{"organisation": "kunta"}``). The delimiter is recognised
from the header: the one of ``, ; tab |`` that splits it into the required columns (``csv.Sniffer`` guesses from
character counts, which goes wrong on short files; here the column names are known, so they decide). The text must
be UTF-8, with or without a byte-order mark. An empty file, a header without rows, a row with fewer or more fields
than the header (a file cut short) and an unterminated quoted field are errors, never a silent short table.
"""

from __future__ import annotations

import csv
import datetime
import io
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

__all__ = [
    "AdoptionEvent",
    "AdoptionTableError",
    "TableProblem",
    "adoption_years",
    "events_by_innovation",
    "first_adoptions",
    "read_adoption_csv",
    "read_population_csv",
]

# Adoption years outside this range are typing errors in practice (SPID's earliest is 1691).
MIN_YEAR = 1000
MAX_YEAR = 9999
# More problems than this are counted, not listed, in the error's message (all stay in `.problems`).
MESSAGE_PROBLEMS = 20
DELIMITERS = (",", ";", "\t", "|")

ALIASES: dict[str, tuple[str, ...]] = {
    "organisation": ("organisation", "organization", "org", "state", "statenam"),
    "innovation": ("innovation", "policy", "innovation_id"),
    "date": ("date", "adoption_date"),
    "year": ("year", "adopt_year", "adoption_year"),
    "source": ("source", "learned_from"),
}


class Adoption(Protocol):
    """Any record with these three read-only attributes (AdoptionEvent, a NamedTuple, a dataclass): what the
    analyses that need no source (`event_history`, `recommend`) accept."""

    @property
    def organisation(self) -> str: ...

    @property
    def innovation(self) -> str: ...

    @property
    def year(self) -> int: ...


@dataclass(frozen=True)
class AdoptionEvent:
    """One adoption: ``organisation`` adopted ``innovation`` in ``year`` (learning it from ``source``, if known)."""

    organisation: str
    innovation: str
    year: int
    source: str | None = None


@dataclass(frozen=True)
class TableProblem:
    """A problem at a row (the file's line number, header = 1) and column (its header name)."""

    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = []
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column {self.column!r}")
        return f"{', '.join(where)}: {self.message}" if where else self.message


class AdoptionTableError(ValueError):
    """The table could not be read; ``problems`` lists every problem found."""

    def __init__(self, problems: Sequence[TableProblem]) -> None:
        self.problems = list(problems)
        shown = "; ".join(str(problem) for problem in self.problems[:MESSAGE_PROBLEMS])
        more = len(self.problems) - MESSAGE_PROBLEMS
        if more > 0:
            shown += f"; and {more} more problem{'s' if more > 1 else ''}"
        super().__init__(shown)


def _normalise(name: str) -> str:
    return name.replace("\ufeff", "").strip().lower().replace(" ", "_").replace("-", "_")


def _decode(data: bytes) -> str:
    try:
        # utf-8-sig drops a byte-order mark when there is one and reads plain UTF-8 otherwise.
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise AdoptionTableError(
            [TableProblem(line, None, f"the file is not UTF-8 text (byte {error.start + 1} cannot be read)")]
        ) from error


def _text_of(path_or_text: str | bytes | os.PathLike[str]) -> str:
    if isinstance(path_or_text, bytes):
        return _decode(path_or_text)
    if isinstance(path_or_text, str) and ("\n" in path_or_text or "\r" in path_or_text):
        return path_or_text.removeprefix("\ufeff")
    path = Path(path_or_text)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise AdoptionTableError([TableProblem(None, None, f"cannot read {path}: {error.strerror}")]) from error
    return _decode(data)


def _header_map(header: Sequence[str], columns: Mapping[str, str]) -> dict[str, int]:
    """Field name -> index in the row, for the fields this header has."""
    normalised = [_normalise(name) for name in header]
    found: dict[str, int] = {}
    for field, aliases in ALIASES.items():
        wanted = (_normalise(columns[field]),) if field in columns else aliases
        for alias in wanted:
            if alias in normalised:
                found[field] = normalised.index(alias)
                break
    return found


def _sniff_delimiter(first_line: str, columns: Mapping[str, str]) -> str:
    """The delimiter that splits the header into the most of the known columns (a comma on a tie)."""
    best, best_count = ",", -1
    for delimiter in DELIMITERS:
        header = next(csv.reader([first_line], delimiter=delimiter), [])
        count = len(_header_map(header, columns))
        if count > best_count:
            best, best_count = delimiter, count
    return best


def _parse_year(value: str) -> int | None:
    try:
        year = int(value)
    except ValueError:
        try:
            as_float = float(value)
        except ValueError:
            return None
        # Spreadsheets write years as 2021.0; anything with a real fraction is not a year.
        if not as_float.is_integer():
            return None
        year = int(as_float)
    return year if MIN_YEAR <= year <= MAX_YEAR else None


def read_adoption_csv(
    path_or_text: str | bytes | os.PathLike[str], *, columns: Mapping[str, str] | None = None
) -> list[AdoptionEvent]:
    """Read an adoption table; raise ``AdoptionTableError`` listing every problem (row and column named).

    Returns the rows in file order as ``AdoptionEvent``; repeated adoptions are kept (see ``first_adoptions``).
    """
    columns = dict(columns or {})
    unknown = sorted(set(columns) - set(ALIASES))
    if unknown:
        raise ValueError(f"unknown field(s) in columns: {', '.join(unknown)}; known: {', '.join(ALIASES)}")
    text = _text_of(path_or_text)
    if not text.strip():
        raise AdoptionTableError([TableProblem(None, None, "the file is empty")])
    first_line = text.lstrip("\r\n").splitlines()[0]
    delimiter = _sniff_delimiter(first_line, columns)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    problems: list[TableProblem] = []
    events: list[AdoptionEvent] = []
    header: list[str] | None = None
    try:
        for fields in reader:
            row = reader.line_num
            if not any(field.strip() for field in fields):
                continue  # blank lines are spacing, not rows
            if header is None:
                header = fields
                index = _header_map(header, columns)
                missing = [field for field in ("organisation", "innovation") if field not in index]
                if "date" not in index and "year" not in index:
                    missing.append("date or year")
                if missing:
                    names = ", ".join(repr(_normalise(name)) for name in header)
                    raise AdoptionTableError(
                        [
                            TableProblem(
                                row, None, f"the header lacks the column(s) {', '.join(missing)} (it has {names})"
                            )
                        ]
                    )
                continue
            if len(fields) != len(header):
                problems.append(
                    TableProblem(
                        row,
                        None,
                        f"the row has {len(fields)} field(s) but the header has {len(header)}"
                        + (" (is the file cut short?)" if len(fields) < len(header) else ""),
                    )
                )
                continue
            event = _row_event(fields, row, header, index, problems)
            if event is not None:
                events.append(event)
    except csv.Error as error:
        # strict=True: an unterminated quote at the end of a cut file lands here.
        problems.append(TableProblem(reader.line_num, None, f"the file cannot be read as CSV: {error}"))
    if header is None:
        problems.append(TableProblem(None, None, "the file has no header row"))
    elif not events and not problems:
        problems.append(TableProblem(None, None, "the file has a header but no adoption rows"))
    if problems:
        raise AdoptionTableError(problems)
    return events


def _row_event(
    fields: Sequence[str], row: int, header: Sequence[str], index: Mapping[str, int], problems: list[TableProblem]
) -> AdoptionEvent | None:
    def value(field: str) -> str:
        return fields[index[field]].strip() if field in index else ""

    def problem(field: str, message: str) -> None:
        problems.append(TableProblem(row, header[index[field]], message))

    before = len(problems)
    organisation, innovation = value("organisation"), value("innovation")
    if not organisation:
        problem("organisation", "the organisation is empty")
    if not innovation:
        problem("innovation", "the innovation is empty")
    year: int | None = None
    raw_year, raw_date = value("year"), value("date")
    if raw_date:
        try:
            year = datetime.date.fromisoformat(raw_date).year
        except ValueError:
            problem("date", f"{raw_date!r} is not a date written as YYYY-MM-DD")
    if raw_year:
        parsed = _parse_year(raw_year)
        if parsed is None:
            problem("year", f"{raw_year!r} is not a year between {MIN_YEAR} and {MAX_YEAR}")
        elif year is not None and parsed != year:
            problem("year", f"the year {parsed} does not agree with the date {raw_date}")
        else:
            year = parsed
    if not raw_year and not raw_date:
        field = "date" if "date" in index else "year"
        problem(field, "the adoption has neither a date nor a year")
    if len(problems) > before or year is None:
        return None
    return AdoptionEvent(organisation, innovation, year, value("source") or None)


def read_population_csv(path_or_text: str | bytes | os.PathLike[str], *, column: str | None = None) -> list[str]:
    """The organisations of the population, in file order; raise ``AdoptionTableError`` naming every problem."""
    text = _text_of(path_or_text)
    if not text.strip():
        raise AdoptionTableError([TableProblem(None, None, "the file is empty")])
    columns = {"organisation": column} if column else {}
    delimiter = _sniff_delimiter(text.lstrip("\r\n").splitlines()[0], columns)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    problems: list[TableProblem] = []
    names: list[str] = []
    seen: dict[str, int] = {}
    position: int | None = None
    header: list[str] = []
    try:
        for fields in reader:
            row = reader.line_num
            if not any(field.strip() for field in fields):
                continue
            if position is None:
                header = fields
                found = _header_map(header, columns)
                if "organisation" not in found:
                    wanted = column or "organisation"
                    raise AdoptionTableError([TableProblem(row, None, f"the header lacks the column {wanted!r}")])
                position = found["organisation"]
                continue
            if len(fields) != len(header):
                problems.append(
                    TableProblem(row, None, f"the row has {len(fields)} field(s) but the header has {len(header)}")
                )
                continue
            name = fields[position].strip()
            if not name:
                problems.append(TableProblem(row, header[position], "the organisation is empty"))
            elif name in seen:
                problems.append(TableProblem(row, header[position], f"{name!r} is already on row {seen[name]}"))
            else:
                seen[name] = row
                names.append(name)
    except csv.Error as error:
        problems.append(TableProblem(reader.line_num, None, f"the file cannot be read as CSV: {error}"))
    if position is not None and not names and not problems:
        problems.append(TableProblem(None, None, "the file has a header but no organisations"))
    if problems:
        raise AdoptionTableError(problems)
    return names


def first_adoptions(events: Iterable[AdoptionEvent]) -> list[AdoptionEvent]:
    """Each (organisation, innovation) once, at its earliest year; ties keep the first seen (its source)."""
    earliest: dict[tuple[str, str], AdoptionEvent] = {}
    for event in events:
        key = (event.organisation, event.innovation)
        kept = earliest.get(key)
        if kept is None or event.year < kept.year:
            earliest[key] = event
    return list(earliest.values())


def events_by_innovation(events: Iterable[AdoptionEvent]) -> dict[str, list[AdoptionEvent]]:
    """First adoptions grouped by innovation (keys sorted), each ordered by year, then organisation."""
    groups: dict[str, list[AdoptionEvent]] = {}
    for event in first_adoptions(events):
        groups.setdefault(event.innovation, []).append(event)
    return {key: sorted(groups[key], key=lambda event: (event.year, event.organisation)) for key in sorted(groups)}


def adoption_years(events: Iterable[AdoptionEvent]) -> dict[str, dict[str, int]]:
    """innovation -> {organisation: its first adoption year}."""
    return {
        innovation: {event.organisation: event.year for event in group}
        for innovation, group in events_by_innovation(events).items()
    }
