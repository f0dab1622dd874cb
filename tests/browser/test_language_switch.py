"""The language switch in the header: it changes the page's language (the html lang attribute and the /fi/, /sv/,
/en/ prefix) and keeps the person on the same page, query string included."""

import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

# The switch's buttons name each language in that language, so they read the same whatever page one is on.
SWITCH = {"fi": "Suomeksi", "sv": "På svenska", "en": "In English"}
# A piece of the interface on every page, to see that the interface (not only the content) changed language.
SKIP_LINK = {"fi": "Siirry sisältöön", "sv": "Hoppa till innehållet", "en": "Skip to content"}


def _switch_to(page: Page, language: str) -> None:
    page.get_by_role("button", name=SWITCH[language], exact=True).click()
    page.wait_for_load_state()


def _expect_language(page: Page, language: str, path_after_prefix: str) -> None:
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page).to_have_url(re.compile(rf"^https?://[^/]+/{language}/{re.escape(path_after_prefix)}$"))
    # The current language is marked as such for screen readers.
    expect(page.get_by_role("button", name=SWITCH[language], exact=True)).to_have_attribute("aria-current", "true")
    expect(page.get_by_role("link", name=SKIP_LINK[language], exact=True)).to_have_count(1)


def test_switch_fi_sv_en_on_an_innovation_page_shows_its_texts_in_each_language(page: Page, scenario, url):
    path = url("innovations:detail", pk=scenario.innovation.pk)
    rest = path.removeprefix("/fi/")
    page.goto(path)
    _expect_language(page, "fi", rest)
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text("Kirjaston kokeiluja")

    _switch_to(page, "sv")
    _expect_language(page, "sv", rest)
    expect(heading).to_have_text("Bibliotekets försök")

    _switch_to(page, "en")
    _expect_language(page, "en", rest)
    expect(heading).to_have_text("Library experiments")

    _switch_to(page, "fi")
    _expect_language(page, "fi", rest)
    expect(heading).to_have_text("Kirjaston kokeiluja")


@pytest.mark.parametrize(
    ("url_name", "query"),
    [
        ("core:home", ""),
        ("innovations:list", "q=kokeilu&types=service"),
        ("organisations:list", ""),
        ("organisations:networks", ""),
    ],
)
def test_switch_keeps_the_person_on_the_same_page(url_name: str, query: str, page: Page, scenario, url):
    path = url(url_name, query=query)
    rest = path.removeprefix("/fi/")
    page.goto(path)
    _expect_language(page, "fi", rest)
    for language in ("sv", "en", "fi"):
        _switch_to(page, language)
        _expect_language(page, language, rest)


def test_switch_keeps_a_logged_in_person_on_the_same_page_and_logged_in(page: Page, scenario, url, log_in):
    path = url("organisations:detail", slug=scenario.adopter_org.slug)
    log_in(page, scenario.adopter_editor, next_path=path)
    _switch_to(page, "sv")
    _expect_language(page, "sv", path.removeprefix("/fi/"))
    # Still logged in: the header links to the person's profile under their name.
    expect(page.get_by_role("navigation").get_by_role("link", name="Tuomas Turku")).to_be_visible()


# Every combination is checked without a browser in core/tests/test_language_switch.py; here, the reported one
# (a Swedish browser), with a cookie in a third language, and an English browser whose cookie says Finnish.
@pytest.mark.parametrize(("browser_locale", "cookie"), [("sv-FI", None), ("sv-FI", "en"), ("en-GB", "fi")])
def test_switch_works_whatever_the_browser_and_the_cookie_say(
    browser_locale: str, cookie: str | None, browser, live_server, scenario, url
):
    """A Swedish browser on /fi/ that clicks "På svenska" gets Swedish, not the Finnish page again; so does every
    other combination of the browser's language, the cookie's and the page's. The choice is remembered."""
    context = browser.new_context(base_url=live_server.url, locale=browser_locale)
    try:
        if cookie:
            context.add_cookies([{"name": "django_language", "value": cookie, "url": live_server.url}])
        page = context.new_page()
        path = url("innovations:detail", pk=scenario.innovation.pk)
        rest = path.removeprefix("/fi/")
        for start in ("fi", "sv", "en"):
            for chosen in ("fi", "sv", "en"):
                if chosen == start:
                    continue
                page.goto(f"/{start}/{rest}")
                _switch_to(page, chosen)
                _expect_language(page, chosen, rest)
                # Remembered: the address without a language prefix opens in the chosen language.
                page.goto("/")
                expect(page).to_have_url(re.compile(rf"/{chosen}/$"))
    finally:
        context.close()
