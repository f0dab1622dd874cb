"""Reflow on a phone (WCAG 2.1 1.4.10): at 390 CSS pixels wide no page scrolls sideways. Wide tables and drawings
scroll inside their own labelled container, never the page; user-written text wraps, however long its words.

The sweep does not trust a hand-kept list: it starts from the pages of the main navigation and follows every link
it finds, as a visitor and as a platform administrator (who reaches every tool), and checks one page of each kind
(addresses that differ only in their numbers count as one kind).
"""

import re
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.test_accessibility import PHONE

pytestmark = pytest.mark.browser

# A word of 5,000 letters: the kind that once made an idea page 38,026 px wide.
LONG_WORD = "Pitkäsana" * 556
# Pages not to follow: files, the admin (Django's own), leaving, and the JSON API.
SKIP = re.compile(
    r"/admin/|/api/|/i18n/|/logout|/oidc/|\.(csv|xlsx|pdf|json|zip|png|svg|sav|txt)(\?|$)|/download|/export\.|/file"
    r"|/attachments/|/media/|format=(csv|xlsx|pdf|json)"
)
MAX_PAGES = 140
# The smallest text a chart may show on a phone, in CSS pixels (charts once drew 12 px text at 5 px).
MIN_CHART_TEXT_PX = 10
SMALLEST_CHART_TEXT = """() => {
    let smallest = Infinity;
    for (const svg of document.querySelectorAll("main svg.chart-svg")) {
        const scale = svg.getBoundingClientRect().width / (svg.viewBox.baseVal.width || svg.getBoundingClientRect().width);
        for (const text of svg.querySelectorAll("text")) {
            if (!text.textContent.trim()) continue;
            smallest = Math.min(smallest, parseFloat(getComputedStyle(text).fontSize) * scale);
        }
    }
    return smallest;
}"""


def _wider_than_the_screen(page: Page) -> str:
    """ "" when the page fits; else its width and the widest elements that stick out, for the failure message."""
    result = page.evaluate(
        """() => {
            const width = document.documentElement.scrollWidth;
            if (width <= window.innerWidth) return "";
            const culprits = [];
            for (const element of document.querySelectorAll("body *")) {
                const box = element.getBoundingClientRect();
                if (box.right > window.innerWidth + 1 && box.width > 0) {
                    // Only the outermost: an element whose parent does not stick out.
                    const parent = element.parentElement.getBoundingClientRect();
                    if (parent.right <= window.innerWidth + 1) {
                        const id = element.id ? "#" + element.id : "";
                        const cls = element.className && typeof element.className === "string"
                            ? "." + element.className.trim().split(/\\s+/).join(".") : "";
                        culprits.push(`${element.tagName.toLowerCase()}${id}${cls} (right edge ${Math.round(box.right)})`);
                    }
                }
                if (culprits.length >= 5) break;
            }
            return `${width} px wide: ${culprits.join(", ")}`;
        }"""
    )
    return str(result)


def _kind(path: str) -> str:
    """One kind per address shape: /fi/innovations/12/ and /fi/innovations/13/ are the same kind."""
    parts = urlsplit(path)
    return re.sub(r"/[0-9a-f-]{6,}(?=/)|/\d+(?=/)", "/N", parts.path) + ("?" if parts.query else "")


def _unprefixed(kind: str) -> str:
    """A kind without its language, and organisation pages as one kind whatever the organisation (the lists are
    in each language's alphabetical order, so each language reaches other organisations first)."""
    kind = re.sub(r"^/(fi|sv|en)/", "/", kind)
    return re.sub(r"^/organisations/(?!join/|join-requests/)[^/]+/", "/organisations/S/", kind)


