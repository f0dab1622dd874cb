"""The barometer's results: the landing page, a round's report (web page, PDF, XLSX, CSV), the explorer, and the
downloads of every chart (PNG, SVG) with its table (CSV).

Who sees what (barometer.view_results): a published round's results are for everyone, with the disclosure rules
of analysis.py; the round's barometer team (the organiser's editors and administrators, platform
administrators) also sees unpublished rounds and everything unsuppressed, and can preview the public view
(`view=public`). A round someone may not see is a 404, so that its existence is not revealed.

The explorer is a GET form: its state is the query string, so every view of it is a link to share, and every
download takes the same query string.
"""

from dataclasses import dataclass, field
from typing import Any, cast

from django import forms
from django.db.models import Count, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views.decorators.http import require_GET

from accounts import roles
from barometer import analysis, charts, reports
from barometer.analysis import Options, QuestionResult
from barometer.models import Round
from barometer.vocabulary import ResponseStatus, RoundStatus
from organisations.models import Region

FIGURES = ("chart", "trend", "map")
FORMATS = ("svg", "png", "csv")
# Team pages other engineers provide; linked from the landing page when they exist.
TEAM_LINKS = (
    ("barometer:round_list", gettext_lazy("Survey rounds")),
    ("barometer:questionnaire_list", gettext_lazy("Questionnaires")),
)

# --- who sees which round ----------------------------------------------------------------------------------------


def visible_rounds(user: Any) -> QuerySet[Round]:
    """Published rounds, and every round of the organisations the person edits for (all for a superuser)."""
    rounds = Round.objects.select_related("questionnaire_version", "organiser", "previous_round")
    if getattr(user, "is_superuser", False):
        return rounds
    published = Q(status=RoundStatus.PUBLISHED)
    own = roles.editable_organisation_ids(user)
    return rounds.filter(published | Q(organiser__in=own)) if own else rounds.filter(published)


def _round_or_404(request: HttpRequest, slug: str) -> Round:
    round_ = visible_rounds(request.user).filter(slug=slug).first()
    if round_ is None or not request.user.has_perm("barometer.view_results", round_):
        raise Http404(_("No results of this survey round are published."))
    return round_


def _is_team(request: HttpRequest, round_: Round) -> bool:
    return bool(request.user.has_perm("barometer.manage_round", round_))


def _public(request: HttpRequest, round_: Round) -> bool:
    """Disclosure control applies to everyone but the team, and to the team when it previews the public view."""
    return not _is_team(request, round_) or request.GET.get("view") == "public"


def _query(**params: Any) -> str:
    query = QueryDict(mutable=True)
    for key, value in params.items():
        if value not in (None, "", False):
            query[key] = "1" if value is True else str(value)
    return query.urlencode()


# --- the landing page --------------------------------------------------------------------------------------------


@require_GET
def index_view(request: HttpRequest) -> HttpResponse:
    """Published rounds with their reports and the explorer; the team's own unpublished rounds below."""
    submitted = Q(responses__status=ResponseStatus.SUBMITTED)
    rounds = list(
        visible_rounds(request.user).annotate(
            organisations=Count("responses__frame_unit", filter=submitted, distinct=True),
            responses_submitted=Count("responses", filter=submitted, distinct=True),
        )
    )
    team_links = []
    if request.user.is_authenticated and (request.user.is_superuser or roles.editable_organisation_ids(request.user)):
        team_links = [(reverse(name), label) for name, label in TEAM_LINKS]
    return render(
        request,
        "barometer/results/index.html",
        {
            "published": [r for r in rounds if r.status == RoundStatus.PUBLISHED],
            "unpublished": [r for r in rounds if r.status != RoundStatus.PUBLISHED],
            "team_links": team_links,
            # Try-out rounds anyone may answer (the demo has one): their open links.
            "tryouts": Round.objects.filter(is_tryout=True, status=RoundStatus.OPEN).order_by("name"),
        },
    )


# --- the report ----------------------------------------------------------------------------------------------


def _report(request: HttpRequest, round_: Round) -> reports.Report:
    options = Options(weighted=request.GET.get("weighted") == "1", public=_public(request, round_))
    previous = round_.previous_round
    if previous is not None and not request.user.has_perm("barometer.view_results", previous):
        previous = None
    public_previous = previous is not None and (options.public or not _is_team(request, previous))
    return reports.build_report(round_, options, compare_with=previous, public_previous=public_previous)


