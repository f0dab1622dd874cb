"""The round report: every question's result with its chart, notes and table, as a web page, a PDF (WeasyPrint,
from the report's own HTML template) and an XLSX workbook (openpyxl: a contents sheet, then one sheet per
question with counts, %, confidence intervals and the notes), and the results table as CSV open data.

`build_report` gathers what all of them show, in the language that is active, with the disclosure rules of the
analysis already applied (`Options.public`); the formats only lay it out.
"""

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.template.loader import render_to_string
from django.utils.formats import number_format
from django.utils.text import slugify
from django.utils.translation import gettext as _
from openpyxl import Workbook  # type: ignore[import-untyped]  # ships no type information
from openpyxl.styles import Alignment, Font  # type: ignore[import-untyped]
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]

from barometer.models import Round
from barometer.results import analysis, charts
from barometer.results.analysis import Block, Options, QuestionResult, Row
from core import formatting
from core.pdf import html_to_pdf
from core.rounding import round_half_away

# Sheet names: Excel allows 31 characters and forbids some.
SHEET_NAME_LIMIT = 31
FORBIDDEN_IN_SHEET_NAMES = str.maketrans({c: "_" for c in "[]:*?/\\"})


@dataclass
class ReportQuestion:
    result: QuestionResult
    notes: list[str]
    chart: charts.Chart | None
    anchor: str
    svg: str = ""  # the chart inlined in a page (set by the page that shows it)

    @property
    def rows(self) -> list[Row]:
        """Single and multiple choice: the rows in the chart's order."""
        return charts.sorted_rows(self.result) if self.result.blocks and not self.result.has_items else []

    @property
    def compared(self) -> bool:
        return bool(self.result.compared_with)

    @property
    def table(self) -> "Table | None":
        return result_table(self.result)


@dataclass
class ReportSection:
    code: str
    title: str
    questions: list[ReportQuestion]


@dataclass
class Report:
    round: Round
    options: Options
    respondents: int
    frame_size: int
    sections: list[ReportSection] = field(default_factory=list)
    weighting_problem: str = ""  # why weighted results were asked for but are not possible
    weighting: str = ""  # how the figures are weighted, in words (analysis.weighting_note)
    compared_with: Round | None = None
    compared_public: bool = True  # the round compared with is shown with the public's disclosure rules

    @property
    def questions(self) -> Iterator[ReportQuestion]:
        for section in self.sections:
            yield from section.questions

    @property
    def weighted(self) -> bool:
        return self.options.weighted

    def introduction(self) -> list[str]:
        """The sentences that open every format of the report."""
        lines = [
            _("%(respondents)s respondents of %(frame)s organisations in the sampling frame.")
            % {"respondents": self.respondents, "frame": self.frame_size},
            self.weighting or _("Results are unweighted: percentages of the respondents."),
            analysis.interval_note(self.weighted),
            _("Percentages exclude the answers “don't know” and “not relevant” where the question says so."),
        ]
        if self.options.public:
            lines.append(
                _(
                    "Figures resting on fewer than 5 respondents are not shown, nor figures from which they could be "
                    "worked out; in breakdowns, groups of fewer than 5 respondents are combined."
                )
            )
        if self.compared_with is not None:
            lines.append(_("Compared with %(round)s.") % {"round": self.compared_with.name})
            lines.append(_("* marks a statistically significant change (p < 0.05)."))
        if self.round.is_synthetic:
            lines.append(_("Synthetic demo data, not a real survey."))
        return lines


def build_report(
    round_: Round, options: Options, *, compare_with: Round | None = None, public_previous: bool = True
) -> Report:
    """The report of a round: cached per round state, language and options (see analysis.cached)."""
    previous_key = (compare_with.pk, analysis.answers_changed(compare_with), public_previous) if compare_with else ""
    report: Report = analysis.cached(
        round_,
        "report",
        lambda: _build(round_, options, compare_with, public_previous),
        options.key(),
        previous_key,
    )
    return report


