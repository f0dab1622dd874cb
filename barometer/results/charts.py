"""Charts of barometer results, in the style of the published reports: horizontal bars "% of respondents, N=…",
stacked bars for extent scales and grids, grouped bars for breakdowns and round comparisons, lines for trends
across rounds, and a map of Finland by region.

One altair (Vega-Lite) specification per chart serves both the page and the downloads: vl-convert renders it on
the server as SVG (inlined in the page, which needs no JavaScript and no CDN) and as PNG. The map is drawn as SVG
from the project's own map of Finland (organisations/finland_map.py) and turned into PNG by vl-convert too.

Every chart states the question, who was asked, whether several answers were allowed, which answers are left out
of the percentages, whether the data are weighted, and N (`notes`); the pages show the same notes and the data
table beside the chart.
"""

import hashlib
import json
import re
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import altair as alt
import vl_convert as vlc
from django.core.cache import cache
from django.utils.html import escape
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from barometer.results.analysis import Block, Breakdown, QuestionResult, Row
from barometer.results.analysis import interval_note as analysis_interval_note
from core import formatting
from organisations.finland_map import finland_map

# Colours from the site's palette (static/css/site.css): the bars pass 3:1 against white.
PRIMARY = "#0a58a8"
TEXT = "#1c2430"
MUTED = "#4d5866"
LINE = "#d5dbe3"
# Extent scales, from the strongest answer to the weakest; text on the first two is white, on the others dark.
SCALE_COLOURS = ("#073f7a", "#2f6fb7", "#7fa8d9", "#c3d6ee", "#eef3fa")
DARK_SEGMENTS = 2
# Groups of a breakdown: the Okabe–Ito palette, distinguishable with the common colour-vision deficiencies (its pale
# yellow swapped for a dark one that shows on white). The data table beside every chart has the same figures.
GROUP_COLOURS = ("#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#000000", "#8a6500")
# More groups than this are drawn as small multiples (one panel per answer) instead of grouped bars.
MAX_GROUPED = 6
WIDTH = 440
BAR_STEP = 30
GROUP_STEP = 17
WRAP = 38  # characters per line of an answer label
TITLE_WRAP = 70
FORMAT_LOCALES = {"fi": "fi-FI", "sv": "sv-SE", "en": "en-GB"}
# Rendered charts kept in memory (a round report has one or two per question).
SVG_CACHE_SIZE = 512
SVG_CACHE_SECONDS = 24 * 60 * 60
# One named font, that vl-convert measures the labels with and the PDF (WeasyPrint) draws them with: measured in a
# narrower font than the one drawn, long labels ran past the chart's edge and were cut off. DejaVu Sans is wide, so
# a browser without it draws its sans-serif (Arial, Helvetica: narrower) within what was measured. (One name, not a list: vl-convert
# looks a list up for every text, a third of the drawing time.)
FONT = "DejaVu Sans"
FONT_IN_PAGE = "'DejaVu Sans', sans-serif"


@dataclass
class Chart:
    """A chart ready to render: its Vega-Lite specification (or, for the map, its SVG), and its accessible name."""

    title: str
    spec: dict[str, Any] | None = None
    svg_document: str = ""
    svg_inline: str = ""  # the map's page version (without its title and notes)


# --- words on every chart --------------------------------------------------------------------------------------


def percent_text(value: float | None) -> str:
    """A percentage as the reports print it: whole numbers, the language's own format ("58 %")."""
    return formatting.percent_text(value)


def notes(result: QuestionResult, *, synthetic: bool = False) -> list[str]:
    """The sentences that say how to read a result; the same on the chart, beside it, and in the reports."""
    lines = [result.asked]
    if result.multiple:
        lines.append(_("Several answers could be chosen, so the percentages add up to more than 100 %."))
    if result.hidden:
        lines.append(_("Not included in the percentages: %(answers)s.") % {"answers": ", ".join(result.hidden)})
    lines.append(result.weighting or (_("Weighted.") if result.weighted else _("Unweighted.")))
    if result.blocks:
        lines.append(analysis_interval_note(result.weighted))
    if _any_suppressed(result):
        lines.append(
            _(
                "– Not shown: fewer than 5 respondents, or hidden with such a figure so that it cannot be "
                "worked out from the others."
            )
        )
    if synthetic:
        lines.append(_("Synthetic demo data, not a real survey."))
    return lines


