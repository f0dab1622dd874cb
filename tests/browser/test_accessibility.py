"""Every main page passes axe with zero violations (Finnish law requires WCAG 2.1 AA of public-sector services),
and the keyboard path through the skip link works.

No axe rule is switched off: a violation is fixed in the template or CSS, never here. On a failure the message
lists each violation's rule, impact, help text and the failing elements, which is what a developer needs to fix it.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import Page, ViewportSize, expect

pytestmark = pytest.mark.browser

_axe = Axe()

# A phone in portrait (WCAG 1.4.10 reflow is tested at 320 CSS px of content: 390 px is a common phone).
PHONE: ViewportSize = {"width": 390, "height": 844}
SAVE = re.compile(r"^\s*(tallenna|luo|lisää|spara|skapa|save|create|add)", re.IGNORECASE)
SKIP_LINK = re.compile(r"siirry sisältöön|hoppa till innehållet|skip to content", re.IGNORECASE)


def axe_report(page: Page, where: str) -> str:
    """Runs axe on the page as it is now; returns "" when there is no violation, else a readable report."""
    results = _axe.run(page)
    violations = results.response["violations"]
    # "Needs review" is not a failure (axe could not decide, e.g. text over a gradient), but worth a look.
    for item in results.response["incomplete"]:
        targets = ", ".join(" ".join(map(str, node["target"])) for node in item["nodes"][:5])
        print(f"{where}: needs review: {item['id']} ({item['help']}) at {targets}")
    if not violations:
        return ""
    lines = [f"{where} ({page.url}): {len(violations)} axe violation(s)"]
    for violation in violations:
        lines.append(f"- {violation['id']} [{violation['impact']}]: {violation['help']} ({violation['helpUrl']})")
        for node in violation["nodes"]:
            lines.append(f"    at {' '.join(map(str, node['target']))}")
            lines.append(f"       {node['html'][:200]}")
            summary = (node.get("failureSummary") or "").replace("\n", " ").strip()
            if summary:
                lines.append(f"       {summary[:400]}")
    return "\n".join(lines)


def axe_report_without_javascript(page: Page, where: str) -> str:
    """axe on a page of a context with JavaScript turned off. axe cannot run there: `page.evaluate` still runs a
    script, but timers never fire, so axe's promise never settles and `evaluate` (which has no time limit) waits
    for ever; that is what hung the picker's no-JavaScript test in Chromium. So the page as that browser shows it
    (its DOM now, scripts removed, <noscript> content shown) is checked in a copy at the same address (its styles
    load as they did) in a context with JavaScript on."""
    html = page.content()
    html = re.sub(r"<script\b[^>]*>.*?</script>", "", html, flags=re.DOTALL | re.IGNORECASE)
    html = re.sub(r"</?noscript\b[^>]*>", "", html, flags=re.IGNORECASE)
    address = page.url.split("#", 1)[0]
    browser = page.context.browser
    assert browser is not None
    context = browser.new_context(viewport=page.viewport_size, java_script_enabled=True)
    context.set_default_timeout(30_000)
    try:
        copy = context.new_page()

        def serve(route: Any) -> None:
            if route.request.resource_type == "document" and route.request.url.split("#", 1)[0] == address:
                route.fulfill(status=200, content_type="text/html; charset=utf-8", body=html)
            else:
                route.continue_()

        copy.route("**/*", serve)
        copy.goto(address)
        return axe_report(copy, where)
    finally:
        context.close()


def assert_no_axe_violations(page: Page, where: str) -> None:
    report = axe_report(page, where)
    print(report or f"{where}: no axe violations")
    assert not report, report


def _nothing_more(page: Page, scenario: Any, request: pytest.FixtureRequest) -> None:
    pass


@dataclass(frozen=True)
class Case:
    url_name: str
    language: str = "fi"
    query: str = ""
    login: str = ""  # "adopter" or "source": log in as that municipality's editor first
    kwargs: Callable[[Any, pytest.FixtureRequest], dict[str, Any]] = lambda scenario, request: {}
    # What the page must show, so that axe checks the feature the case is named after and not an empty page.
    shows: Callable[[Page, Any, pytest.FixtureRequest], None] = _nothing_more


def _shows_results_and_a_chosen_facet(page: Page, scenario: Any, request: pytest.FixtureRequest) -> None:
    main = page.get_by_role("main")
    expect(main.get_by_role("checkbox", checked=True).first).to_be_visible()
    title = getattr(scenario.innovation, f"title_{_language(page)}")
    expect(main.get_by_role("link", name=title).first).to_be_visible()


def _shows_the_lineage(page: Page, scenario: Any, request: pytest.FixtureRequest) -> None:
    with translation.override(_language(page)):
        source_path = reverse("innovations:detail", kwargs={"pk": scenario.innovation.pk})
    expect(page.locator(f'main a[href="{source_path}"]').first).to_be_visible()


def _shows_the_map(page: Page, scenario: Any, request: pytest.FixtureRequest) -> None:
    expect(page.get_by_role("main").locator('svg[role="img"]').first).to_be_visible()


def _language(page: Page) -> str:
    return page.locator("html").get_attribute("lang") or ""


def _adopted_result(scenario: Any, request: pytest.FixtureRequest) -> dict[str, Any]:
    return {"pk": request.getfixturevalue("adopted").result_id}


def _proposed_from_source(scenario: Any, request: pytest.FixtureRequest) -> dict[str, Any]:
    """The source's page while the adopter's own record waits for the source's editor to confirm its lineage,
    with an image on it (the confirmation panel and the picture are on the page axe checks)."""
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from innovations import services
    from tests.factories import InnovationFactory

    result = InnovationFactory.create(owner=scenario.adopter_org, actor=scenario.adopter_editor)
    services.lineage_propose(
        actor=scenario.adopter_editor, result=result, source=scenario.innovation, mode="adapted", message="Kiitos!"
    )
    buffer = io.BytesIO()
    Image.new("RGB", (800, 500), (20, 90, 160)).save(buffer, format="PNG")
    services.image_add(
        actor=scenario.source_editor,
        innovation=scenario.innovation,
        upload=SimpleUploadedFile("kuva.png", buffer.getvalue()),
        alt_text={"fi": "Hoitaja ja asiakas videopuhelussa"},
    )
    return {"pk": scenario.innovation.pk}


def _shows_the_proposal(page: Page, scenario: Any, request: pytest.FixtureRequest) -> None:
    expect(page.locator('main form[action*="/source-proposals/"] button').first).to_be_visible()
    expect(page.locator("main .innovation-images img").first).to_be_visible()


PAGES = {
    "source page with a lineage proposal to answer": Case(
        "innovations:detail", login="source", kwargs=_proposed_from_source, shows=_shows_the_proposal
    ),
    "propose a source page": Case("innovations:propose_source", login="adopter", kwargs=_adopted_result),
    "front page fi": Case("core:home"),
    "front page sv": Case("core:home", language="sv"),
    "front page en": Case("core:home", language="en"),
    **{
        f"catalogue {language}, query and facet": Case(
            "innovations:list",
            language=language,
            query="q=kokeilu&types=service",
            shows=_shows_results_and_a_chosen_facet,
        )
        for language in ("fi", "sv", "en")
    },
    "innovation page with lineage": Case("innovations:detail", kwargs=_adopted_result, shows=_shows_the_lineage),
    "adopted innovation's source page": Case(
        "innovations:detail", kwargs=lambda scenario, request: {"pk": request.getfixturevalue("adopted").source_id}
    ),
    "innovation create form": Case("innovations:create", login="adopter"),
    "innovation edit form": Case(
        "innovations:edit", login="source", kwargs=lambda scenario, request: {"pk": scenario.innovation.pk}
    ),
    "adopt page": Case(
        "innovations:adopt", login="adopter", kwargs=lambda scenario, request: {"pk": scenario.innovation.pk}
    ),
    "organisation list": Case("organisations:list"),
    "organisation page with map": Case(
        "organisations:detail",
        kwargs=lambda scenario, request: {"slug": scenario.source_org.slug},
        shows=_shows_the_map,
    ),
    "network list": Case("organisations:networks"),
    "network page with map": Case(
        "organisations:network", kwargs=lambda scenario, request: {"slug": scenario.network.slug}, shows=_shows_the_map
    ),
    "login page": Case("accounts:login"),
    "profile page": Case("accounts:profile", login="adopter"),
    "account deletion page": Case("accounts:account_delete", login="adopter"),
    "account deletion page en": Case("accounts:account_delete", language="en", login="adopter"),
    "open data page": Case("core:open_data"),
    **{
        f"{page} {language}": Case(f"core:{page}", language=language)
        for page in ("privacy", "accessibility", "terms")
        for language in ("fi", "sv", "en")
    },
}


def _editor(scenario: Any, which: str) -> Any:
    return {"adopter": scenario.adopter_editor, "source": scenario.source_editor}[which]


@pytest.mark.parametrize("name", list(PAGES))
def test_page_has_no_axe_violations(name: str, page: Page, scenario, url, log_in, request):
    case = PAGES[name]
    if case.login:
        log_in(page, _editor(scenario, case.login), language=case.language)
    path = url(case.url_name, language=case.language, query=case.query, **case.kwargs(scenario, request))
    response = page.goto(path)
    assert response is not None
    assert response.status == 200, f"{path} answered {response.status}"
    expect(page.locator("html")).to_have_attribute("lang", case.language)
    case.shows(page, scenario, request)
    assert_no_axe_violations(page, name)


def test_form_with_validation_errors_has_no_axe_violations(page: Page, scenario, url, log_in):
    """The create form sent empty: the server's error messages must be as accessible as the form itself."""
    log_in(page, scenario.adopter_editor)
    path = url("innovations:create")
    page.goto(path)
    # The browser's own checks (required fields) would stop the empty form before the server sees it.
    page.eval_on_selector_all("main form", "forms => forms.forEach(form => { form.noValidate = true; })")
    page.get_by_role("main").get_by_role("button", name=SAVE).first.click()
    page.wait_for_load_state()
    expect(page).to_have_url(re.compile(re.escape(path) + r"(\?.*)?$"))
    # Django marks each field with an error aria-invalid, so screen readers announce it.
    expect(page.locator('main [aria-invalid="true"]').first).to_be_visible()
    assert_no_axe_violations(page, "innovation form with validation errors")


