"""The round report: the workbook (opened again with openpyxl), the PDF, the CSV open data and the tables beside
the charts, all from the same figures as the analysis."""

import csv
import io
from typing import Any

import pytest
from django.core.cache import cache
from django.utils import translation
from openpyxl import load_workbook  # type: ignore[import-untyped]  # ships no type information

from barometer.models import Round
from barometer.results import analysis, reports
from barometer.results.analysis import Options
from barometer.tests.test_analysis_support import STRATA, analysed_round, previous_round, round_with_random_answers
from barometer.vocabulary import Unit

pytestmark = pytest.mark.django_db
__all__ = ["analysed_round", "previous_round"]  # fixtures used by name


@pytest.fixture(autouse=True)
def _english_and_no_cache() -> object:
    cache.clear()
    with translation.override("en"):
        yield


def _report(round_: Round, **options: object) -> reports.Report:
    return reports.build_report(round_, Options(**options), compare_with=round_.previous_round)  # type: ignore[arg-type]


def test_the_workbook_has_a_contents_sheet_and_one_sheet_per_question(
    analysed_round: Round, previous_round: Round
) -> None:
    report = _report(analysed_round)
    workbook = load_workbook(io.BytesIO(reports.report_xlsx(report)))
    codes = ["kind", "introduced", "types", "enablers", "staff", "comments"]
    assert workbook.sheetnames == ["Contents", *codes]
    contents = [row[0] for row in workbook["Contents"].iter_rows(values_only=True)]
    assert contents[0] == "Barometer 2022"
    assert any("Compared with Barometer 2018" in str(line) for line in contents)

    data = analysis.round_data(analysed_round)
    expected = analysis.question_result(data, data.questions["introduced"], Options())
    rows = list(workbook["introduced"].iter_rows(values_only=True))
    header = rows.index(next(row for row in rows if row[0] == "Answer"))
    assert rows[header][:5] == ("Answer", "Respondents", "%", "95 % CI, low", "95 % CI, high")
    assert "% in 2018" in rows[header]
    by_label = {row[0]: row for row in rows[header + 1 :] if row[0]}
    for row in expected.blocks[0].shown_rows:
        line = by_label[row.label]
        assert line[1] == row.count
        assert line[2] == pytest.approx(row.percent)
        assert (line[3], line[4]) == (pytest.approx(row.ci_low), pytest.approx(row.ci_high))
    assert by_label["Total (N)"][1] == expected.n
    assert by_label["dont_know (not in percentages)"][2] is None
    # A scale: one table per item.
    enablers = [row[0] for row in workbook["enablers"].iter_rows(values_only=True)]
    assert enablers.count("Answer") == 2


def test_sheet_names_are_unique_and_short_enough_for_excel() -> None:
    taken: set[str] = set()
    names = []
    for text in ("a" * 40, "a" * 40, "x[1]:y", "Contents"):
        name = reports._sheet_name(text, taken)
        taken.add(name)
        names.append(name)
    assert names == ["a" * 31, "a" * 29 + "_2", "x_1__y", "Contents"]
    assert all(len(name) <= 31 for name in names)


def test_the_public_workbook_leaves_suppressed_figures_empty(small_version: object, org_a: object) -> None:
    tiny = round_with_random_answers(small_version, org_a, slug="tiny", year=2021, strata=[(STRATA[0][0], 4)], seed=4)  # type: ignore[arg-type]
    workbook = load_workbook(io.BytesIO(reports.report_xlsx(_report(tiny))))
    rows = list(workbook["introduced"].iter_rows(values_only=True))
    figures = [row for row in rows if row[0] in ("yes", "no")]
    assert figures
    assert all(row[1] is None and row[2] is None for row in figures)
    assert ("Empty cells: fewer than 5 respondents, not shown.",) in [row[:1] for row in rows]
    team = load_workbook(io.BytesIO(reports.report_xlsx(_report(tiny, public=False))))
    assert any(row[0] == "yes" and row[1] is not None for row in team["introduced"].iter_rows(values_only=True))


def test_the_pdf_is_a_pdf(analysed_round: Round) -> None:
    pdf = reports.report_pdf(_report(analysed_round), base_url="http://testserver/")
    assert pdf.startswith(b"%PDF")
    assert len(pdf) > 5000


def test_the_csv_has_a_row_per_answer_with_the_figures_of_the_analysis(analysed_round: Round) -> None:
    analysed_round.is_synthetic = True
    analysed_round.save(update_fields=["is_synthetic"])
    report = _report(analysed_round)
    text = reports.write_csv(reports.csv_rows(analysed_round, (("", "", "", q.result) for q in report.questions)))
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert list(rows[0]) == list(reports.CSV_COLUMNS)
    introduced = {row["answer_code"]: row for row in rows if row["question_code"] == "introduced"}
    result = next(q.result for q in report.questions if q.result.code == "introduced")
    yes = next(row for row in result.blocks[0].rows if row.code == "yes")
    assert yes.percent is not None
    assert introduced["yes"]["count"] == str(yes.count)
    assert float(introduced["yes"]["percent"]) == pytest.approx(yes.percent, abs=1e-4)
    assert introduced["dont_know"]["in_percentages"] == "False"
    assert introduced["dont_know"]["percent"] == ""
    assert {row["is_synthetic"] for row in rows} == {"True"}
    enablers = [row for row in rows if row["question_code"] == "enablers"]
    assert {row["item_code"] for row in enablers} == {"technology", "competence"}
    assert not any(row["question_code"] in ("staff", "comments") for row in rows)  # no rows of answer options


