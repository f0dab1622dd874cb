"""Two-step sign-in (TOTP): enrolment, the second step on every log-in path (the site's, the admin's, a session
made any other way), wrong and replayed codes, recovery codes, switching off, and the limit on guessing."""

import datetime
from typing import Any

import pyotp
import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts import two_factor
from accounts.models import RecoveryCode, TwoFactor
from tests.factories import PASSWORD
from tests.pages import client_for, url


def _enrol(user: Any) -> tuple[pyotp.TOTP, list[str]]:
    record = two_factor.enrolment_start(user=user)
    totp = pyotp.TOTP(two_factor.secret_of(record))
    # The first code is from the previous step, so that the tests' codes for "now" are still unused.
    codes = two_factor.enrolment_confirm(user=user, code=totp.at(timezone.now() - datetime.timedelta(seconds=30)))
    return totp, codes


def _sign_in(client: Client, user: Any, page: str = "accounts:login") -> Any:
    return client.post(url(page), {"username": user.username, "password": PASSWORD})


@pytest.fixture
def editor(editor_a: Any) -> Any:
    return editor_a


def test_enrolment_shows_a_qr_code_and_needs_a_right_code(editor: Any) -> None:
    client = client_for(editor)
    client.post(url("accounts:two_factor_setup", "en"), {"action": "start"})
    page = client.get(url("accounts:two_factor_setup", "en")).content.decode()
    assert "<svg" in page
    record = TwoFactor.objects.get(user=editor)
    assert record.confirmed_at is None
    assert two_factor.secret_of(record) in page
    wrong = client.post(url("accounts:two_factor_setup", "en"), {"action": "confirm", "code": "000000"})
    assert wrong.status_code == 400
    assert not two_factor.is_enabled(editor)
    right = client.post(
        url("accounts:two_factor_setup", "en"),
        {"action": "confirm", "code": pyotp.TOTP(two_factor.secret_of(record)).now()},
    )
    assert right.status_code == 200
    assert two_factor.is_enabled(editor)
    assert right.content.decode().count("<code>") == two_factor.RECOVERY_CODES
    # Stored hashed: no code in the table.
    hashes = set(RecoveryCode.objects.filter(user=editor).values_list("code_hash", flat=True))
    assert len(hashes) == two_factor.RECOVERY_CODES
    assert not any(code_hash in right.content.decode() for code_hash in hashes)


def test_sign_in_needs_the_code_and_a_wrong_one_is_refused(editor: Any) -> None:
    totp, _codes = _enrol(editor)
    client = Client()
    response = _sign_in(client, editor)
    assert response.status_code == 302
    # Signed in by password only: every page leads to the code page.
    for name in ("accounts:profile", "core:home", "innovations:create"):
        page = client.get(url(name))
        assert page.status_code == 302, name
        assert page["Location"].startswith(url("accounts:two_factor_verify")), name
    assert client.post(url("accounts:two_factor_verify"), {"code": "123456"}).status_code == 400
    assert client.get(url("accounts:profile")).status_code == 302
    assert client.post(url("accounts:two_factor_verify"), {"code": totp.now()}).status_code == 302
    assert client.get(url("accounts:profile")).status_code == 200


def test_the_api_refuses_a_session_without_the_second_step(editor: Any) -> None:
    _enrol(editor)
    client = Client()
    _sign_in(client, editor)
    assert client.get("/api/v1/innovations").status_code == 401


def test_a_code_cannot_be_used_twice(editor: Any) -> None:
    totp, _codes = _enrol(editor)
    code = totp.now()
    first = Client()
    _sign_in(first, editor)
    assert first.post(url("accounts:two_factor_verify"), {"code": code}).status_code == 302
    second = Client()  # somebody who saw the code and has the password
    _sign_in(second, editor)
    assert second.post(url("accounts:two_factor_verify"), {"code": code}).status_code == 400
    assert second.get(url("accounts:profile")).status_code == 302
    # Nor an older code from the drift window, once a newer one was used.
    assert not two_factor.verify(user=editor, code=totp.at(timezone.now() - datetime.timedelta(seconds=30)))


