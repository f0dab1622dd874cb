"""Log in, log out, register and the profile page with its API tokens."""

from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation

from accounts.models import ApiToken, Role, User, hash_token
from accounts.services import api_token_create
from tests.factories import PASSWORD, MembershipFactory, UserFactory
from tests.pages import url

pytestmark = pytest.mark.django_db
LANGUAGES = ("fi", "sv", "en")


@pytest.mark.parametrize("language", LANGUAGES)
def test_account_pages_render_in_every_language(client, language):
    for name in ("accounts:login", "accounts:register"):
        response = client.get(url(name, language))
        assert response.status_code == 200
        page = response.content.decode()
        assert page.count("<h1") == 1
        assert f'<html lang="{language}"' in page
    client.force_login(UserFactory())
    response = client.get(url("accounts:profile", language))
    assert response.status_code == 200
    assert response.content.decode().count("<h1") == 1


# --- log in and out ------------------------------------------------------------------------------------------------


def test_log_in_goes_to_the_next_page(client):
    user = UserFactory()
    response = client.post(
        url("accounts:login"), {"username": user.username, "password": PASSWORD, "next": "/fi/networks/"}
    )
    assert response.status_code == 302
    assert response.url == "/fi/networks/"
    assert client.session["_auth_user_id"] == str(user.pk)


def test_log_in_refuses_a_foreign_next_address(client):
    user = UserFactory()
    response = client.post(
        url("accounts:login"), {"username": user.username, "password": PASSWORD, "next": "https://evil.example.com/"}
    )
    assert response.status_code == 302
    assert "evil" not in response.url


def test_wrong_password_shows_the_error_summary(client):
    user = UserFactory()
    response = client.post(url("accounts:login", "en"), {"username": user.username, "password": "wrong"})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'class="error-summary"' in page
    assert "_auth_user_id" not in client.session


def test_log_out_is_post_only(client):
    client.force_login(UserFactory())
    assert client.get(url("accounts:logout")).status_code == 405
    response = client.post(url("accounts:logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_a_logged_in_person_opening_the_login_page_goes_on(client):
    client.force_login(UserFactory())
    assert client.get(url("accounts:login")).status_code == 302


# --- registration -----------------------------------------------------------------------------------------------


def _registration(**changes: Any) -> dict[str, str]:
    data = {
        "username": "uusi.kayttaja",
        "email": "uusi@example.fi",
        "password1": "Kolme-Sanaa-9",
        "password2": "Kolme-Sanaa-9",
    }
    data.update(changes)
    return data


def test_registration_creates_a_plain_unverified_account_and_asks_to_read_the_mail(client, mailoutbox):
    response = client.post(url("accounts:register"), _registration())
    assert response.status_code == 302
    assert response.url == url("accounts:register_done")
    user = User.objects.get(username="uusi.kayttaja")
    assert user.email == "uusi@example.fi"
    assert user.email_verified_at is None
    assert not user.is_staff
    assert not user.is_superuser
    assert not user.memberships.exists()
    assert "_auth_user_id" not in client.session  # they log in after verifying (the same answer as for a taken address)
    assert [mail.to for mail in mailoutbox] == [["uusi@example.fi"]]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"password2": "Something-else-9"}, "password2"),
        ({"password1": "123", "password2": "123"}, "password2"),
        ({"email": "not an address"}, "email"),
        ({"email": ""}, "email"),
        ({"username": ""}, "username"),
    ],
)
def test_registration_errors_are_on_their_fields(client, changes, field):
    response = client.post(url("accounts:register", "en"), _registration(**changes))
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert 'class="error-summary"' in response.content.decode()
    assert not User.objects.filter(username=changes.get("username", "uusi.kayttaja") or "-").exists()


def test_registration_input_is_kept_after_an_error(client):
    response = client.post(url("accounts:register"), _registration(password2="different-9X"))
    page = response.content.decode()
    assert 'value="uusi.kayttaja"' in page
    assert 'value="uusi@example.fi"' in page
    assert "Kolme-Sanaa-9" not in page  # passwords are never sent back


# --- profile ----------------------------------------------------------------------------------------------------


def test_profile_needs_log_in(client):
    response = client.get(url("accounts:profile"))
    assert response.status_code == 302
    assert response.url.startswith(url("accounts:login"))


def test_profile_lists_organisations_and_roles(client):
    membership = MembershipFactory(role=Role.ADMIN)
    client.force_login(membership.user)
    with translation.override("en"):
        page = client.get(url("accounts:profile", "en")).content.decode()
        members_page = reverse("organisations:members", kwargs={"slug": membership.organisation.slug})
    assert membership.organisation.name_en in page
    assert "Organisation administrator" in page
    assert members_page in page


def test_a_new_token_key_is_shown_once(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(url("accounts:profile"), {"action": "create_token", "name": "Raportointi"})
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0")
    key = response.context["new_key"]
    token = ApiToken.objects.get(user=user)
    assert token.name == "Raportointi"
    assert token.key_hash == hash_token(key)
    assert key in response.content.decode()
    assert key not in client.get(url("accounts:profile")).content.decode()


def test_a_token_needs_a_name(client):
    client.force_login(UserFactory())
    response = client.post(url("accounts:profile"), {"action": "create_token", "name": "  "})
    assert response.status_code == 400
    assert "name" in response.context["create_form"].errors
    assert not ApiToken.objects.exists()


def test_revoking_a_token(client):
    user = UserFactory()
    token, _key = api_token_create(user=user, name="Vanha")
    client.force_login(user)
    response = client.post(url("accounts:profile"), {"action": "revoke_token", "token": token.pk})
    assert response.status_code == 302
    assert not ApiToken.objects.filter(pk=token.pk).exists()


def test_no_one_revokes_another_persons_token(client):
    owner, other = UserFactory(), UserFactory()
    token, _key = api_token_create(user=owner, name="Toisen")
    client.force_login(other)
    client.post(url("accounts:profile"), {"action": "revoke_token", "token": token.pk})
    assert ApiToken.objects.filter(pk=token.pk).exists()
