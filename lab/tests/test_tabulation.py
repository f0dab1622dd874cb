"""The portfolio's arithmetic, without a database."""

import datetime

from lab.tabulation import NO_PARTNER, Period, Row, Table, column_totals, crosstab, partner_category_rows, share, tally

COLOURS = [("red", "Red"), ("green", "Green"), ("blue", "Blue")]


def test_tally_keeps_the_order_and_zero_rows_and_adds_unknown_codes_after() -> None:
    rows = tally(["blue", "red", "blue", "purple"], COLOURS)
    assert [(r.code, r.label, r.values) for r in rows] == [
        ("red", "Red", [1]),
        ("green", "Green", [0]),
        ("blue", "Blue", [2]),
        ("purple", "purple", [1]),
    ]


def test_crosstab_counts_pairs_with_a_total_per_row() -> None:
    rows = crosstab(
        [("red", "a"), ("red", "b"), ("red", "a"), ("blue", "b"), ("red", "x")], COLOURS, [("a", "A"), ("b", "B")]
    )
    # ("red", "x") is outside the columns: it is in no cell and in no total.
    assert [(r.code, r.values) for r in rows] == [("red", [2, 1, 3]), ("green", [0, 0, 0]), ("blue", [0, 1, 1])]
    assert column_totals(rows) == [2, 2, 4]
    assert column_totals([]) == []


def test_share() -> None:
    assert share(1, 3) == 33.3
    assert share(2, 3) == 66.7
    assert share(0, 0) is None


def test_period() -> None:
    year = Period.year(2024)
    assert year.contains(datetime.date(2024, 1, 1))
    assert year.contains(datetime.date(2024, 12, 31))
    assert not year.contains(datetime.date(2025, 1, 1))
    assert not year.contains(datetime.date(2023, 12, 31))
    assert Period().is_whole_time
    assert Period().contains(datetime.date(1900, 1, 1))
    assert Period(None, datetime.date(2024, 5, 1)).contains(datetime.date(1999, 1, 1))
    assert not Period(datetime.date(2024, 5, 1), None).contains(datetime.date(2024, 4, 30))


def test_cells_tell_figures_from_text() -> None:
    assert Row("x", "X", [1, 2.5, "Funder", None, True]).cells == [
        (1, True),
        (2.5, True),
        ("Funder", False),
        (None, False),
        (True, False),
    ]


def test_bars_are_shares_of_the_largest_count_in_one_count_tables_only() -> None:
    one = Table("t", "T", "Colour", ["Count"], tally(["red", "blue", "blue", "blue"], COLOURS))
    assert one.bars == [33, 0, 100]
    assert Table("t", "T", "Colour", ["Count"], tally([], COLOURS)).bars == [0, 0, 0]
    two = Table("t", "T", "Colour", ["A", "B"], [Row("red", "Red", [1, 2])])
    assert two.bars is None
    text = Table("t", "T", "Colour", ["Kind"], [Row("red", "Red", ["Company"])])
    assert text.bars is None


def test_figure_columns() -> None:
    table = Table("t", "T", "Partner", ["Kind", "Ideas", "Share"], [Row("a", "A", ["Company", 2, None])])
    assert table.column_cells == [("Kind", False), ("Ideas", True), ("Share", True)]
    assert Table("t", "T", "Partner", ["Ideas"]).column_cells == [("Ideas", False)]


def test_partner_categories_count_records_with_at_least_one_partner_in_each() -> None:
    kinds = {1: "company", 2: "uas", 3: "university", 4: "wellbeing_county", 5: "other"}
    ideas = [(10, 1), (10, 2), (11, 3)]  # idea 10 has a company and a UAS, idea 11 a university
    innovations = [(20, 1), (20, 4), (21, 5)]
    categories = [
        ("companies", "C"),
        ("universities", "U"),
        ("other_municipalities", "M"),
        ("other", "O"),
        (NO_PARTNER, "N"),
    ]
    rows = partner_category_rows(kinds, [ideas, innovations], [3, 4], categories)
    assert [(r.code, r.values) for r in rows] == [
        ("companies", [1, 1, 1]),
        ("universities", [2, 2, 0]),  # two organisations, but idea 10 counts once
        ("other_municipalities", [1, 0, 1]),
        ("other", [1, 0, 1]),
        (NO_PARTNER, [None, 1, 2]),  # 3 ideas, 2 with partners; 4 innovations, 2 with partners
    ]
