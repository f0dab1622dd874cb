"""E-mail verification: the link is signed, expires and works once; registration tells nobody whether an address
has an account; changing the address needs verifying it again; identification providers' verified addresses."""

import datetime
import re
from typing import Any

import pytest
from django.contrib.auth.hashers import make_password
from django.core import signing
from django.core.exceptions import ValidationError
from django.test import Client

from accounts import verification
from accounts.identity import identity_sign_in
from accounts.models import IdentityProvider, User
from tests.factories import PASSWORD, UserFactory
from tests.pages import link_in, url

pytestmark = pytest.mark.django_db


def _registration(**changes: Any) -> dict[str, str]:
    data = {"username": "uusi.kayttaja", "email": "uusi@example.fi", "password1": "Kolme-Sanaa-9"}
    data["password2"] = data["password1"]
    data.update(changes)
    return data


def _visible(response: Any) -> str:
    """The page without the parts that differ on every response (CSRF tokens, nonces)."""
    page = response.content.decode()
    page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page)
    return re.sub(r'nonce="[^"]+"', "", page)


# --- registration does not tell who has an account ------------------------------------------------------------------


def test_registration_answers_the_same_for_a_new_and_a_taken_address(mailoutbox):
    owner = UserFactory(username="omistaja", email="Varattu@example.fi")  # verified (the factories' default)
    answers = []
    for email in ("vapaa@example.fi", "varattu@example.fi"):
        client = Client()
        response = client.post(url("accounts:register"), _registration(username=f"u-{email[:5]}", email=email))
        answers.append((response.status_code, response["Location"], _visible(client.get(response["Location"]))))
    assert answers[0] == answers[1]
    assert answers[0][:2] == (302, url("accounts:register_done"))
    # The free address got an account and a link; the taken one got no account, and its owner was told.
    assert User.objects.filter(username="u-vapaa").exists()
    assert not User.objects.filter(username="u-varat").exists()
    assert [m.to for m in mailoutbox] == [["vapaa@example.fi"], [owner.email]]
    assert "omistaja" in mailoutbox[1].body
    assert url("accounts:password_reset") in mailoutbox[1].body


def test_an_unverified_copy_of_an_address_does_not_keep_its_owner_out(mailoutbox):
    UserFactory(username="valehtelija", email="oikea@example.fi", email_verified_at=None)
    response = Client().post(url("accounts:register"), _registration(username="oikea", email="oikea@example.fi"))
    assert response.status_code == 302
    owner = User.objects.get(username="oikea")
    assert mailoutbox[-1].to == ["oikea@example.fi"]
    Client().post(link_in(mailoutbox[-1]))
    owner.refresh_from_db()
    assert owner.email_verified


def test_the_verification_mail_is_in_the_language_of_registration(mailoutbox):
    Client().post(url("accounts:register", "sv"), _registration())
    assert "/sv/" in mailoutbox[0].body
    Client().post(url("accounts:register", "en"), _registration(username="toinen", email="toinen@example.fi"))
    assert "/en/" in mailoutbox[1].body
    assert "verify your e-mail address" in mailoutbox[1].body


# --- the link ---------------------------------------------------------------------------------------------------------


def test_register_verify_and_log_in(mailoutbox):
    client = Client()
    client.post(url("accounts:register"), _registration())
    user = User.objects.get(username="uusi.kayttaja")
    assert not user.email_verified
    link = link_in(mailoutbox[0])
    assert client.get(link).status_code == 200  # a mail filter opening the link does not use it up
    user.refresh_from_db()
    assert not user.email_verified
    response = client.post(link)
    assert response.status_code == 200
    user.refresh_from_db()
    assert user.email_verified
    assert (
        client.post(url("accounts:login"), {"username": "uusi.kayttaja", "password": "Kolme-Sanaa-9"}).status_code
        == 302
    )


def test_a_link_works_once():
    user = UserFactory(email_verified_at=None)
    token = verification.verification_token(user)
    verification.email_verify(token=token)
    with pytest.raises(ValidationError) as used:
        verification.email_verify(token=token)
    assert used.value.code == "used"


def test_a_link_expires(monkeypatch):
    user = UserFactory(email_verified_at=None)
    token = verification.verification_token(user)
    later = datetime.datetime.now().timestamp() + verification.VERIFICATION_MAX_AGE.total_seconds() + 5
    monkeypatch.setattr(signing.time, "time", lambda: later)
    with pytest.raises(ValidationError) as expired:
        verification.email_verify(token=token)
    assert expired.value.code == "expired"
    user.refresh_from_db()
    assert not user.email_verified


def test_a_forged_or_altered_link_is_refused():
    user = UserFactory(email_verified_at=None)
    other = UserFactory(email_verified_at=None)
    token = verification.verification_token(user)
    forged = signing.dumps({"u": other.pk, "s": "0" * 32}, salt="something else")
    for bad in (token[:-2] + "xx", forged, "nonsense"):
        with pytest.raises(ValidationError):
            verification.email_verify(token=bad)
    # The signed state of one account does not verify another.
    payload = signing.loads(token, salt=verification.SALT)
    swapped = signing.dumps({"u": other.pk, "s": payload["s"]}, salt=verification.SALT)
    with pytest.raises(ValidationError):
        verification.email_verify(token=swapped)
    other.refresh_from_db()
    assert not other.email_verified


def test_the_link_of_an_old_address_does_not_verify_the_new_one(mailoutbox):
    user = UserFactory(email="vanha@example.fi", email_verified_at=None)
    old_token = verification.verification_token(user)
    verification.email_change(actor=user, email="uusi@example.fi", language="fi")
    with pytest.raises(ValidationError):
        verification.email_verify(token=old_token)
    user.refresh_from_db()
    assert not user.email_verified


