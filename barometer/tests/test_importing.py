"""The plain import module without a database: reading CSV, XLSX and SPSS files, the automatic mapping, checking
a mapping, and converting rows with every kind of problem."""

import csv
import datetime
import io
import zipfile
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from barometer.imports import readers
from barometer.imports.readers import FileError, make_plan, propose_mapping, read_table
from barometer.tests.test_import_support import HEADER, csv_bytes, plain_questionnaire, sav_bytes, xlsx_bytes

ORGS = {"091": 1, "0201256-6": 2, "helsinki": 1, "helsingfors": 1, "espoo": 2}


def table(data: bytes, name: str = "data.csv", **kwargs: Any) -> readers.Table:
    return read_table(io.BytesIO(data), name, **kwargs)


def rows(data: bytes, name: str = "data.csv", **kwargs: Any) -> list[tuple[int, list[Any]]]:
    return list(table(data, name, **kwargs).rows)


def convert(data: bytes, mapping: dict[str, Any] | None = None, name: str = "data.csv", **kwargs: Any):
    questionnaire = plain_questionnaire()
    read = table(data, name)
    plan = make_plan(mapping or propose_mapping(read.columns, questionnaire), read.columns, questionnaire)
    return readers.convert(read, plan, questionnaire, ORGS, **kwargs)


def codes(conversion: readers.Conversion) -> list[tuple[str, str, str, list[int]]]:
    return [(p["code"], p["column"], p["value"], p["rows"]) for p in conversion.problem_list()]


GOOD = [HEADER, ["r1", "091", "municipality", "Kyllä", 1, 0, "large", "12,5"]]


# --- reading CSV ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "utf-16"])
def test_csv_encodings_are_recognised(encoding):
    data = csv_bytes([["id", "nimi"], ["1", "Ähtäri ja Säkylä"]], encoding=encoding)
    assert rows(data) == [(2, ["1", "Ähtäri ja Säkylä"])]
    assert table(data).columns == ["id", "nimi"]  # no byte order mark glued to the first name


@pytest.mark.parametrize("delimiter", [";", ",", "\t", "|"])
def test_csv_delimiter_is_sniffed(delimiter):
    data = csv_bytes(
        [["id", "staff", "kunta"], ["1", "12,5" if delimiter != "," else "12.5", "091"]], delimiter=delimiter
    )
    read = table(data)
    assert read.columns == ["id", "staff", "kunta"]
    assert next(read.rows)[1][2] == "091"


def test_semicolon_file_with_decimal_commas_is_not_split_on_the_commas():
    data = b"id;staff;comments\n1;12,5;a, b and c\n2;3,0;x\n"
    assert rows(data) == [(2, ["1", "12,5", "a, b and c"]), (3, ["2", "3,0", "x"])]


def test_row_numbers_are_spreadsheet_rows_with_quoted_line_breaks_and_blank_rows():
    data = b'id,comments\n1,"two\nlines"\n\n3,after a blank row\n'
    assert rows(data) == [(2, ["1", "two\nlines"]), (4, ["3", "after a blank row"])]


def test_cells_are_stripped_and_empty_cells_are_none():
    assert rows(b"a;b;c\n  x ; ;\n") == [(2, ["x", None, None])]


def test_trailing_delimiters_and_unnamed_middle_columns():
    read = table(b"a;;c;\n1;2;3;\n")
    assert read.columns == ["a", "column_2", "c"]
    assert list(read.rows) == [(2, ["1", "2", "3"])]


def test_short_rows_are_padded():
    assert rows(b"a;b;c\n1\n") == [(2, ["1", None, None])]


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "empty"),
        (b"\n\n  \n", "empty"),
        (b"a;b;a\n1;2;3\n", "duplicate_column"),
        (b"a;b\n1;2;3\n", "value_without_column"),
        (b"\x00\x01\x02binary\x00", "unreadable_encoding"),
        (b"a;b\n\x81\x8d;x\n", "unreadable_encoding"),  # bytes that no 8-bit Finnish encoding has as letters
    ],
)
def test_unreadable_csv_files(data, code):
    with pytest.raises(FileError) as caught:
        rows(data)
    assert caught.value.code == code


