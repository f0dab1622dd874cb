"""Reading adoption tables: formats, every problem named by row and column, cut and empty files refused."""

from __future__ import annotations

import pytest

from diffusion.maths.adoption_table import (
    AdoptionEvent,
    AdoptionTableError,
    adoption_years,
    events_by_innovation,
    first_adoptions,
    read_adoption_csv,
    read_population_csv,
)


def problems_of(source: str | bytes) -> list[tuple[int | None, str | None]]:
    with pytest.raises(AdoptionTableError) as caught:
        read_adoption_csv(source)
    return [(problem.row, problem.column) for problem in caught.value.problems]


def test_reads_years_and_iso_dates_with_any_delimiter():
    expected = [
        AdoptionEvent("Tampere", "digi-1", 2021),
        AdoptionEvent("Oulu", "digi-1", 2023, "Tampere"),
    ]
    for delimiter in (",", ";", "\t", "|"):
        text = delimiter.join(["organisation", "innovation", "date", "source"]) + "\n"
        text += delimiter.join(["Tampere", "digi-1", "2021-03-15", ""]) + "\n"
        text += delimiter.join(["Oulu", "digi-1", "2023-01-02", "Tampere"]) + "\n"
        assert read_adoption_csv(text) == expected
    assert read_adoption_csv("Organization,Policy,Year\nTampere,digi-1,2021\n") == [expected[0]]


def test_reads_utf8_with_a_byte_order_mark_and_a_file(tmp_path):
    content = "\ufefforganisation;innovation;year\r\nHämeenlinna;Äänestys;2019\r\n".encode()
    path = tmp_path / "adoptions.csv"
    path.write_bytes(content)
    assert read_adoption_csv(path) == [AdoptionEvent("Hämeenlinna", "Äänestys", 2019)]
    assert read_adoption_csv(str(path)) == read_adoption_csv(content)


def test_reads_spid(settings):
    events = read_adoption_csv(settings.BASE_DIR / "reference_data" / "spid" / "spid_v1_policies.csv")
    assert len(events) == 17_835
    assert len({event.innovation for event in events}) == 728
    assert len({event.organisation for event in events}) == 50


def test_other_column_names_by_mapping():
    text = "kunta,innovaatio,vuosi\nTampere,x,2020\n"
    assert read_adoption_csv(text, columns={"organisation": "kunta", "innovation": "innovaatio", "year": "vuosi"}) == [
        AdoptionEvent("Tampere", "x", 2020)
    ]
    with pytest.raises(ValueError, match="unknown field"):
        read_adoption_csv(text, columns={"kunta": "organisation"})


def test_every_problem_is_named_by_row_and_column():
    text = (
        "organisation,innovation,date,year\n"
        ",x,2020-01-01,\n"  # row 2: no organisation
        "A,,2020-01-01,\n"  # row 3: no innovation
        "B,x,15.3.2020,\n"  # row 4: not ISO
        "C,x,,20x0\n"  # row 5: not a year
        "D,x,2020-01-01,2021\n"  # row 6: disagree
        "E,x,,\n"  # row 7: neither
        "F,x,,2021.5\n"  # row 8: fraction
        "G,x,,2021.0\n"  # fine: spreadsheets write years so
    )
    assert problems_of(text) == [
        (2, "organisation"),
        (3, "innovation"),
        (4, "date"),
        (5, "year"),
        (6, "year"),
        (7, "date"),
        (8, "year"),
    ]
    with pytest.raises(AdoptionTableError) as caught:
        read_adoption_csv(text)
    assert "row 4, column 'date': '15.3.2020' is not a date written as YYYY-MM-DD" in str(caught.value)


def test_empty_header_only_and_missing_columns_are_errors():
    assert problems_of(b"") == [(None, None)]
    assert problems_of("  \n\n") == [(None, None)]
    with pytest.raises(AdoptionTableError, match="no adoption rows"):
        read_adoption_csv("organisation,innovation,year\n")
    with pytest.raises(AdoptionTableError, match=r"lacks the column\(s\) innovation, date or year"):
        read_adoption_csv("organisation,when\nA,2020\n")


def test_a_cut_file_is_an_error_not_a_short_table():
    with pytest.raises(AdoptionTableError, match=r"row 3: the row has 2 field\(s\) but the header has 3 \(is the file"):
        read_adoption_csv("organisation,innovation,year\nA,x,2020\nB,x\n")
    # Cut inside a quoted field.
    assert problems_of('organisation,innovation,year\nA,x,2020\n"B,x') == [(3, None)]


def test_not_utf8_and_missing_file(tmp_path):
    with pytest.raises(AdoptionTableError, match="not UTF-8"):
        read_adoption_csv("organisation,innovation,year\nJyväskylä,x,2020\n".encode("latin-1"))
    with pytest.raises(AdoptionTableError, match="cannot read"):
        read_adoption_csv(tmp_path / "missing.csv")


def test_many_problems_are_counted_in_the_message():
    text = "organisation,innovation,year\n" + "A,x,bad\n" * 30
    with pytest.raises(AdoptionTableError) as caught:
        read_adoption_csv(text)
    assert len(caught.value.problems) == 30
    assert str(caught.value).endswith("and 10 more problems")


def test_grouping_keeps_each_first_adoption():
    events = [
        AdoptionEvent("A", "x", 2005, "S"),
        AdoptionEvent("A", "x", 2003),  # earlier re-adoption: the first one counts
        AdoptionEvent("B", "x", 2004),
        AdoptionEvent("A", "y", 2010),
        AdoptionEvent("B", "x", 2004, "other"),  # same year: the first seen is kept
    ]
    assert first_adoptions(events) == [AdoptionEvent("A", "x", 2003), AdoptionEvent("B", "x", 2004), events[3]]
    grouped = events_by_innovation(events)
    assert list(grouped) == ["x", "y"]
    assert [event.organisation for event in grouped["x"]] == ["A", "B"]
    assert adoption_years(events) == {"x": {"A": 2003, "B": 2004}, "y": {"A": 2010}}


def test_population_file():
    assert read_population_csv("organisation\nTampere\nOulu\n") == ["Tampere", "Oulu"]
    assert read_population_csv("kunta;asukkaat\nTampere;250000\n", column="kunta") == ["Tampere"]
    with pytest.raises(AdoptionTableError) as caught:
        read_population_csv("organisation,size\nTampere,1\n\nTampere,2\n,3\n")
    assert [(p.row, p.column) for p in caught.value.problems] == [(4, "organisation"), (5, "organisation")]
    with pytest.raises(AdoptionTableError, match="no organisations"):
        read_population_csv("organisation\n")
    with pytest.raises(AdoptionTableError, match="lacks the column 'organisation'"):
        read_population_csv("name\nTampere\n")