def test_a_recovery_code_works_once(editor: Any) -> None:
    _totp, codes = _enrol(editor)
    client = Client()
    _sign_in(client, editor)
    assert client.post(url("accounts:two_factor_verify"), {"code": codes[0].upper()}).status_code == 302
    assert two_factor.recovery_codes_left(editor) == two_factor.RECOVERY_CODES - 1
    again = Client()
    _sign_in(again, editor)
    assert again.post(url("accounts:two_factor_verify"), {"code": codes[0]}).status_code == 400


def test_the_admin_login_cannot_skip_the_second_step(platform_admin: Any) -> None:
    totp, _codes = _enrol(platform_admin)
    client = Client()
    response = client.post(url("admin:login"), {"username": platform_admin.username, "password": PASSWORD})
    assert response.status_code == 302
    for path in (url("admin:index"), url("admin:accounts_user_changelist")):
        page = client.get(path)
        assert page.status_code == 302, path
        assert page["Location"].startswith(url("accounts:two_factor_verify")), path
    assert client.post(url("accounts:two_factor_verify"), {"code": totp.now()}).status_code == 302
    assert client.get(url("admin:index")).status_code == 200


def test_a_session_made_by_any_other_log_in_needs_the_code_too(editor: Any) -> None:
    """force_login stands for any path that calls login() (identification callbacks, future pages)."""
    _enrol(editor)
    assert client_for(editor).get(url("accounts:profile")).status_code == 302


def test_guessing_codes_is_stopped_even_for_the_right_code(editor: Any) -> None:
    totp, _codes = _enrol(editor)
    client = Client()
    _sign_in(client, editor)
    statuses = [client.post(url("accounts:two_factor_verify"), {"code": f"{n:06d}"}).status_code for n in range(8)]
    assert statuses[:4] == [400] * 4
    assert 429 in statuses
    refused = client.post(url("accounts:two_factor_verify", "en"), {"code": totp.now()})
    assert refused.status_code == 429
    assert "Too many wrong codes" in refused.content.decode()
    assert client.get(url("accounts:profile")).status_code == 302


def test_switching_off_needs_a_fresh_code(editor: Any) -> None:
    totp, _codes = _enrol(editor)
    client = client_for(editor)
    session = client.session
    del session[two_factor.PENDING_KEY]  # the second step done
    session.save()
    wrong = client.post(url("accounts:two_factor_setup", "en"), {"action": "disable", "code": "000000"})
    assert wrong.status_code == 400
    assert two_factor.is_enabled(editor)
    assert client.post(url("accounts:two_factor_setup"), {"action": "disable", "code": totp.now()}).status_code == 302
    assert not two_factor.is_enabled(editor)
    assert not RecoveryCode.objects.filter(user=editor).exists()


def test_enrolment_cannot_restart_while_on(editor: Any) -> None:
    _enrol(editor)
    with pytest.raises(ValidationError):
        two_factor.enrolment_start(user=editor)


@pytest.mark.parametrize("who", ["registered_user", "editor_a", "admin_a", "platform_admin"])
def test_every_role_may_set_it_up_and_people_without_it_sign_in_as_before(
    who: str, request: pytest.FixtureRequest
) -> None:
    user = request.getfixturevalue(who)
    client = client_for(user)
    assert client.get(url("accounts:profile")).status_code == 200
    assert client.get(url("accounts:two_factor_setup")).status_code == 200


def test_anonymous_has_no_two_step_pages(db: None) -> None:
    for name in ("accounts:two_factor_setup", "accounts:two_factor_verify"):
        response = Client().get(url(name))
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]


def test_a_request_costs_no_extra_query(editor: Any) -> None:
    """The mark is in the session: a request of a signed-in person does not ask the database about two-step
    sign-in (the API's query-count tests hold)."""
    client = client_for(editor)
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/api/v1/innovations").status_code == 200
    assert not [q for q in queries.captured_queries if "twofactor" in q["sql"]]


def test_signing_in_again_as_someone_else_does_not_carry_the_step(editor: Any) -> None:
    totp, _codes = _enrol(editor)
    client = Client()
    _sign_in(client, editor)
    assert client.post(url("accounts:two_factor_verify"), {"code": totp.now()}).status_code == 302
    client.post(url("accounts:logout"))
    _sign_in(client, editor)  # the same person, a new log-in: asked again
    assert client.get(url("accounts:profile")).status_code == 302
