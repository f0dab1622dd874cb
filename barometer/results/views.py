"""The barometer's results: the landing page, a round's report (web page, PDF, XLSX, CSV), the explorer, and the
downloads of every chart (PNG, SVG) with its table (CSV).

Who sees what (barometer.view_results): a published round's results are for everyone, with the disclosure rules
of analysis.py; the round's barometer team (the organiser's editors and administrators, platform
administrators) also sees unpublished rounds and everything unsuppressed, and can preview the public view
(`view=public`). A round someone may not see is a 404, so that its existence is not revealed.

The explorer is a GET form: its state is the query string, so every view of it is a link to share, and every
download takes the same query string.
"""

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
from barometer import selectors
from barometer.models import Round
from barometer.results import analysis, charts, reports
from barometer.results.analysis import Options
from barometer.results.selectors import Exploration, ExploreQuery, explore
from barometer.vocabulary import ResponseStatus, RoundStatus

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
    return selectors.rounds_visible(user).select_related("questionnaire_version", "organiser", "previous_round")


def _round_or_404(request: HttpRequest, slug: str) -> Round:
    round_ = selectors.results_round(user=request.user, slug=slug, rounds=visible_rounds(request.user))
    if round_ is None:
        raise Http404(_("No results of this survey round are published."))
    return round_


def _is_team(request: HttpRequest, round_: Round) -> bool:
    return selectors.is_team(user=request.user, round=round_)


def _public(request: HttpRequest, round_: Round) -> bool:
    """Disclosure control applies to everyone but the team, and to the team when it previews the public view."""
    return selectors.sees_public_results(user=request.user, round=round_, preview=request.GET.get("view") == "public")


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
    if previous is not None and not selectors.may_compare_with(user=request.user, round=previous):
        previous = None
    public_previous = previous is not None and selectors.sees_public_results(
        user=request.user, round=previous, preview=options.public
    )
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
    """The explorer's reading for the query (barometer.results.selectors.explore); what it shows instead of a
    choice the round does not have is written back into `query`, so that the form and the links show the truth."""
    wanted = ExploreQuery(
        question=query.get("question") or "",
        breakdown=query.get("breakdown") or "",
        weighted=query.get("weighted") == "1",
        compare=query.get("compare") or "",
        preview_public=query.get("view") == "public",
        filters={name: query.get(name) or "" for name in analysis.STRATA},
        choice=query.get("choice") or "",
    )
    ex = explore(user=request.user, round=round_, rounds=rounds, query=wanted)
    for key, value in ex.corrections.items():
        if value is None:
            query.pop(key, None)
        else:
            query[key] = value
    if ex.map_choice:
        query["choice"] = ex.map_choice  # last in the query, after the map's other choices
    return ex


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
