"""The organisation picker in a browser: chosen with the keyboard alone in the combobox, axe clean with its list
open, no sideways scrolling at 390 px; and without JavaScript, the typed name is resolved by the server.

The no-JavaScript test once hung the run: axe cannot run in a page whose JavaScript is off (its promise never
settles, see `axe_report_without_javascript`), so that page is checked in a copy with JavaScript on."""

from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.test_accessibility import PHONE, assert_no_axe_violations, axe_report_without_javascript

pytestmark = pytest.mark.browser


def _turku_innovation(scenario: Any) -> Any:
    from innovations.vocabulary import Status
    from tests.factories import InnovationFactory

    return InnovationFactory(owner=scenario.adopter_org, actor=scenario.adopter_editor, status=Status.PUBLISHED)


def test_a_partner_is_chosen_with_the_keyboard_only(page: Page, scenario: Any, url, log_in) -> None:
    from innovations.models import Partnership

    innovation = _turku_innovation(scenario)
    log_in(page, scenario.adopter_editor)
    page.set_viewport_size(PHONE)
    page.goto(url("innovations:edit", pk=innovation.pk) + "#partners")
    combobox = page.get_by_role("combobox", name="Kumppaniorganisaatio")
    expect(combobox).to_have_attribute("aria-expanded", "false")
    combobox.focus()
    page.keyboard.type("Tamp")
    listbox = page.get_by_role("listbox")
    expect(listbox).to_be_visible()
    expect(combobox).to_have_attribute("aria-expanded", "true")
    expect(page.locator("[data-org-status]").first).to_contain_text("organisaatio")  # the live region's count
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the open list makes the page {width} px wide"
    assert_no_axe_violations(page, "partner picker with its list open")
    page.keyboard.press("ArrowDown")
    first = listbox.get_by_role("option").first
    expect(first).to_have_attribute("aria-selected", "true")
    expect(combobox).to_have_attribute("aria-activedescendant", first.get_attribute("id") or "")
    page.keyboard.press("Enter")
    expect(combobox).to_have_value("Tampere")
    expect(combobox).to_have_attribute("aria-expanded", "false")
    # Escape closes a list without choosing
    page.keyboard.press("Tab")
    combobox.focus()
    page.keyboard.press("End")
    page.keyboard.type("x")
    page.keyboard.press("Backspace")
    expect(listbox).to_be_visible()
    page.keyboard.press("Escape")
    expect(listbox).to_be_hidden()
    expect(combobox).to_have_value("Tampere")
    page.locator("#partners form").filter(has=combobox).get_by_role("button").click()
    expect(page.locator("#partners table")).to_contain_text("Tampere")
    assert Partnership.objects.get(innovation=innovation).organisation == scenario.source_org
    assert_no_axe_violations(page, "partners after adding")


def test_without_javascript_the_typed_name_is_resolved_and_mistakes_named(
    browser: Browser, live_server: Any, scenario: Any, url: Any, log_in: Any
) -> None:
    from innovations.models import Partnership

    innovation = _turku_innovation(scenario)
    context = browser.new_context(base_url=live_server.url, locale="fi-FI", java_script_enabled=False, viewport=PHONE)
    context.set_default_timeout(30_000)
    page = context.new_page()
    try:
        log_in(page, scenario.adopter_editor)
        page.goto(url("innovations:edit", pk=innovation.pk) + "#partners")
        field = page.get_by_label("Kumppaniorganisaatio")
        expect(field).to_have_attribute("name", "partner-organisation")  # a plain text field, not enhanced
        assert field.get_attribute("role") is None  # the script that makes it a combobox did not run
        field.fill("Tamp")
        page.locator("#partners form").filter(has=field).get_by_role("button").click()
        error = page.locator("#id_partner-organisation_error")
        expect(error).to_contain_text("Tamp")
        expect(error).to_contain_text("Tampere")  # the suggestion
        assert not Partnership.objects.filter(innovation=innovation).exists()
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        report = axe_report_without_javascript(page, "partner picker error without JavaScript")
        assert not report, report
        field = page.get_by_label("Kumppaniorganisaatio")
        field.fill("Tampere")
        page.locator("#partners form").filter(has=field).get_by_role("button").click()
        expect(page.locator("#partners table")).to_contain_text("Tampere")
        assert Partnership.objects.get(innovation=innovation).organisation == scenario.source_org
    finally:
        context.close()
