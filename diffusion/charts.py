"""Charts of an innovation family's spread, drawn with the barometer's machinery (barometer/results/charts.py): one
Vega-Lite specification per chart, rendered by vl-convert to SVG for the page and to SVG/PNG for downloads, in
the same fonts, colours and configuration; the map of Finland from organisations/finland_map.py. Every chart has
a data table beside it (`Table`, as the barometer's) with the same figures.

The specifications are built from the stored figures only (`FamilyFigures.data`), never from the registry.
"""

import math
import textwrap
from collections.abc import Mapping, Sequence
from typing import Any

import altair as alt
from django.utils import formats
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from barometer.results.charts import (
    CONFIG,
    FONT,
    GROUP_COLOURS,
    LINE,
    MAP_SCALE,
    MUTED,
    PRIMARY,
    TEXT,
    WIDTH,
    Chart,
)
from barometer.results.reports import Table
from core.formatting import share_text
from organisations.finland_map import finland_map

# From the earliest adopters (dark) to the latest (light), as the barometer's map scale; passes 3:1 on the dark end.
YEAR_COLOURS = ("#073f7a", "#2f6fb7", "#5b8fd0", "#a9c6ea", "#dfe9f5")
FITTED = GROUP_COLOURS[1]


def number(value: float | None, places: int = 0) -> str:
    """A number in the language's own format (decimal comma in Finnish and Swedish); "–" for none."""
    if value is None or not math.isfinite(value):
        return "–"
    return formats.number_format(round(value, places), places, use_l10n=True, force_grouping=places == 0)


def _chart(
    layers: Sequence[alt.Chart],
    data: Sequence[Mapping[str, Any]],
    title: str,
    *,
    height: Any = 240,
    width: Any = WIDTH,
) -> dict[str, Any]:
    spec: dict[str, Any] = alt.LayerChart(
        layer=list(layers),
        data=alt.Data(values=list(data)),
        width=width,
        height=height,
        title=alt.TitleParams(text=textwrap.wrap(title, 70) or [title], anchor="start", fontSize=15, color=TEXT),
        config=CONFIG,
    ).to_dict(validate=False)
    return spec


def _layer(mark: alt.MarkDef, **encoding: Any) -> alt.Chart:
    return alt.Chart(mark=mark, encoding=alt.FacetedEncoding(**encoding))


