"""The innovation's diffusion page in a real browser: axe finds nothing in any language, on a desktop and on a
390 px phone, with the charts, the map, the tables and the adaptation tree all on the page; and nothing is wider
than the phone's screen (the charts scroll in their own focusable box)."""

import datetime
from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.test_accessibility import PHONE, assert_no_axe_violations

pytestmark = pytest.mark.browser


@pytest.fixture
def spread(scenario: Any) -> Any:
    """Tampere's innovation adopted by a dozen real municipalities over the years, figures computed."""
    from diffusion import services
    from organisations.models import Organisation, OrganisationKind
    from tests.factories import AdoptionFactory

    innovation = scenario.innovation
    innovation.introduced_on = datetime.date(2014, 3, 1)
    innovation.save(update_fields=["introduced_on"])
    adopters = Organisation.objects.filter(kind=OrganisationKind.MUNICIPALITY).exclude(pk=scenario.source_org.pk)
    parent = innovation
    for index, adopter in enumerate(adopters.order_by("municipality_code")[:12]):
        parent = AdoptionFactory.create(
            source=parent if index % 4 else innovation,
            adopter=adopter,
            adopted_on=datetime.date(2015 + index // 2, 5, 1),
        ).result
    services.ensure_families()
    services.mark_all_stale()
    services.recompute_stale()
    services.recompute_registry()  # the network figures and what to adopt next, likely next adopters
    return innovation


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_the_diffusion_page_is_accessible(
    browser: Browser, live_server: Any, spread: Any, url: Any, language: str
) -> None:
    for viewport in ({"width": 1280, "height": 900}, PHONE):
        context = browser.new_context(base_url=live_server.url, locale="fi-FI", viewport=viewport)  # type: ignore[arg-type]
        context.set_default_timeout(30_000)
        try:
            page = context.new_page()
            page.goto(url("diffusion:family", pk=spread.pk, language=language))
            main = page.get_by_role("main")
            expect(main.locator("svg.chart-svg")).to_have_count(3)  # per year, cumulative, the map
            expect(main.locator("table")).to_have_count(4)  # family, per year, categories, regions
            expect(main.locator(".lineage-graph")).to_have_count(1)
            expect(main.locator("#likely-next-title")).to_have_count(1)
            assert_no_axe_violations(page, f"diffusion page ({language}, {viewport['width']} px)")
            if viewport == PHONE:
                assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        finally:
            context.close()


def test_the_overview_is_accessible(browser: Browser, live_server: Any, spread: Any, url: Any) -> None:
    from diffusion import services

    services.recompute_registry()
    context = browser.new_context(base_url=live_server.url, locale="fi-FI", viewport=PHONE)
    context.set_default_timeout(30_000)
    try:
        page = context.new_page()
        page.goto(url("diffusion:overview", language="sv"))
        expect(page.get_by_role("main").locator("svg.chart-svg")).to_have_count(1)
        assert_no_axe_violations(page, "diffusion overview (sv, 390 px)")
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    finally:
        context.close()


def test_what_to_adopt_next_is_accessible(browser: Browser, live_server: Any, spread: Any, url: Any) -> None:
    """A municipality that did not adopt the spread innovation is offered it, with its reason, on its page."""
    from diffusion.models import OrganisationRecommendations

    organisation = next(
        row.organisation
        for row in OrganisationRecommendations.objects.select_related("organisation").order_by("pk")
        if spread.pk in [item["innovation"] for item in row.items]
    )
    for language in ("fi", "sv", "en"):
        context = browser.new_context(base_url=live_server.url, locale="fi-FI", viewport=PHONE)
        context.set_default_timeout(30_000)
        try:
            page = context.new_page()
            page.goto(url("organisations:detail", slug=organisation.slug, language=language))
            section = page.locator("section[aria-labelledby=adopt-next-title]")
            expect(section.locator(f'a[href*="/{spread.pk}/"]')).to_have_count(1)
            assert_no_axe_violations(page, f"what to adopt next ({language}, 390 px)")
            assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        finally:
            context.close()


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_the_live_barometer_is_accessible(
    browser: Browser, live_server: Any, spread: Any, url: Any, language: str
) -> None:
    for viewport in ({"width": 1280, "height": 900}, PHONE):
        context = browser.new_context(base_url=live_server.url, locale="fi-FI", viewport=viewport)  # type: ignore[arg-type]
        context.set_default_timeout(30_000)
        try:
            page = context.new_page()
            page.goto(url("diffusion:live_barometer", language=language) + "?year=soon")  # with an error summary
            main = page.get_by_role("main")
            expect(main.locator("table")).to_have_count(8)  # novelty, per year, six facets
            expect(main.locator(".error-summary")).to_have_count(1)
            assert_no_axe_violations(page, f"live barometer ({language}, {viewport['width']} px)")
            if viewport == PHONE:
                assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        finally:
            context.close()
