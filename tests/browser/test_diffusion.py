"""The innovation's diffusion page in a real browser: axe finds nothing in any language, on a desktop and on a
390 px phone, with the charts, the map, the tables and the adaptation tree all on the page; and nothing is wider
than the phone's screen (the charts scroll in their own focusable box)."""

import datetime
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.test_accessibility import PHONE, assert_no_axe_violations

pytestmark = pytest.mark.browser
DESKTOP = {"width": 1280, "height": 900}


@contextmanager
def opened(browser: Browser, live_server: Any, viewport: Any, address: str) -> Iterator[Page]:
    """A page at `address` in a Finnish browser of the given size, closed afterwards."""
    context = browser.new_context(base_url=live_server.url, locale="fi-FI", viewport=viewport)
    context.set_default_timeout(30_000)
    try:
        page = context.new_page()
        page.goto(address)
        yield page
    finally:
        context.close()


def assert_accessible(page: Page, what: str, viewport: Any) -> None:
    """axe finds nothing, and on the phone nothing is wider than its screen."""
    assert_no_axe_violations(page, f"{what} ({viewport['width']} px)")
    if viewport == PHONE:
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


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
    for viewport in (DESKTOP, PHONE):
        with opened(browser, live_server, viewport, url("diffusion:family", pk=spread.pk, language=language)) as page:
            main = page.get_by_role("main")
            expect(main.locator("svg.chart-svg")).to_have_count(3)  # per year, cumulative, the map
            expect(main.locator("svg.snapshot-svg")).to_have_count(6)  # the small maps, 2014 … 2020
            expect(main.locator("table")).to_have_count(5)  # family, per year, categories, regions, small maps
            expect(main.locator(".lineage-graph")).to_have_count(1)
            expect(main.locator("#likely-next-title")).to_have_count(1)
            assert_accessible(page, f"diffusion page ({language})", viewport)


