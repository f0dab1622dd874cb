"""The results explorer's reading: for one round, question and set of choices, everything it shows — the result,
its breakdown, the comparison with another round, the trend across earlier rounds and the map — as one object.

`explore` takes plain input (the choices as the form names them) and answers with an `Exploration`; the page only
parses its form and renders, and a figure's download reads the same object. A choice the round does not have is
replaced by what is shown instead, with a notice, and `Exploration.corrections` tells the caller so that its form
and links show the truth. Who sees what is barometer.selectors'.
"""

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from barometer.models import Round
from barometer.results import analysis, charts, reports
from barometer.results.analysis import Options, QuestionResult
from barometer.selectors import is_team, sees_public_results
from organisations.models import Region


def round_data(round_: Round) -> analysis.RoundData:
    """The round's answers as arrays, read once per round state (cached by the analysis until an answer changes)."""
    return analysis.cached(round_, "data", lambda: analysis.round_data(round_))  # type: ignore[no-any-return]


@dataclass(frozen=True)
class ExploreQuery:
    """The explorer's choices as given (unchecked): codes of the question, breakdown variable and round to compare
    with, the strata filters (`-` is "not known"), the map's answer."""

    question: str = ""
    breakdown: str = ""
    weighted: bool = False
    compare: str = ""
    preview_public: bool = False
    filters: dict[str, str] = field(default_factory=dict)
    choice: str = ""


@dataclass
class Figure:
    """A chart with its notes, data table and downloads, as one figure of the explorer."""

    key: str
    heading: str
    notes: list[str]
    chart: charts.Chart | None
    table: reports.Table | None
    csv_results: list[tuple[str, str, str, QuestionResult]]
    svg: str = ""
    downloads: dict[str, str] = field(default_factory=dict)


@dataclass
class Exploration:
    round: Round
    data: analysis.RoundData
    variables: dict[str, analysis.Variable]
    question: Any
    options: Options
    result: QuestionResult | None = None
    split: analysis.Breakdown | None = None
    compare_round: Round | None = None
    previous: QuestionResult | None = None
    map_choices: list[tuple[str, str]] = field(default_factory=list)
    figures: dict[str, Figure] = field(default_factory=dict)
    notices: list[str] = field(default_factory=list)
    # The choices to show instead of those given, in order (None: leave the choice out).
    corrections: dict[str, str | None] = field(default_factory=dict)
    map_choice: str = ""  # the answer on the map, when there is one (a choice after the others)


