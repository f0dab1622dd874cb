"""The barometer's charts drawn by a browser: no label is cut off at the chart's edge, no two legend entries or axis
labels overlap, and on a 390 px phone the text stays readable. Drawn with the longest answer and row labels of the
default questionnaire, in Finnish, Swedish and English.

The charts are built from the questionnaire file without a database (as in barometer/tests/test_charts.py) and
shown in Chromium as the report page shows them (inline SVG) and as the PDF and downloads do (with their title).
"""

import json
from pathlib import Path
from typing import Any

import pytest
from django.utils import translation
from playwright.sync_api import Browser

pytestmark = pytest.mark.browser

QUESTIONNAIRE = Path(__file__).resolve().parents[2] / "barometer" / "fixtures" / "municipal_barometer.json"
# Long group names, as a breakdown by wellbeing services county or region shows them.
GROUPS = {
    "fi": ["Länsi-Uudenmaan hyvinvointialue", "Pohjois-Pohjanmaan hyvinvointialue", "Helsingin kaupunki"],
    "sv": ["Västra Nylands välfärdsområde", "Norra Österbottens välfärdsområde", "Helsingfors stad"],
    "en": ["Western Uusimaa Wellbeing Services County", "North Ostrobothnia Wellbeing Services County", "Helsinki"],
}
# Smallest readable text on a phone, in CSS pixels.
MIN_FONT_PX = 9


