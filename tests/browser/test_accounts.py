"""The account journeys in a browser: register → verify the address → log in; a forgotten password; an invitation
to an organisation accepted by the owner of the address. Every page on the way passes axe and does not scroll
sideways at 390 px."""

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_accessibility import PHONE, assert_no_axe_violations

pytestmark = pytest.mark.browser


def check(page: Page, where: str) -> None:
    """axe at desktop width, then no sideways scrolling on a phone (WCAG 1.4.10)."""
    assert_no_axe_violations(page, where)
    size = page.viewport_size
    page.set_viewport_size(PHONE)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], where
    if size:
        page.set_viewport_size(size)


def path_in(mail: Any) -> str:
    found = re.search(r"https?://\S+", mail.body)
    assert found, mail.body
    return "/" + found.group(0).split("://", 1)[1].split("/", 1)[1]


def test_register_verify_and_log_in(page: Page, live_server, transactional_db, url, mailoutbox, submit_login):
    page.goto(url("accounts:register"))
    check(page, "register")
    page.get_by_label("Käyttäjätunnus").fill("uusi.ihminen")
    page.get_by_label("Sähköpostiosoite").fill("uusi.ihminen@example.fi")
    page.locator("#id_password1").fill("Kolme-Sanaa-9")
    page.locator("#id_password2").fill("Kolme-Sanaa-9")
    page.get_by_role("button", name="Luo käyttäjätili").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tarkista sähköpostisi")
    check(page, "register: sent")

    assert [m.to for m in mailoutbox] == [["uusi.ihminen@example.fi"]]
    page.goto(path_in(mailoutbox[0]))
    check(page, "verify: ask")
    page.get_by_role("button", name="Vahvista osoite").click()
    expect(page.get_by_role("status")).to_contain_text("Sähköpostiosoitteesi on vahvistettu")
    check(page, "verify: done")

    page.get_by_role("link", name="Kirjaudu sisään").first.click()
    submit_login(page, "uusi.ihminen", "Kolme-Sanaa-9")
    page.goto(url("accounts:profile"))
    expect(page.locator("dl.facts")).to_contain_text("(vahvistettu)")
    check(page, "profile")


def test_an_unverified_person_is_told_and_can_have_the_link_sent_again(
    page: Page, live_server, transactional_db, url, mailoutbox, log_in
):
    from tests.factories import UserFactory

    person = UserFactory(username="vahvistamaton", email="vahvistamaton@example.fi", email_verified_at=None)
    log_in(page, person)
    page.goto(url("accounts:profile"))
    expect(page.get_by_text("ei ole vahvistettu")).to_be_visible()
    page.get_by_role("button", name="Lähetä vahvistuslinkki uudelleen").click()
    expect(page.get_by_text("Lähetimme uuden linkin osoitteeseen vahvistamaton@example.fi")).to_be_visible()
    assert [m.to for m in mailoutbox] == [["vahvistamaton@example.fi"]]
    check(page, "profile: unverified")


def test_a_forgotten_password(page: Page, live_server, transactional_db, url, mailoutbox, submit_login):
    from tests.factories import UserFactory

    UserFactory(username="unohtaja", email="unohtaja@example.fi")
    page.goto(url("accounts:login"))
    page.get_by_role("link", name="Unohditko salasanasi?").click()
    check(page, "password reset")
    page.get_by_label("Sähköpostiosoite").fill("unohtaja@example.fi")
    page.get_by_role("button", name="Lähetä linkki").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tarkista sähköpostisi")
    check(page, "password reset: sent")

    page.goto(path_in(mailoutbox[0]))
    expect(page.get_by_role("heading", level=1)).to_have_text("Valitse uusi salasana")
    check(page, "password reset: choose")
    page.locator("#id_new_password1").fill("Neljä-Sanaa-10")
    page.locator("#id_new_password2").fill("Neljä-Sanaa-10")
    page.get_by_role("button", name="Tallenna salasana").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Salasanasi on vaihdettu")
    check(page, "password reset: done")

    page.goto(url("accounts:login"))
    submit_login(page, "unohtaja", "Neljä-Sanaa-10")
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))

    page.goto(url("accounts:password_change"))
    check(page, "password change")


def test_an_invitation_from_the_members_page_to_its_acceptance(page: Page, browser, scenario, url, mailoutbox, log_in):
    from accounts.models import Membership, Role
    from tests.factories import UserFactory

    admin: Any = UserFactory(username="tampere-admin")
    Membership.objects.create(user=admin, organisation=scenario.source_org, role=Role.ADMIN)
    log_in(page, admin)
    page.goto(url("organisations:members", slug=scenario.source_org.slug))
    page.get_by_label("Sähköpostiosoite").fill("kutsuttu@example.fi")
    page.get_by_role("button", name="Lisää", exact=True).click()
    expect(page.get_by_role("table").filter(has_text="kutsuttu@example.fi")).to_be_visible()
    check(page, "members with an open invitation")

    invitee: Any = UserFactory(username="kutsuttu", email="kutsuttu@example.fi")
    other = browser.new_context(base_url=page.url.split("/fi/")[0])
    try:
        invited = other.new_page()
        log_in(invited, invitee)
        invited.goto(path_in(mailoutbox[-1]))
        check(invited, "invitation")
        invited.get_by_role("button", name="Hyväksy kutsu").click()
        expect(invited.get_by_role("heading", level=1)).to_contain_text(scenario.source_org.name_fi)
    finally:
        other.close()
    assert Membership.objects.get(user=invitee, organisation=scenario.source_org).role == Role.EDITOR
