"""Does the network explain adoption? The family section and the theme page in a real browser: axe finds nothing in
any language, on a desktop and on a 390 px phone, and nothing is wider than the phone (the effects table scrolls in
its own focusable box). Reuses the diffusion pages' helpers and their spread innovation."""

from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.test_accessibility import PHONE
from tests.browser.test_diffusion import DESKTOP, assert_accessible, opened, spread

pytestmark = pytest.mark.browser
__all__ = ["spread"]  # the fixture, imported for pytest


@pytest.fixture
def modelled(spread: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    """The spread innovation's family (thirteen organisations) fitted alone, with a threshold of eight."""
    from diffusion import services
    from diffusion.models import EventHistoryFigures

    monkeypatch.setattr(EventHistoryFigures, "FAMILY_MIN_ADOPTERS", 8)
    services.recompute_registry()
    assert EventHistoryFigures.objects.filter(kind="family", key=str(spread.pk)).exists()
    return spread


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_the_family_section_and_the_theme_page_are_accessible(
    browser: Browser, live_server: Any, modelled: Any, url: Any, language: str
) -> None:
    theme = modelled.themes.get()
    for viewport in (DESKTOP, PHONE):
        address = url("diffusion:family", pk=modelled.pk, language=language)
        with opened(browser, live_server, viewport, address) as page:
            section = page.locator("section[aria-labelledby=event-history-title]")
            expect(section.locator("tbody tr")).to_have_count(4)
            assert_accessible(page, f"diffusion page with the event history ({language})", viewport)
        with opened(browser, live_server, viewport, url("diffusion:theme", slug=theme.slug, language=language)) as page:
            expect(page.locator("#event-history-caption")).to_have_count(1)
            assert_accessible(page, f"theme page ({language})", viewport)
    with opened(browser, live_server, PHONE, url("diffusion:overview", language=language)) as page:
        expect(page.locator(f'section[aria-labelledby=themes-title] a[href*="/themes/{theme.slug}/"]')).to_have_count(1)
        assert_accessible(page, f"diffusion overview with themes ({language})", PHONE)
