"""Files that would lose or change answers without a word: each bad file is made here as it comes in practice (a
cut CSV, an XLSX written by a script, SPSS files as analysts have them, a misspelt column), and the check must
either name the problem with its row and column or read the values correctly. Plain: no database."""

import io
import zipfile
from decimal import Decimal
from typing import Any

import openpyxl  # type: ignore[import-untyped]  # ships no type information
import pytest

from barometer.answers import QuestionSpec
from barometer.imports import readers
from barometer.imports.readers import FileError, Questionnaire, make_plan, merge_mapping, propose_mapping, read_table
from barometer.tests.test_import_support import csv_bytes, plain_questionnaire, sav_bytes

ORGS = {"091": 1, "049": 2, "0201256-6": 2, "helsinki": 1, "espoo": 2}


def convert(
    data: bytes,
    mapping: dict[str, Any] | None = None,
    name: str = "data.csv",
    questionnaire: Questionnaire | None = None,
) -> readers.Conversion:
    questionnaire = questionnaire or plain_questionnaire()
    read = read_table(io.BytesIO(data), name)
    if mapping is None:
        mapping = propose_mapping(read.columns, questionnaire, read.variable_labels)
    plan = make_plan(mapping, read.columns, questionnaire)
    return readers.convert(read, plan, questionnaire, ORGS)


def problems(conversion: readers.Conversion) -> list[tuple[str, str, str, list[int]]]:
    return [(p["code"], p["column"], p["value"], p["rows"]) for p in conversion.problem_list()]


# --- CSV cut short ------------------------------------------------------------------------------------------------

FULL = b"id;kunta;introduced;staff;comments\nr1;091;yes;12;a\nr2;049;no;8,5;b\n"


def test_a_finnish_decimal_comma_is_read_as_the_number():
    conversion = convert(FULL)
    assert problems(conversion) == []
    assert [row.answers["staff"] for row in conversion.rows] == [12, 8.5]


@pytest.mark.parametrize(
    ("end", "problem"),
    [
        (b"r2;049;no", ("short_row", "staff", "", [3])),
        (b"r2;049;no;", ("short_row", "comments", "", [3])),
        (b"r2;049;no;8,5", ("short_row", "comments", "", [3])),
        (b"r2;049;no;8,5;", ("cut_row", "comments", "", [3])),
    ],
)
def test_a_csv_cut_at_a_field_boundary_names_the_row_and_the_column(end, problem):
    cut = FULL[: FULL.index(end) + len(end)]
    conversion = convert(cut)
    # Row 3 was "r2;049;no;8,5;b": its answers are lost, not "unanswered".
    assert problems(conversion) == [problem]
    assert [row.external_id for row in conversion.rows] == ["r1"]


def test_a_whole_last_row_without_a_line_break_is_read():
    conversion = convert(FULL.rstrip(b"\n"))
    assert problems(conversion) == []
    assert [row.answers.get("comments") for row in conversion.rows] == ["a", "b"]


def test_a_short_row_in_the_middle_is_a_problem_too():
    data = b"id,kunta,introduced,staff\nr1,091,yes\nr2,049,no,3\n"
    assert problems(convert(data)) == [("short_row", "staff", "", [2])]


def test_a_csv_cut_inside_a_quoted_number_is_a_problem_naming_its_row():
    data = b'id,kunta,introduced,staff\nr1,091,yes,"12,5"\nr2,049,no,"8,5"\n'
    assert [row.answers["staff"] for row in convert(data).rows] == [12.5, 8.5]
    cut = data[: data.rindex(b",5")]  # …,"8   (the file ends inside the quotes)
    with pytest.raises(FileError) as caught:
        convert(cut)
    assert (caught.value.code, caught.value.params) == ("cut_csv", {"row": 3})


def test_quotes_are_read_as_leniently_as_before_except_one_left_open_at_the_end():
    data = b'id;kunta;comments\nr1;091;"a" \nr2;049;5" screen\n'
    assert [cells for _number, cells in read_table(io.BytesIO(data), "x.csv").rows] == [
        ["r1", "091", "a"],
        ["r2", "049", '5" screen'],
    ]
    with pytest.raises(FileError) as caught:
        list(read_table(io.BytesIO(data + 'r3;091;"Hyvä, mutta'.encode()), "x.csv").rows)
    assert (caught.value.code, caught.value.params) == ("cut_csv", {"row": 4})


def test_padding_is_still_how_a_short_row_is_read_but_it_is_reported():
    read = read_table(io.BytesIO(b"a;b;c\n1\n"), "x.csv")
    assert list(read.rows) == [(2, ["1", None, None])]
    assert read.row_problems == {2: [("short_row", 1, "", {"fields": 1, "columns": 3})]}


