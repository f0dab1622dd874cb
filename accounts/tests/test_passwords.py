"""Password reset by e-mail (the page does not tell whether an address has an account; the link works once and
expires) and password change on the profile page."""

import datetime
import re
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.test import Client

from tests.factories import PASSWORD, UserFactory
from tests.pages import link_in, url

pytestmark = pytest.mark.django_db
NEW = "Uusi-Salasana-42"


def _visible(response: Any) -> str:
    page = response.content.decode()
    page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page)
    return re.sub(r'nonce="[^"]+"', "", page)


def _reset(email: str, language: str = "fi") -> tuple[int, str, str]:
    client = Client()
    response = client.post(url("accounts:password_reset", language), {"email": email})
    return response.status_code, response["Location"], _visible(client.get(response["Location"]))


def _choose(client: Client, link: str, password: str = NEW) -> Any:
    page = client.get(link, follow=True)  # Django moves the token into the session, then shows the form
    return client.post(
        page.redirect_chain[-1][0] if page.redirect_chain else link,
        {
            "new_password1": password,
            "new_password2": password,
        },
    )


def test_the_reset_page_answers_the_same_whether_or_not_the_address_has_an_account(mailoutbox):
    UserFactory(email="olemassa@example.fi")
    assert _reset("olemassa@example.fi") == _reset("tuntematon@example.fi")
    assert [m.to for m in mailoutbox] == [["olemassa@example.fi"]]


def test_a_reset_link_sets_a_new_password_once(mailoutbox):
    user = UserFactory(email="olemassa@example.fi")
    _reset("OLEMASSA@example.fi", "sv")
    link = link_in(mailoutbox[0])
    assert link.startswith("/sv/")
    client = Client()
    assert _choose(client, link).status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW)
    again = _choose(Client(), link, "Kolmas-Salasana-77")
    assert again.status_code == 200
    assert not again.context["validlink"]
    user.refresh_from_db()
    assert user.check_password(NEW)


def test_a_reset_link_expires(mailoutbox, monkeypatch):
    user = UserFactory(email="olemassa@example.fi")
    _reset("olemassa@example.fi")
    link = link_in(mailoutbox[0])
    later = datetime.datetime.now() + datetime.timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT + 60)
    monkeypatch.setattr(default_token_generator, "_now", lambda: later)
    response = _choose(Client(), link)
    assert response.status_code == 200
    assert not response.context["validlink"]
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_the_reset_link_uses_the_sites_address_not_the_requests_host(mailoutbox, settings):
    settings.ALLOWED_HOSTS = ["*"]
    UserFactory(email="olemassa@example.fi")
    Client().post(url("accounts:password_reset"), {"email": "olemassa@example.fi"}, HTTP_HOST="evil.example")
    assert "evil.example" not in mailoutbox[0].body
    assert settings.SITE_URL in mailoutbox[0].body


def test_the_password_is_changed_on_the_profile_with_the_old_one(client):
    user = UserFactory()
    client.force_login(user)
    assert url("accounts:password_change") in client.get(url("accounts:profile")).content.decode()
    wrong = client.post(
        url("accounts:password_change"), {"old_password": "wrong", "new_password1": NEW, "new_password2": NEW}
    )
    assert wrong.status_code == 200
    assert "old_password" in wrong.context["form"].errors
    right = client.post(
        url("accounts:password_change"), {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW}
    )
    assert right.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW)
    assert client.get(url("accounts:profile")).status_code == 200  # still signed in


def test_changing_the_password_needs_signing_in(client):
    response = client.get(url("accounts:password_change"))
    assert response.status_code == 302
    assert "/login/" in response["Location"]


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_the_password_pages_render_in_every_language(client, language):
    for name in ("accounts:password_reset", "accounts:password_reset_done", "accounts:password_reset_complete"):
        response = client.get(url(name, language))
        assert response.status_code == 200
        assert f'lang="{language}"' in response.content.decode()
    client.force_login(UserFactory())
    assert client.get(url("accounts:password_change", language)).status_code == 200
