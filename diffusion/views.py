"""The diffusion pages: thin — find the record the person may see, read the family and its stored figures, render.
Nothing is computed here: a family whose figures are not stored yet is shown as "being computed"."""

import hashlib
from typing import Any

from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from barometer import charts as barometer_charts
from barometer.reports import Table
from diffusion import charts, live, live_page, pages, selectors
from diffusion.models import FamilyFigures
from innovations.models import Innovation
from innovations.selectors import LineageNode, innovation_visible
from innovations.views import lineage_drawing
from organisations.models import Region

FIGURES = ("per-year", "cumulative", "map")
FORMATS = ("png", "svg", "csv")
OVERVIEW_FLOWS = 20
MAX_TREE_NODES = 60  # region pairs listed on the overview
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
    }


def _downloads(pk: int, figure: str) -> dict[str, str]:
    return {fmt: reverse("diffusion:figure", kwargs={"pk": pk, "figure": figure, "fmt": fmt}) for fmt in FORMATS}


def _figure_blocks(family: selectors.Family, stored: FamilyFigures, titles: dict[str, str]) -> list[dict[str, Any]]:
    """The page's three charts (inline SVG) and their tables, drawn once per computation of the family's figures
    and language: keyed by when the figures were computed, so a recompute (and a new title) draws them anew. The
    map shows the family as it was when first drawn after the computation, like the curve beside it."""
    assert stored.computed_at is not None  # noqa: S101  # only computed figures are drawn
    title_hash = hashlib.sha256("|".join(titles.values()).encode()).hexdigest()[:16]
    key = (
        f"diffusion:family-figures:{family.root_id}:{stored.computed_generation}:"
        f"{stored.computed_at.timestamp()}:{get_language()}:{title_hash}"
    )
    blocks: list[dict[str, Any]] | None = cache.get(key)
    if blocks is not None:
        return blocks
    figures = stored.data
    blocks = []
    for figure in ("per-year", "cumulative"):
        chart = pages.chart_for(figure, figures, family, titles[figure])
        blocks.append(
            {
                "id": f"figure-{figure}",
                "heading": titles[figure],
                "svg": mark_safe(  # noqa: S308  # vl-convert's SVG of our own specification, names escaped
                    barometer_charts.inline_svg(chart, labelled_by=f"figure-{figure}-title", prefix=figure)
                ),
                "table": charts.per_year_table(figures, titles[figure]) if figure == "per-year" else None,
            }
        )
    map_data = pages.map_data(family, titles["map"])
    map_chart = charts.year_map(titles["map"], map_data.municipality_years, map_data.region_years)
    blocks.append(
        {
            "id": "figure-map",
            "heading": titles["map"],
            "svg": mark_safe(  # noqa: S308  # our own SVG, names escaped
                barometer_charts.inline_svg(map_chart, labelled_by="figure-map-title", prefix="map")
            ),
            "table": map_data.table,
        }
    )
    cache.set(key, blocks, FIGURES_CACHE_SECONDS)
    return blocks


def _computed(family: selectors.Family) -> FamilyFigures | None:
    figures = selectors.family_figures(family.root_id)
    return figures if figures is not None and figures.computed else None