@require_GET
def report_view(request: HttpRequest, slug: str) -> HttpResponse:
    round_ = _round_or_404(request, slug)
    report = _report(request, round_)
    query = _query(weighted=report.weighted, view="public" if request.GET.get("view") == "public" else "")
    for question in report.questions:
        if question.chart is not None:
            question.svg = mark_safe(  # noqa: S308  # vl-convert's SVG of our own specification, names escaped
                charts.inline_svg(question.chart, labelled_by=f"{question.anchor}-title", prefix=question.anchor)
            )
    return render(
        request,
        "barometer/results/report.html",
        {
            "round": round_,
            "report": report,
            "downloads": {q.anchor: _downloads(round_, q.result.code, "chart", query) for q in report.questions},
            "query": query,
            "is_team": _is_team(request, round_),
            "previewing_public": _is_team(request, round_) and request.GET.get("view") == "public",
        },
    )


def _downloads(round_: Round, question: str, figure: str, query: str) -> dict[str, str]:
    """The addresses of a figure's PNG, SVG and CSV, for the same query as the page."""
    found = {}
    for fmt in FORMATS:
        address = reverse(
            "barometer:figure", kwargs={"slug": round_.slug, "question": question, "figure": figure, "fmt": fmt}
        )
        found[fmt] = f"{address}?{query}" if query else address
    return found


def _file_name(round_: Round, *parts: str) -> str:
    return "-".join(slugify(part) for part in (round_.slug, *parts) if part)


def _attachment(content: bytes | str, content_type: str, name: str) -> HttpResponse:
    result = HttpResponse(content, content_type=content_type)
    result["Content-Disposition"] = f'attachment; filename="{name}"'
    return result


@require_GET
def report_pdf_view(request: HttpRequest, slug: str) -> HttpResponse:
    round_ = _round_or_404(request, slug)
    report = _report(request, round_)
    pdf = analysis.cached(
        round_,
        "pdf",
        lambda: reports.report_pdf(report, base_url=request.build_absolute_uri("/")),
        report.options.key(),
        # The round compared with, in the state it was drawn from.
        analysis.answers_changed(report.compared_with) if report.compared_with else "",
        report.compared_public,
    )
    return _attachment(pdf, "application/pdf", _file_name(round_, pgettext("file name", "report")) + ".pdf")


@require_GET
def report_xlsx_view(request: HttpRequest, slug: str) -> HttpResponse:
    round_ = _round_or_404(request, slug)
    content = reports.report_xlsx(_report(request, round_))
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return _attachment(content, xlsx, _file_name(round_, pgettext("file name", "report")) + ".xlsx")


@require_GET
def report_csv_view(request: HttpRequest, slug: str) -> HttpResponse:
    """Open data: every question's results table, with the disclosure rules of the public view."""
    round_ = _round_or_404(request, slug)
    report = _report(request, round_)
    rows = reports.csv_rows(round_, (("", "", "", q.result) for q in report.questions))
    return _attachment(reports.write_csv(rows), "text/csv; charset=utf-8", _file_name(round_, _("results")) + ".csv")


# --- the explorer --------------------------------------------------------------------------------------------

WEIGHTING = (
    ("", gettext_lazy("Unweighted: percentages of the respondents")),
    ("1", gettext_lazy("Weighted to the sampling frame")),
)
VIEWS = (
    ("", gettext_lazy("As the team sees them (nothing suppressed)")),
    ("public", gettext_lazy("As the public sees them")),
)


class ExplorerForm(forms.Form):
    round = forms.ChoiceField(label=gettext_lazy("Survey round"))
    question = forms.ChoiceField(label=gettext_lazy("Question"), required=False)
    breakdown = forms.ChoiceField(label=gettext_lazy("Break down by"), required=False)
    weighted = forms.ChoiceField(
        label=gettext_lazy("Figures"), choices=WEIGHTING, required=False, widget=forms.RadioSelect
    )
    compare = forms.ChoiceField(label=gettext_lazy("Compare with"), required=False)
    choice = forms.ChoiceField(label=gettext_lazy("Answer on the map"), required=False)

    def __init__(self, data: QueryDict, *, rounds: list[Round], exploration: "Exploration | None", team: bool) -> None:
        super().__init__(data)
        self._choices("round").choices = [(r.slug, _round_label(r)) for r in rounds]
        if exploration is None:
            return
        ex = exploration
        sections: dict[str, list[tuple[str, str]]] = {}
        for question in ex.data.questions.values():
            sections.setdefault(str(question.section.title), []).append((question.code, str(question.text)))
        self._choices("question").choices = list(sections.items())
        self._choices("breakdown").choices = [("", _("Nothing: all respondents"))] + [
            (code, variable.label) for code, variable in ex.variables.items() if code != f"q:{ex.question.code}"
        ]
        self._choices("compare").choices = [("", _("No comparison"))] + [
            (r.slug, _round_label(r)) for r in rounds if r.pk != ex.round.pk
        ]
        self._choices("choice").choices = ex.map_choices
        if team:
            # Filters and the public preview are the team's: public filters could be subtracted from each other.
            for name in analysis.STRATA:
                variable = ex.variables[name]
                self.fields[name] = forms.ChoiceField(
                    label=_("Only: %(variable)s") % {"variable": variable.label},
                    choices=[("", _("All"))] + [(code or "-", label) for code, label in variable.groups],
                    required=False,
                )
            self.fields["view"] = forms.ChoiceField(
                label=_("Show the figures"), choices=VIEWS, required=False, widget=forms.RadioSelect
            )

    def _choices(self, name: str) -> forms.ChoiceField:
        return cast(forms.ChoiceField, self.fields[name])

    @property
    def filter_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in analysis.STRATA if name in self.fields]