def _result(question: dict[str, Any], language: str, n: int = 150) -> Any:
    from barometer.results.analysis import Block, QuestionResult, Row

    choices = question["choices"]
    shares = [(index * 37 % 60 + 10) for index in range(len(choices))]

    def rows() -> list[Row]:
        total = sum(shares)
        return [
            Row(c["code"], c["label"][language], n * s // total, 100 * s / total, None, None)
            for c, s in zip(choices, shares, strict=True)
        ]

    items = question.get("items") or []
    blocks = [Block(i["code"], i["label"][language], n, rows()) for i in items] or [Block("", "", n, rows())]
    return QuestionResult(
        code=question["code"],
        text=question["text"][language],
        kind=question["kind"],
        section="",
        asked="",
        asked_n=n,
        answered_n=n,
        multiple=question["kind"] == "multiple",
        hidden=[],
        weighted=False,
        n=n,
        blocks=blocks,
    )


def _longest_questions() -> list[dict[str, Any]]:
    """The questions with the longest answer labels and the longest row labels, of each kind with a chart."""
    questions = [
        q
        for section in json.loads(QUESTIONNAIRE.read_text(encoding="utf-8"))["sections"]
        for q in section["questions"]
        if q["kind"] in ("single", "multiple", "scale", "grid") and q.get("choices")
    ]

    def longest(q: dict[str, Any], key: str) -> int:
        return max((len(x["label"][lang]) for x in q.get(key) or [] for lang in ("fi", "sv", "en")), default=0)

    picked: dict[str, dict[str, Any]] = {}
    for kind in ("single", "multiple", "scale", "grid"):
        of_kind = [q for q in questions if q["kind"] == kind]
        if of_kind:
            picked[f"{kind}-choices"] = max(of_kind, key=lambda q: longest(q, "choices"))
            if kind in ("scale", "grid"):
                picked[f"{kind}-items"] = max(of_kind, key=lambda q: longest(q, "items"))
    return list({q["code"]: q for q in picked.values()}.values())


def _charts(language: str) -> list[tuple[str, Any]]:
    from barometer.results import charts
    from barometer.results.analysis import Breakdown, Group

    made: list[tuple[str, Any]] = []
    for question in _longest_questions():
        result = _result(question, language)
        made.append((f"{question['code']}", charts.question_chart(result)))
        groups = [Group(f"g{i}", name, _result(question, language, 60 + i)) for i, name in enumerate(GROUPS[language])]
        made.append((f"{question['code']} by group", charts.breakdown_chart(result, Breakdown("g", "G", groups))))
        if not result.has_items:
            points = [("2018", _result(question, language, 90)), ("2022", result)]
            made.append((f"{question['code']} trend", charts.trend_chart(result, points)))
    return [(name, chart) for name, chart in made if chart is not None]


GEOMETRY = """(svg) => {
    const frame = svg.getBoundingClientRect();
    const problems = [];
    const box = (el) => el.getBoundingClientRect();
    for (const text of svg.querySelectorAll("text")) {
        if (!text.textContent.trim()) continue;
        const r = box(text);
        if (r.left < frame.left - 1 || r.right > frame.right + 1 || r.top < frame.top - 1 || r.bottom > frame.bottom + 1) {
            problems.push(`cut off: "${text.textContent}" (${Math.round(r.left - frame.left)}..${Math.round(r.right - frame.left)} of ${Math.round(frame.width)})`);
        }
        if (text.textContent.includes("…")) problems.push(`shortened: "${text.textContent}"`);
    }
    // Entries of a legend, and labels of an axis, must not overlap one another.
    const overlap = (a, b) => a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1;
    for (const selector of [".role-legend-label", ".role-axis-label"]) {
        for (const group of svg.querySelectorAll(selector)) {
            const texts = [...group.querySelectorAll("text")].filter(t => t.textContent.trim());
            for (let i = 0; i < texts.length; i++) for (let j = i + 1; j < texts.length; j++) {
                if (overlap(box(texts[i]), box(texts[j]))) problems.push(`overlap: "${texts[i].textContent}" / "${texts[j].textContent}"`);
            }
        }
    }
    // The smallest text as drawn (the SVG may be scaled down to fit the screen).
    let smallest = Infinity;
    for (const text of svg.querySelectorAll("text")) {
        if (!text.textContent.trim() || text.closest("[display=none]")) continue;
        const size = parseFloat(getComputedStyle(text).fontSize) * (frame.width / svg.viewBox.baseVal.width);
        if (size && size < smallest) smallest = size;
    }
    return {problems, smallest, width: frame.width};
}"""


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_chart_labels_fit_and_legends_do_not_overlap(language: str, browser: Browser) -> None:
    from barometer.results import charts

    page = browser.new_page(viewport={"width": 1280, "height": 900})
    problems: list[str] = []
    try:
        with translation.override(language):
            made = _charts(language)
            assert len(made) >= 8
            for name, chart in made:
                for where, svg in (
                    ("page", charts.inline_svg(chart, labelled_by="x", prefix="c")),
                    ("download", charts.render_svg(chart)),
                ):
                    page.set_content(
                        f'<!DOCTYPE html><html lang="{language}"><body style="margin:0">{svg}</body></html>'
                    )
                    found = page.eval_on_selector("svg", GEOMETRY)
                    problems += [f"{name} ({where}): {problem}" for problem in found["problems"]]
    finally:
        page.close()
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_chart_text_is_readable_on_a_phone(language: str, browser: Browser) -> None:
    """At 390 px a chart once shrank to the screen's width and its 12 px text to 5 px. It keeps its size and
    scrolls inside its own box; the page does not scroll sideways."""
    from django.template.loader import render_to_string
    from django.utils.safestring import mark_safe

    from barometer.results import charts

    static = Path(__file__).resolve().parents[2] / "static"
    styles = "".join((static / name).read_text(encoding="utf-8") for name in ("css/site.css", "barometer/results.css"))
    page = browser.new_page(viewport={"width": 390, "height": 844})
    try:
        with translation.override(language):
            for name, chart in _charts(language)[:4]:
                figure = render_to_string(
                    "barometer/results/includes/figure.html",
                    {
                        "id": "q",
                        "heading": chart.title,
                        "level": 3,
                        "notes": [],
                        "svg": mark_safe(charts.inline_svg(chart, labelled_by="q-title", prefix="q")),  # noqa: S308
                    },
                )
                page.set_content(
                    f'<!DOCTYPE html><html lang="{language}"><head><style>{styles}</style></head>'
                    f'<body><main class="container">{figure}</main></body></html>'
                )
                found = page.eval_on_selector("svg", GEOMETRY)
                assert found["smallest"] >= MIN_FONT_PX + 1, f"{name}: text drawn at {found['smallest']:.1f} px"
                assert page.evaluate("document.documentElement.scrollWidth") <= 390, name
    finally:
        page.close()