def test_cut_lists_are_accessible(
    browser: Browser, live_server: Any, spread: Any, url: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The family table and the organisation page's lists cut to their first rows, with the notes and links that
    say so (the live server runs in this process: the smaller limits apply to it)."""
    from diffusion import views as diffusion_views
    from innovations import reactions as organisation_views

    monkeypatch.setattr(diffusion_views, "FAMILY_TABLE_ROWS", 5)
    monkeypatch.setattr(organisation_views, "PROFILE_ROWS", 2)
    with opened(browser, live_server, PHONE, url("diffusion:family", pk=spread.pk, language="sv")) as page:
        expect(page.locator("#members-caption")).to_contain_text("5")
        expect(page.locator('a[href="?all=1#family-title"]')).to_have_count(1)
        assert_accessible(page, "diffusion page, family table cut (sv)", PHONE)
    owner = spread.owner
    with opened(browser, live_server, PHONE, url("organisations:detail", slug=owner.slug, language="fi")) as page:
        expect(page.locator('a[href^="?all=1#"]').first).to_be_visible()
        assert_accessible(page, "organisation page, lists cut (fi)", PHONE)


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_the_overview_is_accessible(browser: Browser, live_server: Any, spread: Any, url: Any, language: str) -> None:
    """Every chart (trends, time to first adoption, types and themes, travel, the flows' heat map) with its table
    and downloads, axe-clean on a desktop and a 390 px phone."""
    from diffusion import services

    services.recompute_registry()
    for viewport in (DESKTOP, PHONE):
        with opened(browser, live_server, viewport, url("diffusion:overview", language=language)) as page:
            main = page.get_by_role("main")
            expect(main.locator("svg.chart-svg")).to_have_count(5)
            expect(main.locator("table")).to_have_count(5)
            expect(main.locator(".result-downloads a")).to_have_count(15)
            assert_accessible(page, f"diffusion overview ({language})", viewport)


def test_what_to_adopt_next_is_accessible(browser: Browser, live_server: Any, spread: Any, url: Any) -> None:
    """A municipality that did not adopt the spread innovation is offered it, with its reason, on its page."""
    from diffusion.models import OrganisationRecommendations

    organisation = next(
        row.organisation
        for row in OrganisationRecommendations.objects.select_related("organisation").order_by("pk")
        if spread.pk in [item["innovation"] for item in row.items]
    )
    for language in ("fi", "sv", "en"):
        address = url("organisations:detail", slug=organisation.slug, language=language)
        with opened(browser, live_server, PHONE, address) as page:
            section = page.locator("section[aria-labelledby=adopt-next-title]")
            expect(section.locator(f'a[href*="/{spread.pk}/"]')).to_have_count(1)
            assert_accessible(page, f"what to adopt next ({language})", PHONE)


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_innovativeness_over_the_years_is_accessible(
    browser: Browser, live_server: Any, spread: Any, url: Any, language: str
) -> None:
    """The first adopter's page: its dynamic innovativeness in words, as a chart with its table and downloads."""
    from innovations.models import Adoption

    adoption = Adoption.objects.filter(source=spread).order_by("adopted_on", "pk").select_related("result__owner")[0]
    first = adoption.result.owner
    for viewport in (DESKTOP, PHONE):
        address = url("organisations:detail", slug=first.slug, language=language)
        with opened(browser, live_server, viewport, address) as page:
            figure = page.locator("#figure-innovativeness")
            expect(figure.locator("svg.chart-svg")).to_have_count(1)
            expect(figure.locator("table")).to_have_count(1)
            expect(figure.locator(".result-downloads a")).to_have_count(3)
            assert_accessible(page, f"innovativeness over the years ({language})", viewport)


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_the_live_barometer_is_accessible(
    browser: Browser, live_server: Any, spread: Any, url: Any, language: str
) -> None:
    address = url("diffusion:live_barometer", language=language) + "?year=soon"  # with an error summary
    for viewport in (DESKTOP, PHONE):
        with opened(browser, live_server, viewport, address) as page:
            main = page.get_by_role("main")
            expect(main.locator("table")).to_have_count(8)  # novelty, per year, six facets
            expect(main.locator(".error-summary")).to_have_count(1)
            assert_accessible(page, f"live barometer ({language})", viewport)


def test_suggested_sources_are_accessible(
    browser: Browser, live_server: Any, spread: Any, scenario: Any, url: Any, log_in: Any
) -> None:
    """Turku's own record of the same concept, with no recorded source: its editor is offered likely sources
    ("You may have learned this from…") on the record's page; axe finds nothing on a desktop and a phone, in every
    language; dismissing one takes it away."""
    from diffusion import services
    from innovations.vocabulary import Novelty
    from tests.browser.conftest import INNOVATION_TEXTS
    from tests.factories import InnovationFactory

    texts = {key: f"{value} – Turku" if key.startswith("title") else value for key, value in INNOVATION_TEXTS.items()}
    record = InnovationFactory.create(
        owner=scenario.adopter_org,
        actor=scenario.adopter_editor,
        novelty=Novelty.ADAPTED,
        introduced_on=datetime.date(2023, 4, 1),
        **texts,
    )
    services.recompute_registry()
    for language in ("fi", "sv", "en"):
        for viewport in (DESKTOP, PHONE):
            with opened(browser, live_server, viewport, "/") as page:
                log_in(page, scenario.adopter_editor, language=language)
                page.goto(url("innovations:detail", pk=record.pk, language=language))
                section = page.locator("section[aria-labelledby=source-suggestions-title]")
                expect(section.get_by_role("listitem")).not_to_have_count(0)
                assert_accessible(page, f"suggested sources ({language})", viewport)
                if language == "en" and viewport == PHONE:
                    before = section.get_by_role("listitem").count()
                    section.get_by_role("button", name="Dismiss").first.click()
                    expect(page.get_by_text("The suggestion was dismissed.")).to_have_count(1)
                    expect(page.locator("section[aria-labelledby=source-suggestions-title] li")).to_have_count(
                        before - 1
                    )