# --- XLSX formulas without their results --------------------------------------------------------------------------


def formula_workbook() -> bytes:
    """A workbook written by a script: openpyxl saves formulas without results, as some exports do."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Vastaukset"
    sheet.append(["id", "kunta", "introduced", "staff", "part_time", "notes"])
    sheet.append(["r1", "091", "yes", 10, 2, "=D2*2"])  # a formula in a column that is not imported
    sheet.append(["r2", "049", '=IF(1=1,"yes","no")', "=E3+3", 4, ""])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_xlsx_formulas_without_results_are_problems_naming_their_cells():
    mapping = {
        "id": "id",
        "organisation": "kunta",
        "columns": {"introduced": "introduced", "staff": "staff"},
        "ignore": ["notes"],
    }
    conversion = convert(formula_workbook(), mapping, "vastaukset.xlsx")
    assert problems(conversion) == [
        ("formula_without_value", "introduced", '=IF(1=1,"yes","no")', [3]),
        ("formula_without_value", "staff", "=E3+3", [3]),
    ]
    assert [p["params"] for p in conversion.problem_list()] == [{"cell": "C3"}, {"cell": "D3"}]
    assert [row.external_id for row in conversion.rows] == ["r1"]


def test_xlsx_formulas_with_saved_results_are_read():
    """A workbook saved by a spreadsheet program holds each formula's result (<v>), which is what is imported."""
    data = formula_workbook()
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                # As a spreadsheet program saves them: each formula with its result.
                content = content.replace(b"<f>E3+3</f><v />", b"<f>E3+3</f><v>7</v>")
                # A formula whose result is empty text: t="str" and an empty <v>, which is an empty cell.
                content = content.replace(b'<c r="F2"><f>D2*2</f><v />', b'<c r="F2" t="str"><f>D2*2</f><v></v>')
                content = content.replace(
                    b'<c r="C3"><f>IF(1=1,"yes","no")</f><v />',
                    b'<c r="C3" t="str"><f>IF(1=1,"yes","no")</f><v>yes</v>',
                )
            target.writestr(item, content)
    mapping = {
        "id": "id",
        "organisation": "kunta",
        "columns": {"introduced": "introduced", "staff": "staff", "notes": "comments"},
    }
    conversion = convert(out.getvalue(), mapping, "vastaukset.xlsx")
    assert problems(conversion) == []
    assert [row.answers for row in conversion.rows] == [
        {"introduced": "yes", "staff": 10},
        {"introduced": "yes", "staff": 7},
    ]


# --- SPSS files as analysts have them --------------------------------------------------------------------------

# Finland's regions by their official numbers, the questionnaire's codes.
REGIONS = {
    "1": "Uusimaa",
    "2": "Varsinais-Suomi",
    "4": "Satakunta",
    "5": "Kanta-Häme",
    "6": "Pirkanmaa",
    "7": "Päijät-Häme",
    "8": "Kymenlaakso",
    "9": "Etelä-Karjala",
    "10": "Etelä-Savo",
    "11": "Pohjois-Savo",
    "12": "Pohjois-Karjala",
    "13": "Keski-Suomi",
    "14": "Etelä-Pohjanmaa",
    "15": "Pohjanmaa",
    "16": "Keski-Pohjanmaa",
    "17": "Pohjois-Pohjanmaa",
    "18": "Kainuu",
    "19": "Lappi",
    "21": "Ahvenanmaa",
}


def region_questionnaire() -> Questionnaire:
    base = plain_questionnaire()
    region = QuestionSpec("region", "single", tuple(REGIONS))
    return Questionnaire(
        [*base.questions, region],
        {**base.section_conditions, "region": {}},
        {**base.choice_labels, "region": {code: (name, "", "") for code, name in REGIONS.items()}},
        {**base.question_texts, "region": ("Maakunta", "Landskap", "Region")},
        base.item_labels,
    )


def test_spss_value_labels_win_over_a_choice_code_that_equals_the_value():
    """The analyst's file codes the regions 1–19 in alphabetical order; the questionnaire's codes are the official
    numbers. The file's own label says which region a value is."""
    alphabetical = sorted(name for code, name in REGIONS.items() if code != "21")
    value_labels = {float(number): name for number, name in enumerate(alphabetical, start=1)}
    values = [1.0, 2.0, 4.0, 7.0, 9.0, 10.0, 13.0, 16.0, 17.0, 18.0]
    data = sav_bytes(
        {"id": [f"r{n}" for n in range(10)], "kunta": ["091"] * 10, "maakunta": values},
        {"maakunta": value_labels},
        variable_labels={"maakunta": "Maakunta"},
    )
    conversion = convert(data, name="aluekysely.sav", questionnaire=region_questionnaire())
    assert problems(conversion) == []
    code_of = {name: code for code, name in REGIONS.items()}
    assert [row.answers["region"] for row in conversion.rows] == [code_of[value_labels[v]] for v in values]