def percent_of_respondents() -> str:
    # Translators: "% of respondents"; the sign is an argument because a bare "% o" reads as a format directive.
    return _("%(sign)s of respondents") % {"sign": "%"}


def axis_title(result: QuestionResult, n_text: str = "") -> str:
    return _("%% of respondents, N=%(n)s") % {"n": n_text or ("–" if result.n is None else result.n)}


def _any_suppressed(result: QuestionResult) -> bool:
    return any(row.suppressed for block in result.blocks for row in block.rows)


def _wrap(text: str, width: int = WRAP) -> str:
    return "\n".join(textwrap.wrap(text, width)) or text


def _title(result: QuestionResult, note_lines: Sequence[str]) -> dict[str, Any]:
    subtitle = [line for note in note_lines for line in textwrap.wrap(note, TITLE_WRAP + 15)]
    return {
        "text": textwrap.wrap(result.text, TITLE_WRAP) or [result.text],
        "subtitle": subtitle,
        "anchor": "start",
        "fontSize": 15,
        "subtitleFontSize": 12,
        "subtitleColor": MUTED,
        "color": TEXT,
        "offset": 12,
    }


# The look of every chart. The page gives the whole chart one accessible name and puts the data in the table beside
# it, so vega's own ARIA attributes are switched off.
CONFIG = alt.Config(
    font=FONT,
    aria=False,
    view=alt.ViewConfig(stroke=None),
    axis=alt.AxisConfig(labelColor=TEXT, titleColor=TEXT, labelFontSize=12, titleFontSize=12, gridColor=LINE),
    legend=alt.LegendConfig(
        labelColor=TEXT,
        titleColor=TEXT,
        labelFontSize=12,
        orient="bottom",
        # One answer a line, whole: in three columns long Finnish answers were cut short ("Erittäin paljon…") and
        # ran into each other. 0 is no limit; the chart grows to the longest label.
        columns=1,
        direction="vertical",
        labelLimit=0,
        # The lightest colours need an outline to be seen on white.
        symbolStrokeColor=MUTED,
        symbolStrokeWidth=0.8,
    ),
)


def _layer(mark: alt.MarkDef, **encoding: Any) -> alt.Chart:
    """One layer of a chart. Charts are made with altair's constructors rather than its chained methods
    (`.mark_bar().encode(…)`), each of which deep-copies the chart: six times faster, the same specification."""
    return alt.Chart(mark=mark, encoding=alt.FacetedEncoding(**encoding))


def _spec(chart: alt.TopLevelMixin) -> dict[str, Any]:
    spec: dict[str, Any] = chart.to_dict(validate=False)
    return spec


def _layered(
    layers: Sequence[alt.Chart],
    data: Sequence[dict[str, Any]],
    *,
    height: Any,
    title: dict[str, Any],
    width: int = WIDTH,
) -> dict[str, Any]:
    return _spec(
        alt.LayerChart(
            layer=list(layers),
            data=alt.Data(values=list(data)),
            width=width,
            height=height,
            title=alt.TitleParams(**title),
            config=CONFIG,
        )
    )


def _label_axis(**extra: Any) -> alt.Axis:
    return alt.Axis(labelExpr="split(datum.value, '\\n')", labelLimit=0, ticks=False, domain=False, **extra)


def _percent_axis(title: str) -> alt.Axis:
    return alt.Axis(title=title, values=[0, 20, 40, 60, 80, 100], grid=True)


# --- one question --------------------------------------------------------------------------------------------


