"""The workspace in a browser: signing in lands an editor there, every block is axe clean in each language, and
the page and a full list reflow at 390 px without sideways scrolling."""

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_accessibility import PHONE, assert_no_axe_violations

pytestmark = pytest.mark.browser


@pytest.fixture
def busy_workspace(scenario: Any, adopted: Any) -> Any:
    """Tampere's editor with a draft whose title is one long unbroken word, and an adoption by Turku."""
    from innovations.vocabulary import Status
    from tests.factories import InnovationFactory

    InnovationFactory(
        owner=scenario.source_org,
        actor=scenario.source_editor,
        status=Status.DRAFT,
        title_fi="Pitkä" + "sana" * 40,
        title_sv="Pitkä" + "ord" * 50,
        title_en="Pitkä" + "word" * 40,
    )
    return scenario


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_the_workspace_is_where_an_editor_lands_and_it_is_axe_clean(
    language: str, page: Page, busy_workspace: Any, url: Any, log_in: Any
) -> None:
    log_in(page, busy_workspace.source_editor, language=language)
    expect(page).to_have_url(re.compile(re.escape(url("workspace:home", language=language)) + r"$"))
    main = page.get_by_role("main")
    expect(main.get_by_role("heading", level=2).first).to_be_visible()
    expect(main.get_by_role("link", name=re.compile("Pitkä"))).to_be_visible()
    expect(page.get_by_role("navigation", name=re.compile(".")).locator('a[aria-current="page"]').first).to_be_visible()
    assert_no_axe_violations(page, f"workspace {language}")


def test_the_workspace_and_a_full_list_reflow_on_a_phone(page: Page, busy_workspace: Any, url: Any, log_in) -> None:
    log_in(page, busy_workspace.source_editor)
    page.set_viewport_size(PHONE)
    for path in (
        url("workspace:home"),
        url("workspace:block", slug=busy_workspace.source_org.slug, block="innovation-drafts"),
        url("workspace:block", slug=busy_workspace.source_org.slug, block="adoptions"),
    ):
        page.goto(path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"{path} is {width} px wide at {PHONE['width']} px"
        assert_no_axe_violations(page, f"{path} at 390 px")