def test_a_value_label_that_names_no_option_is_a_problem_even_when_the_value_is_a_choice_code():
    data = sav_bytes(
        {"id": ["a"], "kunta": ["091"], "maakunta": [3.0]},
        {"maakunta": {3.0: "Itä-Uusimaa"}},  # a region that no longer exists; 3 is no choice, but 1 would be
        variable_labels={"maakunta": "Maakunta"},
    )
    questionnaire = region_questionnaire()
    assert problems(convert(data, name="x.sav", questionnaire=questionnaire)) == [
        ("unknown_label", "maakunta", "3", [1])
    ]
    data = sav_bytes(
        {"id": ["a"], "kunta": ["091"], "maakunta": [1.0]},
        {"maakunta": {1.0: "Itä-Uusimaa"}},
        variable_labels={"maakunta": "Maakunta"},
    )
    conversion = convert(data, name="x.sav", questionnaire=questionnaire)
    assert problems(conversion) == [("unknown_label", "maakunta", "1", [1])]  # not Uusimaa by its code
    assert conversion.problem_list()[0]["params"] == {"question": "region", "label": "Itä-Uusimaa"}


def test_spss_user_missing_values_that_name_an_option_are_kept_as_that_option():
    data = sav_bytes(
        {"id": ["a", "b", "c", "d"], "kunta": ["091", "091", "049", "049"], "k2": [1.0, 9.0, 2.0, 99.0]},
        {"k2": {1.0: "Kyllä", 2.0: "Ei", 9.0: "En osaa sanoa", 99.0: "Ei vastausta"}},
        variable_labels={"k2": "Onko organisaationne ottanut käyttöön innovaatioita?"},
        missing={"k2": [9.0, 99.0]},
    )
    read = read_table(io.BytesIO(data), "x.sav")
    assert read.user_missing == {"k2": [(9.0, 9.0), (99.0, 99.0)]}
    questionnaire = plain_questionnaire()
    mapping = propose_mapping(read.columns, questionnaire, read.variable_labels)
    assert mapping["columns"] == {"k2": "introduced"}
    plan = make_plan(mapping, read.columns, questionnaire)
    conversion = readers.convert(read, plan, questionnaire, ORGS)
    # 99 = "Ei vastausta" names no option: declared missing, so no answer, which the question requires.
    assert problems(conversion) == [("required", "k2", "", [4])]
    assert [row.answers for row in conversion.rows] == [
        {"introduced": "yes"},
        {"introduced": "dont_know"},
        {"introduced": "no"},
    ]


def test_spss_user_missing_numbers_are_no_answer():
    data = sav_bytes(
        {"id": ["a", "b"], "kunta": ["091", "049"], "k2": [1.0, 1.0], "staff": [12.0, 999.0]},
        {"k2": {1.0: "Kyllä"}},
        missing={"staff": [999.0]},
    )
    conversion = convert(data, name="x.sav")
    assert problems(conversion) == []
    assert [row.answers.get("staff") for row in conversion.rows] == [12, None]


def test_an_spss_organisation_coded_by_its_value_labels():
    """1, 2, 3 … labelled with names: 49 is Espoo by its label, not the municipality whose code is 049."""
    data = sav_bytes(
        {"id": ["a", "b"], "kunta": [49.0, 91.0], "k2": [1.0, 1.0]},
        {"kunta": {49.0: "Helsinki", 91.0: "Espoo"}, "k2": {1.0: "Kyllä"}},
        variable_labels={"k2": "Onko organisaationne ottanut käyttöön innovaatioita?"},
    )
    conversion = convert(data, name="x.sav")
    assert problems(conversion) == []
    assert [(row.external_id, row.unit) for row in conversion.rows] == [("a", 1), ("b", 2)]


def test_the_mapping_is_proposed_from_spss_variable_labels():
    read = read_table(
        io.BytesIO(
            sav_bytes(
                {
                    "v1": ["a"],
                    "v2": ["091"],
                    "q1": [1.0],
                    "q2": [1.0],
                    "q3_1": [1.0],
                    "q3_2": [0.0],
                    "q4a": [1.0],
                    "q5": [3.0],
                    "q9": [1.0],
                },
                variable_labels={
                    "v1": "Vastaustunnus",
                    "v2": "Kuntanumero",
                    "q1": "Organisaation tyyppi",
                    "q2": "K2. Onko organisaationne ottanut käyttöön innovaatioita?",
                    "q3_1": "Innovaation tyyppi: Palvelu",
                    "q3_2": "Type of innovation - Process",
                    "q4a": "Mikä edisti innovaatiota? – Teknologia",
                    "q5": "Number of staff",
                    "q9": "Painokerroin",
                },
            )
        ),
        "x.sav",
    )
    mapping = propose_mapping(read.columns, plain_questionnaire(), read.variable_labels)
    assert mapping["id"] == "v1"
    assert mapping["organisation"] == "v2"
    assert mapping["columns"] == {
        "q1": "kind",
        "q2": "introduced",
        "q3_1": "types:service",
        "q3_2": "types:process",
        "q4a": "enablers:technology",
        "q5": "staff",
    }
    assert readers.ignored_columns(read.columns, mapping) == ["q9"]