def question_chart(result: QuestionResult, *, synthetic: bool = False) -> Chart | None:
    """Bars for a single or multiple choice, stacked bars for a scale or grid; None for numbers and free text."""
    if not result.blocks or result.suppressed:
        return None
    note_lines = notes(result, synthetic=synthetic)
    if result.has_items:
        bars = [(block.label, block) for block in result.blocks if not block.suppressed]
        return Chart(result.text, _stacked(result, bars, note_lines))
    return Chart(result.text, _bars(result, sorted_rows(result), note_lines))


def sorted_rows(result: QuestionResult) -> list[Row]:
    """The rows in the order of the chart and the table: a multiple choice from the most chosen down (as in the
    reports), a single choice in questionnaire order; answers left out of percentages last."""
    block = result.blocks[0]
    shown = block.shown_rows
    if result.multiple:
        shown = sorted(shown, key=lambda row: -(row.percent if row.percent is not None else -1))
    return shown + block.hidden_rows


def _bars(result: QuestionResult, rows: Sequence[Row], note_lines: Sequence[str]) -> dict[str, Any]:
    data = [
        {
            "label": _wrap(row.label),
            "percent": row.percent,
            "low": row.ci_low,
            "high": row.ci_high,
            "end": max(v for v in (row.percent, row.ci_high, 0.0) if v is not None),
            "text": percent_text(row.percent),
        }
        for row in rows
        if not row.excluded
    ]
    y = alt.Y("label:N", sort=None, title=None, axis=_label_axis())
    x = alt.X("percent:Q", scale=alt.Scale(domain=[0, 100]), axis=_percent_axis(axis_title(result)))
    layers = [
        _layer(alt.MarkDef(type="bar", color=PRIMARY, height={"band": 0.72}), x=x, y=y),
        _layer(alt.MarkDef(type="rule", color=TEXT, strokeWidth=1.2), x=alt.X("low:Q"), x2=alt.X2("high"), y=y),
        _layer(
            alt.MarkDef(type="text", align="left", dx=5, color=TEXT, fontSize=12, fontWeight="bold"),
            x=alt.X("end:Q"),
            text=alt.Text("text:N"),
            y=y,
        ),
    ]
    height = alt.Step(_step([row.label for row in rows]))
    return _layered(layers, data, height=height, title=_title(result, note_lines))


def _step(labels: Sequence[str]) -> int:
    """Room per bar for its label's lines."""
    lines = max((len(textwrap.wrap(label, WRAP)) for label in labels), default=1)
    return max(BAR_STEP, 15 * lines + 8)


def _stacked(
    result: QuestionResult, bars: Sequence[tuple[str, Block]], note_lines: Sequence[str], *, n_text: str = ""
) -> dict[str, Any]:
    """One stacked bar per (label, block): the items of a scale, or one item in every group of a breakdown.

    Answers left out of percentages are not drawn; a segment's percentage is written on it when it fits.
    """
    choices = [label for _code, label, excluded in result.choices if not excluded]
    colours = _scale_colours(len(choices))
    data = []
    for label, block in bars:
        start = 0.0
        for order, row in enumerate(block.shown_rows):
            value = row.percent or 0.0
            data.append(
                {
                    "bar": _wrap(label),
                    "answer": row.label,
                    "order": order,
                    "percent": value,
                    "middle": start + value / 2,
                    "text": percent_text(row.percent) if value >= 7 else "",
                    "light": colours[order] not in SCALE_COLOURS[:DARK_SEGMENTS],
                }
            )
            start += value
    y = alt.Y("bar:N", sort=None, title=None, axis=_label_axis())
    x = alt.X(
        "percent:Q", stack="zero", scale=alt.Scale(domain=[0, 100]), axis=_percent_axis(axis_title(result, n_text))
    )
    layers = [
        _layer(
            alt.MarkDef(type="bar", stroke=MUTED, strokeWidth=0.6, height={"band": 0.72}),
            x=x,
            y=y,
            color=alt.Color("answer:N", scale=alt.Scale(domain=choices, range=colours), legend=alt.Legend(title=None)),
            order=alt.Order("order:Q"),
        ),
        _layer(
            alt.MarkDef(type="text", fontSize=11, fontWeight="bold"),
            x=alt.X("middle:Q"),
            y=y,
            text=alt.Text("text:N"),
            color=alt.condition("datum.light", alt.value(TEXT), alt.value("#ffffff")),
        ),
    ]
    height = alt.Step(_step([label for label, _block in bars]))
    return _layered(layers, data, height=height, title=_title(result, note_lines))