def _build(round_: Round, options: Options, compare_with: Round | None, public_previous: bool) -> Report:
    data = analysis.round_data(round_)
    report = Report(round_, options, respondents=len(data.respondents), frame_size=len(data.frame))
    if options.weighted:
        report.weighting_problem = data.weighting_problem()
        if report.weighting_problem:
            options = Options(weighted=False, public=options.public, filters=options.filters)
            report.options = options
    report.weighting = analysis.weighting_note(data.design(options.weighted))
    previous: dict[str, QuestionResult] = {}
    if compare_with is not None:
        old = analysis.round_data(compare_with)
        old_options = Options(weighted=options.weighted and not old.weighting_problem(), public=public_previous)
        for code, question in old.questions.items():
            previous[code] = analysis.question_result(old, question, old_options)
        report.compared_with = compare_with
        report.compared_public = public_previous
    for section in analysis.round_results(data, options):
        questions = []
        for result in section.questions:
            if result.code in previous and result.blocks:
                result = analysis.compare(result, previous[result.code], short_name(compare_with, round_))
            questions.append(
                ReportQuestion(
                    result=result,
                    notes=charts.notes(result, synthetic=round_.is_synthetic),
                    chart=charts.question_chart(result, synthetic=round_.is_synthetic),
                    anchor=f"q-{slugify(result.code)}",
                )
            )
        report.sections.append(ReportSection(section.code, section.title, questions))
    return report


# --- tables beside the charts --------------------------------------------------------------------------------


@dataclass
class Table:
    """A data table as the page shows it: formatted cells, a header row and a header cell per row."""

    caption: str
    head: list[str]
    rows: list[tuple[str, list[str]]]
    foot: list[list[str]] = field(default_factory=list)  # closing rows, e.g. N


def _dash(value: str) -> str:
    return value or "–"


def _count(value: int | None) -> str:
    return "–" if value is None else number_format(value, 0, force_grouping=True)


def _interval(row: Row) -> str:
    if row.ci_low is None or row.ci_high is None:
        return "–"
    return _("%(low)s–%(high)s") % {
        "low": formatting.percent_number(row.ci_low),
        "high": formatting.percent_number(row.ci_high),
    }


def _points(value: float | None) -> str:
    if value is None:
        return "–"
    text = formatting.percent_number(value, 1)
    return ("+" if round_half_away(value, 1) > 0 else "") + text


def choice_table(result: QuestionResult) -> Table:
    """Single and multiple choice: count, % and interval per answer (and the round compared with); N and, weighted,
    the effective sample size below (one per table: every answer has the same denominator)."""
    compared = bool(result.compared_with)
    head = [_("Answer"), _("Respondents"), _("%"), _("95 % CI")]
    if compared:
        head += [result.compared_with, _("Change (points)")]
    rows = []
    for row in charts.sorted_rows(result):
        label = row.label + (" " + _("(not in percentages)") if row.excluded else "")
        cells = [_count(row.count), charts.percent_text(row.percent), _interval(row)]
        if compared:
            change = _points(row.change)
            if row.significant:
                change += " *"
            cells += [charts.percent_text(row.previous), change]
        rows.append((label, cells))
    block = result.blocks[0]
    foot = [[_("Total (N)"), _count(None if block.suppressed else block.n)]]
    if result.weighted:
        n_eff = None if block.n_eff is None else round(block.n_eff)
        foot.append([_("Effective sample size (Kish)"), _count(n_eff)])
    return Table(result.text, head, rows, foot)


def scale_table(result: QuestionResult) -> Table:
    """Scales and grids: one row per item, the % of each answer, the item's N (and its "don't know" count)."""
    shown = [(code, label) for code, label, excluded in result.choices if not excluded]
    hidden = [(code, label) for code, label, excluded in result.choices if excluded]
    head = [_("Item"), *(label for _c, label in shown), _("N"), *(label for _c, label in hidden)]
    rows = []
    for block in result.blocks:
        by_code = {row.code: row for row in block.rows}
        cells = [charts.percent_text(by_code[code].percent) for code, _l in shown]
        cells.append(_count(None if block.suppressed else block.n))
        cells += [_count(by_code[code].count) for code, _l in hidden]
        rows.append((block.label, cells))
    return Table(result.text, head, rows)


def result_table(result: QuestionResult) -> Table | None:
    if not result.blocks:
        return None
    return scale_table(result) if result.has_items else choice_table(result)


def breakdown_table(result: QuestionResult, split: analysis.Breakdown) -> Table:
    """Answers (per item) as rows, the groups as columns with their N."""
    head = [_("Answer")] + [
        _("%(group)s (N=%(n)s)") % {"group": g.label, "n": _count(None if g.result.suppressed else g.result.n)}
        for g in split.groups
    ]
    rows = []
    order = [row.code for row in charts.sorted_rows(result)] if not result.has_items else []
    for position, block in enumerate(result.blocks):
        codes = order or [row.code for row in block.rows]
        for code in codes:
            label = next(r.label for r in block.rows if r.code == code)
            excluded = next(r.excluded for r in block.rows if r.code == code)
            title = f"{block.label}: {label}" if block.label else label
            if excluded:
                title += " " + _("(not in percentages)")
            cells = []
            for group in split.groups:
                row = next(r for r in group.result.blocks[position].rows if r.code == code)
                cells.append(_count(row.count) if excluded else charts.percent_text(row.percent))
            rows.append((title, cells))
    caption = _("%(question)s, by %(variable)s") % {"question": result.text, "variable": split.label}
    return Table(caption, head, rows)