def test_value_without_column_names_its_row():
    with pytest.raises(FileError) as caught:
        rows(b"a;b\n1;2\n1;2;3\n")
    assert caught.value.params == {"row": 3}


def test_too_many_rows(monkeypatch):
    monkeypatch.setattr(readers, "MAX_ROWS", 2)
    with pytest.raises(FileError) as caught:
        rows(b"a\n1\n2\n3\n")
    assert caught.value.code == "too_many_rows"


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.lists(
            st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=12), min_size=3, max_size=3
        ),
        min_size=1,
        max_size=6,
    )
)
def test_any_text_written_by_the_csv_module_reads_back(cells):
    """Whatever the cells hold (delimiters, quotes, line breaks, letters of any script), what Python's csv writer
    wrote in UTF-8 reads back cell by cell, with the spreadsheet's stripping and empties as None."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(["a", "b", "c"])
    writer.writerows(cells)
    expected = [[cell.strip() or None for cell in row] for row in cells]
    got = [row for _number, row in rows(buffer.getvalue().encode())]
    assert got == [row for row in expected if any(cell is not None for cell in row)]


# --- detecting the format --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "head", "code"),
    [
        ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "old_excel"),
        ("renamed.xlsx", b"id;x\n", "corrupt_xlsx"),
        ("renamed.sav", b"id;x\n", "corrupt_sav"),
        ("picture.png", b"\x89PNG\r\n", "unknown_format"),
        ("noextension", b"id;x\n", "unknown_format"),
    ],
)
def test_format_problems(name, head, code):
    with pytest.raises(FileError) as caught:
        readers.detect_format(name, head)
    assert caught.value.code == code


def test_format_from_content_wins_over_a_wrong_extension():
    assert readers.detect_format("export.csv", b"PK\x03\x04rest") == "xlsx"
    assert readers.detect_format("export.dat", b"$FL2@(#) SPSS") == "sav"


# --- reading XLSX ----------------------------------------------------------------------------------------------


def test_xlsx_first_sheet_types_and_row_numbers():
    data = xlsx_bytes(
        {"Vastaukset": [["Otsikko"], [], HEADER, ["r1", 91, "municipality", "Kyllä", 1, None, "large", 12.5], []]}
    )
    read = table(data, "export.xlsx")
    assert (read.format, read.sheets, read.sheet) == ("xlsx", ["Vastaukset"], "Vastaukset")
    # The header is the first non-empty row; blank rows are skipped but keep the numbering.
    assert read.columns == ["Otsikko"]  # …which here is the title row: the team chooses the right file layout
    data = xlsx_bytes({"Vastaukset": [[], HEADER, ["r1", 91, "municipality", "Kyllä", 1, None, "large", 12.5]]})
    read = table(data, "export.xlsx")
    assert read.columns == HEADER
    assert list(read.rows) == [(3, ["r1", 91, "municipality", "Kyllä", 1, None, "large", 12.5])]


def test_xlsx_dates_and_booleans():
    data = xlsx_bytes({"S": [["id", "when", "flag"], ["a", datetime.datetime(2024, 5, 6), True]]})
    assert rows(data, "x.xlsx") == [(2, ["a", "2024-05-06", 1])]


def test_xlsx_chosen_sheet_and_an_unknown_sheet():
    data = xlsx_bytes({"Ohje": [["Tämä on ohje"]], "Data": [["id", "kunta"], ["1", "091"]]})
    assert table(data, "x.xlsx").sheets == ["Ohje", "Data"]
    assert rows(data, "x.xlsx", sheet="Data") == [(2, ["1", "091"])]
    with pytest.raises(FileError) as caught:
        table(data, "x.xlsx", sheet="Puuttuu")
    assert caught.value.code == "no_such_sheet"
    assert caught.value.params == {"sheet": "Puuttuu", "sheets": "Ohje, Data"}


@pytest.mark.parametrize(
    "data",
    [
        b"PK\x03\x04 not really a zip",
        b"",  # replaced below by a valid zip that is no workbook
    ],
)
def test_corrupt_xlsx(data):
    if not data:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("content.xml", "<office:document/>")  # e.g. an OpenDocument file renamed
        data = buffer.getvalue()
    with pytest.raises(FileError) as caught:
        table(data, "x.xlsx")
    assert caught.value.code == "corrupt_xlsx"


def test_empty_xlsx():
    with pytest.raises(FileError) as caught:
        table(xlsx_bytes({"Tyhjä": []}), "x.xlsx")
    assert caught.value.code == "empty"


# --- reading SPSS ----------------------------------------------------------------------------------------------


def test_sav_values_labels_and_case_numbers(monkeypatch):
    monkeypatch.setattr(readers, "SAV_CHUNK", 2)  # several chunks
    data = sav_bytes(
        {
            "id": ["a", "b", "c"],
            "kunta": ["091", "049", ""],
            "introduced": [1.0, 2.0, None],
            "staff": [12.5, 3.0, None],
        },
        {"introduced": {1.0: "Kyllä", 2.0: "Ei"}},
    )
    read = table(data, "export.sav")
    assert read.format == "sav"
    assert read.columns == ["id", "kunta", "introduced", "staff"]
    assert read.value_labels == {"introduced": {"1": "Kyllä", "2": "Ei"}}
    assert read.row_estimate == 3
    assert list(read.rows) == [(1, ["a", "091", 1.0, 12.5]), (2, ["b", "049", 2.0, 3.0]), (3, ["c", None, None, None])]


def test_corrupt_sav():
    data = sav_bytes({"id": ["a"]})
    with pytest.raises(FileError) as caught:
        list(table(data[:200] + b"\x00" * 50, "broken.sav").rows)
    assert caught.value.code == "corrupt_sav"


# --- the automatic mapping and checking a mapping ---------------------------------------------------------------


def test_proposed_mapping_from_codes_and_usual_names():
    questionnaire = plain_questionnaire()
    columns = [
        "Response ID",
        "Kunta",
        "kind",
        "INTRODUCED",
        "types",
        "types_none",
        "enablers_technology",
        "enablers",
        "x",
    ]
    assert propose_mapping(columns, questionnaire) == {
        "id": "Response ID",
        "organisation": "Kunta",
        "columns": {
            "kind": "kind",
            "INTRODUCED": "introduced",
            "types": "types",
            "types_none": "types:none",
            "enablers_technology": "enablers:technology",
        },
        "delimiter": ";",
        "values": {},
    }


def test_a_file_named_like_the_questionnaire_maps_completely():
    questionnaire = plain_questionnaire()
    plan = make_plan(propose_mapping(HEADER, questionnaire), HEADER, questionnaire)
    assert (plan.id_column, plan.organisation_column) == ("id", "kunta")
    assert [(t.column, t.way, t.part) for t in plan.targets] == [
        ("kind", "choice", ""),
        ("introduced", "choice", ""),
        ("types_service", "flag", "service"),
        ("types_process", "flag", "process"),
        ("enablers_technology", "item", "technology"),
        ("staff", "number", ""),
    ]


@pytest.mark.parametrize(
    ("mapping", "issues"),
    [
        ([], [("not_an_object", "")]),
        ({"columns": {}}, [("no_id_column", ""), ("no_organisation_column", ""), ("no_questions", "")]),
        ({"id": "nope", "organisation": "kunta", "columns": {"kind": "kind"}}, [("unknown_column", "nope")]),
        ({"id": "id", "organisation": "kunta", "columns": {"kind": ""}}, [("no_questions", "")]),
        ({"id": "id", "organisation": "kunta", "columns": {"staff": "unknown"}}, [("unknown_question", "staff")]),
        ({"id": "id", "organisation": "kunta", "columns": {"staff": "enablers"}}, [("needs_item", "staff")]),
        ({"id": "id", "organisation": "kunta", "columns": {"staff": "types:nope"}}, [("unknown_choice_code", "staff")]),
        ({"id": "id", "organisation": "kunta", "columns": {"staff": "staff:x"}}, [("no_parts", "staff")]),
        (
            {"id": "id", "organisation": "kunta", "columns": {"kind": "staff", "staff": "staff"}},
            [("target_twice", "staff")],
        ),
        (
            {"id": "id", "organisation": "kunta", "columns": {"types_service": "types:service", "staff": "types"}},
            [("list_and_flags", "")],
        ),
        (
            {"id": "id", "organisation": "kunta", "columns": {"kind": "kind"}, "values": {"staff": {"x": None}}},
            [("values_for_unmapped", "staff")],
        ),
        (
            {"id": "id", "organisation": "kunta", "columns": {"kind": "kind"}, "values": {"kind": {"x": "nope"}}},
            [("unknown_choice_code", "kind")],
        ),
        ({"id": "id", "organisation": "kunta", "columns": {"kind": "kind"}, "delimiter": 5}, [("bad_delimiter", "")]),
    ],
)
def test_mapping_issues(mapping, issues):
    with pytest.raises(readers.MappingError) as caught:
        make_plan(mapping, HEADER, plain_questionnaire())
    assert [(issue.code, issue.column) for issue in caught.value.issues] == issues


# --- converting rows ----------------------------------------------------------------------------------------------


def test_a_good_row_becomes_clean_answers():
    conversion = convert(csv_bytes(GOOD))
    assert codes(conversion) == []
    [row] = conversion.rows
    assert (row.row, row.external_id, row.unit, row.organisation) == (2, "r1", 1, "091")
    assert row.answers == {
        "kind": "municipality",
        "introduced": "yes",
        "types": ["service"],
        "enablers": {"technology": "large"},
        "staff": 12.5,
    }


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("yes", "yes"),
        ("YES", "yes"),
        ("Kyllä", "yes"),
        ("kyllä", "yes"),
        ("Ja", "yes"),
        ("Nej", "no"),
        ("En osaa sanoa", "dont_know"),
    ],
)
def test_values_match_codes_and_labels_in_every_language(value, expected):
    data = csv_bytes([["id", "kunta", "introduced"], ["1", "091", value]])
    assert convert(data).rows[0].answers == {"introduced": expected}


@pytest.mark.parametrize(
    ("organisation", "unit"), [("091", 1), ("91", 1), ("Helsingfors", 1), ("0201256-6", 2), ("ESPOO", 2)]
)
def test_organisations_by_municipality_code_business_id_or_name(organisation, unit):
    data = csv_bytes([["id", "kunta", "kind"], ["1", organisation, "municipality"]])
    assert convert(data).rows[0].unit == unit


def test_every_row_problem_has_its_row_column_and_value():
    data = csv_bytes(
        [
            HEADER,
            ["r1", "091", "municipality", "Kyllä", "1", "0", "large", "5"],  # good
            ["", "091", "municipality", "no", "", "", "", ""],  # 3: no identifier
            ["r1", "Turku", "municipality", "no", "", "", "", ""],  # 4: same identifier, unknown organisation
            ["r4", "", "town", "maybe", "", "", "huge", "lots"],  # 5: every value wrong
            ["r5", "espoo", "municipality", "no", "1", "", "", "-1"],  # 6: routed out, below the minimum
            ["r6", "espoo", "", "yes", "2", "x", "", ""],  # 7: required kind missing, not a 0/1 value
        ]
    )
    conversion = convert(data)
    assert [row.external_id for row in conversion.rows] == ["r1"]
    # In row order, then by column: a wrong value is one problem (not also "required").
    assert codes(conversion) == [
        ("missing_id", "id", "", [3]),
        ("duplicate_id", "id", "r1", [4]),
        ("unknown_organisation", "kunta", "Turku", [4]),
        ("unknown_choice", "enablers_technology", "huge", [5]),
        ("unknown_choice", "introduced", "maybe", [5]),
        ("unknown_choice", "kind", "town", [5]),
        ("missing_organisation", "kunta", "", [5]),
        ("not_a_number", "staff", "lots", [5]),
        ("too_small", "staff", "-1", [6]),
        ("not_asked", "types_service", "1", [6]),
        ("required", "kind", "", [7]),
        ("not_0_1", "types_service", "2", [7]),
    ]
    problems = {p["code"]: p for p in conversion.problem_list()}
    assert problems["duplicate_id"]["params"] == {"first_row": 2}
    assert problems["too_small"]["params"] == {"limit": "0"}
    assert [p["params"] for p in conversion.problem_list() if p["code"] == "unknown_choice"] == [
        {"question": "enablers"},
        {"question": "introduced"},
        {"question": "kind"},
    ]


def test_the_same_problem_is_grouped_with_all_its_rows():
    data = csv_bytes([["id", "kunta", "comments"]] + [[str(n), "Turku", ""] for n in range(5)])
    conversion = convert(data)
    assert conversion.problem_list() == [
        {
            "row": 2,
            "rows": [2, 3, 4, 5, 6],
            "count": 5,
            "column": "kunta",
            "value": "Turku",
            "code": "unknown_organisation",
            "params": {},
        }
    ]
    assert conversion.problem_count == 5


def test_problem_groups_and_their_row_lists_are_capped(monkeypatch):
    monkeypatch.setattr(readers, "MAX_ROWS_PER_PROBLEM", 2)
    monkeypatch.setattr(readers, "MAX_PROBLEM_GROUPS", 2)
    data = csv_bytes([["id", "kunta", "comments"]] + [[str(n), f"Turku {n % 3}", ""] for n in range(9)])
    conversion = convert(data)
    assert [(p["value"], p["rows"], p["count"]) for p in conversion.problem_list()] == [
        ("Turku 0", [2, 5], 3),
        ("Turku 1", [3, 6], 3),
    ]
    assert conversion.problem_count == 9


def test_ambiguous_names_and_one_response_per_organisation():
    questionnaire = plain_questionnaire()
    read = table(
        csv_bytes([["id", "kunta", "comments"], ["1", "Kirkkonummi", ""], ["2", "091", ""], ["3", "Helsinki", ""]])
    )
    plan = make_plan(propose_mapping(read.columns, questionnaire), read.columns, questionnaire)
    conversion = readers.convert(read, plan, questionnaire, {"kirkkonummi": None, **ORGS}, one_per_organisation=True)
    assert codes(conversion) == [
        ("ambiguous_organisation", "kunta", "Kirkkonummi", [2]),
        ("organisation_twice", "kunta", "Helsinki", [4]),
    ]


def test_multiple_choice_as_a_delimited_list():
    data = csv_bytes([["id", "kunta", "introduced", "types"], ["1", "091", "yes", "Palvelu | process"]], delimiter=",")
    mapping = {
        "id": "id",
        "organisation": "kunta",
        "columns": {"introduced": "introduced", "types": "types"},
        "delimiter": "|",
    }
    assert convert(data, mapping).rows[0].answers["types"] == ["service", "process"]
    data = csv_bytes([["id", "kunta", "introduced", "types"], ["1", "091", "yes", '"service\nbogus"']], delimiter=",")
    conversion = convert(data, {**mapping, "delimiter": "\n"})
    assert codes(conversion) == [("unknown_choice", "types", "bogus", [2])]


def test_exclusive_option_error_names_its_own_column():
    data = csv_bytes([["id", "kunta", "introduced", "types_service", "types_none"], ["1", "091", "yes", "1", "1"]])
    assert codes(convert(data)) == [("exclusive_choice", "types_none", "1", [2])]


@pytest.mark.parametrize(
    ("cells", "chosen"),
    [
        (["1", "0"], ["service"]),
        (["X", ""], ["service"]),
        (["kyllä", "ei"], ["service"]),
        (["1.0", "0,0"], ["service"]),
        (["Palvelu", ""], ["service"]),  # SurveyMonkey style: the option's label where it was chosen
        (["0", "0"], None),
        (["", ""], None),
    ],
)
def test_zero_one_columns(cells, chosen):
    data = csv_bytes([["id", "kunta", "introduced", "types_service", "types_process"], ["1", "091", "yes", *cells]])
    assert convert(data).rows[0].answers.get("types") == chosen


def test_values_matched_by_hand():
    data = csv_bytes(
        [
            ["id", "kunta", "introduced", "types_service", "enablers_technology"],
            ["1", "091", "Joo", "2", "paljon"],
            ["2", "091", "Joo", "valittu", "-"],
        ]
    )
    mapping = {
        "id": "id",
        "organisation": "kunta",
        "columns": {
            "introduced": "introduced",
            "types_service": "types:service",
            "enablers_technology": "enablers:technology",
        },
        "values": {
            "introduced": {"Joo": "yes"},
            "types_service": {"2": None, "valittu": "service"},
            "enablers_technology": {"paljon": "large", "-": None},
        },
    }
    conversion = convert(data, mapping)
    assert codes(conversion) == []
    assert [row.answers for row in conversion.rows] == [
        {"introduced": "yes", "enablers": {"technology": "large"}},
        {"introduced": "yes", "types": ["service"]},
    ]


def test_spss_value_labels_match_answer_options():
    data = sav_bytes(
        {"id": ["a", "b"], "kunta": ["091", "0201256-6"], "introduced": [1.0, 2.0], "staff": [12.0, 7.5]},
        {"introduced": {1.0: "Kyllä", 2.0: "Ei"}},
    )
    conversion = convert(data, name="export.sav")
    assert codes(conversion) == []
    assert [row.answers for row in conversion.rows] == [
        {"introduced": "yes", "staff": 12},
        {"introduced": "no", "staff": 7.5},
    ]


def test_an_answer_routed_on_a_wrong_value_is_not_a_second_problem():
    data = csv_bytes([["id", "kunta", "introduced", "types_service"], ["1", "091", "maybe", "1"]])
    assert codes(convert(data)) == [("unknown_choice", "introduced", "maybe", [2])]


def test_routing_is_checked_only_when_the_file_has_the_question_it_depends_on():
    data = csv_bytes([["id", "kunta", "types_service"], ["1", "091", "1"]])
    assert convert(data).rows[0].answers == {"types": ["service"]}


def test_progress_is_reported_while_rows_are_read():
    seen: list[int] = []
    data = csv_bytes([["id", "kunta", "comments"]] + [[str(n), "091", "x"] for n in range(7)])
    convert(data, progress=seen.append, progress_every=3)
    assert seen == [3, 6, 7]


def test_a_file_with_only_the_header_has_no_rows():
    with pytest.raises(FileError) as caught:
        convert(csv_bytes([["id", "kunta", "comments"]]))
    assert caught.value.code == "no_rows"


def test_unmatched_values_are_counted_per_column():
    problems = [
        {"code": "unknown_choice", "column": "a", "value": "x", "count": 3},
        {"code": "not_0_1", "column": "b", "value": "2", "count": 1},
        {"code": "required", "column": "a", "value": "", "count": 1},
    ]
    assert readers.unmatched_values(problems) == {"a": {"x": 3}, "b": {"2": 1}}