def _scale_colours(count: int) -> list[str]:
    if count <= 2:
        return [SCALE_COLOURS[0], SCALE_COLOURS[3]][:count]
    if count <= len(SCALE_COLOURS):
        # Spread over the whole scale, so that three answers are dark, middle and light.
        picks = [round(i * (len(SCALE_COLOURS) - 1) / (count - 1)) for i in range(count)]
        return [SCALE_COLOURS[i] for i in picks]
    return list(SCALE_COLOURS) + [LINE] * (count - len(SCALE_COLOURS))


# --- breakdowns and comparisons ---------------------------------------------------------------------------------


def groups_chart(
    result: QuestionResult,
    groups: Sequence[tuple[str, QuestionResult]],
    note_lines: Sequence[str],
    *,
    n_text: str = "",
) -> Chart | None:
    """The question in every group (of a breakdown, or the rounds of a comparison).

    Choices: grouped bars (few groups) or one small panel per answer (many); scales and grids: per item, one
    stacked bar per group.
    """
    groups = [(label, r) for label, r in groups if r.blocks and not r.suppressed]
    if not groups or not result.blocks:
        return None
    if result.has_items:
        bars = [
            (f"{block.label} – {label}", r.blocks[i])
            for i, block in enumerate(result.blocks)
            for label, r in groups
            if not r.blocks[i].suppressed
        ]
        return Chart(result.text, _stacked(result, bars, note_lines, n_text=n_text)) if bars else None
    order = [row.code for row in sorted_rows(result) if not row.excluded]
    data = []
    for label, group in groups:
        rows = {row.code: row for row in group.blocks[0].rows}
        for position, code in enumerate(order):
            row = rows[code]
            data.append(
                {
                    "answer": _wrap(row.label),
                    "position": position,
                    "group": label,
                    "percent": row.percent,
                    "text": percent_text(row.percent),
                }
            )
    group_labels = [label for label, _r in groups]
    colour = alt.Color(
        "group:N",
        scale=alt.Scale(domain=group_labels, range=list(GROUP_COLOURS[: len(group_labels)])),
        legend=alt.Legend(title=None),
        sort=group_labels,
    )
    x = alt.X("percent:Q", scale=alt.Scale(domain=[0, 100]), axis=_percent_axis(axis_title(result, n_text)))
    title = _title(result, note_lines)
    if len(groups) <= MAX_GROUPED:
        y = alt.Y("answer:N", sort=None, title=None, axis=_label_axis())
        offset = alt.YOffset("group:N", sort=group_labels)
        layers = [
            _layer(alt.MarkDef(type="bar", height={"band": 0.9}), x=x, y=y, yOffset=offset, color=colour),
            _layer(
                alt.MarkDef(type="text", align="left", dx=4, fontSize=10, color=TEXT),
                x=alt.X("percent:Q"),
                y=y,
                yOffset=offset,
                text=alt.Text("text:N"),
            ),
        ]
        # With an offset channel the step is the height of one group's bar.
        lines = _step([row.label for row in result.blocks[0].shown_rows]) / len(groups)
        step = max(GROUP_STEP, round(lines))
        return Chart(result.text, _layered(layers, data, height=alt.Step(step), title=title))
    # Many groups (e.g. 19 regions): a panel per answer, the groups as rows, in the same order in every panel.
    y = alt.Y("group:N", sort=group_labels, title=None, axis=alt.Axis(labelLimit=0))
    panel = alt.LayerChart(
        layer=[
            _layer(alt.MarkDef(type="bar", color=PRIMARY), x=x, y=y),
            _layer(
                alt.MarkDef(type="text", align="left", dx=3, fontSize=10, color=TEXT),
                x=alt.X("percent:Q"),
                y=y,
                text=alt.Text("text:N"),
            ),
        ],
        width=220,
        height=alt.Step(16),
    )
    chart = alt.FacetChart(
        spec=panel,
        facet=alt.Facet(
            "answer:N",
            sort=alt.SortField("position"),
            title=None,
            header=alt.Header(labelLimit=0, labelExpr="split(datum.value, '\\n')"),
        ),
        columns=2,
        data=alt.Data(values=data),
        title=alt.TitleParams(**title),
        config=CONFIG,
    )
    return Chart(result.text, _spec(chart))


