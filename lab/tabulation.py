"""The arithmetic of the Lab portfolio, without Django: tallies in a fixed category order, cross tabulations and
shares. The selectors collect plain values from the database; these functions turn them into table rows."""

import datetime
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from core.rounding import round_half_away
from ideas.sources import SOURCE_BY_KIND

Category = tuple[str, str]  # (code, label)


@dataclass(frozen=True)
class Period:
    """From `start` to `end`, both days included; None is open-ended."""

    start: datetime.date | None = None
    end: datetime.date | None = None

    @classmethod
    def year(cls, year: int) -> "Period":
        return cls(datetime.date(year, 1, 1), datetime.date(year, 12, 31))

    def contains(self, day: datetime.date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)

    @property
    def is_whole_time(self) -> bool:
        return self.start is None and self.end is None


@dataclass
class Row:
    code: str
    label: str
    values: list[Any]

    @property
    def cells(self) -> list[tuple[Any, bool]]:
        """(value, whether it is a figure) of each value: figures are aligned right on the page."""
        return [(value, isinstance(value, int | float) and not isinstance(value, bool)) for value in self.values]


@dataclass
class Table:
    """One table of the portfolio: `columns` are the headers of the value columns (the first column, the row's
    label, is headed `label_heading`)."""

    key: str
    title: str
    label_heading: str
    columns: list[str]
    rows: list[Row] = field(default_factory=list)
    note: str = ""

    @property
    def headings(self) -> list[str]:
        return [self.label_heading, *self.columns]

    @property
    def column_cells(self) -> list[tuple[str, bool]]:
        """(heading, whether the column holds figures) of each value column: figure columns are aligned right."""
        return [
            (heading, bool(self.rows) and all(row.cells[index][1] or row.values[index] is None for row in self.rows))
            for index, heading in enumerate(self.columns)
        ]

    @property
    def bars(self) -> list[int] | None:
        """For a table of one count per row: each row's count as a whole per cent of the largest, the width of
        its bar on the page; None for other tables."""
        if len(self.columns) != 1 or not all(isinstance(row.values[0], int) for row in self.rows):
            return None
        largest = max((row.values[0] for row in self.rows), default=0)
        return [int(round_half_away(100 * row.values[0] / largest)) if largest else 0 for row in self.rows]


def tally(values: Iterable[str], categories: Sequence[Category]) -> list[Row]:
    """One row per category, in the categories' order, with how many of `values` have its code (zero rows too).
    Codes outside the categories get rows of their own after them (their code as the label), so nothing counted
    goes missing from the table."""
    counts = Counter(values)
    rows = [Row(code, label, [counts.pop(code, 0)]) for code, label in categories]
    rows += [Row(code, code, [count]) for code, count in sorted(counts.items())]
    return rows


def crosstab(
    pairs: Iterable[tuple[str, str]], row_categories: Sequence[Category], column_categories: Sequence[Category]
) -> list[Row]:
    """Rows × columns counts of (row code, column code) pairs, with a total per row as the last value."""
    counts = Counter(pairs)
    rows = []
    for row_code, row_label in row_categories:
        values = [counts[(row_code, column_code)] for column_code, _label in column_categories]
        rows.append(Row(row_code, row_label, [*values, sum(values)]))
    return rows


def column_totals(rows: Sequence[Row]) -> list[int]:
    """The sum of each value column over the rows."""
    if not rows:
        return []
    return [sum(row.values[index] for row in rows) for index in range(len(rows[0].values))]


def share(part: int, whole: int) -> float | None:
    """part / whole in per cent with one decimal, None when there is nothing to divide by."""
    return None if whole == 0 else float(round_half_away(100 * part / whole, 1))


# The barometer's options for partners (q_partners) by the partner organisation's kind (OrganisationKind values):
# the idea sources' categories (the same codes), except that q_partners' "other municipalities, joint municipal
# authorities and regions" also takes the regions: wellbeing services counties and regional councils.
BAROMETER_PARTNER_BY_KIND = {
    **SOURCE_BY_KIND,
    "wellbeing_county": "other_municipalities",
    "regional_council": "other_municipalities",
}
OTHER_CATEGORY = "other"  # a kind the barometer has no option for
NO_PARTNER = "none"  # the barometer's "we developed it on our own"


def partner_category_rows(
    kinds: dict[int, str],
    links: Sequence[Sequence[tuple[int, int]]],
    record_totals: Sequence[int],
    categories: Sequence[Category],
) -> list[Row]:
    """One row per barometer category: how many partner organisations fall in it, and for each kind of record
    (`links[i]`: (record id, organisation id) pairs; `record_totals[i]`: how many records there are) how many
    records have at least one partner in it. The NO_PARTNER row counts the records without any partner."""
    rows = []
    for code, label in categories:
        if code == NO_PARTNER:
            values: list[Any] = [None]
            values += [
                total - len({record for record, _o in pairs}) for pairs, total in zip(links, record_totals, strict=True)
            ]
        else:
            values = [sum(1 for kind in kinds.values() if BAROMETER_PARTNER_BY_KIND.get(kind, OTHER_CATEGORY) == code)]
            values += [
                len(
                    {
                        record
                        for record, organisation in pairs
                        if BAROMETER_PARTNER_BY_KIND.get(kinds[organisation], OTHER_CATEGORY) == code
                    }
                )
                for pairs in links
            ]
        rows.append(Row(code, label, values))
    return rows
