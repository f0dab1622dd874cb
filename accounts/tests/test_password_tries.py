"""Guessing the password through the forms a signed-in person uses: deleting the account, changing the password,
changing the e-mail address. The attack: somebody at an unlocked computer (a session, no password) tries password
after password. One shared count per person (accounts.limits.password_check) stops them on every form together."""

from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from accounts.limits import PASSWORD_CHECK_RATE, password_check_message
from accounts.models import User
from core.limits import parse_rate
from tests.factories import PASSWORD
from tests.pages import client_for, url

LIMIT = parse_rate(PASSWORD_CHECK_RATE).limit
REFUSED = (200, 400)  # a wrong password: the form again with its error (Django's password change page says 200)


def _delete(client: Client, password: str, language: str = "en") -> Any:
    return client.post(url("accounts:account_delete", language), {"password": password})


def _change_password(client: Client, password: str, language: str = "en") -> Any:
    return client.post(
        url("accounts:password_change", language),
        {"old_password": password, "new_password1": "Uusi-salasana-2026!", "new_password2": "Uusi-salasana-2026!"},
    )


def _change_email(client: Client, password: str, language: str = "en") -> Any:
    return client.post(
        url("accounts:profile", language), {"action": "change_email", "email": "new@example.fi", "password": password}
    )


def password_check_message_in(language: str, minutes: int) -> str:
    with translation.override(language):
        return password_check_message(minutes)


FORMS = {"delete": _delete, "password": _change_password, "email": _change_email}


@pytest.mark.parametrize("form", sorted(FORMS))
def test_guessing_the_password_is_stopped_even_for_the_right_one(form: str, registered_user: Any) -> None:
    client = client_for(registered_user)
    send = FORMS[form]
    statuses = [send(client, f"guess-{n}").status_code for n in range(LIMIT + 3)]
    assert all(status in REFUSED for status in statuses[:LIMIT]), statuses
    assert statuses[LIMIT:] == [429] * 3
    # The right password now: refused too, with the reason in the person's language, and nothing done.
    for language in ("fi", "sv", "en"):
        refused = send(client, PASSWORD, language)
        assert refused.status_code == 429
        assert int(refused["Retry-After"]) > 0
        minutes = -(-int(refused["Retry-After"]) // 60)
        with translation.override(language):
            assert password_check_message(minutes) in refused.content.decode()
        assert (
            password_check_message_in(language, minutes) != password_check_message_in("en", minutes) or language == "en"
        )
    person = User.objects.get(pk=registered_user.pk)
    assert person.check_password(PASSWORD)
    assert person.email != "new@example.fi"


def test_the_count_is_shared_by_every_form(registered_user: Any) -> None:
    """Spreading the guesses over the three forms gains nothing."""
    client = client_for(registered_user)
    sends = [FORMS[name] for name in sorted(FORMS)]
    statuses = [sends[n % 3](client, f"guess-{n}").status_code for n in range(LIMIT + 1)]
    assert all(status in REFUSED for status in statuses[:LIMIT]), statuses
    assert statuses[LIMIT] == 429
    assert _delete(client, PASSWORD).status_code == 429
    assert User.objects.filter(pk=registered_user.pk).exists()


def test_right_passwords_do_not_add_up(registered_user: Any) -> None:
    """Only failures count: a person who types their password right many times is never stopped."""
    client = client_for(registered_user)
    for _n in range(LIMIT + 2):
        assert _change_email(client, PASSWORD).status_code == 302
    assert _delete(client, "wrong").status_code == 400
    assert _delete(client, PASSWORD).status_code == 302
    assert not User.objects.filter(pk=registered_user.pk).exists()


def test_one_persons_guesses_do_not_stop_another(registered_user: Any, editor_a: Any) -> None:
    attacker = client_for(registered_user)
    for n in range(LIMIT + 1):
        _delete(attacker, f"guess-{n}")
    assert _change_password(client_for(editor_a), PASSWORD).status_code == 302


def test_the_admins_password_change_is_the_limited_page(platform_admin: Any) -> None:
    response = client_for(platform_admin).get(url("admin:password_change", "en"))
    assert response.status_code == 302
    assert response["Location"] == url("accounts:password_change", "en")