def breakdown_chart(result: QuestionResult, split: Breakdown, *, synthetic: bool = False) -> Chart | None:
    note_lines = [*notes(result, synthetic=synthetic), _("By %(variable)s.") % {"variable": split.label}]
    if any(row.suppressed for group in split.groups for block in group.result.blocks for row in block.rows):
        note_lines.append(_("– Fewer than 5 respondents: not shown."))
    return groups_chart(result, [(g.label, g.result) for g in split.groups], list(dict.fromkeys(note_lines)))


def comparison_chart(
    result: QuestionResult, previous: QuestionResult, names: tuple[str, str], *, synthetic: bool = False
) -> Chart | None:
    """This round beside the one compared with, as two groups (the earlier round first)."""
    note_lines = [*notes(result, synthetic=synthetic), _("Compared with %(round)s.") % {"round": names[0]}]
    n_text = _("%(earlier)s (%(earlier_name)s), %(later)s (%(later_name)s)") % {
        "earlier": previous.n,
        "earlier_name": names[0],
        "later": result.n,
        "later_name": names[1],
    }
    return groups_chart(result, [(names[0], previous), (names[1], result)], note_lines, n_text=n_text)


def trend_chart(
    result: QuestionResult, points: Sequence[tuple[str, QuestionResult]], *, synthetic: bool = False
) -> Chart | None:
    """The share of every answer across rounds (oldest first): one line per answer; single and multiple choices."""
    if result.has_items or not result.blocks or len(points) < 2:
        return None
    data = []
    for round_label, point in points:
        if not point.blocks:
            continue
        for row in point.blocks[0].shown_rows:
            if row.percent is not None:
                data.append(
                    {
                        "round": round_label,
                        "answer": row.label,
                        "percent": row.percent,
                        "text": percent_text(row.percent),
                    }
                )
    if not data:
        return None
    rounds = [label for label, _p in points]
    answers = list(dict.fromkeys(str(row["answer"]) for row in data))
    legend = alt.Legend(title=None)  # one answer a line, whole (CONFIG)
    # Shapes as well as colours (one legend for both), so that lines can be told apart without colour vision.
    encoding = {
        "x": alt.X("round:N", sort=rounds, title=None, axis=alt.Axis(labelAngle=0)),
        "y": alt.Y("percent:Q", scale=alt.Scale(domain=[0, 100]), axis=_percent_axis(percent_of_respondents())),
        "color": alt.Color(
            "answer:N",
            scale=alt.Scale(domain=answers, range=[GROUP_COLOURS[i % len(GROUP_COLOURS)] for i in range(len(answers))]),
            legend=legend,
        ),
        "shape": alt.Shape("answer:N", scale=alt.Scale(domain=answers), legend=legend),
    }
    figures = _layer(
        alt.MarkDef(type="text", align="left", dx=9, fontSize=11),
        x=encoding["x"],
        y=encoding["y"],
        color=alt.value(TEXT),
        text=alt.Text("text:N"),
    )
    # Figures at the latest round only (the table has them all), so that they do not cover the lines.
    figures.transform = [alt.FilterTransform(filter=alt.datum.round == rounds[-1])]
    layers = [
        _layer(alt.MarkDef(type="line", strokeWidth=2.5), **encoding),
        _layer(alt.MarkDef(type="point", filled=True, size=70), **encoding),
        figures,
    ]
    title = _title(result, [*notes(result, synthetic=synthetic), _trend_n(points)])
    return Chart(result.text, _layered(layers, data, height=260, title=title))