def _fit_usable(figures: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """The fit to draw: none when there is none or too few adopters to fit one (the flag says so instead)."""
    fit = figures.get("fit")
    if not fit or "too_few" in figures.get("flags", ()):
        return None
    return fit


def per_year_chart(figures: Mapping[str, Any], title: str) -> Chart:
    """Adopters per year as bars, and the fitted Bass model's expected adopters per year as a line."""
    curve = figures["curve"]
    fit = _fit_usable(figures)
    data = []
    for index, year in enumerate(curve["years"]):
        row: dict[str, Any] = {"year": str(year), "adopters": curve["adopters"][index]}
        if fit is not None and index < len(fit["fitted"]):
            row["fitted"] = fit["fitted"][index]
        data.append(row)
    x = alt.X("year:O", title=None, axis=alt.Axis(labelAngle=-45 if len(data) > 12 else 0))
    layers = [
        _layer(
            alt.MarkDef(type="bar", color=PRIMARY),
            x=x,
            y=alt.Y("adopters:Q", title=_("Organisations that adopted"), axis=alt.Axis(grid=True, tickMinStep=1)),
        )
    ]
    if fit is not None:
        layers.append(
            _layer(alt.MarkDef(type="line", color=FITTED, strokeWidth=2.5, point=True), x=x, y=alt.Y("fitted:Q"))
        )
    return Chart(title, _chart(layers, data, title))


def cumulative_chart(figures: Mapping[str, Any], title: str) -> Chart:
    """Cumulative adopters (points and line), the fitted Bass curve (dashed) and its 95 % band (shaded)."""
    curve = figures["curve"]
    fit = _fit_usable(figures)
    data = []
    fitted_total = 0.0
    for index, year in enumerate(curve["years"]):
        row: dict[str, Any] = {"year": str(year), "cumulative": curve["cumulative"][index]}
        if fit is not None and index < len(fit["fitted"]):
            fitted_total += fit["fitted"][index] or 0.0
            row["fitted"] = fitted_total
            if index < len(fit["cumulative_low"]):
                row["low"], row["high"] = fit["cumulative_low"][index], fit["cumulative_high"][index]
        data.append(row)
    x = alt.X("year:O", title=None, axis=alt.Axis(labelAngle=-45 if len(data) > 12 else 0))
    layers = []
    if fit is not None and fit["cumulative_low"]:
        layers.append(
            _layer(alt.MarkDef(type="area", color=FITTED, opacity=0.2), x=x, y=alt.Y("low:Q"), y2=alt.Y2("high:Q"))
        )
    layers.append(
        _layer(
            alt.MarkDef(type="line", color=PRIMARY, strokeWidth=2.5, point=alt.OverlayMarkDef(filled=True, size=50)),
            x=x,
            y=alt.Y("cumulative:Q", title=_("Organisations that had adopted"), axis=alt.Axis(grid=True)),
        )
    )
    if fit is not None:
        layers.append(
            _layer(alt.MarkDef(type="line", color=FITTED, strokeWidth=2.5, strokeDash=[6, 4]), x=x, y=alt.Y("fitted:Q"))
        )
    return Chart(title, _chart(layers, data, title))


def per_year_table(figures: Mapping[str, Any], caption: str) -> Table:
    curve = figures["curve"]
    fit = _fit_usable(figures)
    head = [_("Year"), _("Adopted"), _("Adopted by then")]
    if fit is not None:
        head += [_("Expected by the fitted model"), _("Band, low"), _("Band, high")]
    rows = []
    for index, year in enumerate(curve["years"]):
        cells = [number(curve["adopters"][index]), number(curve["cumulative"][index])]
        if fit is not None:
            band = index < len(fit["cumulative_low"])
            cells += [
                number(fit["fitted"][index] if index < len(fit["fitted"]) else None, 1),
                number(fit["cumulative_low"][index] if band else None, 1),
                number(fit["cumulative_high"][index] if band else None, 1),
            ]
        rows.append((str(year), cells))
    return Table(caption=caption, head=head, rows=rows)


def year_classes(first: int, last: int) -> list[tuple[int, int]]:
    """At most five classes of adoption years, earliest first (each a closed range of years)."""
    span = last - first + 1
    size = max(1, math.ceil(span / len(YEAR_COLOURS)))
    return [(start, min(start + size - 1, last)) for start in range(first, last + 1, size)]


def year_map(title: str, municipality_years: Mapping[str, int], region_years: Mapping[str, int]) -> Chart:
    """Finland with each adopting municipality coloured by the year it adopted (earliest dark); a region in which
    only other organisations (a county, a university …) adopted is outlined by its earliest year. A standalone
    SVG (title and legend) for downloads, and the same without its title for the page."""
    years = [*municipality_years.values(), *region_years.values()]
    classes = year_classes(min(years), max(years)) if years else []

    def fill(year: int | None) -> str:
        if year is None:
            return "#ffffff"
        for index, (start, end) in enumerate(classes):
            if start <= year <= end:
                return YEAR_COLOURS[index]
        return "#ffffff"

    def svg(header: Sequence[str]) -> str:
        fmap = finland_map()
        top = 16 + 20 * len(header) + 10 if header else 10
        map_width, map_height = fmap.width * MAP_SCALE, fmap.height * MAP_SCALE
        width, height = map_width + 260, top + map_height + 20
        parts = [
            f'<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="{width:.0f}" height="{height:.0f}" '
            f'viewBox="0 0 {width:.0f} {height:.0f}" font-family="{FONT}">',
            f"<title>{escape(title)}</title>",
            f'<rect width="{width:.0f}" height="{height:.0f}" fill="#ffffff"/>',
        ]
        for index, line in enumerate(header):
            parts.append(
                f'<text x="10" y="{16 + 20 * (index + 1)}" font-size="15" font-weight="bold" fill="{TEXT}">'
                f"{escape(line)}</text>"
            )
        parts.append(f'<g transform="translate(10,{top}) scale({MAP_SCALE})">')
        for code, shape in fmap.municipalities.items():
            parts.append(f'<path d="{shape.path}" fill="{fill(municipality_years.get(code))}" stroke="{LINE}"/>')
        for code, shape in fmap.regions.items():
            year = region_years.get(code)
            width_ = 5 if year is not None else 1.5
            colour = fill(year) if year is not None else MUTED
            parts.append(f'<path d="{shape.path}" fill="none" stroke="{colour}" stroke-width="{width_}"/>')
        parts.append("</g>")
        legend_x, legend_y = map_width + 30, top + 10
        parts.append(
            f'<text x="{legend_x:.0f}" y="{legend_y}" font-size="12" font-weight="bold" fill="{TEXT}">'
            f"{escape(_('Year of adoption'))}</text>"
        )
        keys = [(YEAR_COLOURS[i], f"{s}–{e}" if s != e else str(s)) for i, (s, e) in enumerate(classes)]
        keys.append(("#ffffff", _("Not adopted")))
        for index, (colour, label) in enumerate(keys):
            y = legend_y + 12 + index * 24
            parts.append(
                f'<rect x="{legend_x:.0f}" y="{y}" width="22" height="16" fill="{colour}" stroke="{TEXT}"/>'
                f'<text x="{legend_x + 30:.0f}" y="{y + 13}" font-size="12" fill="{TEXT}">{escape(label)}</text>'
            )
        parts.append("</svg>")
        return "".join(parts)

    return Chart(title, svg_document=svg(textwrap.wrap(title, 60) or [title]), svg_inline=svg([]))


# --- small multiples: who had adopted by each of a few years ------------------------------------------------------

SNAPSHOTS = 6  # at most this many small maps
SNAPSHOT_SCALE = 0.3  # map units to pixels: a small map is about 158 × 300 px, two fit side by side on a phone
SNAPSHOT_COLUMNS = 3  # in the downloaded image
# Adopted before the previous small map (dark) and since it (lighter); both pass 3:1 against white.
SNAPSHOT_EARLIER = YEAR_COLOURS[0]
SNAPSHOT_NEW = YEAR_COLOURS[2]
SNAPSHOT_REF = "snapshot"  # the prefix of the shapes the small maps share (defined once, used by every map)


def snapshot_years(first: int, last: int, count: int = SNAPSHOTS) -> list[int]:
    """At most `count` whole years evenly spread from `first` to `last`, both included: every year when the span is
    no longer than `count`; otherwise first + round(i·(last − first)/(count − 1)) for i = 0 … count − 1."""
    if last < first:
        raise ValueError("the last year is before the first")
    if count < 2 or last == first:
        return [last] if count >= 1 else []
    if last - first + 1 <= count:
        return list(range(first, last + 1))
    step = (last - first) / (count - 1)
    return sorted({first + math.floor(i * step + 0.5) for i in range(count)})


def _snapshot_defs(municipality_years: Mapping[str, int]) -> str:
    """The shapes every small map uses, once: the regions' outlines and the adopting municipalities."""
    fmap = finland_map()
    parts = ["<defs>"]
    for code, region in fmap.regions.items():
        parts.append(f'<path id="{SNAPSHOT_REF}-r{escape(code)}" d="{region.path}"/>')
    for code in sorted(municipality_years):
        if municipality := fmap.municipalities.get(code):
            parts.append(f'<path id="{SNAPSHOT_REF}-m{escape(code)}" d="{municipality.path}"/>')
    parts.append("</defs>")
    return "".join(parts)


def _snapshot_body(
    year: int, previous: int | None, municipality_years: Mapping[str, int], region_years: Mapping[str, int]
) -> str:
    """One small map in map units: the municipalities that had adopted by the end of `year` filled (lighter when
    since `previous`), a region where another kind of organisation had adopted outlined thick, every region thin."""
    fmap = finland_map()

    def colour(adopted: int) -> str:
        return SNAPSHOT_NEW if previous is not None and adopted > previous else SNAPSHOT_EARLIER

    thin, thick = 0.8 / SNAPSHOT_SCALE, 2.5 / SNAPSHOT_SCALE  # in pixels on the small map
    parts = []
    for code, adopted in sorted(municipality_years.items()):
        if adopted <= year and code in fmap.municipalities:
            parts.append(f'<use href="#{SNAPSHOT_REF}-m{escape(code)}" fill="{colour(adopted)}"/>')
    for code in fmap.regions:
        parts.append(
            f'<use href="#{SNAPSHOT_REF}-r{escape(code)}" fill="none" stroke="{MUTED}" stroke-width="{thin}"/>'
        )
    for code, adopted in sorted(region_years.items()):
        if adopted <= year and code in fmap.regions:
            parts.append(
                f'<use href="#{SNAPSHOT_REF}-r{escape(code)}" fill="none" stroke="{colour(adopted)}" '
                f'stroke-width="{thick}"/>'
            )
    return "".join(parts)


def _snapshot_size() -> tuple[float, float]:
    fmap = finland_map()
    return fmap.width * SNAPSHOT_SCALE, fmap.height * SNAPSHOT_SCALE


def snapshot_svgs(
    municipality_years: Mapping[str, int], region_years: Mapping[str, int], years: Sequence[int]
) -> list[str]:
    """The small maps for the page, one SVG each (without a name: the page names each by its caption); the first
    holds the shapes they all use."""
    width, height = _snapshot_size()
    out = []
    for index, year in enumerate(years):
        previous = years[index - 1] if index else None
        defs = _snapshot_defs(municipality_years) if index == 0 else ""
        out.append(
            f'<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="{width:.0f}" height="{height:.0f}" '
            f'viewBox="0 0 {width:.0f} {height:.0f}">{defs}'
            f'<g transform="scale({SNAPSHOT_SCALE})">{_snapshot_body(year, previous, municipality_years, region_years)}'
            "</g></svg>"
        )
    return out


def snapshot_legend() -> list[tuple[str, str]]:
    """(colour, words) of the small maps' key."""
    return [
        (SNAPSHOT_EARLIER, _("Had adopted by the previous map's year")),
        (SNAPSHOT_NEW, _("Adopted since the previous map")),
        ("#ffffff", _("Not adopted (yet)")),
    ]


def snapshot_maps(
    title: str,
    municipality_years: Mapping[str, int],
    region_years: Mapping[str, int],
    years: Sequence[int],
    captions: Sequence[str],
) -> Chart:
    """The small maps in one standalone SVG for downloads: the title, a grid of maps each under its caption (its
    year and how many had adopted by then), and the key."""
    map_width, map_height = _snapshot_size()
    header = textwrap.wrap(title, 60) or [title]
    columns = min(SNAPSHOT_COLUMNS, max(1, len(years)))
    cell_width, cell_height = map_width + 30, map_height + 34
    top = 16 + 20 * len(header) + 10
    rows = math.ceil(len(years) / columns) if years else 0
    legend_y = top + rows * cell_height + 10
    keys = snapshot_legend()
    width = max(10 + columns * cell_width, 420)
    height = legend_y + 24 * len(keys) + 10
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" version="1.1" '
        f'width="{width:.0f}" height="{height:.0f}" viewBox="0 0 {width:.0f} {height:.0f}" font-family="{FONT}">',
        f"<title>{escape(title)}</title>",
        _snapshot_defs(municipality_years),
        f'<rect width="{width:.0f}" height="{height:.0f}" fill="#ffffff"/>',
    ]
    for index, line in enumerate(header):
        parts.append(
            f'<text x="10" y="{16 + 20 * (index + 1)}" font-size="15" font-weight="bold" fill="{TEXT}">'
            f"{escape(line)}</text>"
        )
    for index, year in enumerate(years):
        x = 10 + (index % columns) * cell_width
        y = top + (index // columns) * cell_height
        previous = years[index - 1] if index else None
        caption = captions[index] if index < len(captions) else str(year)
        parts.append(
            f'<text x="{x:.0f}" y="{y + 14:.0f}" font-size="12" font-weight="bold" fill="{TEXT}">{escape(caption)}</text>'
            f'<g transform="translate({x:.0f},{y + 22:.0f}) scale({SNAPSHOT_SCALE})">'
            f"{_snapshot_body(year, previous, municipality_years, region_years)}</g>"
        )
    for index, (colour, label) in enumerate(keys):
        y = legend_y + index * 24
        parts.append(
            f'<rect x="10" y="{y}" width="22" height="16" fill="{colour}" stroke="{TEXT}"/>'
            f'<text x="40" y="{y + 13}" font-size="12" fill="{TEXT}">{escape(label)}</text>'
        )
    parts.append("</svg>")
    return Chart(title, svg_document="".join(parts))


def walker_chart(series: Sequence[tuple[int, float]], title: str) -> Chart:
    """An organisation's innovativeness (Walker's score, 0–100) as it stood at the end of each year: one line with a
    point a year. Drawn as plain SVG, as the maps are: a line of at most a point a year needs no chart engine, and the
    organisation page then spends no drawing time (vl-convert takes about 100 ms a chart before its cache). A
    standalone SVG (title) for downloads, and the same without its title for the page."""
    plot_width, plot_height = 380.0, 160.0
    left = 64.0
    count = len(series)
    label_every = max(1, math.ceil(count / 10))  # at most about ten year labels

    def svg(header: Sequence[str]) -> str:
        top = 16 + 20 * len(header) + 24 if header else 12
        width, height = left + plot_width + 24, top + plot_height + 40

        def x(index: int) -> float:
            return left + (index * plot_width / (count - 1) if count > 1 else plot_width / 2)

        def y(score: float) -> float:
            return top + plot_height * (1 - max(0.0, min(100.0, score)) / 100)

        parts = [
            f'<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="{width:.0f}" height="{height:.0f}" '
            f'viewBox="0 0 {width:.0f} {height:.0f}" font-family="{FONT}">',
            f"<title>{escape(title)}</title>",
            f'<rect width="{width:.0f}" height="{height:.0f}" fill="#ffffff"/>',
        ]
        for index, line in enumerate(header):
            parts.append(
                f'<text x="10" y="{16 + 20 * (index + 1)}" font-size="15" font-weight="bold" fill="{TEXT}">'
                f"{escape(line)}</text>"
            )
        for value in (0, 25, 50, 75, 100):
            parts.append(
                f'<line x1="{left:.0f}" x2="{left + plot_width:.0f}" y1="{y(value):.1f}" y2="{y(value):.1f}" '
                f'stroke="{LINE}"/><text x="{left - 8:.0f}" y="{y(value) + 4:.1f}" font-size="11" fill="{MUTED}" '
                f'text-anchor="end">{number(value)}</text>'
            )
        parts.append(
            f'<text transform="translate(16,{top + plot_height / 2:.0f}) rotate(-90)" font-size="11" fill="{TEXT}" '
            f'text-anchor="middle">{escape(_("Innovativeness (0–100)"))}</text>'
        )
        for index, (year, _score) in enumerate(series):
            if index % label_every == 0 or index == count - 1:
                parts.append(
                    f'<text x="{x(index):.1f}" y="{top + plot_height + 18:.0f}" font-size="11" fill="{MUTED}" '
                    f'text-anchor="middle">{year}</text>'
                )
        points = " ".join(f"{x(index):.1f},{y(score):.1f}" for index, (_year, score) in enumerate(series))
        parts.append(f'<polyline points="{points}" fill="none" stroke="{PRIMARY}" stroke-width="2.5"/>')
        parts.extend(
            f'<circle cx="{x(index):.1f}" cy="{y(score):.1f}" r="3.5" fill="{PRIMARY}"/>'
            for index, (_year, score) in enumerate(series)
        )
        parts.append("</svg>")
        return "".join(parts)

    return Chart(title, svg_document=svg(textwrap.wrap(title, 48) or [title]), svg_inline=svg([]))


def walker_table(series: Sequence[tuple[int, float]], caption: str) -> Table:
    rows = [(str(year), [number(score)]) for year, score in series]
    return Table(caption=caption, head=[_("Year"), _("Innovativeness (0–100)")], rows=rows)


def trends_chart(trends: Mapping[str, Any], labels: Mapping[str, str], title: str) -> Chart:
    """Published records per year by how they came about: one line (with its own point shape) per kind."""
    data = [
        {"year": str(year), "kind": labels[kind], "records": trends[kind][index]}
        for index, year in enumerate(trends["years"])
        for kind in ("new", "adapted", "copied")
    ]
    names = [labels[kind] for kind in ("new", "adapted", "copied")]
    legend = alt.Legend(title=None)
    encoding = {
        "x": alt.X("year:O", title=None, axis=alt.Axis(labelAngle=-45 if len(trends["years"]) > 12 else 0)),
        "y": alt.Y("records:Q", title=_("Published records"), axis=alt.Axis(grid=True, tickMinStep=1)),
        "color": alt.Color("kind:N", scale=alt.Scale(domain=names, range=list(GROUP_COLOURS[:3])), legend=legend),
        "shape": alt.Shape("kind:N", scale=alt.Scale(domain=names), legend=legend),
    }
    layers = [
        _layer(alt.MarkDef(type="line", strokeWidth=2.5), **encoding),
        _layer(alt.MarkDef(type="point", filled=True, size=60), **encoding),
    ]
    return Chart(title, _chart(layers, data, title))


def trends_table(trends: Mapping[str, Any], labels: Mapping[str, str], caption: str) -> Table:
    kinds = ("new", "adapted", "copied")
    rows = [(str(year), [number(trends[kind][index]) for kind in kinds]) for index, year in enumerate(trends["years"])]
    return Table(caption=caption, head=[_("Year"), *(labels[kind] for kind in kinds)], rows=rows)


# --- the registry-wide overview ----------------------------------------------------------------------------------

HEAT_COLOURS = ("#eef3fa", "#073f7a")  # from no adoptions (light) to the most (dark)


def years_text(value: float | None) -> str:
    """A time in years with one decimal, "–" when unknown."""
    return number(value, 1)


def time_to_adoption_chart(overall: Mapping[str, Any], title: str) -> Chart:
    """Kaplan–Meier's curve: the share of innovations not yet adopted by another organisation, by years since
    their introduction (a step at each first adoption; it starts at 100 %)."""
    curve = overall["curve"]
    data = [{"years": 0.0, "unadopted": 100.0}]
    for years, share in zip(curve["years"], curve["unadopted"], strict=True):
        data.append({"years": years, "unadopted": 100.0 * (share or 0.0)})
    layers = [
        _layer(
            alt.MarkDef(type="line", color=PRIMARY, strokeWidth=2.5, interpolate="step-after"),
            x=alt.X("years:Q", title=_("Years since the innovation was introduced"), axis=alt.Axis(grid=True)),
            y=alt.Y(
                "unadopted:Q",
                title=_("Not yet adopted by others (%)"),
                scale=alt.Scale(domain=[0, 100]),
                axis=alt.Axis(values=[0, 25, 50, 75, 100], grid=True),
            ),
        )
    ]
    return Chart(title, _chart(layers, data, title))


def time_to_adoption_table(figures: Mapping[str, Any], caption: str) -> Table:
    """By year of introduction: families, adopted, the quartiles of the time to the first adoption, still
    unadopted; the whole registry in the foot."""

    def cells(row: Mapping[str, Any]) -> list[str]:
        return [
            number(row["families"]),
            number(row["adopted"]),
            years_text(row["q1"]),
            years_text(row["median"]),
            years_text(row["q3"]),
            share_text(row["unadopted_share"]),
        ]

    overall = figures["overall"]
    return Table(
        caption=caption,
        head=[
            _("Year of introduction"),
            _("Innovations"),
            _("Adopted by others"),
            _("First quarter adopted within (years)"),
            _("Half adopted within (years)"),
            _("Three quarters adopted within (years)"),
            _("Not adopted yet"),
        ],
        rows=[(str(row["year"]), cells(row)) for row in figures["by_year"]],
        foot=[[_("All years"), *cells(overall)]] if overall["families"] else [],
    )


def spread_chart(rows: Sequence[Mapping[str, Any]], labels: Mapping[tuple[str, str], str], title: str) -> Chart:
    """Adopters per family for each type and theme, in the table's order (fastest first); a small group is drawn
    pale and its label marked with an asterisk, as in the table."""
    dimension_names = {"type": _("Type"), "theme": _("Theme")}
    data = [
        {
            "group": labels[(row["dimension"], row["code"])] + (" *" if row["small"] else ""),
            "dimension": str(dimension_names[row["dimension"]]),
            "adopters": round(row["adopters_per_family"], 2),
            "small": row["small"],
        }
        for row in rows
    ]
    order = [row["group"] for row in data]
    names = [str(dimension_names["type"]), str(dimension_names["theme"])]
    layers = [
        _layer(
            alt.MarkDef(type="bar"),
            y=alt.Y("group:N", title=None, sort=order, axis=alt.Axis(labelLimit=0, ticks=False, domain=False)),
            x=alt.X("adopters:Q", title=_("Adopting organisations per innovation"), axis=alt.Axis(grid=True)),
            color=alt.Color(
                "dimension:N",
                scale=alt.Scale(domain=names, range=list(GROUP_COLOURS[:2])),
                legend=alt.Legend(title=None),
            ),
            opacity=alt.condition("datum.small", alt.value(0.45), alt.value(1.0)),
        )
    ]
    return Chart(title, _chart(layers, data, title, height=alt.Step(22)))


def spread_table(rows: Sequence[Mapping[str, Any]], labels: Mapping[tuple[str, str], str], caption: str) -> Table:
    dimension_names = {"type": _("Type"), "theme": _("Theme")}
    return Table(
        caption=caption,
        head=[
            _("Type or theme"),
            _("Classified as"),
            _("Innovations"),
            _("Adopting organisations per innovation"),
            _("Half adopted within (years)"),
            _("Not adopted yet"),
            _("Small group"),
        ],
        rows=[
            (
                labels[(row["dimension"], row["code"])],
                [
                    str(dimension_names[row["dimension"]]),
                    number(row["families"]),
                    number(row["adopters_per_family"], 1),
                    years_text(row["median"]),
                    share_text(row["unadopted_share"]),
                    _("yes") if row["small"] else "",
                ],
            )
            for row in rows
        ],
    )


def travel_chart(counts: Sequence[tuple[str, int]], title: str) -> Chart:
    """Adoptions by how far they travelled, one bar each, in the table's order."""
    data = [{"distance": label, "adoptions": n} for label, n in counts]
    layers = [
        _layer(
            alt.MarkDef(type="bar", color=PRIMARY),
            y=alt.Y("distance:N", title=None, sort=[label for label, _n in counts], axis=alt.Axis(labelLimit=0)),
            x=alt.X("adoptions:Q", title=_("Adoptions"), axis=alt.Axis(grid=True, tickMinStep=1)),
        )
    ]
    return Chart(title, _chart(layers, data, title, height=alt.Step(30)))


def flows_heatmap(matrix: Mapping[str, Any], names: Mapping[str, str], title: str) -> Chart:
    """Adoptions from region to region as a grid: a row per source region, a column per adopter region (only
    regions with any flow), darker for more, each cell's count written in it."""
    regions = matrix["regions"]
    counts = matrix["adoptions"]
    used = [
        i for i, _code in enumerate(regions) if any(counts[i]) or any(row[i] for row in counts)
    ]  # rows or columns that are not all zero
    data = [
        {"source": names.get(regions[i], regions[i]), "adopter": names.get(regions[j], regions[j]), "n": counts[i][j]}
        for i in used
        for j in used
    ]
    order = [names.get(regions[i], regions[i]) for i in used]
    highest = max((d["n"] for d in data), default=0)
    x = alt.X("adopter:N", title=_("To the region"), sort=order, axis=alt.Axis(labelAngle=-45, labelLimit=0))
    y = alt.Y("source:N", title=_("From the region"), sort=order, axis=alt.Axis(labelLimit=0))
    layers = [
        _layer(
            alt.MarkDef(type="rect", stroke=LINE, strokeWidth=0.5),
            x=x,
            y=y,
            color=alt.Color(
                "n:Q",
                title=_("Adoptions"),
                scale=alt.Scale(domain=[0, max(highest, 1)], range=list(HEAT_COLOURS)),
                legend=alt.Legend(orient="right", direction="vertical"),
            ),
        ),
        _layer(
            alt.MarkDef(type="text", fontSize=10),
            x=x,
            y=y,
            text=alt.Text("n:Q"),
            color=alt.condition(f"datum.n > {highest / 2}", alt.value("#ffffff"), alt.value(TEXT)),
        ),
    ]
    step = alt.Step(24)
    return Chart(title, _chart(layers, data, title, height=step, width=step))


def flows_table(
    flows: Sequence[Sequence[Any]], names: Mapping[str, str], caption: str, *, limit: int | None = None
) -> Table:
    """The flows between regions that happened, largest first (the heat map's figures as a list); with `limit`,
    the largest ones and a closing row for the rest (the page: every pair of regions would be hundreds of rows)."""
    ordered = sorted(flows, key=lambda f: (-f[2], names.get(f[0], f[0]), names.get(f[1], f[1])))
    shown, rest = (ordered, []) if limit is None else (ordered[:limit], ordered[limit:])
    foot = []
    if rest:
        label = ngettext("The other %(pairs)s pair of regions", "The other %(pairs)s pairs of regions", len(rest)) % {
            "pairs": number(len(rest))
        }
        foot.append([label, "", number(sum(n for _s, _t, n in rest))])
    return Table(
        caption=caption,
        head=[_("From the region"), _("To the region"), _("Adoptions")],
        rows=[(names.get(source, source), [names.get(target, target), number(n)]) for source, target, n in shown],
        foot=foot,
    )