def _round_label(round_: Round) -> str:
    label = str(round_.name)
    if round_.is_synthetic:
        label += " – " + _("synthetic demo data")
    if round_.status != RoundStatus.PUBLISHED:
        label += " – " + _("not published")
    return label


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


def _sanitised(request: HttpRequest, rounds: list[Round]) -> tuple[QueryDict, Round | None, list[str]]:
    """The query with a default round (the latest) and the round it names, if visible."""
    query = request.GET.copy()
    notices: list[str] = []
    if not query.get("round") and rounds:
        query["round"] = rounds[0].slug
        if "compare" not in query and rounds[0].previous_round_id:
            previous = next((r for r in rounds if r.pk == rounds[0].previous_round_id), None)
            if previous is not None:
                query["compare"] = previous.slug
    chosen = next((r for r in rounds if r.slug == query.get("round")), None)
    return query, chosen, notices


def _explore(request: HttpRequest, round_: Round, query: QueryDict, rounds: list[Round]) -> Exploration:
    """Everything the explorer shows for the query: the question's result, breakdown, comparison, trend, map.

    A choice the round does not have (a question of another round, say, after the round was changed) is
    replaced in `query` by what is shown instead, with a notice, so that the form and the links show the truth.
    """
    data: analysis.RoundData = analysis.cached(round_, "data", lambda: analysis.round_data(round_))
    found = analysis.variables(data)
    team = _is_team(request, round_)
    public = not team or query.get("view") == "public"
    notices = []
    questions = data.questions
    code = query.get("question") or ""
    if code not in questions:
        if code:
            notices.append(
                _("The question “%(code)s” is not in this round: its first question is shown.") % {"code": code}
            )
        # The first question with answer options (the prefetched ones: no query per question).
        code = next((c for c, q in questions.items() if list(q.choices.all())), next(iter(questions), ""))
        query["question"] = code
    question = questions.get(code)
    weighted = query.get("weighted") == "1"
    if weighted and (problem := data.weighting_problem()):
        notices.append(problem + " " + _("The figures are unweighted."))
        weighted = False
    filters: list[tuple[str, str]] = []
    if team and not public:
        for name in analysis.STRATA:
            value = query.get(name) or ""
            wanted = "" if value == "-" else value  # "-" stands for "not known"
            if value and any(code_ == wanted for code_, _label in found[name].groups):
                filters.append((name, wanted))
    options = Options(weighted=weighted, public=public, filters=tuple(filters))
    ex = Exploration(round_, data, found, question, options, notices=notices)
    if question is None:
        return ex
    result = analysis.question_result(data, question, options)
    ex.result = result
    synthetic = round_.is_synthetic

    # Breakdown, and the map when it is by region.
    breakdown_code = query.get("breakdown") or ""
    if breakdown_code and (breakdown_code not in found or breakdown_code == f"q:{code}"):
        notices.append(_("This round cannot be broken down that way: all respondents are shown."))
        breakdown_code = ""
        query["breakdown"] = ""
    if breakdown_code and result.blocks:
        ex.split = analysis.breakdown(data, question, found[breakdown_code], options)
        if ex.split.withheld or not ex.split.groups:
            notices.append(
                _("This breakdown is not shown: it would tell what groups of fewer than 5 respondents answered.")
            )
            ex.split = None
    # Comparison with another round, and the trend across the chain of earlier rounds.
    compare_slug = query.get("compare") or ""
    compare_round = next((r for r in rounds if r.slug == compare_slug and r.pk != round_.pk), None)
    if compare_slug and compare_round is None:
        notices.append(_("There is no other round “%(round)s” to compare with.") % {"round": compare_slug})
        query["compare"] = ""
    if compare_round is not None and result.blocks:
        previous = _result_in(request, compare_round, code, weighted, public)
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

    points = _trend(request, round_, rounds, result, weighted, public)
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

    wanted = query.pop("choice", [""])[-1]  # the map's answer: in the query only while there is a map
    if ex.split is not None and ex.split.variable == "region" and result.blocks:
        ex.map_choices = [
            (
                f"{block.code}.{row.code}" if block.code else row.code,
                f"{block.label}: {row.label}" if block.label else row.label,
            )
            for block in result.blocks
            for row in block.shown_rows
        ]
        chosen = next((c for c in ex.map_choices if c[0] == wanted), ex.map_choices[0] if ex.map_choices else None)
        if chosen is not None:
            query["choice"] = chosen[0]
        if chosen is not None:
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


