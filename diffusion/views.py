"""The diffusion pages: thin — find the record the person may see, read the family and its stored figures, render.
Nothing is computed here: a family whose figures are not stored yet is shown as "being computed"."""

import hashlib
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from barometer.results import charts as barometer_charts
from core.models import Theme
from diffusion import charts, live, overview, selectors, services
from diffusion.forms import LiveFilterForm
from diffusion.models import EventHistoryFigures, FamilyFigures, RegistryFigures, SourceSuggestion
from diffusion.pages import event_history as event_history_pages
from diffusion.pages import families as family_pages
from diffusion.pages import live_barometer, tables
from diffusion.pages import organisations as organisation_pages
from diffusion.pages import suggestions as suggestion_pages
from innovations.models import Innovation
from innovations.selectors import LineageNode, innovation_visible
from innovations.views.records import lineage_drawing
from organisations.models import Organisation, Region

FIGURES = ("per-year", "cumulative", "map", "snapshots")
FORMATS = ("png", "svg", "csv")
MAX_TREE_NODES = 60
# The family table shows the first rows (the original, then by date); "show all" and the CSV have everyone. A
# family at the bench registry's size has thousands of records: the whole table would be most of the page's time.
FAMILY_TABLE_ROWS = 50
FIGURES_CACHE_SECONDS = 24 * 60 * 60  # keyed by the computation: a recompute makes new keys, old ones expire


def _visible_or_404(request: HttpRequest, pk: int) -> Innovation:
    innovation = innovation_visible(user=request.user).filter(pk=pk).first()
    if innovation is None:
        raise Http404(_("No such innovation."))
    return innovation


def _titles(root: Innovation) -> dict[str, str]:
    return {
        "per-year": _("Organisations that adopted “%(title)s”, per year") % {"title": root.title},
        "cumulative": _("Organisations that had adopted “%(title)s”, cumulative, with the fitted Bass curve")
        % {"title": root.title},
        "map": _("Where and when “%(title)s” was adopted") % {"title": root.title},
        "snapshots": _("Who had adopted “%(title)s” by the end of selected years") % {"title": root.title},
    }


def _downloads(pk: int, figure: str) -> dict[str, str]:
    return {fmt: reverse("diffusion:figure", kwargs={"pk": pk, "figure": figure, "fmt": fmt}) for fmt in FORMATS}


def _svg_named(caption_id: str) -> str:
    """The opening of a small map's SVG: one image named by its caption."""
    return f'<svg role="img" aria-labelledby="{caption_id}" focusable="false" class="snapshot-svg" '


def _figure_blocks(family: selectors.Family, stored: FamilyFigures, titles: dict[str, str]) -> dict[str, Any]:
    """The page's charts (inline SVG), the small maps and their tables, drawn once per computation of the family's
    figures and language: keyed by when the figures were computed, so a recompute (and a new title) draws them
    anew. The maps show the family as it was when first drawn after the computation, like the curve beside them."""
    assert stored.computed_at is not None  # noqa: S101  # only computed figures are drawn
    title_hash = hashlib.sha256("|".join(titles.values()).encode()).hexdigest()[:16]
    key = (
        f"diffusion:family-figures:{family.root_id}:{stored.computed_generation}:"
        f"{stored.computed_at.timestamp()}:{get_language()}:{title_hash}"
    )
    drawn: dict[str, Any] | None = cache.get(key)
    if drawn is not None:
        return drawn
    figures = stored.data
    shown: list[dict[str, Any]] = []
    for figure in ("per-year", "cumulative"):
        chart = family_pages.chart_for(figure, figures, family, titles[figure])
        shown.append(
            {
                "id": f"figure-{figure}",
                "heading": titles[figure],
                "svg": mark_safe(  # noqa: S308  # vl-convert's SVG of our own specification, names escaped
                    barometer_charts.inline_svg(chart, labelled_by=f"figure-{figure}-title", prefix=figure)
                ),
                "table": charts.per_year_table(figures, titles[figure]) if figure == "per-year" else None,
            }
        )
    map_data = family_pages.map_data(family, titles["map"])
    map_chart = charts.year_map(titles["map"], map_data.municipality_years, map_data.region_years)
    shown.append(
        {
            "id": "figure-map",
            "heading": titles["map"],
            "svg": mark_safe(  # noqa: S308  # our own SVG, names escaped
                barometer_charts.inline_svg(map_chart, labelled_by="figure-map-title", prefix="map")
            ),
            "table": map_data.table,
        }
    )
    found = family_pages.snapshots(figures, family, titles["snapshots"])
    snapshots = None
    if found is not None:
        snapshots = {
            "id": "figure-snapshots",
            "heading": titles["snapshots"],
            "maps": [
                # our own SVG, names escaped; each named by its caption
                (small, mark_safe(small.svg.replace("<svg ", _svg_named(f"snapshot-{small.year}"), 1)))  # noqa: S308
                for small in found.maps
            ],
            "legend": found.legend,
            "table": found.table,
        }
    drawn = {"charts": shown, "snapshots": snapshots}
    cache.set(key, drawn, FIGURES_CACHE_SECONDS)
    return drawn