def _trend_n(points: Sequence[tuple[str, QuestionResult]]) -> str:
    counts = "; ".join(f"{label} {point.n}" for label, point in points)
    return _("Across rounds. N: %(counts)s.") % {"counts": counts}


# --- the map of Finland --------------------------------------------------------------------------------------


@dataclass
class RegionValue:
    code: str
    name: str
    n: int | None  # None: combined with other regions, or suppressed
    percent: float | None  # None: no respondents, or suppressed


MAP_COLOURS = ("#dfe9f5", "#a9c6ea", "#5b8fd0", "#2f6fb7", "#073f7a")
MAP_SCALE = 0.62
LEGEND_WIDTH = 250
LINE_HEIGHT = 18


def region_map(title: str, answer: str, values: Sequence[RegionValue], note_lines: Sequence[str]) -> Chart:
    """A choropleth of one answer's share by region, in five classes of 20 points; regions without a figure
    (no respondents, or fewer than 5) hatched. A standalone SVG document with its title, notes and legend (and,
    for the page, the same map without the title and notes, which the page writes as text)."""
    header = [(line, True) for line in textwrap.wrap(title, 60) or [title]]
    header += [
        (line, False) for line in textwrap.wrap(_("“%(answer)s”, %% of respondents by region") % {"answer": answer}, 80)
    ]
    header += [(line, False) for note in note_lines for line in textwrap.wrap(note, 80)]
    return Chart(title, svg_document=_map_svg(title, values, header), svg_inline=_map_svg(title, values, []))