def trend_table(result: QuestionResult, points: list[tuple[str, QuestionResult]]) -> Table:
    head = [_("Answer")] + [label for label, _p in points]
    rows = []
    for row in result.blocks[0].shown_rows:
        cells = []
        for _label, point in points:
            match = next((r for r in point.blocks[0].rows if r.code == row.code), None) if point.blocks else None
            cells.append(charts.percent_text(match.percent if match else None))
        rows.append((row.label, cells))
    foot = [[_("N")] + [_count(None if p.suppressed else p.n) for _l, p in points]]
    return Table(_("%(question)s, across rounds") % {"question": result.text}, head, rows, foot)


def region_table(title: str, answer: str, values: list[charts.RegionValue]) -> Table:
    rows = [(value.name, [_count(value.n), charts.percent_text(value.percent)]) for value in values]
    caption = _("“%(answer)s” by region: %(question)s") % {"answer": answer, "question": title}
    return Table(caption, [_("Region"), _("Respondents"), _("%")], rows)


def short_name(other: Round | None, current: Round) -> str:
    """How a table's column names the round compared with: its year, or its name when the years are the same."""
    if other is None:
        return ""
    return str(other.year) if other.year != current.year else str(other.name)


# --- PDF ---------------------------------------------------------------------------------------------------------


def report_pdf(report: Report, *, base_url: str) -> bytes:
    """The report as a tagged PDF (PDF/UA): its print template with the charts as inline SVG, laid out by
    WeasyPrint. Each chart is a figure whose alternative text names it and points to its table of figures."""
    for question in report.questions:
        if question.chart is not None:
            question.svg = charts.inline_svg(
                question.chart,
                labelled_by=f"{question.anchor}-title",
                prefix=f"pdf-{question.anchor}",
                alt=_("Chart: %(title)s. The figures are in the table below the chart.")
                % {"title": question.chart.title},
            )
    html = render_to_string("barometer/results/report_pdf.html", {"report": report})
    return html_to_pdf(html, base_url=base_url)


# --- XLSX --------------------------------------------------------------------------------------------------------


def report_xlsx(report: Report) -> bytes:
    """The workbook: a contents sheet (the round, how to read the figures, links to the sheets), then one sheet
    per question with its table."""
    workbook = Workbook()
    contents = workbook.worksheets[0]
    contents.title = _sheet_name(_("Contents"), set())
    bold = Font(bold=True)
    contents.append([str(report.round.name)])
    contents["A1"].font = Font(bold=True, size=14)
    for line in report.introduction():
        contents.append([line])
    contents.append([])
    contents.append([_("Sheet"), _("Question"), _("Section")])
    for cell in contents[contents.max_row]:
        cell.font = bold
    taken = {contents.title}
    for question in report.questions:
        sheet = workbook.create_sheet(_sheet_name(question.result.code, taken))
        taken.add(sheet.title)
        _question_sheet(sheet, question, report)
        contents.append([sheet.title, question.result.text, question.result.section])
        link = contents.cell(row=contents.max_row, column=1)
        link.hyperlink = f"#'{sheet.title}'!A1"
        link.style = "Hyperlink"
    _widths(contents, [18, 90, 40])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _sheet_name(text: str, taken: set[str]) -> str:
    base = text.translate(FORBIDDEN_IN_SHEET_NAMES)[:SHEET_NAME_LIMIT] or "_"
    name, number = base, 2
    while name in taken:
        suffix = f"_{number}"
        name = base[: SHEET_NAME_LIMIT - len(suffix)] + suffix
        number += 1
    return name


def table_header(result: QuestionResult, compared: bool) -> list[str]:
    header = [_("Answer"), _("Respondents"), _("%"), _("95 % CI, low"), _("95 % CI, high")]
    if result.weighted:
        header.append(_("Effective sample size (Kish)"))
    if compared:
        header += [
            _("%% in %(round)s") % {"round": result.compared_with},
            _("Change, percentage points"),
            _("Significant change"),
        ]
    return header


def table_rows(block: Block, rows: Iterable[Row], result: QuestionResult, compared: bool) -> list[list[Any]]:
    """The table's rows as values (numbers stay numbers; suppressed and empty figures are None)."""
    lines = []
    for row in rows:
        label = row.label + (" " + _("(not in percentages)") if row.excluded else "")
        line: list[Any] = [label, row.count, row.percent, row.ci_low, row.ci_high]
        if result.weighted:
            line.append(row.n_eff)
        if compared:
            significant = None if row.significant is None else (_("yes") if row.significant else _("no"))
            line += [row.previous, _rounded(row.change, 1), significant]
        lines.append(line)
    line = [_("Total (N)"), block.n if not block.suppressed else None]
    lines.append(line)
    return lines


