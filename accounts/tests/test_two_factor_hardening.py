"""Two-step sign-in, hardened: the secret encrypted at rest (what a copy of the database gives an attacker, key
rotation, a wrong key), and the sessions that were signed in before a change to it (or to the password)."""

import base64
import datetime
import importlib
import io
import re
from types import SimpleNamespace
from typing import Any

import pyotp
import pytest
from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.apps import apps as django_apps
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.utils import timezone

from accounts import two_factor
from accounts.models import TwoFactor
from core import encryption
from tests.factories import PASSWORD
from tests.pages import client_for, t, url

KEY_A = Fernet.generate_key().decode()
KEY_B = Fernet.generate_key().decode()
KEY_C = Fernet.generate_key().decode()
BASE32 = re.compile(r"[A-Z2-7]{16,}=*")


def _enrol(user: Any) -> tuple[pyotp.TOTP, list[str]]:
    record = two_factor.enrolment_start(user=user)
    totp = pyotp.TOTP(two_factor.secret_of(record))
    codes = two_factor.enrolment_confirm(user=user, code=totp.at(timezone.now() - datetime.timedelta(seconds=30)))
    return totp, codes


def _raw_secret(user: Any) -> str:
    """What a copy of the database holds: the column as stored, read past the model."""
    table = connection.ops.quote_name(TwoFactor._meta.db_table)
    column = connection.ops.quote_name("encrypted_secret")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE user_id = %s", [user.pk])  # noqa: S608 (names only)
        return str(cursor.fetchone()[0])


