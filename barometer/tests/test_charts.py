"""Charts: valid SVG and PNG from one specification, the notes every chart states, the page's inline version, and
the map of Finland. Results are built by hand here (no database), so each test says exactly what it draws."""

import re
import xml.etree.ElementTree as ET

import pytest
from django.utils import translation

from barometer.results import charts
from barometer.results.analysis import Block, Breakdown, Group, QuestionResult, Row
from organisations.finland_map import finland_map

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(autouse=True)
def _english() -> object:
    with translation.override("en"):
        yield


def _row(code: str, count: int, n: int, *, excluded: bool = False) -> Row:
    percent = None if excluded else 100 * count / n
    low = None if percent is None else max(0.0, percent - 8)
    high = None if percent is None else min(100.0, percent + 8)
    return Row(code, f"Answer {code}", count, percent, low, high, excluded=excluded)


def multiple_choice(n: int = 182, *, weighted: bool = False) -> QuestionResult:
    rows = [_row("a", n // 3, n), _row("b", round(n * 0.79), n), _row("c", n // 2, n), _row("dk", 3, n, excluded=True)]
    return QuestionResult(
        code="partners",
        text="With whom did you develop innovations?",
        kind="multiple",
        section="Latest innovation",
        asked="Asked of all respondents.",
        asked_n=n + 3,
        answered_n=n + 3,
        multiple=True,
        hidden=["Answer dk"],
        weighted=weighted,
        n=n,
        blocks=[Block("", "", n, rows)],
    )


def scale() -> QuestionResult:
    blocks = []
    for item in ("technology", "competence"):
        rows = [
            _row("large", 50, 100),
            _row("some", 30, 100),
            _row("little", 20, 100),
            _row("dk", 4, 100, excluded=True),
        ]
        blocks.append(Block(item, f"Item {item}", 100, rows))
    return QuestionResult(
        code="enablers",
        text="To what extent have these enabled innovation?",
        kind="scale",
        section="Enablers",
        asked="Asked of all respondents.",
        asked_n=104,
        answered_n=104,
        multiple=False,
        hidden=["Answer dk"],
        weighted=False,
        n=100,
        blocks=blocks,
    )


def svg_texts(svg: str) -> str:
    root = ET.fromstring(svg)  # noqa: S314  # our own output, parsed to prove it is well-formed XML
    assert root.tag == f"{SVG}svg"
    return " ".join(" ".join(text.itertext()) for text in root.iter(f"{SVG}text"))


def test_the_bar_chart_states_how_to_read_it_and_renders_as_svg_and_png() -> None:
    chart = charts.question_chart(multiple_choice(), synthetic=True)
    assert chart is not None
    svg = charts.render_svg(chart)
    texts = svg_texts(svg)
    for words in (
        "With whom did you develop",
        "Asked of all respondents.",
        "Several answers could be chosen",
        "Not included in the percentages: Answer dk.",
        "Unweighted.",
        "Synthetic demo data",
        "% of respondents, N=182",
        "79%",  # 144 of 182
    ):
        assert words in texts, words
    assert charts.render_png(chart).startswith(PNG_SIGNATURE)


def test_a_multiple_choice_is_drawn_from_the_most_chosen_down_with_hidden_answers_last() -> None:
    assert [row.code for row in charts.sorted_rows(multiple_choice())] == ["b", "c", "a", "dk"]
    single = multiple_choice()
    single.multiple, single.kind = False, "single"
    assert [row.code for row in charts.sorted_rows(single)] == ["a", "b", "c", "dk"]


def test_weighted_charts_say_so() -> None:
    chart = charts.question_chart(multiple_choice(weighted=True))
    assert chart is not None
    texts = svg_texts(charts.render_svg(chart))
    assert "Weighted" in texts
    assert "Korn–Graubard" in texts  # which intervals


def test_scales_are_stacked_bars_with_a_legend_of_the_counted_answers() -> None:
    chart = charts.question_chart(scale())
    assert chart is not None
    assert chart.spec is not None
    texts = svg_texts(charts.render_svg(chart))
    assert "Item technology" in texts
    assert "Answer large" in texts  # the legend
    assert "Answer dk" not in texts.replace("Not included in the percentages: Answer dk.", "")
    assert "50%" in texts


def test_suppressed_results_have_no_chart_and_a_suppressed_cell_is_explained() -> None:
    result = multiple_choice()
    for row in result.blocks[0].rows:
        row.percent = row.count = None
        row.suppressed = True
    result.blocks[0].suppressed = True
    assert charts.question_chart(result) is None
    partly = multiple_choice()
    partly.blocks[0].rows[0].suppressed = True
    assert any(note.startswith("– Not shown: fewer than 5 respondents") for note in charts.notes(partly))


def test_breakdowns_are_grouped_bars_or_small_multiples_when_there_are_many_groups() -> None:
    result = multiple_choice()
    few = Breakdown("kind", "Organisation kind", [Group(f"g{i}", f"Group {i}", multiple_choice()) for i in range(3)])
    chart = charts.breakdown_chart(result, few)
    assert chart is not None
    assert chart.spec is not None
    assert "yOffset" in str(chart.spec)
    texts = svg_texts(charts.render_svg(chart))
    assert "By Organisation kind." in texts
    assert "Group 2" in texts
    many = Breakdown("region", "Region", [Group(f"g{i}", f"Group {i}", multiple_choice()) for i in range(12)])
    chart = charts.breakdown_chart(result, many)
    assert chart is not None
    assert chart.spec is not None
    assert "facet" in chart.spec
    ET.fromstring(charts.render_svg(chart))  # noqa: S314


def test_comparison_and_trend() -> None:
    now, before = multiple_choice(), multiple_choice(120)
    chart = charts.comparison_chart(now, before, ("2018", "2022"))
    assert chart is not None
    texts = svg_texts(charts.render_svg(chart))
    assert "Compared with 2018." in texts
    assert "% of respondents, N=120 (2018), 182 (2022)" in texts
    trend = charts.trend_chart(now, [("2018", before), ("2020", before), ("2022", now)])
    assert trend is not None
    assert "Across rounds. N: 2018 120; 2020 120; 2022 182." in svg_texts(charts.render_svg(trend))
    assert charts.trend_chart(now, [("2022", now)]) is None  # one round is no trend
    assert charts.trend_chart(scale(), [("2018", scale()), ("2022", scale())]) is None


def test_the_page_inlines_the_chart_without_its_title_with_unique_ids_and_one_accessible_name() -> None:
    chart = charts.question_chart(multiple_choice())
    assert chart is not None
    inline = charts.inline_svg(chart, labelled_by="q-partners-title", prefix="q-partners")
    assert inline.startswith('<svg role="img" aria-labelledby="q-partners-title" focusable="false"')
    texts = svg_texts(inline)
    assert "With whom did you develop" not in texts  # the page writes the title and notes as text
    assert "79%" in texts
    ids = re.findall(r'\bid="([^"]+)"', inline)
    assert all(found.startswith("q-partners-") for found in ids)
    assert all(ref.startswith("q-partners-") for ref in re.findall(r"url\(#([^)]+)\)", inline))


def test_the_map_colours_regions_by_share_and_hatches_those_without_a_figure() -> None:
    codes = sorted(finland_map().regions)
    values = [charts.RegionValue(codes[0], "First", 12, 10.0), charts.RegionValue(codes[1], "Second", 20, 90.0)]
    values.append(charts.RegionValue(codes[2], "Third", 3, None))
    chart = charts.region_map("Who supports innovation?", "Yes", values, ["Unweighted."])
    svg = charts.render_svg(chart)
    root = ET.fromstring(svg)  # noqa: S314
    fills = [path.get("fill") for path in root.iter(f"{SVG}path")]
    assert len(fills) == len(codes)
    assert fills[0] == charts.MAP_COLOURS[0]
    assert fills[1] == charts.MAP_COLOURS[-1]
    assert fills[2] == "url(#no-data)"
    assert fills.count("url(#no-data)") == len(codes) - 2  # no respondents: no figure either
    texts = svg_texts(svg)
    assert "Who supports innovation?" in texts
    assert "“Yes”, % of respondents by region" in texts
    assert charts.render_png(chart).startswith(PNG_SIGNATURE)
    inline = charts.inline_svg(chart, labelled_by="map-title", prefix="map")
    assert "Who supports innovation?" not in svg_texts(inline)
    assert 'fill="url(#map-no-data)"' in inline
    assert 'id="map-no-data"' in inline