def _result_in(request: HttpRequest, other: Round, code: str, weighted: bool, public: bool) -> QuestionResult | None:
    data: analysis.RoundData = analysis.cached(other, "data", lambda: analysis.round_data(other))
    question = data.questions.get(code)
    if question is None:
        return None
    options = Options(weighted=weighted and not data.weighting_problem(), public=public or not _is_team(request, other))
    return analysis.question_result(data, question, options)


def _trend(
    request: HttpRequest, round_: Round, rounds: list[Round], result: QuestionResult, weighted: bool, public: bool
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
        earlier = _result_in(request, current, result.code, weighted, public)
        if earlier is not None:
            points.append((str(current.year), earlier))
    return points[::-1]


@require_GET
def explorer_view(request: HttpRequest) -> HttpResponse:
    rounds = list(visible_rounds(request.user))
    query, round_, notices = _sanitised(request, rounds)
    exploration = _explore(request, round_, query, rounds) if round_ is not None else None
    team = round_ is not None and _is_team(request, round_)
    form = ExplorerForm(query, rounds=rounds, exploration=exploration, team=team)
    valid = form.is_valid()
    if exploration is not None:
        notices += exploration.notices
        for figure in exploration.figures.values():
            if exploration.question is not None:
                figure.downloads = _downloads(
                    exploration.round, exploration.question.code, figure.key, query.urlencode()
                )
            if figure.chart is not None:
                figure.svg = mark_safe(  # noqa: S308  # our own SVG (vl-convert / the map), texts escaped
                    charts.inline_svg(
                        figure.chart, labelled_by=f"figure-{figure.key}-title", prefix=f"fig-{figure.key}"
                    )
                )
    state = query.copy()
    return render(
        request,
        "barometer/results/explorer.html",
        {
            "form": form,
            "valid": valid,
            "rounds": rounds,
            "ex": exploration if valid else None,
            "notices": notices,
            "query": state.urlencode(),
            "share_url": request.build_absolute_uri(f"{request.path}?{state.urlencode()}"),
            "team": team,
            "error_forms": [form],
            "filters_text": _filters_text(exploration) if exploration is not None and valid else "",
        },
    )


def _filters_text(ex: Exploration) -> str:
    """E.g. "Only: Region: Uusimaa; Size class: under 5,000 inhabitants." """
    parts = []
    for name, value in ex.options.filters:
        variable = ex.variables[name]
        label = next((text for code, text in variable.groups if code == value), value)
        parts.append(f"{variable.label}: {label}")
    return _("Only: %(filters)s.") % {"filters": "; ".join(parts)} if parts else ""


@require_GET
def figure_view(request: HttpRequest, slug: str, question: str, figure: str, fmt: str) -> HttpResponse:
    """A figure of the explorer (or of the report) as SVG, PNG or its table as CSV, for the same query."""
    if figure not in FIGURES or fmt not in FORMATS:
        raise Http404
    round_ = _round_or_404(request, slug)
    rounds = list(visible_rounds(request.user))
    query = request.GET.copy()
    query["round"], query["question"] = round_.slug, question
    ex = _explore(request, round_, query, rounds)
    if ex.question is None or ex.question.code != question or figure not in ex.figures:
        raise Http404(_("There is no such figure for this question."))
    shown = ex.figures[figure]
    name = _file_name(round_, question, figure if figure != "chart" else "")
    if fmt == "csv":
        content = reports.write_csv(reports.csv_rows(round_, shown.csv_results))
        return _attachment(content, "text/csv; charset=utf-8", f"{name}.csv")
    if shown.chart is None:
        raise Http404(_("This question has no chart."))
    if fmt == "svg":
        return _attachment(charts.render_svg(shown.chart), "image/svg+xml", f"{name}.svg")
    return _attachment(charts.render_png(shown.chart), "image/png", f"{name}.png")


urls = [
    path("", index_view, name="index"),
    path("explorer/", explorer_view, name="explorer"),
    path("results/<slug:slug>/", report_view, name="report"),
    path("results/<slug:slug>/report.pdf", report_pdf_view, name="report_pdf"),
    path("results/<slug:slug>/report.xlsx", report_xlsx_view, name="report_xlsx"),
    path("results/<slug:slug>/results.csv", report_csv_view, name="report_csv"),
    path("results/<slug:slug>/<str:question>/<str:figure>.<str:fmt>", figure_view, name="figure"),
]