def _sweep(
    page: Page, start: list[str], *, host: str, language: str = "fi", only: set[str] | None = None
) -> tuple[list[str], list[str]]:
    """Visits the start pages and one page of each kind reachable from them under /<language>/ (only the kinds in
    `only`, when given); returns (visited, too wide)."""
    queue = list(start)
    seen_kinds: set[str] = set()
    visited: list[str] = []
    too_wide: list[str] = []
    while queue and len(visited) < MAX_PAGES:
        path = queue.pop(0)
        # In the other languages, one page of each kind the Finnish sweep saw (organisations counted as one).
        kind = _kind(path) if only is None else _unprefixed(_kind(path))
        if kind in seen_kinds or SKIP.search(path) or (only is not None and kind not in only):
            continue
        seen_kinds.add(kind)
        response = page.goto(path, timeout=120_000)
        if response is None or response.status != 200 or "text/html" not in response.headers.get("content-type", ""):
            continue
        visited.append(path)
        problem = _wider_than_the_screen(page)
        if problem:
            too_wide.append(f"{path}: {problem}")
        smallest = page.evaluate(SMALLEST_CHART_TEXT)
        if smallest < MIN_CHART_TEXT_PX:
            too_wide.append(f"{path}: chart text drawn at {smallest:.1f} px")
        links = page.eval_on_selector_all(
            "a[href]", "links => links.map(link => new URL(link.getAttribute('href'), location.href).href)"
        )
        for link in links:
            parts = urlsplit(link)
            if parts.netloc != host or not parts.path.startswith(f"/{language}/"):
                continue
            queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return visited, too_wide


@pytest.fixture
def world(scenario: Any) -> Any:
    """What the pages exist to show: a challenge with ideas, a comment with a very long word, an experiment, the
    demo barometer rounds, and the adoption that gives the innovation its lineage."""
    from demo.barometer import demo_rounds_load
    from experiments.services import experiment_create
    from ideas.services import challenges as challenge_services
    from ideas.services import ideas as services
    from organisations.models import OrganisationKind
    from tests.factories import AdoptionFactory, OrganisationFactory, UserFactory

    AdoptionFactory(actor=scenario.adopter_editor, source=scenario.innovation, adopter=scenario.adopter_org)
    challenge = challenge_services.challenge_create(
        actor=scenario.source_editor,
        owner=scenario.source_org,
        data={"title_fi": "Miten voisimme tehdä kirjastosta olohuoneen?", "status": "open"},
    )
    resident = UserFactory.create(username="asukas", email="asukas@example.fi")
    idea = services.idea_send(actor=resident, challenge=challenge, title=LONG_WORD[:190], text=LONG_WORD)
    services.comment_add(actor=resident, idea=idea, text=LONG_WORD[:3900])  # a comment holds 4,000
    experiment_create(
        actor=scenario.source_editor,
        owner=scenario.source_org,
        data={"title_fi": "Lainattavat työkalut", "summary_fi": LONG_WORD[:500]},
        status="published",
    )
    OrganisationFactory(kind=OrganisationKind.MINISTRY, name_fi="Valtiovarainministeriö")
    demo_rounds_load()
    return challenge, idea


def _start(url: Any, scenario: Any, world: Any, language: str) -> list[str]:
    pages: list[tuple[str, dict[str, Any]]] = [
        ("core:home", {}),
        ("innovations:list", {}),
        ("innovations:list", {"query": "q=kirjasto&types=service"}),
        ("innovations:detail", {"pk": scenario.innovation.pk}),
        ("organisations:list", {}),
        ("organisations:detail", {"slug": scenario.source_org.slug}),
        ("organisations:networks", {}),
        ("organisations:network", {"slug": scenario.network.slug}),
        ("experiments:list", {}),
        ("ideas:list", {}),
        ("ideas:detail", {"pk": world[0].pk}),
        ("ideas:idea", {"pk": world[1].pk}),
        ("barometer:index", {}),
        ("barometer:report", {"slug": "innovaatiobarometri-2022-kuntasektori-synteettinen"}),
        ("core:open_data", {}),
        ("accounts:login", {}),
    ]
    return [url(name, language=language, **kwargs) for name, kwargs in pages]