def _password_sign_in(user: Any) -> Client:
    client = Client()
    response = client.post(url("accounts:login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def _signed_in(client: Client) -> bool:
    response = client.get(url("accounts:profile"))
    if response.status_code == 200:
        return True
    assert response.status_code == 302
    assert response["Location"].startswith(url("accounts:login")), response["Location"]
    return False


# --- the secret at rest ------------------------------------------------------------------------------------------


def test_the_database_holds_no_usable_secret(editor_a: Any, settings: Any) -> None:
    totp, _codes = _enrol(editor_a)
    raw = _raw_secret(editor_a)
    assert totp.secret not in raw
    assert not BASE32.search(raw)
    # The attack: make codes from what the database holds. It is not a TOTP secret at all.
    with pytest.raises(Exception):  # noqa: B017,PT011 (pyotp refuses what is not base32 in its own way)
        pyotp.TOTP(raw).now()
    # What it is: a Fernet token of the secret under the key derived from SECRET_KEY by HKDF (computed here
    # independently of core.encryption).
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"innoverkko field encryption v1")
    key = base64.urlsafe_b64encode(hkdf.derive(settings.SECRET_KEY.encode()))
    assert Fernet(key).decrypt(raw.encode()).decode() == totp.secret


def test_the_secret_is_not_on_the_page_once_it_is_on(editor_a: Any) -> None:
    totp, _codes = _enrol(editor_a)
    client = client_for(editor_a)
    session = client.session
    del session[two_factor.PENDING_KEY]
    session.save()
    page = client.get(url("accounts:two_factor_setup", "en")).content.decode()
    assert totp.secret not in page
    assert _raw_secret(editor_a) not in page


def test_keys_rotate_without_anyone_noticing(editor_a: Any, settings: Any) -> None:
    settings.FIELD_ENCRYPTION_KEYS = [KEY_A]
    totp, _codes = _enrol(editor_a)
    before = _raw_secret(editor_a)
    assert Fernet(KEY_A.encode()).decrypt(before.encode()).decode() == totp.secret
    # A new key first, the old one still there: old values are read, new ones written with the new key.
    settings.FIELD_ENCRYPTION_KEYS = [KEY_B, KEY_A]
    client = _password_sign_in(editor_a)
    assert client.post(url("accounts:two_factor_verify"), {"code": totp.now()}).status_code == 302
    call_command("rotate_encryption_keys", stdout=io.StringIO())
    after = _raw_secret(editor_a)
    assert after != before
    assert Fernet(KEY_B.encode()).decrypt(after.encode()).decode() == totp.secret
    # The old key removed: everything still works.
    settings.FIELD_ENCRYPTION_KEYS = [KEY_B]
    assert two_factor.secret_of(TwoFactor.objects.get(user=editor_a)) == totp.secret
    later = totp.at(timezone.now() + datetime.timedelta(seconds=30))
    assert two_factor.verify(user=editor_a, code=later)


def test_a_wrong_key_is_a_clear_error_not_a_500(editor_a: Any, settings: Any) -> None:
    settings.FIELD_ENCRYPTION_KEYS = [KEY_A]
    totp, codes = _enrol(editor_a)
    settings.FIELD_ENCRYPTION_KEYS = [KEY_C]  # the key was lost or replaced
    client = _password_sign_in(editor_a)
    for language in ("fi", "sv", "en"):
        response = client.post(url("accounts:two_factor_verify", language), {"code": totp.now()})
        assert response.status_code == 503
        message = t(
            "Codes from your authenticator app cannot be checked just now because of a fault in the service. Sign "
            "in with one of your recovery codes, or try again later.",
            language,
        )
        assert message in response.content.decode()
    assert client.get(url("accounts:profile")).status_code == 302  # still waiting for the second step
    # A recovery code does not depend on the key: the person gets in.
    assert client.post(url("accounts:two_factor_verify"), {"code": codes[0]}).status_code == 302
    assert client.get(url("accounts:profile")).status_code == 200
    # The rotation command names what it cannot open and changes nothing.
    raw = _raw_secret(editor_a)
    with pytest.raises(CommandError, match="opened by no key"):
        call_command("rotate_encryption_keys", stdout=io.StringIO())
    assert _raw_secret(editor_a) == raw


def test_a_malformed_key_is_named_by_the_system_check(settings: Any) -> None:
    settings.FIELD_ENCRYPTION_KEYS = [KEY_A, "not-a-key"]
    with pytest.raises(ImproperlyConfigured, match="key number 2"):
        encryption.encrypt("x")
    problems = encryption.check_keys()
    assert [problem.id for problem in problems] == ["innoverkko.E002"]
    assert "not-a-key" not in problems[0].msg  # the key itself is never printed


def test_production_without_keys_is_warned_about(settings: Any) -> None:
    settings.FIELD_ENCRYPTION_KEYS = []
    settings.DEBUG = False
    assert [problem.id for problem in encryption.check_keys()] == ["innoverkko.W002"]
    settings.FIELD_ENCRYPTION_KEYS = [KEY_A]
    assert encryption.check_keys() == []


def test_the_migration_encrypts_the_secrets_stored_before(editor_a: Any) -> None:
    totp, _codes = _enrol(editor_a)
    TwoFactor.objects.filter(user=editor_a).update(encrypted_secret=totp.secret)  # as stored before
    migration = importlib.import_module("accounts.migrations.0007_encrypt_two_factor_secrets")
    editor = SimpleNamespace(connection=connection)
    migration.encrypt_secrets(django_apps, editor)
    migration.encrypt_secrets(django_apps, editor)  # twice: no double encryption
    raw = _raw_secret(editor_a)
    assert not BASE32.search(raw)
    assert encryption.decrypt(raw) == totp.secret
    migration.decrypt_secrets(django_apps, editor)  # and back
    assert _raw_secret(editor_a) == totp.secret


# --- sessions signed in before ------------------------------------------------------------------------------------


def test_turning_it_on_signs_out_the_sessions_signed_in_with_the_password_alone(editor_a: Any) -> None:
    """The attack: a session opened with a stolen password before the owner switched two-step sign-in on."""
    attacker = _password_sign_in(editor_a)
    owner = _password_sign_in(editor_a)
    assert _signed_in(attacker)
    owner.post(url("accounts:two_factor_setup"), {"action": "start"})
    record = TwoFactor.objects.get(user=editor_a)
    response = owner.post(
        url("accounts:two_factor_setup"), {"action": "confirm", "code": pyotp.TOTP(two_factor.secret_of(record)).now()}
    )
    assert response.status_code == 200
    assert two_factor.is_enabled(editor_a)
    assert not _signed_in(attacker)
    assert _signed_in(owner)


def _two_verified_sessions(user: Any) -> tuple[Client, Client, pyotp.TOTP, list[str]]:
    totp, codes = _enrol(user)
    first, second = _password_sign_in(user), _password_sign_in(user)
    assert first.post(url("accounts:two_factor_verify"), {"code": totp.now()}).status_code == 302
    assert second.post(url("accounts:two_factor_verify"), {"code": codes[0]}).status_code == 302
    assert _signed_in(first)
    assert _signed_in(second)
    return first, second, totp, codes[1:]


def test_turning_it_off_signs_out_the_other_sessions(editor_a: Any) -> None:
    owner, other, _totp, codes = _two_verified_sessions(editor_a)
    response = owner.post(url("accounts:two_factor_setup"), {"action": "disable", "code": codes[0]})
    assert response.status_code == 302
    assert not two_factor.is_enabled(editor_a)
    assert not _signed_in(other)
    assert _signed_in(owner)


def test_new_recovery_codes_sign_out_the_other_sessions(editor_a: Any) -> None:
    """Whoever read the old codes may have signed in with one: that session ends with them."""
    owner, other, _totp, codes = _two_verified_sessions(editor_a)
    response = owner.post(url("accounts:two_factor_setup", "en"), {"action": "recovery_codes", "renew-code": codes[0]})
    assert response.status_code == 200
    new_codes = re.findall(r"<code>([0-9a-f]{8}-[0-9a-f]{8})</code>", response.content.decode())
    assert len(new_codes) == two_factor.RECOVERY_CODES
    assert not set(new_codes) & set(codes)
    assert not _signed_in(other)
    assert _signed_in(owner)
    # The old codes are gone; a new one works.
    assert not two_factor.verify(user=editor_a, code=codes[1])
    assert two_factor.verify(user=editor_a, code=new_codes[0])


def test_new_recovery_codes_need_a_right_code(editor_a: Any) -> None:
    owner, other, _totp, codes = _two_verified_sessions(editor_a)
    response = owner.post(url("accounts:two_factor_setup", "en"), {"action": "recovery_codes", "renew-code": "000000"})
    assert response.status_code == 400
    assert two_factor.verify(user=editor_a, code=codes[0])  # the old ones still work
    assert _signed_in(other)


def test_a_password_change_signs_out_the_other_sessions(registered_user: Any) -> None:
    owner, other = _password_sign_in(registered_user), _password_sign_in(registered_user)
    response = owner.post(
        url("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": "Uusi-salasana-2026!", "new_password2": "Uusi-salasana-2026!"},
    )
    assert response.status_code == 302
    assert not _signed_in(other)
    assert _signed_in(owner)