def _map_svg(title: str, values: Sequence[RegionValue], header: Sequence[tuple[str, bool]]) -> str:
    fmap = finland_map()
    top = (16 + LINE_HEIGHT * len(header) + 10) if header else 10
    map_width, map_height = fmap.width * MAP_SCALE, fmap.height * MAP_SCALE
    width = map_width + LEGEND_WIDTH + 40
    height = top + map_height + 20
    by_code = {value.code: value for value in values}
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="{width:.0f}" height="{height:.0f}" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" font-family="{FONT}">',
        f"<title>{escape(title)}</title>",
        '<defs><pattern id="no-data" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">'
        f'<rect width="6" height="6" fill="#ffffff"/><line x1="0" y1="0" x2="0" y2="6" stroke="{MUTED}" '
        'stroke-width="1.5"/></pattern></defs>',
        f'<rect width="{width:.0f}" height="{height:.0f}" fill="#ffffff"/>',
    ]
    y = 16
    for line, bold in header:
        y += LINE_HEIGHT
        style = f'font-size="15" font-weight="bold" fill="{TEXT}"' if bold else f'font-size="12" fill="{MUTED}"'
        parts.append(f'<text x="10" y="{y}" {style}>{escape(line)}</text>')
    parts.append(f'<g transform="translate(10,{top}) scale({MAP_SCALE})">')
    for code, shape in fmap.regions.items():
        value = by_code.get(code)
        fill = _map_fill(value.percent if value else None)
        parts.append(f'<path d="{shape.path}" fill="{fill}" stroke="{TEXT}" stroke-width="1.2"/>')
    parts.append("</g>")
    legend_x = map_width + 40
    legend_y = top + 10
    parts.append(
        f'<text x="{legend_x:.0f}" y="{legend_y}" font-size="12" font-weight="bold" fill="{TEXT}">'
        f"{escape(percent_of_respondents())}</text>"
    )
    keys = [
        (colour, _("%(low)s–%(high)s%%") % {"low": i * 20, "high": (i + 1) * 20})
        for i, colour in enumerate(MAP_COLOURS)
    ]
    keys.append(("url(#no-data)", _("No figure (fewer than 5)")))
    for index, (fill, label) in enumerate(keys):
        row_y = legend_y + 12 + index * 24
        parts.append(
            f'<rect x="{legend_x:.0f}" y="{row_y}" width="22" height="16" fill="{fill}" stroke="{TEXT}"/>'
            f'<text x="{legend_x + 30:.0f}" y="{row_y + 13}" font-size="12" fill="{TEXT}">{escape(label)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _map_fill(percent: float | None) -> str:
    if percent is None:
        return "url(#no-data)"
    return MAP_COLOURS[min(int(percent // 20), len(MAP_COLOURS) - 1)]


# --- rendering -----------------------------------------------------------------------------------------------


def _locale() -> str:
    return FORMAT_LOCALES.get((get_language() or "fi")[:2], "fi-FI")


def render_svg(chart: Chart) -> str:
    """The chart as a standalone SVG document."""
    if chart.spec is None:
        return chart.svg_document
    return _vegalite_svg(_json(chart.spec), _locale())


def render_png(chart: Chart, scale: float = 2.0) -> bytes:
    """The chart as a PNG image (twice the SVG's pixel size by default, sharp on print and on dense screens)."""
    png: bytes = vlc.svg_to_png(render_svg(chart), scale=scale)
    return png


def inline_svg(chart: Chart, *, labelled_by: str, prefix: str, alt: str = "") -> str:
    """The SVG to put inside a page: one image named by the page's caption; ids made unique on the page.

    The page writes the chart's title and notes as text in the caption (where they can be read, searched and
    translated by the browser), so the same specification is drawn here without its title block.
    """
    if chart.spec is not None:
        untitled = {key: value for key, value in chart.spec.items() if key != "title"}
        svg = _vegalite_svg(_json(untitled), _locale())
    else:
        svg = chart.svg_inline or chart.svg_document
    svg = re.sub(r"<\?xml[^>]*>\s*", "", svg)
    svg = re.sub(r'\bid="([^"]+)"', lambda m: f'id="{prefix}-{m.group(1)}"', svg)
    svg = re.sub(r"url\(#([^)]+)\)", lambda m: f"url(#{prefix}-{m.group(1)})", svg)
    svg = re.sub(r"<title>.*?</title>", "", svg, count=1, flags=re.S)
    svg = svg.replace(f'font-family="{FONT}"', f'font-family="{FONT_IN_PAGE}"')
    if alt:
        # A PDF has no aria-labelledby: its figure's alternative text is the SVG's <title> (WeasyPrint reads it).
        svg = re.sub(r"(<svg\b[^>]*>)", lambda m: f"{m.group(1)}<title>{escape(alt)}</title>", svg, count=1)
    # The whole chart is one image (named by the caption, its data in the table beside it): vega's own roles and
    # labels of single marks would make screen readers read hundreds of fragments, and axe asks each for a name.
    svg = re.sub(r'\s(?:role|aria-roledescription|aria-label)="[^"]*"', "", svg)
    # One class of our own on the root element (vega's "marks" goes: two class attributes are not XML).
    head, rest = svg.split(">", 1)
    head = re.sub(r'\sclass="[^"]*"', "", head)
    head = head.replace(
        "<svg ", f'<svg role="img" aria-labelledby="{escape(labelled_by)}" focusable="false" class="chart-svg" ', 1
    )
    return f"{head}>{rest}"


def _json(spec: dict[str, Any]) -> str:
    return json.dumps(spec, sort_keys=True, ensure_ascii=False)


@lru_cache(maxsize=SVG_CACHE_SIZE)
def _vegalite_svg(spec_json: str, locale: str) -> str:
    """Keyed by the specification's text: the same figures in the same language draw the same SVG. Drawing is the
    slow part of a report (tens of milliseconds a chart), so drawings are also kept in Django's cache, which
    processes share when it is a shared backend."""
    key = "barometer:svg:" + hashlib.sha256(f"{locale}|{spec_json}".encode()).hexdigest()
    svg: str | None = cache.get(key)
    if svg is None:
        svg = vlc.vegalite_to_svg(spec_json, format_locale=locale)  # type: ignore[arg-type]  # one of FORMAT_LOCALES
        cache.set(key, svg, SVG_CACHE_SECONDS)
    return svg


def clear_cache() -> None:
    _vegalite_svg.cache_clear()