def test_login_page_with_wrong_password_has_no_axe_violations(page: Page, scenario, url, submit_login):
    page.goto(url("accounts:login"))
    submit_login(page, scenario.adopter_editor, password="väärä-salasana")
    page.wait_for_load_state()
    expect(page).to_have_url(re.compile(r"/fi/accounts/login/"))
    assert_no_axe_violations(page, "login page with an error")


@pytest.mark.parametrize(
    ("url_name", "language"),
    [("core:home", "fi"), ("innovations:list", "fi"), ("core:home", "sv"), ("core:home", "en")],
)
def test_skip_link_is_the_first_tab_stop_and_moves_focus_to_main(
    url_name: str, language: str, page: Page, scenario, url
):
    page.goto(url(url_name, language=language))
    page.keyboard.press("Tab")
    skip_link = page.get_by_role("link", name=SKIP_LINK)
    expect(skip_link).to_be_focused()
    expect(skip_link).to_be_in_viewport()  # hidden until focused is fine; hidden when focused is not
    page.keyboard.press("Enter")
    expect(page.get_by_role("main")).to_be_focused()
    # The next Tab continues inside the main content, not back at the header.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('main') !== null"), page.evaluate(
        "document.activeElement.outerHTML"
    )


@pytest.mark.parametrize(
    ("name", "within"),
    [
        ("open data page", "body"),
        ("propose a source page", "body"),
        # The change-history table of the whole page is the phone-layout work's; here: the new parts.
        ("source page with a lineage proposal to answer", "[aria-labelledby=proposals-title], .innovation-images"),
    ],
)
def test_new_pages_reflow_at_390_px(name: str, within: str, page: Page, scenario, url, log_in, request):
    """WCAG 1.4.10: the open-data field list, the propose page and the source's proposal panel and images fit a
    phone without scrolling sideways."""
    case = PAGES[name]
    page.set_viewport_size({"width": 390, "height": 800})
    if case.login:
        log_in(page, _editor(scenario, case.login), language=case.language)
    page.goto(url(case.url_name, language=case.language, **case.kwargs(scenario, request)))
    case.shows(page, scenario, request)
    wide = page.evaluate(
        "selector => [...document.querySelectorAll(selector)].flatMap(root => [root, ...root.querySelectorAll('*')])"
        ".filter(e => !e.closest('.visually-hidden'))"
        ".filter(e => e.getBoundingClientRect().right > 390.5 || e.scrollWidth > e.clientWidth + 1)"
        ".map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))",
        within,
    )
    assert not wide, wide
