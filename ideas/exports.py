"""Exports of ideas as tables: a whole challenge for its handlers (CSV per table, XLSX with a sheet per table),
and a sender's own data (see ideas.services.own_data).

A challenge export carries what the handlers need to work on the ideas — texts, states, dates, counts — but no
personal data: the senders' e-mail addresses and names, the commenters' and supporters' names and the handlers
who changed states are left out. An export file leaves the platform's access control (it is mailed on, stored
on laptops, kept for years), so the data minimisation the platform promises must hold in the file too; a handler
who must contact a sender does it on the idea's page, where the address is shown to handlers only.

Cells are neutralised for spreadsheet programs (core.spreadsheets).
"""

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count
from django.utils.translation import gettext_lazy, pgettext_lazy
from openpyxl import Workbook  # type: ignore[import-untyped]  # ships no type information
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE  # type: ignore[import-untyped]
from openpyxl.styles import Font  # type: ignore[import-untyped]
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]

from audit.models import ChangeRecord
from core.sanitise import strip_html
from core.spreadsheets import neutralised
from ideas.models import Challenge, Comment, Idea, IdeaSource, IdeaState, Support

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"


def safe_cell(value: Any) -> Any:
    """The value as a spreadsheet should get it: None empty, dates as ISO text, formulas neutralised."""
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return neutralised(value)


@dataclass(frozen=True)
class Table:
    name: str  # the table's key in URLs ("ideas")
    columns: Sequence[str]  # the columns' keys
    rows: Sequence[Sequence[Any]]
    # What a person reads, in the language of the page the file was asked from: the sheet's name and the header row.
    title: str = ""
    headings: Sequence[str] = ()

    @property
    def header(self) -> list[str]:
        return list(self.headings or self.columns)


def _plain(text: str) -> str:
    return strip_html(text or "").strip()


# Each column's heading, in the reader's language (the keys stay in URLs and code).
HEADINGS = {
    "id": pgettext_lazy("identifier", "Number"),
    "idea_id": gettext_lazy("Idea number"),
    "title": gettext_lazy("Title"),
    "text": gettext_lazy("Text"),
    "state": gettext_lazy("State"),
    "state_reason": gettext_lazy("Reason for the state"),
    "source": gettext_lazy("Source"),
    "confirmed": gettext_lazy("Confirmed"),
    "hidden": gettext_lazy("Hidden"),
    "merged_into": gettext_lazy("Merged into idea"),
    "latitude": gettext_lazy("Latitude"),
    "longitude": gettext_lazy("Longitude"),
    "supports": gettext_lazy("Supports"),
    "comments": gettext_lazy("Comments"),
    "created_at": gettext_lazy("Created"),
    "updated_at": gettext_lazy("Updated"),
    "changed_at": gettext_lazy("Changed"),
    "from_state": gettext_lazy("Previous state"),
    "to_state": gettext_lazy("New state"),
    "reason": gettext_lazy("Reason"),
}
SHEET_TITLES = {
    "ideas": gettext_lazy("Ideas"),
    "comments": gettext_lazy("Comments"),
    "supports": gettext_lazy("Supports"),
    "states": gettext_lazy("State changes"),
}


def _table(name: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> Table:
    return Table(
        name,
        columns,
        rows,
        title=str(SHEET_TITLES[name]),
        headings=[str(HEADINGS.get(column, column)) for column in columns],
    )


def _state_label(code: Any) -> Any:
    return str(IdeaState(code).label) if code in IdeaState.values else code


# The ideas table: (column, field read).
IDEA_COLUMNS = (
    ("id", "pk"),
    ("title", "title"),
    ("text", "text"),
    ("state", "state"),
    ("state_reason", "state_reason"),
    ("source", "source"),
    ("confirmed", "confirmed"),
    ("hidden", "hidden"),
    ("merged_into", "merged_into_id"),
    ("latitude", "latitude"),
    ("longitude", "longitude"),
    ("supports", "support_count"),
    ("comments", "comment_count"),
    ("created_at", "created_at"),
    ("updated_at", "updated_at"),
)


def challenge_tables(challenge: Challenge) -> list[Table]:
    """The challenge's ideas, comments, supports and state changes as four tables (no personal data)."""
    ideas = list(
        challenge.ideas.annotate(
            support_count=Count("supports", distinct=True), comment_count=Count("comments", distinct=True)
        )
        .order_by("pk")
        .values_list(*(field for _column, field in IDEA_COLUMNS))
    )
    idea_ids = [row[0] for row in ideas]
    # States and sources as their names in the reader's language, not their codes.
    idea_rows = [
        (pk, title, _plain(text), _state_label(state), reason, str(IdeaSource(source).label) if source else "", *rest)
        for pk, title, text, state, reason, source, *rest in ideas
    ]
    comments = [
        (pk, idea_id, _plain(text), hidden, created_at)
        for pk, idea_id, text, hidden, created_at in Comment.objects.filter(idea_id__in=idea_ids)
        .order_by("pk")
        .values_list("pk", "idea_id", "text", "hidden", "created_at")
    ]
    supports = list(
        Support.objects.filter(idea_id__in=idea_ids).order_by("pk").values_list("pk", "idea_id", "created_at")
    )
    return [
        _table("ideas", tuple(column for column, _field in IDEA_COLUMNS), idea_rows),
        _table("comments", ("id", "idea_id", "text", "hidden", "created_at"), comments),
        _table("supports", ("id", "idea_id", "created_at"), supports),
        _table(
            "states",
            ("idea_id", "changed_at", "from_state", "to_state", "reason"),
            [(pk, at, _state_label(old), _state_label(new), why) for pk, at, old, new, why in state_history(idea_ids)],
        ),
    ]


def state_history(idea_ids: list[int]) -> list[tuple[Any, ...]]:
    """Every state change of the ideas from the change log, oldest first (the creation is the first state)."""
    records = ChangeRecord.objects.filter(
        content_type=ContentType.objects.get_for_model(Idea), object_id__in=idea_ids
    ).order_by("at", "pk")
    rows: list[tuple[Any, ...]] = []
    for object_id, at, changes in records.values_list("object_id", "at", "changes"):
        state = (changes or {}).get("state")
        if isinstance(state, list) and len(state) == 2 and state[0] != state[1]:
            reason = (changes.get("state_reason") or [None, None])[1]
            rows.append((object_id, at, state[0], state[1], reason or ""))
    return rows


def write_csv(columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """CSV text with a byte order mark, so that spreadsheet programs read ä, ö and å right; cells neutralised."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([safe_cell(value) for value in row])
    return buffer.getvalue()


def _xlsx_cell(value: Any) -> Any:
    # XML cannot hold most control characters: openpyxl refuses them, so a pasted one is dropped.
    value = safe_cell(value)
    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


def write_xlsx(tables: Iterable[Table]) -> bytes:
    """A workbook with one sheet per table, its header in bold; cells neutralised."""
    workbook = Workbook()
    workbook.remove(workbook.worksheets[0])
    bold = Font(bold=True)
    for table in tables:
        sheet = workbook.create_sheet((table.title or table.name)[:31])
        sheet.append(table.header)
        for cell in sheet[1]:
            cell.font = bold
        for row in table.rows:
            sheet.append([_xlsx_cell(value) for value in row])
        for index, column in enumerate(table.columns, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = 60 if column in ("text", "title") else 16
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