def test_tables_beside_the_charts(analysed_round: Round, previous_round: Round) -> None:
    report = _report(analysed_round)
    introduced = next(q for q in report.questions if q.result.code == "introduced")
    table = introduced.table
    assert table is not None
    assert table.head == ["Answer", "Respondents", "%", "95 % CI", "2018", "Change (points)"]
    labels = [label for label, _cells in table.rows]
    assert labels == ["yes", "no", "dont_know (not in percentages)"]
    assert table.foot == [["Total (N)", str(introduced.result.n)]]
    weighted = next(q for q in _report(analysed_round, weighted=True).questions if q.result.code == "introduced")
    assert weighted.table is not None
    n_eff = weighted.result.blocks[0].n_eff
    assert n_eff is not None
    assert weighted.table.foot[1] == ["Effective sample size (Kish)", str(round(n_eff))]
    enablers = next(q for q in report.questions if q.result.code == "enablers").table
    assert enablers is not None
    assert enablers.head == ["Item", "large", "some", "little", "not_at_all", "N", "dont_know"]
    assert [label for label, _cells in enablers.rows] == ["technology", "competence"]


def test_the_report_says_how_to_read_it_and_falls_back_to_unweighted_with_a_reason(
    small_version: object, org_a: object
) -> None:
    sparse = round_with_random_answers(
        small_version,  # type: ignore[arg-type]
        org_a,  # type: ignore[arg-type]
        slug="sparse",
        year=2020,
        strata=[(STRATA[0][0], 6), (STRATA[1][0], 0)],
        seed=3,
        is_synthetic=True,
        unit=Unit.RESPONDENT,
    )
    report = _report(sparse, weighted=True)
    assert not report.weighted
    assert "unit of analysis" in report.weighting_problem
    lines = report.introduction()
    assert "6 respondents of 20 organisations in the sampling frame." in lines
    assert "Unweighted: percentages of the respondents." in lines
    assert "95 % confidence intervals: Wilson score intervals." in lines  # which intervals
    assert any(line.startswith("Figures resting on fewer than 5 respondents are not shown") for line in lines)
    assert "Synthetic demo data, not a real survey." in lines


def pdf_structure(pdf: bytes) -> dict[str, Any]:
    """What an assistive technology reads of a PDF: whether it is tagged, its language, title, and its figures'
    alternative texts (from the structure tree)."""
    import pypdf

    reader = pypdf.PdfReader(io.BytesIO(pdf))
    root: Any = reader.trailer["/Root"]
    figures: list[str | None] = []
    tags: set[str] = set()

    def walk(node: Any) -> None:
        node = node.get_object()
        if isinstance(node, pypdf.generic.ArrayObject):
            for child in node:
                walk(child)
            return
        if not isinstance(node, pypdf.generic.DictionaryObject):
            return
        if "/S" in node:
            tags.add(str(node["/S"]))
            if node["/S"] == "/Figure":
                figures.append(str(node["/Alt"]) if "/Alt" in node else None)
        if "/K" in node:
            walk(node["/K"])

    if "/StructTreeRoot" in root:
        walk(root["/StructTreeRoot"])
    return {
        "marked": bool(root.get("/MarkInfo", {}).get("/Marked")),
        "tagged": "/StructTreeRoot" in root,
        "lang": str(root.get("/Lang", "")),
        "display_title": bool(root.get("/ViewerPreferences", {}).get("/DisplayDocTitle")),
        "title": reader.metadata.get("/Title") if reader.metadata else None,
        "figures": figures,
        "tags": tags,
        # The XMP metadata claims PDF/UA-1 conformance.
        "ua": "/Metadata" in root and b'pdfuaid:part="1"' in root["/Metadata"].get_object().get_data(),
    }


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_the_report_pdf_is_tagged_and_accessible(analysed_round: Round, language: str) -> None:
    """PDF/UA: tagged, in the report's language, titled (and the title shown), every chart a figure with
    alternative text, tables as tables."""
    with translation.override(language):
        pdf = reports.report_pdf(_report(analysed_round), base_url="http://testserver/")
        structure = pdf_structure(pdf)
        name = str(analysed_round.name)
    assert structure["marked"]
    assert structure["tagged"]
    assert structure["ua"]
    assert structure["lang"] == language
    assert structure["display_title"]
    assert structure["title"] == name
    assert structure["figures"], "the report's charts are figures in the structure tree"
    assert all(alt and len(alt) > 20 for alt in structure["figures"]), structure["figures"]
    assert {"/Table", "/TH", "/TD", "/H1", "/H2"} <= structure["tags"], structure["tags"]


def test_no_minus_zero_in_changes_or_open_data() -> None:
    """A change that rounds to nothing is 0,0 (not -0,0) on the pages and in the PDF, and 0.0 in the CSV and XLSX."""
    with translation.override("fi"):
        assert reports._points(-0.04) == "0,0"
        assert reports._points(-0.06) == "-0,1"
        assert reports._points(0.06) == "+0,1"
    assert str(reports._rounded(-0.00001)) == "0.0"
    assert str(reports._rounded(-0.04, 1)) == "0.0"
    assert str(analysis._percent(-0.0)) == "0.0"