def test_no_page_scrolls_sideways_on_a_phone(browser: Browser, live_server: Any, scenario: Any, world: Any, url: Any):
    """Every page kind in Finnish, as a visitor and as a platform administrator; then the visitor's kinds again in
    Swedish and English (longer words, other texts; the administrator's tools once is enough to keep the run short)."""
    host = urlsplit(live_server.url).netloc
    problems: list[str] = []
    visited_all: list[str] = []
    visitor_kinds: set[str] = set()
    covered: dict[str, set[str]] = {}
    for who, language in ((None, "fi"), (scenario.admin, "fi"), (None, "sv"), (None, "en")):
        locale = {"fi": "fi-FI", "sv": "sv-FI", "en": "en-GB"}[language]
        context = browser.new_context(base_url=live_server.url, locale=locale, viewport=PHONE)
        context.set_default_timeout(30_000)
        page = context.new_page()
        try:
            if who is not None:
                from tests.browser.conftest import fill_login_form

                page.goto(url("accounts:login"))
                fill_login_form(page, who.username)
                expect(page).not_to_have_url(re.compile(r"/accounts/login/"))
            visited, too_wide = _sweep(
                page,
                _start(url, scenario, world, language),
                host=host,
                language=language,
                only=visitor_kinds if language != "fi" else None,
            )
        finally:
            context.close()
        if who is None and language == "fi":
            visitor_kinds = {_unprefixed(_kind(path)) for path in visited}
        if who is None:
            covered[language] = {_unprefixed(_kind(path)) for path in visited}
        visited_all += visited
        problems += [f"{'admin' if who else 'visitor'} ({language}): {line}" for line in too_wide]
    print(f"{len(visited_all)} pages checked at 390 px:", *visited_all, sep="\n  ")
    assert len(covered["fi"]) >= 20, covered["fi"]  # the sweep must have found the site, not stopped at the door
    assert min(len(covered["sv"]), len(covered["en"])) >= 20, covered
    for language in ("sv", "en"):
        # The same kinds of page in every language (links that only one language's texts have aside).
        missing = covered["fi"] - covered[language]
        assert len(missing) <= len(covered["fi"]) // 10, f"{language} missed {sorted(missing)}"
        print(f"{language}: {len(covered[language])} kinds of {len(covered['fi'])}; not reached: {sorted(missing)}")
    assert not problems, "Pages wider than a 390 px phone:\n" + "\n".join(problems)


@pytest.mark.parametrize("width", [390, 1280])
def test_a_comment_of_one_5000_letter_word_wraps(width: int, browser: Browser, live_server: Any, world: Any, url: Any):
    """The idea page with a 5,000-letter word in its text and a 3,900-letter one in a comment: it once measured
    38,026 px across. The words wrap inside the page at any width."""
    context = browser.new_context(base_url=live_server.url, locale="fi-FI", viewport={"width": width, "height": 900})
    try:
        page = context.new_page()
        page.goto(url("ideas:idea", pk=world[1].pk))
        expect(page.get_by_role("main").get_by_text(LONG_WORD[:3900], exact=True)).to_have_count(1)
        assert page.evaluate("document.documentElement.scrollWidth") <= width, _wider_than_the_screen(page)
    finally:
        context.close()


def test_the_catalogue_shows_its_results_first_on_a_phone(browser: Browser, live_server: Any, scenario: Any, url: Any):
    """The results once began about 1,600 px down, below the filters. Now they come first (in the reading order as
    on the screen), and a link at their top leads to the filters."""
    context = browser.new_context(base_url=live_server.url, locale="fi-FI", viewport=PHONE)
    try:
        page = context.new_page()
        page.goto(url("innovations:list"))
        result = page.locator(".result-list a").first
        expect(result).to_be_visible()
        top = result.bounding_box()
        facets = page.locator("#facets").bounding_box()
        assert top is not None
        assert facets is not None
        assert top["y"] < 844, f"the first result starts {top['y']:.0f} px down"
        assert top["y"] < facets["y"]
        # The keyboard reaches the results before the filters, in the order they are shown.
        order = page.evaluate(
            "() => document.querySelector('.result-list').compareDocumentPosition(document.querySelector('#facets'))"
        )
        assert order & 4  # Node.DOCUMENT_POSITION_FOLLOWING
        page.get_by_role("link", name="Rajaa tuloksia").click()
        expect(page.locator("#facets")).to_be_in_viewport()
    finally:
        context.close()