@require_GET
def family_view(request: HttpRequest, pk: int) -> HttpResponse:
    innovation = _visible_or_404(request, pk)
    family = selectors.family(pk)
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
    rows = pages.member_rows(family, figures, limit=None if show_all else FAMILY_TABLE_ROWS)
    context.update(
        root=root,
        stored=stored,
        members=rows,
        members_total=len(family.members),
        members_truncated=len(rows) < len(family.members),
        adopters=len(family.first_years()),
        lineage=lineage_drawing(nodes, innovation),
        tree_bounded=len(family.members) > MAX_TREE_NODES,
    )
    suggestions = selectors.family_suggestions(family.root_id)  # stored, never computed here
    if suggestions is not None:
        context.update(
            also_adopted=[pages.SuggestionLine(s, pages.also_adopted_text(s)) for s in suggestions.also_adopted],
            likely_next=pages.suggestion_lines(suggestions.likely_next),
        )
    if stored is not None and figures is not None:
        shown = [
            {**block, "downloads": _downloads(pk, block["id"].removeprefix("figure-"))}
            for block in _figure_blocks(family, stored, titles)
        ]
        context.update(
            figures=figures,
            charts=shown,
            fit=pages.fit_sentences(figures),
            flags=pages.flag_texts(figures),
            categories=pages.category_table(figures, _("Adopters by category (Rogers)")),
            boundaries=pages.boundary_sentences(figures),
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
    if fmt == "csv":
        map_table = pages.map_data(family, title).table if figure == "map" else None
        table = map_table or charts.per_year_table(stored.data, title)
        return _attachment(pages.table_csv(table), "text/csv; charset=utf-8", f"{name}.csv")
    chart = pages.chart_for(figure, stored.data, family, title)
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
    content = pages.family_csv(family, stored.data if stored is not None else None)
    name = f"{slugify(str(family.root.innovation.title))[:60] or family.root_id}-family.csv"
    return _attachment(content, "text/csv; charset=utf-8", name)


TRAVEL = ("same_region", "neighbouring", "across_country", "unknown")


@require_GET
def overview_view(request: HttpRequest) -> HttpResponse:
    """The registry's diffusion at a glance: new, adapted and copied records per year, how far adoptions travel,
    and the largest flows between regions — all from the stored registry-wide figures of published records."""
    stored = selectors.registry_figures()
    context: dict[str, Any] = {"stored": stored}
    if stored is not None:
        data = stored.data
        labels = {"new": _("New"), "adapted": _("Adapted"), "copied": _("Copied")}
        title = _("Published innovation records per year: new, adapted and copied")
        chart = charts.trends_chart(data["trends"], labels, title)
        regions = dict(Region.objects.values_list("code", "name"))
        travel_labels = {
            "same_region": _("Within the same region"),
            "neighbouring": _("To a neighbouring region"),
            "across_country": _("Across the country"),
            "unknown": _("Region not known"),
        }
        flows = sorted(data.get("region_flows", []), key=lambda f: (-f[2], f[0], f[1]))[:OVERVIEW_FLOWS]
        context.update(
            trend={
                "id": "figure-trends",
                "heading": title,
                "svg": mark_safe(  # noqa: S308  # vl-convert's SVG of our own specification, names escaped
                    barometer_charts.inline_svg(chart, labelled_by="figure-trends-title", prefix="trends")
                ),
                "table": charts.trends_table(data["trends"], labels, title),
            },
            travel=Table(
                caption=_("How far adoptions travelled (from the source record's owner to the adopter)"),
                head=[_("Distance"), _("Adoptions")],
                rows=[(str(travel_labels[code]), [charts.number(data["travel"].get(code, 0))]) for code in TRAVEL],
            ),
            flows=Table(
                caption=_("The largest flows of adoptions between regions"),
                head=[_("From the region"), _("To the region"), _("Adoptions")],
                rows=[
                    (regions.get(source, source), [regions.get(target, target), charts.number(n)])
                    for source, target, n in flows
                ],
            ),
        )
    return render(request, "diffusion/overview.html", context)


@require_GET
def live_barometer_view(request: HttpRequest) -> HttpResponse:
    """The barometer's questions answered from the registry's published records, filtered by year, region and
    organisation kind, beside the latest published survey round's estimates (a fixed number of GROUP BY queries)."""
    form = live_page.LiveFilterForm(request.GET or None)
    figures = live.live_barometer(form.filters())
    return render(
        request,
        "diffusion/live_barometer.html",
        {
            "form": form,
            "error_forms": [form],
            "live": figures,
            "survey": figures.survey,
            "survey_scope": live_page.survey_scope(figures.survey) if figures.survey else "",
            "novelty": live_page.novelty_table(figures),
            "years": live_page.year_table(figures),
            "facets": live_page.facet_tables(figures),
        },
    )