def _computed(family: selectors.Family) -> FamilyFigures | None:
    figures = selectors.family_figures(family.root_id)
    return figures if figures is not None and figures.computed else None


def _event_history(stored: EventHistoryFigures | None, csv_url: str) -> dict[str, Any]:
    """The stored model for the section's template (never fitted here)."""
    if stored is None:
        return {"stored": None}
    return {
        "stored": stored,
        "stale": stored.registry_version < selectors.state_version(),
        "csv": csv_url,
        **event_history_pages.section(stored.data),
    }


def _family_event_history(pk: int, family: selectors.Family) -> dict[str, Any]:
    stored = selectors.event_history(EventHistoryFigures.Kind.FAMILY, family.root_id)
    found = _event_history(stored, reverse("diffusion:family_event_history_csv", kwargs={"pk": pk}))
    if stored is None:
        adopters = len(family.first_years())
        found.update(
            adopters=adopters,
            minimum=EventHistoryFigures.FAMILY_MIN_ADOPTERS,
            too_few=adopters < EventHistoryFigures.FAMILY_MIN_ADOPTERS,
        )
    return found


@require_GET
def family_view(request: HttpRequest, pk: int) -> HttpResponse:
    innovation = _visible_or_404(request, pk)
    family = selectors.kept_family(pk)
    context: dict[str, Any] = {"innovation": innovation, "family": family}
    if family is None:  # a draft: not part of any published family
        return render(request, "diffusion/family.html", context)
    stored = _computed(family)
    figures = stored.data if stored is not None else None
    root = family.root.innovation
    titles = _titles(root)
    # The tree is bounded as on the innovation's page (a drawing and its sentences of sixty records), the family
    # table above it too ("show all" and the CSV list everyone).
    drawn = sorted(family.members, key=lambda m: (m.depth, m.date, m.innovation.pk))[:MAX_TREE_NODES]
    nodes = [LineageNode(m.innovation, m.depth, m.mode, m.parent_id) for m in drawn]
    show_all = request.GET.get("all") == "1"
    rows = family_pages.member_rows(family, figures, limit=None if show_all else FAMILY_TABLE_ROWS)
    context.update(
        root=root,
        stored=stored,
        members=rows,
        members_total=len(family.members),
        members_truncated=len(rows) < len(family.members),
        adopters=len(family.first_years()),
        lineage=lineage_drawing(nodes, innovation),
        tree_bounded=len(family.members) > MAX_TREE_NODES,
        event_history=_family_event_history(pk, family),
    )
    suggestions = selectors.family_suggestions(family.root_id)  # stored, never computed here
    if suggestions is not None:
        context.update(
            also_adopted=[
                suggestion_pages.SuggestionLine(s, suggestion_pages.also_adopted_text(s))
                for s in suggestions.also_adopted
            ],
            likely_next=suggestion_pages.suggestion_lines(suggestions.likely_next),
        )
    if stored is not None and figures is not None:
        drawn_figures = _figure_blocks(family, stored, titles)
        shown = [
            {**block, "downloads": _downloads(pk, block["id"].removeprefix("figure-"))}
            for block in drawn_figures["charts"]
        ]
        if drawn_figures["snapshots"] is not None:
            context["snapshots"] = {**drawn_figures["snapshots"], "downloads": _downloads(pk, "snapshots")}
        context.update(
            figures=figures,
            charts=shown,
            fit=family_pages.fit_sentences(figures),
            flags=family_pages.flag_texts(figures),
            categories=family_pages.category_table(figures, _("Adopters by category (Rogers)")),
            boundaries=family_pages.boundary_sentences(figures),
        )
    return render(request, "diffusion/family.html", context)