def _question_sheet(sheet: Any, question: ReportQuestion, report: Report) -> None:
    result = question.result
    sheet.append([result.text])
    sheet["A1"].font = Font(bold=True, size=12)
    sheet["A1"].alignment = Alignment(wrap_text=False)
    for note in question.notes:
        sheet.append([note])
    sheet.append([])
    percent_columns = {3, 4, 5}
    if result.blocks:
        compared = question.compared
        if compared:
            percent_columns |= {7, 8} if result.weighted else {6, 7}
        for block in result.blocks:
            if block.label:
                sheet.append([block.label])
                sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True)
            sheet.append(table_header(result, compared))
            for cell in sheet[sheet.max_row]:
                cell.font = Font(bold=True)
            rows = question.rows if not result.has_items else block.rows
            for line in table_rows(block, rows, result, compared):
                sheet.append(line)
                for column in percent_columns:
                    sheet.cell(row=sheet.max_row, column=column).number_format = "0.0"
                if result.weighted:
                    sheet.cell(row=sheet.max_row, column=6).number_format = "0.0"
            sheet.append([])
    elif result.number is not None:
        number = result.number
        sheet.append([_("Respondents"), _("Mean"), _("95 % CI, low"), _("95 % CI, high")])
        for cell in sheet[sheet.max_row]:
            cell.font = Font(bold=True)
        sheet.append([number.n, number.mean, number.ci_low, number.ci_high])
        if number.minimum is not None:
            sheet.append([_("Smallest"), number.minimum])
            sheet.append([_("Largest"), number.maximum])
    else:
        sheet.append([_("Answers"), result.n])
        for text in result.texts or []:
            sheet.append([text])
    if any(row.suppressed for block in result.blocks for row in block.rows):
        sheet.append([_("Empty cells: fewer than 5 respondents, not shown.")])
    _widths(sheet, [60, 14, 10, 14, 14, 16, 16, 18, 18])


def _widths(sheet: Any, widths: list[int]) -> None:
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width


# --- CSV open data ------------------------------------------------------------------------------------------------

CSV_COLUMNS = (
    "round",
    "year",
    "question_code",
    "question",
    "item_code",
    "item",
    "breakdown",
    "group_code",
    "group",
    "answer_code",
    "answer",
    "in_percentages",
    "n",
    "count",
    "percent",
    "ci_low",
    "ci_high",
    "n_eff",
    "weighted",
    "weighting",
    "ci_method",
    "suppressed",
    "previous_percent",
    "change_points",
    "significant",
    "is_synthetic",
)


def csv_rows(round_: Round, results: Iterable[tuple[str, str, str, QuestionResult]]) -> Iterator[dict[str, Any]]:
    """One row per answer option (per item, per group): `results` yields (breakdown, group code, group, result)."""
    for variable, group_code, group, result in results:
        for block in result.blocks:
            for row in block.rows:
                yield {
                    "round": round_.slug,
                    "year": round_.year,
                    "question_code": result.code,
                    "question": result.text,
                    "item_code": block.code,
                    "item": block.label,
                    "breakdown": variable,
                    "group_code": group_code,
                    "group": group,
                    "answer_code": row.code,
                    "answer": row.label,
                    "in_percentages": not row.excluded,
                    "n": None if block.suppressed else block.n,
                    "count": row.count,
                    "percent": _rounded(row.percent),
                    "ci_low": _rounded(row.ci_low),
                    "ci_high": _rounded(row.ci_high),
                    "n_eff": _rounded(row.n_eff),
                    "weighted": result.weighted,
                    "weighting": result.weighting,
                    "ci_method": row.ci_method,
                    "suppressed": row.suppressed,
                    "previous_percent": _rounded(row.previous),
                    "change_points": _rounded(row.change),
                    "significant": row.significant,
                    "is_synthetic": round_.is_synthetic,
                }


def _rounded(value: float | None, digits: int = 4) -> float | None:
    return None if value is None else round(value, digits) + 0.0  # + 0.0: never "-0.0"


def write_csv(rows: Iterable[dict[str, Any]]) -> str:
    """CSV text with a byte order mark, so that spreadsheet programs read the letters ä, ö and å right."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS)
    writer.writeheader()
    for row in rows:
        writer.writerow({key: "" if value is None else value for key, value in row.items()})
    return buffer.getvalue()
