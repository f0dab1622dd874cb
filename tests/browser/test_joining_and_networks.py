"""The pages of requests to join and of starting a network, in a browser: axe clean (also with errors shown) and
no sideways scrolling at 390 px."""

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_accessibility import PHONE, assert_no_axe_violations

pytestmark = pytest.mark.browser


def _fits(page: Page, where: str) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{where} is {width} px wide at {PHONE['width']} px"


def test_the_request_form_and_its_errors_are_accessible_on_a_phone(page: Page, scenario: Any, url, log_in) -> None:
    log_in(page, scenario.adopter_editor)
    page.set_viewport_size(PHONE)
    page.goto(url("organisations:join"))
    _fits(page, "join form")
    assert_no_axe_violations(page, "join form")
    page.get_by_label("Y-tunnus").fill("0100002-8")  # wrong check digit
    page.locator("main form").get_by_role("button").click()
    expect(page.locator('main [aria-invalid="true"]').first).to_be_visible()
    _fits(page, "join form with errors")
    assert_no_axe_violations(page, "join form with errors")


def test_the_queue_is_accessible_on_a_phone(page: Page, scenario: Any, url, log_in) -> None:
    from organisations import join_requests

    join_requests.join_request_create(
        actor=scenario.adopter_editor,
        data={
            "name": "Pohjolan" + "innovaatio" * 12 + "säätiö",
            "kind": "third_sector",
            "contact_name": "Pia Pohjola",
            "contact_email": "pia@example.fi",
            "message": "Kehitämme palveluja kuntien kanssa.",
        },
    )
    log_in(page, scenario.admin)
    page.set_viewport_size(PHONE)
    page.goto(url("organisations:join_queue"))
    expect(page.get_by_role("main").get_by_role("heading", level=2)).to_be_visible()
    _fits(page, "join queue")
    assert_no_axe_violations(page, "join queue")


def test_starting_a_network_is_accessible_on_a_phone(page: Page, scenario: Any, url, log_in) -> None:
    from accounts.models import Membership, Role

    Membership.objects.filter(user=scenario.source_editor).update(role=Role.ADMIN)
    log_in(page, scenario.source_editor)
    page.set_viewport_size(PHONE)
    page.goto(url("organisations:network_create"))
    _fits(page, "network creation")
    assert_no_axe_violations(page, "network creation")
    page.locator("main form").get_by_role("button", name="Luo verkosto").click()
    expect(page.locator('main [aria-invalid="true"]').first).to_be_visible()
    assert_no_axe_violations(page, "network creation with errors")