def _attachment(content: bytes | str, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_GET
def figure_view(request: HttpRequest, pk: int, figure: str, fmt: str) -> HttpResponse:
    """A chart of the family page as PNG or SVG, or its table as CSV."""
    if figure not in FIGURES or fmt not in FORMATS:
        raise Http404(_("There is no such figure."))
    _visible_or_404(request, pk)
    family = selectors.family(pk)
    stored = _computed(family) if family is not None else None
    if family is None or stored is None:
        raise Http404(_("The figures of this innovation have not been computed yet."))
    root = family.root.innovation
    title = _titles(root)[figure]
    name = f"{slugify(str(root.title))[:60] or root.pk}-{figure}"
    if figure == "snapshots":
        found = family_pages.snapshots(stored.data, family, title)
        if found is None:
            raise Http404(_("No adopter of this innovation is on the map."))
        if fmt == "csv":
            return _attachment(tables.table_csv(found.table), "text/csv; charset=utf-8", f"{name}.csv")
    if fmt == "csv":
        map_table = family_pages.map_data(family, title).table if figure == "map" else None
        table = map_table or charts.per_year_table(stored.data, title)
        return _attachment(tables.table_csv(table), "text/csv; charset=utf-8", f"{name}.csv")
    chart = family_pages.chart_for(figure, stored.data, family, title)
    if fmt == "svg":
        return _attachment(barometer_charts.render_svg(chart), "image/svg+xml", f"{name}.svg")
    return _attachment(barometer_charts.render_png(chart), "image/png", f"{name}.png")


@require_GET
def organisation_figure_view(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """An organisation's innovativeness over the years as PNG or SVG, or its table as CSV (stored figures of
    published records only, as on its page)."""
    if fmt not in FORMATS:
        raise Http404(_("There is no such figure."))
    organisation = Organisation.objects.filter(pk=pk).first()
    stored = selectors.organisation_figures(pk) if organisation is not None else None
    series = organisation_pages.walker_series(stored.data) if stored is not None else []
    if organisation is None or not series:
        raise Http404(_("This organisation has no innovativeness figures yet."))
    title = organisation_pages.walker_title(organisation)
    name = f"{slugify(str(organisation.name))[:60] or organisation.pk}-innovativeness"
    if fmt == "csv":
        return _attachment(
            tables.table_csv(charts.walker_table(series, title)), "text/csv; charset=utf-8", f"{name}.csv"
        )
    chart = charts.walker_chart(series, title)
    if fmt == "svg":
        return _attachment(barometer_charts.render_svg(chart), "image/svg+xml", f"{name}.svg")
    return _attachment(barometer_charts.render_png(chart), "image/png", f"{name}.png")


@require_GET
def family_csv_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The family as a table: every published record, its organisation, date, mode, region and category."""
    _visible_or_404(request, pk)
    family = selectors.family(pk)
    if family is None:
        raise Http404(_("A draft is not part of any published family."))
    stored = _computed(family)
    content = family_pages.family_csv(family, stored.data if stored is not None else None)
    name = f"{slugify(str(family.root.innovation.title))[:60] or family.root_id}-family.csv"
    return _attachment(content, "text/csv; charset=utf-8", name)


@require_GET
def family_event_history_csv_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The family's effects table (does the network explain adoption?) as CSV."""
    _visible_or_404(request, pk)
    family = selectors.family(pk)
    stored = selectors.event_history(EventHistoryFigures.Kind.FAMILY, family.root_id) if family else None
    if family is None or stored is None:
        raise Http404(_("This family's model has not been fitted."))
    name = f"{slugify(str(family.root.innovation.title))[:60] or family.root_id}-event-history.csv"
    return _attachment(event_history_pages.effects_csv(stored.data), "text/csv; charset=utf-8", name)


def _theme_or_404(slug: str) -> Theme:
    theme = Theme.objects.filter(slug=slug).first()
    if theme is None:
        raise Http404(_("No such theme."))
    return theme


@require_GET
def theme_view(request: HttpRequest, slug: str) -> HttpResponse:
    """Does the network explain adoption in a theme? The model pooled over the theme's published families."""
    theme = _theme_or_404(slug)
    stored = selectors.event_history(EventHistoryFigures.Kind.THEME, theme.slug)
    csv_url = reverse("diffusion:theme_event_history_csv", kwargs={"slug": theme.slug})
    return render(request, "diffusion/theme.html", {"theme": theme, "event_history": _event_history(stored, csv_url)})


@require_GET
def theme_event_history_csv_view(request: HttpRequest, slug: str) -> HttpResponse:
    theme = _theme_or_404(slug)
    stored = selectors.event_history(EventHistoryFigures.Kind.THEME, theme.slug)
    if stored is None:
        raise Http404(_("This theme's model has not been fitted."))
    name = f"{theme.slug}-event-history.csv"
    return _attachment(event_history_pages.effects_csv(stored.data), "text/csv; charset=utf-8", name)


def _overview_downloads(name: str) -> dict[str, str]:
    return {fmt: reverse("diffusion:overview_figure", kwargs={"figure": name, "fmt": fmt}) for fmt in FORMATS}


def _overview_blocks(stored: RegistryFigures) -> dict[str, dict[str, Any]]:
    """The overview's charts (inline SVG) and tables, drawn once per computation of the registry-wide figures and
    language (as a family page's): drawing them takes most of a page's time at the bench registry's size."""
    key = f"diffusion:overview:{stored.registry_version}:{stored.computed_at.timestamp()}:{get_language()}"
    drawn: dict[str, dict[str, Any]] | None = cache.get(key)
    if drawn is not None:
        return drawn
    names = dict(Region.objects.values_list("code", "name"))
    drawn = {}
    for name in overview.FIGURES:
        found = overview.figure(stored.data, name, names)
        if found is None:
            continue
        drawn[name.replace("-", "_")] = {
            "id": f"figure-{name}",
            "heading": found.title,
            "svg": mark_safe(  # noqa: S308  # vl-convert's SVG of our own specification, names escaped
                barometer_charts.inline_svg(found.chart(), labelled_by=f"figure-{name}-title", prefix=name)
            ),
            "table": found.table,
            "downloads": _overview_downloads(name),
        }
    cache.set(key, drawn, FIGURES_CACHE_SECONDS)
    return drawn


@require_GET
def overview_view(request: HttpRequest) -> HttpResponse:
    """The registry's diffusion at a glance: new, adapted and copied records per year, the time to an innovation's
    first adoption, which types and themes spread fastest, how far adoptions travel and between which regions —
    all from the stored registry-wide figures of published records, each chart with its table and downloads."""
    stored = selectors.registry_figures()
    context: dict[str, Any] = {"stored": stored, "themes": selectors.themes_with_event_history()}
    if stored is not None:
        shown = _overview_blocks(stored)
        context.update(
            shown=shown,
            time_to_adoption_text=overview.time_to_adoption_text(stored.data),
            small_group=stored.data.get("small_group"),
            organisations_csv=reverse("diffusion:organisations_csv"),
        )
    return render(request, "diffusion/overview.html", context)


@require_GET
def overview_figure_view(request: HttpRequest, figure: str, fmt: str) -> HttpResponse:
    """A chart of the overview as PNG or SVG, or its table as CSV (the stored figures, published records only)."""
    if figure not in overview.FIGURES or fmt not in FORMATS:
        raise Http404(_("There is no such figure."))
    stored = selectors.registry_figures()
    found = overview.figure(stored.data, figure) if stored is not None else None
    if found is None:
        raise Http404(_("The figures have not been computed yet."))
    name = f"diffusion-{figure}"
    if fmt == "csv":
        return _attachment(tables.table_csv(found.csv_table), "text/csv; charset=utf-8", f"{name}.csv")
    chart = found.chart()
    if fmt == "svg":
        return _attachment(barometer_charts.render_svg(chart), "image/svg+xml", f"{name}.svg")
    return _attachment(barometer_charts.render_png(chart), "image/png", f"{name}.png")


@require_GET
def organisations_csv_view(request: HttpRequest) -> HttpResponse:
    """Every organisation's network figures as CSV (stored; published records only)."""
    content = overview.organisation_figures_csv(selectors.all_organisation_figures())
    return _attachment(content, "text/csv; charset=utf-8", "diffusion-organisations.csv")


@require_GET
def live_barometer_view(request: HttpRequest) -> HttpResponse:
    """The barometer's questions answered from the registry's published records, filtered by year, region and
    organisation kind, beside the latest published survey round's estimates (a fixed number of GROUP BY queries)."""
    form = LiveFilterForm(request.GET or None)
    figures = live.live_barometer(form.filters())
    return render(
        request,
        "diffusion/live_barometer.html",
        {
            "form": form,
            "error_forms": [form],
            "live": figures,
            "survey": figures.survey,
            "survey_scope": live_barometer.survey_scope(figures.survey) if figures.survey else "",
            "novelty": live_barometer.novelty_table(figures),
            "years": live_barometer.year_table(figures),
            "facets": live_barometer.facet_tables(figures),
        },
    )


# --- "you may have learned this from …": the record's editors confirm or dismiss a suggested source -------------


def _suggestion_or_404(request: HttpRequest, pk: int) -> SourceSuggestion:
    # Only the record's editors learn that a suggestion exists: anyone else gets 404.
    return get_object_or_404(selectors.source_suggestions_visible(user=request.user), pk=pk)


def _decide(request: HttpRequest, pk: int, answer: str) -> HttpResponse:
    suggestion = _suggestion_or_404(request, pk)
    try:
        if answer == "confirm":
            services.source_suggestion_confirm(actor=request.user, suggestion=suggestion)
            messages.success(
                request,
                _("%(organisation)s was asked to confirm that your record comes from “%(title)s”.")
                % {"organisation": suggestion.source.owner, "title": suggestion.source.title},
            )
        else:
            services.source_suggestion_dismiss(actor=request.user, suggestion=suggestion)
            messages.success(request, _("The suggestion was dismissed. It will not be suggested again."))
    except ValidationError as error:
        messages.error(request, " ".join(str(m) for m in error.messages))
    return redirect(suggestion.record)


@login_required
@require_POST
def source_suggestion_confirm_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide(request, pk, "confirm")


@login_required
@require_POST
def source_suggestion_dismiss_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide(request, pk, "dismiss")
