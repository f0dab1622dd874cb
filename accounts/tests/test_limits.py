"""An attacker's tries at passwords and at making accounts: refused with 429 in the person's language, while the
owner of an account under attack still gets in from a browser they used before."""

from typing import Any
from unittest import mock

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory
from django.utils import translation
from django.utils.translation import ngettext

from accounts import limits as account_limits
from accounts.models import User
from core import limits as core_limits
from tests.factories import PASSWORD, UserFactory
from tests.pages import client_for, url

pytestmark = pytest.mark.django_db
ATTACKER = "198.51.100.66"


class Clock:
    def __init__(self) -> None:
        self.now = 1_900_000_800.0  # the start of a 15-minute window and of an hour

    def time(self) -> float:
        return self.now


def sign_in(client: Client, username: str, password: str, *, address: str = ATTACKER, language: str = "fi") -> Any:
    return client.post(
        url("accounts:login", language), {"username": username, "password": password}, REMOTE_ADDR=address
    )


def refused_message(language: str, minutes: int) -> str:
    with translation.override(language):
        return ngettext(
            "Too many sign-in attempts. Wait %(minutes)s minute and try again.",
            "Too many sign-in attempts. Wait %(minutes)s minutes and try again.",
            minutes,
        ) % {"minutes": minutes}


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_a_hundred_wrong_passwords_then_the_right_one_is_refused_in_the_persons_language(language: str) -> None:
    victim: Any = UserFactory(username="victim")
    clock = Clock()
    client = Client()
    with mock.patch("core.limits.time", clock):
        statuses = [sign_in(client, "victim", f"guess-{n}", language=language).status_code for n in range(100)]
        right = sign_in(client, "victim", PASSWORD, language=language)
    # The password was checked ten times (the form said "wrong"); the other ninety were refused unchecked.
    assert statuses.count(200) == core_limits.parse_rate(account_limits.SIGN_IN_ACCOUNT_RATE).limit
    assert statuses.count(429) == 90
    assert right.status_code == 429
    # Both the account's 15 minutes and the address's hour are over their limits: the longer wait is told.
    assert int(right["Retry-After"]) == 3600
    assert refused_message(language, 60) in right.content.decode()
    assert refused_message(language, 60) != refused_message("en", 60) or language == "en"  # really translated
    assert "_auth_user_id" not in client.session
    # When the windows are over (the address's hour too), the owner signs in.
    clock.now += 3600
    assert sign_in(client, "victim", PASSWORD, language=language).status_code == 302
    assert client.session["_auth_user_id"] == str(victim.pk)


def test_the_lock_on_an_account_ends_with_its_window() -> None:
    UserFactory(username="victim")
    clock = Clock()
    with mock.patch("core.limits.time", clock):
        for n in range(11):
            sign_in(Client(), "victim", f"guess-{n}")
        assert sign_in(Client(), "victim", PASSWORD, address="192.0.2.10").status_code == 429  # locked everywhere
        clock.now += 15 * 60
        assert sign_in(Client(), "victim", PASSWORD, address="192.0.2.10").status_code == 302


def test_an_attacker_cannot_keep_the_owner_out_of_a_browser_they_signed_in_with_before() -> None:
    UserFactory(username="victim")
    owners_browser = Client()
    assert sign_in(owners_browser, "victim", PASSWORD, address="192.0.2.10").status_code == 302
    owners_browser.post(url("accounts:logout"))
    attacker = Client()
    for n in range(100):
        sign_in(attacker, "victim", f"guess-{n}")
    assert sign_in(attacker, "victim", PASSWORD).status_code == 429
    assert sign_in(Client(), "victim", PASSWORD, address="192.0.2.11").status_code == 429  # a new browser waits
    assert sign_in(owners_browser, "victim", PASSWORD, address="192.0.2.10").status_code == 302


def test_a_device_cookie_of_one_account_is_no_key_to_another() -> None:
    UserFactory(username="victim")
    UserFactory(username="attacker")
    attacker = Client()
    assert sign_in(attacker, "attacker", PASSWORD).status_code == 302
    attacker.post(url("accounts:logout"))
    statuses = [sign_in(attacker, "victim", f"guess-{n}").status_code for n in range(30)]
    assert statuses.count(200) == 10
    # A cookie the attacker wrote is not signed by the site and is ignored.
    forged = Client()
    forged.cookies[account_limits.DEVICE_COOKIE] = '{"account": "victim", "device": "x"}'
    assert sign_in(forged, "victim", PASSWORD, address="192.0.2.12").status_code == 429