def test_a_file_whose_question_variables_match_nothing_is_refused():
    data = sav_bytes(
        {"id": [f"r{n}" for n in range(10)], "kunta": ["091"] * 10, "x1": [1.0] * 10, "x2": [2.0] * 10},
        variable_labels={"x1": "Jotain muuta", "x2": "Ei kysymys"},
    )
    read = read_table(io.BytesIO(data), "x.sav")
    mapping = propose_mapping(read.columns, plain_questionnaire(), read.variable_labels)
    with pytest.raises(readers.MappingError) as caught:
        make_plan(mapping, read.columns, plain_questionnaire())
    assert [issue.code for issue in caught.value.issues] == ["no_questions"]


# --- columns left out -----------------------------------------------------------------------------------------


def test_a_misspelt_column_with_the_automatic_mapping_is_a_problem_naming_it():
    data = csv_bytes([["id", "kunta", "kind", "introdcued", "timestamp"], ["r1", "091", "municipality", "yes", "x"]])
    conversion = convert(data)
    assert problems(conversion) == [("unmapped_column", "introdcued", "", [1])]
    assert conversion.problem_list()[0]["params"] == {"target": "introduced"}
    # Left out on purpose: no problem, and the answer is simply not imported.
    mapping = {"id": "id", "organisation": "kunta", "columns": {"kind": "kind"}, "ignore": ["introdcued"]}
    assert problems(convert(data, mapping)) == []


def test_a_misspelt_option_column_is_named_too():
    data = csv_bytes([["id", "kunta", "introduced", "types_service", "types_proces"], ["r1", "091", "yes", "1", "1"]])
    assert problems(convert(data)) == [("unmapped_column", "types_proces", "", [1])]


def test_an_spss_variable_whose_label_is_nearly_a_question_is_named():
    data = sav_bytes(
        {"id": ["a"], "kunta": ["091"], "q1": [1.0], "q2": [1.0]},
        {"q1": {1.0: "Kunta"}, "q2": {1.0: "Kyllä"}},
        variable_labels={"q1": "Organisaation tyyppi", "q2": "Onko organisaationne ottanut käyttöön innovaatiota"},
    )
    conversion = convert(data, {"id": "id", "organisation": "kunta", "columns": {"q1": "kind"}}, "x.sav")
    # An SPSS file's variables are no row of the file: the problem names the variable only.
    assert problems(conversion)[0] == ("unmapped_column", "q2", "", [])


def test_the_ignored_columns_are_listed():
    mapping = {"id": "id", "organisation": "kunta", "columns": {"kind": "kind", "x": ""}}
    assert readers.ignored_columns(["id", "kunta", "kind", "x", "y"], mapping) == ["x", "y"]


def test_a_remembered_mapping_is_applied_to_the_columns_it_knows():
    remembered = {
        "id": "Nro",
        "organisation": "Kunta",
        "columns": {"Innovoitu": "introduced", "Vanha": "kind"},
        "values": {"Innovoitu": {"Joo": "yes"}, "Vanha": {"k": "municipality"}},
        "ignore": ["introdcued", "Poistettu"],
        "delimiter": "|",
    }
    proposed = {"columns": {"staff": "staff", "introduced": "introduced"}, "delimiter": ";", "id": "id"}
    merged = merge_mapping(remembered, proposed, ["Nro", "Kunta", "Innovoitu", "introdcued", "staff", "introduced"])
    assert merged == {
        "id": "Nro",
        "organisation": "Kunta",
        # "introduced" is proposed by its name, but the remembered column already takes the question.
        "columns": {"Innovoitu": "introduced", "staff": "staff"},
        "values": {"Innovoitu": {"Joo": "yes"}},
        "ignore": ["introdcued"],
        "delimiter": "|",
    }


def test_number_limits_still_apply_to_decimal_commas():
    data = b"id;kunta;introduced;staff\nr1;091;yes;-0,5\n"
    assert problems(convert(data)) == [("too_small", "staff", "-0,5", [2])]
    assert Decimal("0") == plain_questionnaire().by_code()["staff"].min_value
