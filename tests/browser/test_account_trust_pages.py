"""The legal pages, the data download and deletion pages and two-step sign-in in a browser: axe clean and no
sideways scrolling at 390 px; two-step sign-in set up by scanning (reading the key) and then asked at log-in."""

import re
from typing import Any

import pyotp
import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_accounts import check

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_legal_pages_are_accessible_and_fit_a_phone(page: Page, live_server, transactional_db, url, language):
    for name in ("core:privacy", "core:accessibility", "core:terms"):
        page.goto(url(name, language=language))
        expect(page.locator("html")).to_have_attribute("lang", language)
        check(page, f"{name} {language}")
        # Reached from the footer of the page itself.
        expect(page.locator(f'footer a[href="{url(name, language=language)}"]')).to_be_visible()


def test_deletion_page_is_accessible_and_fits_a_phone(page: Page, scenario: Any, url, log_in):
    log_in(page, scenario.adopter_editor)
    page.goto(url("accounts:account_delete"))
    check(page, "account deletion")


def test_two_step_sign_in_set_up_then_asked_at_log_in(page: Page, scenario: Any, url, log_in, submit_login):
    editor = scenario.adopter_editor
    log_in(page, editor, language="en")
    page.goto(url("accounts:two_factor_setup", language="en"))
    check(page, "two-step set-up, start")
    page.get_by_role("button", name="Set up two-step sign-in").click()
    expect(page.locator(".qr-code svg")).to_be_visible()
    check(page, "two-step set-up, QR code")
    secret = page.locator("code.token-key").inner_text().strip()
    page.get_by_role("textbox", name=re.compile(r"^Code")).fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Turn on").click()
    expect(page.locator(".recovery-codes li")).to_have_count(10)
    check(page, "two-step set-up, recovery codes")
    page.get_by_role("button", name="Log out").click()

    page.goto(url("accounts:login", language="en"))
    submit_login(page, editor)
    expect(page).to_have_url(re.compile(r"/accounts/two-step/"))
    check(page, "two-step code page")
    page.get_by_role("textbox", name=re.compile(r"^Code")).fill("000000")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("The code is not correct").first).to_be_visible()
    check(page, "two-step code page with an error")


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_a_required_set_up_says_why_and_leads_back(page: Page, scenario: Any, url, log_in, language):
    """The organisation requires two-step sign-in: its editor is held at the set-up page, told why in their
    language, sets it up and is led back to the page they wanted."""
    from accounts.models import Membership, Role

    editor = scenario.adopter_editor
    organisation = Membership.objects.filter(user=editor, role__in=[Role.EDITOR, Role.ADMIN]).get().organisation
    organisation.requires_two_factor = True
    organisation.save()
    log_in(page, editor, language=language)
    wanted = url("innovations:create", language=language)
    page.goto(wanted)
    expect(page).to_have_url(re.compile(r"/accounts/profile/two-step/"))
    name = getattr(organisation, f"name_{language}") or organisation.name  # the page names it in its language
    expect(page.locator(".notice[role=alert]")).to_contain_text(name)
    check(page, f"two-step set-up required {language}")
    page.locator("form:has(input[value=start]) button").click()
    secret = page.locator("code.token-key").inner_text().strip()
    page.locator("input[name=code]").fill(pyotp.TOTP(secret).now())
    page.locator("form:has(input[value=confirm]) button").click()
    expect(page.locator(".recovery-codes li")).to_have_count(10)
    page.locator(f'.new-token a[href="{wanted}"]').click()
    expect(page).to_have_url(re.compile(re.escape(wanted) + r"$"))
