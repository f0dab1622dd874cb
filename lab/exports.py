"""The portfolio as files: one CSV (a row per figure, with the table it belongs to in a section column) and an
XLSX workbook (an overview sheet, then a sheet per table). Headings are in the active language.

Text that people entered (challenge titles, partner names, state names) goes into spreadsheets: a cell that
begins like a formula is written with a leading apostrophe so that no spreadsheet program runs it."""

import csv
import io
from collections.abc import Iterator
from typing import Any

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from openpyxl import Workbook  # type: ignore[import-untyped]  # ships no type information
from openpyxl.styles import Font  # type: ignore[import-untyped]
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]

from core.spreadsheets import neutralised
from lab.selectors import Portfolio
from lab.tabulation import Period, Table

SHEET_NAME_LIMIT = 31
FORBIDDEN_IN_SHEET_NAMES = str.maketrans({c: " " for c in "[]:*?/\\"})


def period_text(period: Period) -> str:
    if period.is_whole_time:
        return _("All time")
    # As the reader's language writes dates (6.4.2025 in Finnish and Swedish, 6 Apr 2025 in English).
    start = date_format(period.start, "SHORT_DATE_FORMAT") if period.start else "…"
    end = date_format(period.end, "SHORT_DATE_FORMAT") if period.end else "…"
    return f"{start} – {end}"


def filename(portfolio: Portfolio, extension: str) -> str:
    # ISO dates in file names: they sort, and hold no spaces or dots.
    period = portfolio.period
    if period.is_whole_time:
        text = "all"
    else:
        text = f"{period.start.isoformat() if period.start else ''}_{period.end.isoformat() if period.end else ''}"
    return f"lab-{portfolio.organisation.slug}-{text}.{extension}"


def csv_rows(portfolio: Portfolio) -> Iterator[list[Any]]:
    """The heading, then one row per figure: section (the table), row code, row, column, value."""
    yield [_("Section"), _("Code"), _("Row"), _("Column"), _("Value")]
    for table in portfolio.tables:
        for row in table.rows:
            for column, value in zip(table.columns, row.values, strict=True):
                yield [table.title, row.code, row.label, column, "" if value is None else value]


def portfolio_csv(portfolio: Portfolio) -> str:
    """CSV text with a byte order mark, so that spreadsheet programs read the letters ä, ö and å right."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    for row in csv_rows(portfolio):
        writer.writerow([neutralised(value) for value in row])
    return buffer.getvalue()


def _sheet_name(text: str, taken: set[str]) -> str:
    base = text.translate(FORBIDDEN_IN_SHEET_NAMES).strip("' ")[:SHEET_NAME_LIMIT] or "_"
    name, number = base, 2
    while name in taken:
        suffix = f" {number}"
        name = base[: SHEET_NAME_LIMIT - len(suffix)] + suffix
        number += 1
    return name


def _table_sheet(sheet: Any, table: Table) -> None:
    bold = Font(bold=True)
    sheet.append([neutralised(table.title)])
    sheet["A1"].font = Font(bold=True, size=14)
    if table.note:
        sheet.append([neutralised(table.note)])
    sheet.append([neutralised(heading) for heading in table.headings])
    for cell in sheet[sheet.max_row]:
        cell.font = bold
    for row in table.rows:
        sheet.append([neutralised(value) for value in (row.label, *row.values)])
    sheet.column_dimensions[get_column_letter(1)].width = 50
    for index in range(2, len(table.headings) + 1):
        sheet.column_dimensions[get_column_letter(index)].width = 18


def portfolio_xlsx(portfolio: Portfolio) -> bytes:
    workbook = Workbook()
    overview = workbook.worksheets[0]
    overview.title = _sheet_name(_("Portfolio"), set())
    overview.append([neutralised(str(portfolio.organisation.name))])
    overview["A1"].font = Font(bold=True, size=14)
    overview.append([_("Period"), period_text(portfolio.period)])
    overview.append([])
    overview.append([_("Sheet"), _("Table")])
    for cell in overview[overview.max_row]:
        cell.font = Font(bold=True)
    taken = {overview.title}
    for table in portfolio.tables:
        sheet = workbook.create_sheet(_sheet_name(table.title, taken))
        taken.add(sheet.title)
        _table_sheet(sheet, table)
        overview.append([sheet.title, neutralised(table.title)])
        link = overview.cell(row=overview.max_row, column=1)
        quoted = sheet.title.replace("'", "''")  # a quote inside a quoted sheet name is doubled
        link.hyperlink = f"#'{quoted}'!A1"
        link.style = "Hyperlink"
    overview.column_dimensions["A"].width = 34
    overview.column_dimensions["B"].width = 50
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
