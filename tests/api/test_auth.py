"""Personal API tokens: the services that make, revoke and check them, and token authentication in the API."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone

from accounts.models import ApiToken, User, hash_token
from accounts.services import api_token_authenticate, api_token_create, api_token_revoke
from innovations.models import Innovation
from organisations.models import Organisation
from tests.api.conftest import API

pytestmark = pytest.mark.django_db


def bearer(key: str) -> Client:
    return Client(headers={"Authorization": f"Bearer {key}"})


def test_token_create_keeps_only_the_hash(editor_a: User) -> None:
    token, key = api_token_create(user=editor_a, name="  Integraatio  ")
    assert len(key) >= 40
    assert token.name == "Integraatio"
    assert token.prefix == key[:8]
    assert token.key_hash == hash_token(key)
    assert key not in {token.key_hash, token.prefix, token.name}
    assert api_token_authenticate(key=key) == editor_a


def test_token_create_needs_a_name_and_a_person(editor_a: User) -> None:
    with pytest.raises(ValidationError) as raised:
        api_token_create(user=editor_a, name="  ")
    assert "name" in raised.value.message_dict
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionDenied):
        api_token_create(user=AnonymousUser(), name="x")


def test_token_authenticate_refuses_unknown_and_inactive(editor_a: User) -> None:
    _token, key = api_token_create(user=editor_a, name="x")
    assert api_token_authenticate(key="") is None
    assert api_token_authenticate(key=key + "x") is None
    editor_a.is_active = False
    editor_a.save()
    assert api_token_authenticate(key=key) is None


def test_last_used_is_written_at_most_once_a_minute(editor_a: User, django_assert_num_queries: object) -> None:
    token, key = api_token_create(user=editor_a, name="x")
    assert token.last_used_at is None
    api_token_authenticate(key=key)
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None
    api_token_authenticate(key=key)
    token.refresh_from_db()
    assert token.last_used_at == first  # within the minute: no write
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first - datetime.timedelta(minutes=2))
    api_token_authenticate(key=key)
    token.refresh_from_db()
    assert token.last_used_at > first - datetime.timedelta(seconds=1)
    assert timezone.now() - token.last_used_at < datetime.timedelta(minutes=1)


def test_revoke_own_token_only(editor_a: User, editor_b: User, platform_admin: User) -> None:
    token, _key = api_token_create(user=editor_a, name="x")
    with pytest.raises(PermissionDenied):
        api_token_revoke(user=editor_b, token=token)
    api_token_revoke(user=editor_a, token=token)
    assert not ApiToken.objects.filter(pk=token.pk).exists()
    other, _key = api_token_create(user=editor_b, name="y")
    api_token_revoke(user=platform_admin, token=other)  # platform administrators may revoke any
    assert not ApiToken.objects.exists()


def test_token_authenticates_api_reads_and_writes(editor_a: User, draft_a: Innovation, org_a: Organisation) -> None:
    _token, key = api_token_create(user=editor_a, name="x")
    client = bearer(key)
    # The draft of one's own organisation is visible through the API with a token ...
    assert client.get(f"{API}/innovations/{draft_a.pk}").status_code == 200
    assert draft_a.pk in {i["id"] for i in client.get(f"{API}/innovations").json()["items"]}
    # ... and writes work without any CSRF token (tokens are not sent by browsers on their own).
    created = client.post(
        f"{API}/innovations", {"owner": org_a.slug, "title_fi": "Tokenilla"}, content_type="application/json"
    )
    assert created.status_code == 201, created.content
    assert Innovation.objects.get(pk=created.json()["id"]).created_by == editor_a


def test_revoked_token_no_longer_works(editor_a: User, draft_a: Innovation, published_a: Innovation) -> None:
    token, key = api_token_create(user=editor_a, name="x")
    client = bearer(key)
    assert client.get(f"{API}/innovations/{draft_a.pk}").status_code == 200
    api_token_revoke(user=editor_a, token=token)

    write = client.patch(
        f"{API}/innovations/{published_a.pk}", {"version": 1, "title_en": "x"}, content_type="application/json"
    )
    assert write.status_code == 401
    assert write.json()["error"]["code"] == "not_authenticated"
    # On an open read a bad token is an error too, not a silent fall-back to anonymous.
    read = client.get(f"{API}/innovations/{published_a.pk}")
    assert read.status_code == 401


def test_malformed_authorization_headers(published_a: Innovation) -> None:
    assert Client(headers={"Authorization": "Bearer"}).get(f"{API}/innovations").status_code == 401
    assert Client(headers={"Authorization": "Bearer   "}).get(f"{API}/innovations").status_code == 401
    # Another scheme is not ours to judge: the read goes on as anonymous.
    assert Client(headers={"Authorization": "Basic dXNlcjpwdw=="}).get(f"{API}/innovations").status_code == 200
    write = Client(headers={"Authorization": "Basic dXNlcjpwdw=="}).delete(f"{API}/innovations/{published_a.pk}")
    assert write.status_code == 401


def test_session_reads_show_own_drafts(client_for: object, editor_a: User, editor_b: User, draft_a: Innovation) -> None:
    assert client_for(editor_a).get(f"{API}/innovations/{draft_a.pk}").status_code == 200  # type: ignore[operator]
    assert client_for(editor_b).get(f"{API}/innovations/{draft_a.pk}").status_code == 404  # type: ignore[operator]
