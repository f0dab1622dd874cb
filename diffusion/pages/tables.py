"""The diffusion pages' downloads as CSV."""

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

from barometer.results.reports import Table
from core.spreadsheets import neutralised


def csv_text(head: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """CSV with a byte order mark (spreadsheets read ä and ö right), cells neutralised against formulas."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow(head)
    for row in rows:
        writer.writerow([neutralised("" if cell is None else cell) for cell in row])
    return buffer.getvalue()


def table_csv(table: Table) -> str:
    """A chart's data table as CSV: its rows, then its closing rows (e.g. the total)."""
    return csv_text(table.head, [*([label, *cells] for label, cells in table.rows), *table.foot])