def test_an_address_another_account_verified_cannot_be_verified_again():
    UserFactory(email="yhteinen@example.fi")
    copy = UserFactory(email="Yhteinen@example.fi", email_verified_at=None)
    with pytest.raises(ValidationError) as taken:
        verification.email_verify(token=verification.verification_token(copy))
    assert taken.value.code == "taken"


def test_changing_the_address_needs_verifying_it_again_and_tells_the_old_address(client, mailoutbox):
    user = UserFactory(email="vanha@example.fi")
    client.force_login(user)
    response = client.post(
        url("accounts:profile"), {"action": "change_email", "email": "uusi@example.fi", "password": PASSWORD}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.email, user.email_verified) == ("uusi@example.fi", False)
    assert sorted(m.to[0] for m in mailoutbox) == ["uusi@example.fi", "vanha@example.fi"]
    verify = next(m for m in mailoutbox if m.to == ["uusi@example.fi"])
    client.post(link_in(verify))
    user.refresh_from_db()
    assert user.email_verified


def test_changing_the_address_needs_the_password(client, mailoutbox):
    user = UserFactory(email="vanha@example.fi")
    client.force_login(user)
    response = client.post(
        url("accounts:profile"), {"action": "change_email", "email": "uusi@example.fi", "password": "wrong"}
    )
    assert response.status_code == 400
    user.refresh_from_db()
    assert (user.email, user.email_verified) == ("vanha@example.fi", True)
    assert not mailoutbox


def test_resending_the_link(client, mailoutbox):
    user = UserFactory(email_verified_at=None)
    client.force_login(user)
    response = client.post(url("accounts:verification_resend"))
    assert response.status_code == 302
    assert [m.to for m in mailoutbox] == [[user.email]]
    client.post(link_in(mailoutbox[0]))
    user.refresh_from_db()
    assert user.email_verified
    client.post(url("accounts:verification_resend"))
    assert len(mailoutbox) == 1  # nothing to verify any more


def test_resending_needs_signing_in(client, mailoutbox):
    response = client.post(url("accounts:verification_resend"))
    assert response.status_code == 302
    assert "/login/" in response["Location"]
    assert not mailoutbox


def test_the_profile_shows_whether_the_address_is_verified(client):
    user = UserFactory(email_verified_at=None)
    client.force_login(user)
    page = client.get(url("accounts:profile", "en")).content.decode()
    assert "not verified" in page
    assert url("accounts:verification_resend", "en") in page


# --- identification providers ----------------------------------------------------------------------------------------


@pytest.fixture
def provider() -> IdentityProvider:
    return IdentityProvider.objects.create(
        slug="idp", name="IdP", discovery_url="https://idp.example/.well-known/openid-configuration", client_id="c"
    )


def test_a_providers_verified_address_counts_as_verified(provider):
    user = identity_sign_in(
        actor=None, provider=provider, claims={"sub": "1", "email": "idp@example.fi", "email_verified": True}
    )
    assert user.email_verified


def test_a_providers_unverified_address_is_not_stored(provider):
    user = identity_sign_in(actor=None, provider=provider, claims={"sub": "2", "email": "idp@example.fi"})
    assert (user.email, user.email_verified) == ("", False)


def test_a_provider_does_not_take_an_address_another_account_verified(provider):
    UserFactory(email="idp@example.fi")
    user = identity_sign_in(
        actor=None, provider=provider, claims={"sub": "3", "email": "idp@example.fi", "email_verified": True}
    )
    assert not user.email_verified


def test_registration_takes_as_long_to_hash_for_a_taken_address(monkeypatch):
    UserFactory(email="varattu@example.fi")
    hashed = []
    monkeypatch.setattr(
        verification, "make_password", lambda password: hashed.append(password) or make_password(password)
    )
    assert (
        verification.account_register(username="x", email="varattu@example.fi", password="Pw-12345678", language="fi")
        is None
    )
    assert hashed == ["Pw-12345678"]


def test_existing_accounts_are_unverified_after_the_migration_except_providers_verified_ones():
    """The data migration, replayed on rows made as they were before it."""
    from importlib import import_module

    from django.apps import apps

    migration = import_module("accounts.migrations.0004_existing_addresses_unverified")
    provider = IdentityProvider.objects.create(
        slug="p", name="P", discovery_url="https://p.example/.well-known/openid-configuration", client_id="c"
    )
    typed = UserFactory(email="kirjoitettu@example.fi", email_verified_at=None)
    through_provider = UserFactory(email="idp@example.fi", email_verified_at=None, password="!")
    through_provider.set_unusable_password()
    through_provider.save()
    twin = UserFactory(email="IDP@example.fi", email_verified_at=None)
    twin.set_unusable_password()
    twin.save()
    for n, user in enumerate((through_provider, twin)):
        user.identities.create(provider=provider, subject=str(n))
    migration.mark_provider_addresses_verified(apps, None)
    verified = {u.username for u in User.objects.filter(email_verified_at__isnull=False)}
    assert through_provider.username in verified
    assert typed.username not in verified
    assert twin.username not in verified  # a verified address names one account: the older keeps it


def test_any_change_of_the_address_clears_its_verification():
    """The Django admin (or any script) saving a new address: the verification was of the old one."""
    user = UserFactory(email="vanha@example.fi")
    user.email = "toinen@example.fi"
    user.save()
    user.refresh_from_db()
    assert not user.email_verified
    other = UserFactory(email="pysyva@example.fi")
    other.first_name = "Uusi nimi"
    other.save()
    other.email = "PYSYVA@example.fi"  # the same address in other letters stays verified
    other.save(update_fields=["email"])
    other.refresh_from_db()
    assert other.email_verified