def explore(*, user: Any, round: Round, rounds: list[Round], query: ExploreQuery) -> Exploration:
    """Everything the explorer shows for the choices: the question's result, breakdown, comparison, trend, map.

    `rounds` are the rounds this person may see (to compare with and for the trend), `round` one of them.
    """
    round_ = round
    data = round_data(round_)
    found = analysis.variables(data)
    public = sees_public_results(user=user, round=round_, preview=query.preview_public)
    team = is_team(user=user, round=round_)
    notices: list[str] = []
    corrections: dict[str, str | None] = {}
    questions = data.questions
    code = query.question
    if code not in questions:
        if code:
            notices.append(
                _("The question “%(code)s” is not in this round: its first question is shown.") % {"code": code}
            )
        # The first question with answer options (the prefetched ones: no query per question).
        code = next((c for c, q in questions.items() if list(q.choices.all())), next(iter(questions), ""))
        corrections["question"] = code
    question = questions.get(code)
    weighted = query.weighted
    if weighted and (problem := data.weighting_problem()):
        notices.append(problem + " " + _("The figures are unweighted."))
        weighted = False
    filters: list[tuple[str, str]] = []
    if team and not public:
        for name in analysis.STRATA:
            value = query.filters.get(name) or ""
            wanted = "" if value == "-" else value  # "-" stands for "not known"
            if value and any(code_ == wanted for code_, _label in found[name].groups):
                filters.append((name, wanted))
    options = Options(weighted=weighted, public=public, filters=tuple(filters))
    ex = Exploration(round_, data, found, question, options, notices=notices, corrections=corrections)
    if question is None:
        return ex
    result = analysis.question_result(data, question, options)
    ex.result = result
    synthetic = round_.is_synthetic

    # Breakdown, and the map when it is by region.
    breakdown_code = query.breakdown
    if breakdown_code and (breakdown_code not in found or breakdown_code == f"q:{code}"):
        notices.append(_("This round cannot be broken down that way: all respondents are shown."))
        breakdown_code = ""
        corrections["breakdown"] = ""
    if breakdown_code and result.blocks:
        ex.split = analysis.breakdown(data, question, found[breakdown_code], options)
        if ex.split.withheld or not ex.split.groups:
            notices.append(
                _("This breakdown is not shown: it would tell what groups of fewer than 5 respondents answered.")
            )
            ex.split = None
    # Comparison with another round, and the trend across the chain of earlier rounds.
    compare_slug = query.compare
    compare_round = next((r for r in rounds if r.slug == compare_slug and r.pk != round_.pk), None)
    if compare_slug and compare_round is None:
        notices.append(_("There is no other round “%(round)s” to compare with.") % {"round": compare_slug})
        corrections["compare"] = ""
    if compare_round is not None and result.blocks:
        previous = _result_in(user, compare_round, code, weighted, public)
        if previous is None:
            notices.append(
                _("The question was not asked in %(round)s: there is nothing to compare.")
                % {"round": compare_round.name}
            )
        else:
            ex.compare_round, ex.previous = compare_round, previous
            result = analysis.compare(result, previous, reports.short_name(compare_round, round_))
            ex.result = result

    if not result.blocks:
        return ex  # a number or free text: the page shows its figures without a chart
    heading = result.text
    notes = charts.notes(result, synthetic=synthetic)
    table: reports.Table | None
    if ex.split is not None:
        notes.append(_("By %(variable)s.") % {"variable": ex.split.label})
        chart = charts.breakdown_chart(result, ex.split, synthetic=synthetic)
        table = reports.breakdown_table(result, ex.split)
        rows = [(ex.split.variable, g.code, g.label, g.result) for g in ex.split.groups]
    elif ex.previous is not None and ex.compare_round is not None:
        notes.append(
            _("Compared with %(round)s; * marks a statistically significant change (p < 0.05).")
            % {"round": ex.compare_round.name}
        )
        chart = charts.comparison_chart(
            result,
            ex.previous,
            (reports.short_name(ex.compare_round, round_), reports.short_name(round_, ex.compare_round)),
            synthetic=synthetic,
        )
        table = reports.result_table(result)
        rows = [("", "", "", result)]
    else:
        chart = charts.question_chart(result, synthetic=synthetic)
        table = reports.result_table(result)
        rows = [("", "", "", result)]
    ex.figures["chart"] = Figure("chart", heading, notes, chart, table, rows)

    points = _trend(user, round_, rounds, result, weighted, public)
    trend = charts.trend_chart(result, points, synthetic=synthetic)
    if trend is not None:
        ex.figures["trend"] = Figure(
            "trend",
            _("Across rounds"),
            charts.notes(result, synthetic=synthetic),
            trend,
            reports.trend_table(result, points),
            [("round", label, label, point) for label, point in points],
        )

    # The map's answer is a choice only while there is a map.
    corrections["choice"] = None
    if ex.split is not None and ex.split.variable == "region" and result.blocks:
        ex.map_choices = [
            (
                f"{block.code}.{row.code}" if block.code else row.code,
                f"{block.label}: {row.label}" if block.label else row.label,
            )
            for block in result.blocks
            for row in block.shown_rows
        ]
        chosen = next(
            (c for c in ex.map_choices if c[0] == query.choice), ex.map_choices[0] if ex.map_choices else None
        )
        if chosen is not None:
            ex.map_choice = chosen[0]
            item, _dot, choice = chosen[0].rpartition(".")
            regions = {r.code: str(r.name) for r in Region.objects.all()}
            values = analysis.region_values(ex.split, choice, item)
            region_values = [
                charts.RegionValue(code_, regions.get(code_, code_), n, percent)
                for code_, (n, percent) in values.items()
                if code_
            ]
            region_values.sort(key=lambda value: value.name)
            note_lines = charts.notes(result, synthetic=synthetic)
            ex.figures["map"] = Figure(
                "map",
                _("By region: %(answer)s") % {"answer": chosen[1]},
                note_lines,
                charts.region_map(result.text, chosen[1], region_values, note_lines),
                reports.region_table(result.text, chosen[1], region_values),
                rows,
            )
    return ex


def _result_in(user: Any, other: Round, code: str, weighted: bool, public: bool) -> QuestionResult | None:
    """The question (by code) in another round, with that round's own disclosure rules for this person."""
    data = round_data(other)
    question = data.questions.get(code)
    if question is None:
        return None
    options = Options(
        weighted=weighted and not data.weighting_problem(),
        public=sees_public_results(user=user, round=other, preview=public),
    )
    return analysis.question_result(data, question, options)


def _trend(
    user: Any, round_: Round, rounds: list[Round], result: QuestionResult, weighted: bool, public: bool
) -> list[tuple[str, QuestionResult]]:
    """The question in this round and in the earlier rounds it links to (oldest first), where it was asked."""
    if not result.blocks or result.has_items:
        return []
    by_pk = {r.pk: r for r in rounds}
    points = [(str(round_.year), result)]
    seen = {round_.pk}
    current = round_
    while current.previous_round_id in by_pk and current.previous_round_id not in seen:
        current = by_pk[current.previous_round_id]
        seen.add(current.pk)
        earlier = _result_in(user, current, result.code, weighted, public)
        if earlier is not None:
            points.append((str(current.year), earlier))
    return points[::-1]