def test_one_address_trying_many_accounts_is_stopped() -> None:
    for n in range(25):
        UserFactory(username=f"person{n}")
    statuses = [sign_in(Client(), f"person{n}", "Salasana1").status_code for n in range(25)]
    assert statuses.count(200) == core_limits.parse_rate(account_limits.SIGN_IN_ADDRESS_RATE).limit
    assert statuses[-1] == 429


def test_successful_sign_ins_do_not_count() -> None:
    UserFactory(username="busy")
    statuses = [sign_in(Client(), "busy", PASSWORD, address="192.0.2.20").status_code for _ in range(30)]
    assert statuses == [302] * 30


def test_the_admins_log_in_is_limited_too() -> None:
    UserFactory(username="admin-victim", is_staff=True, is_superuser=True)
    client = Client()
    page = url("admin:login")
    statuses = [
        client.post(page, {"username": "admin-victim", "password": f"guess-{n}"}, REMOTE_ADDR=ATTACKER).status_code
        for n in range(30)
    ]
    assert statuses.count(200) == 10
    assert client.post(page, {"username": "admin-victim", "password": PASSWORD}, REMOTE_ADDR=ATTACKER).status_code == (
        429
    )


# --- registration ---------------------------------------------------------------------------------------------------


def register(client: Client, number: int, *, address: str = ATTACKER) -> Any:
    data = {
        "username": f"flood{number}",
        "email": f"flood{number}@example.fi",
        "password1": "Pitka-salasana-2026",
        "password2": "Pitka-salasana-2026",
    }
    return client.post(url("accounts:register"), data, REMOTE_ADDR=address)


def test_a_registration_flood_from_one_address_is_refused() -> None:
    statuses = [register(Client(), n).status_code for n in range(50)]
    limit = core_limits.parse_rate(account_limits.REGISTER_RATE).limit
    assert statuses[:limit] == [302] * limit
    assert set(statuses[limit:]) == {429}
    assert User.objects.filter(username__startswith="flood").count() == limit
    response = register(Client(), 99)
    with translation.override("fi"):
        minutes = -(-int(response["Retry-After"]) // 60)
        expected = ngettext(
            "Too many accounts were made from your address. Wait %(minutes)s minute and try again.",
            "Too many accounts were made from your address. Wait %(minutes)s minutes and try again.",
            minutes,
        ) % {"minutes": minutes}
    assert expected in response.content.decode()
    # Another address is not held up.
    assert register(Client(), 100, address="192.0.2.30").status_code == 302


# --- password reset (the function the reset view calls) ------------------------------------------------------------


def _asked(request: HttpRequest) -> HttpResponse:
    return HttpResponse("sent")


def test_password_reset_requests_are_limited_per_mailbox_and_per_address() -> None:
    view = account_limits.password_reset_limited(_asked)

    def ask(email: str, address: str) -> int:
        request = RequestFactory().post("/", {"email": email}, REMOTE_ADDR=address)
        request.user = mock.Mock(is_authenticated=False)
        return view(request).status_code

    # One mailbox, from many addresses: three an hour.
    assert [ask("Victim@Example.fi", f"192.0.2.{n}") for n in range(5)] == [200, 200, 200, 429, 429]
    # One address, many mailboxes: ten an hour.
    statuses = [ask(f"someone{n}@example.fi", ATTACKER) for n in range(12)]
    assert statuses == [200] * 10 + [429] * 2


def test_the_password_reset_page_mails_a_mailbox_three_times_an_hour_at_most(mailoutbox) -> None:
    UserFactory(email="victim@example.fi")
    with mock.patch("core.limits.time", Clock()):
        statuses = [
            Client().post(url("accounts:password_reset"), {"email": "victim@example.fi"}, REMOTE_ADDR=f"192.0.2.{n}")
            for n in range(6)
        ]
    assert [response.status_code for response in statuses] == [302] * 3 + [429] * 3
    assert len(mailoutbox) == 3


def test_a_new_verification_link_can_be_asked_for_three_times_an_hour(mailoutbox) -> None:
    user: Any = UserFactory(email_verified_at=None)
    client = client_for(user)
    with mock.patch("core.limits.time", Clock()):
        statuses = [client.post(url("accounts:verification_resend")).status_code for _ in range(5)]
    assert statuses == [302] * 3 + [429] * 2
    assert len(mailoutbox) == 3
