"""Errors: one JSON shape, the right status, the field named, the person's language; bad input never a 500."""

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext

from accounts.models import User
from config.api import ERROR_CODES, api
from innovations import services as innovation_services
from innovations.models import Innovation
from organisations.models import Network, Organisation
from tests.api.conftest import API

pytestmark = pytest.mark.django_db


def error(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    data = response.json()
    assert set(data) == {"error"}
    assert set(data["error"]) == {"code", "message", "fields"}
    assert data["error"]["code"] == code
    assert data["error"]["code"] in ERROR_CODES
    assert data["error"]["message"]
    return data["error"]


def patch(client: Client, path: str, data: Any, **extra: Any) -> Any:
    return client.patch(API + path, data, content_type="application/json", **extra)


def post(client: Client, path: str, data: Any, **extra: Any) -> Any:
    return client.post(API + path, data, content_type="application/json", **extra)


# --- optimistic locking -----------------------------------------------------------------------------------------


def test_stale_version_is_a_conflict_and_changes_nothing(
    client_for: Callable[[User | None], Client], editor_a: User, published_a: Innovation
) -> None:
    first, second = client_for(editor_a), client_for(editor_a)
    assert patch(first, f"/innovations/{published_a.pk}", {"version": 1, "title_en": "Mine"}).status_code == 200
    # The second person started from version 1 too: their save would silently undo the first one's.
    response = patch(
        second, f"/innovations/{published_a.pk}", {"version": 1, "title_en": "Theirs"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    details = error(response, 409, "conflict")
    assert "Someone else has changed this record" in details["message"]
    published_a.refresh_from_db()
    assert (published_a.title_en, published_a.version) == ("Mine", 2)  # type: ignore[attr-defined]

    stale_publish = post(second, f"/innovations/{published_a.pk}/unpublish", {"version": 1})
    error(stale_publish, 409, "conflict")


def test_stale_version_of_organisation_and_network(
    client_for: Callable[[User | None], Client], admin_a: User, org_a: Organisation, network_a: Network
) -> None:
    client = client_for(admin_a)
    v = org_a.version
    assert (
        patch(client, f"/organisations/{org_a.slug}", {"version": v, "website": "https://espoo.fi"}).status_code == 200
    )
    error(patch(client, f"/organisations/{org_a.slug}", {"version": v, "website": "https://x.fi"}), 409, "conflict")

    n = network_a.version
    assert patch(client, f"/networks/{network_a.slug}", {"version": n, "name_en": "A"}).status_code == 200
    error(patch(client, f"/networks/{network_a.slug}", {"version": n, "name_en": "B"}), 409, "conflict")


# --- validation in the person's language ------------------------------------------------------------------------


def in_language(language: str, message: str) -> str:
    with translation.override(language):
        return gettext(message)


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_validation_error_names_the_field_in_the_persons_language(
    client_for: Callable[[User | None], Client], editor_a: User, published_a: Innovation, language: str
) -> None:
    # The wording belongs to the translators; what is tested is that the message comes in the asked language.
    url_message = in_language(language, "Enter a valid URL.")
    required_message = in_language(language, "This field is required.")
    if language != "en":
        assert url_message != "Enter a valid URL."
        assert required_message != "This field is required."
    client = client_for(editor_a)
    # Checked by the service (the model's URL validator, Django's message).
    response = patch(
        client,
        f"/innovations/{published_a.pk}",
        {"version": 1, "external_source_url": "not an address"},
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert error(response, 422, "validation_error")["fields"] == {"external_source_url": [url_message]}
    # Checked by the request schema (a missing field).
    response = patch(client, f"/innovations/{published_a.pk}", {"title_en": "x"}, HTTP_ACCEPT_LANGUAGE=language)
    assert error(response, 422, "validation_error")["fields"] == {"version": [required_message]}
    published_a.refresh_from_db()
    assert published_a.version == 1  # nothing saved


def test_finnish_is_the_default_language(
    client_for: Callable[[User | None], Client], editor_a: User, published_a: Innovation
) -> None:
    response = patch(client_for(editor_a), f"/innovations/{published_a.pk}", {"title_en": "x"})
    assert error(response, 422, "validation_error")["fields"] == {
        "version": [in_language("fi", "This field is required.")]
    }


def test_service_validation_errors_name_their_field(
    client_for: Callable[[User | None], Client],
    editor_a: User,
    org_a: Organisation,
    published_a: Innovation,
    admin_a: User,
) -> None:
    client = client_for(editor_a)
    no_title = post(client, "/innovations", {"owner": org_a.slug, "summary_fi": "Ilman otsikkoa"})
    assert "title_fi" in error(no_title, 422, "validation_error")["fields"]
    assert not Innovation.objects.filter(summary_fi="Ilman otsikkoa").exists()

    own = post(client, f"/innovations/{published_a.pk}/adopt", {"adopter": org_a.slug, "mode": "copied"})
    assert "adopter" in error(own, 422, "validation_error")["fields"]

    future = post(
        client_for(admin_a),
        f"/innovations/{published_a.pk}/adopt",
        {"adopter": "vantaa", "mode": "copied", "adopted_on": "2999-01-01"},
    )
    # admin_a is not an editor of Vantaa: permission comes before validation.
    error(future, 403, "permission_denied")


def test_deleting_an_adopted_innovation_is_refused_with_a_reason(
    client_for: Callable[[User | None], Client],
    admin_a: User,
    platform_admin: User,
    published_a: Innovation,
    org_b: Organisation,
) -> None:
    innovation_services.innovation_adopt(actor=platform_admin, source=published_a, adopter=org_b, mode="copied")
    response = client_for(admin_a).delete(f"{API}/innovations/{published_a.pk}", HTTP_ACCEPT_LANGUAGE="en")
    details = error(response, 422, "validation_error")
    assert "cannot be deleted" in details["message"]
    assert list(details["fields"]) == ["__all__"]
    assert Innovation.objects.filter(pk=published_a.pk).exists()


def test_references_to_unknown_records_are_field_errors(
    client_for: Callable[[User | None], Client], platform_admin: User, org_a: Organisation, published_a: Innovation
) -> None:
    client = client_for(platform_admin)
    cases = [
        ("/innovations", {"owner": "no-such-org", "title_fi": "x"}, "owner"),
        ("/innovations", {"owner": 10**12, "title_fi": "x"}, "owner"),
        ("/innovations", {"owner": org_a.slug, "title_fi": "x", "themes": ["no-such-theme"]}, "themes"),
        ("/organisations", {"kind": "company", "name_fi": "X Oy", "region": "99"}, "region"),
        ("/organisations", {"kind": "company", "name_fi": "X Oy", "business_id": "1234567-2"}, "business_id"),
        ("/networks", {"name_fi": "X", "coordinator": "no-such-org"}, "coordinator"),
        (f"/innovations/{published_a.pk}/partners", {"organisation": "no-such-org"}, "organisation"),
        (f"/innovations/{published_a.pk}/adopt", {"adopter": "no-such-org", "mode": "copied"}, "adopter"),
    ]
    for path, data, field in cases:
        details = error(post(client, path, data), 422, "validation_error")
        assert field in details["fields"], (path, data, details)


# --- malformed input: 4xx, never 500 ----------------------------------------------------------------------------


def test_malformed_json_is_a_bad_request(
    client_for: Callable[[User | None], Client], editor_a: User, published_a: Innovation
) -> None:
    client = client_for(editor_a)
    for raw in ("{not json", '{"version": 1,}', "\x00", "[1, 2"):
        response = client.patch(f"{API}/innovations/{published_a.pk}", raw, content_type="application/json")
        error(response, 400, "bad_request")
    form = client.post(f"{API}/innovations", {"owner": "espoo"})  # form-encoded, not JSON
    assert form.status_code in (400, 422)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"version": "one"}, "version"),
        ({"version": 1.5}, "version"),
        ({"version": 0}, "version"),
        ({"version": 10**30}, "version"),
        ({"version": 1, "title_fi": 123}, "title_fi"),
        ({"version": 1, "title_fi": ["a"]}, "title_fi"),
        ({"version": 1, "title_fi": "x" * 201}, "title_fi"),
        ({"version": 1, "title_fi": "nul\x00byte"}, "title_fi"),
        ({"version": 1, "is_social": "maybe"}, "is_social"),
        ({"version": 1, "stage": "finished"}, "stage"),
        ({"version": 1, "introduced_on": "yesterday"}, "introduced_on"),
        ({"version": 1, "introduced_on": "2024-02-30"}, "introduced_on"),
        ({"version": 1, "classifications": {"type": ["teleportation"]}}, "classifications.type.0"),
        ({"version": 1, "classifications": ["service"]}, "classifications"),
        ({"version": 1, "themes": "wellbeing"}, "themes"),
        ({"version": 1, "themes": ["not a slug!"]}, "themes.0"),
        ({"version": 1, "titel_fi": "misspelt"}, "titel_fi"),
        ({"version": 1, "owner": "vantaa"}, "owner"),  # the owner is not changed by an update
    ],
)
def test_wrong_types_are_422_naming_the_field(
    client_for: Callable[[User | None], Client],
    editor_a: User,
    published_a: Innovation,
    data: dict[str, Any],
    field: str,
) -> None:
    response = patch(client_for(editor_a), f"/innovations/{published_a.pk}", data)
    assert field in error(response, 422, "validation_error")["fields"]


def test_body_of_the_wrong_shape(
    client_for: Callable[[User | None], Client], editor_a: User, published_a: Innovation
) -> None:
    client = client_for(editor_a)
    for raw in ("[]", "1", '"text"', "null", '{"version": 1, "title_fi": "\\ud800"}'):
        response = client.patch(f"{API}/innovations/{published_a.pk}", raw, content_type="application/json")
        assert response.status_code in (400, 422), (raw, response.content)
        assert response.json()["error"]["code"] in ("bad_request", "validation_error")


@pytest.mark.parametrize(
    "query",
    [
        "limit=0",
        "limit=101",
        "limit=abc",
        "offset=-1",
        "offset=99999999999999999999",
        "stage=nope",
        "sort=random",
        "status=secret",
        "q=%00",
        "owner=bad%20slug",
        "region=123",
    ],
)
def test_bad_query_parameters_are_422(client: Client, query: str) -> None:
    error(client.get(f"{API}/innovations?{query}"), 422, "validation_error")


@pytest.mark.parametrize(
    "path",
    [
        "/innovations/0",
        "/innovations/-5",
        "/innovations/abc",
        "/innovations/99999999999999999999999",
        "/organisations/%00",
        "/organisations/bad%20slug",
        "/adoptions/99999999999999999999999",
    ],
)
def test_bad_path_parameters_are_4xx(client: Client, path: str) -> None:
    response = client.get(API + path)
    assert 400 <= response.status_code < 500, (path, response.status_code)


def test_unknown_records_are_404(client: Client, org_a: Organisation) -> None:
    for path in (
        "/innovations/123456",
        "/organisations/no-such-org",
        "/networks/no-such",
        "/adoptions/77",
        "/innovations/123456/lineage",
        "/innovations/123456/partners",
    ):
        details = error(client.get(API + path), 404, "not_found")
        assert details["fields"] == {}


# --- authentication ---------------------------------------------------------------------------------------------


def test_writes_without_credentials_are_401(client: Client, published_a: Innovation, org_a: Organisation) -> None:
    for response in (
        post(client, "/innovations", {"owner": org_a.slug, "title_fi": "x"}),
        patch(client, f"/innovations/{published_a.pk}", {"version": 1}),
        client.delete(f"{API}/innovations/{published_a.pk}"),
        client.get(f"{API}/innovations/{published_a.pk}/changes"),
    ):
        error(response, 401, "not_authenticated")
        assert response["WWW-Authenticate"].startswith("Bearer")


def test_session_writes_need_the_csrf_token(editor_a: User, published_a: Innovation) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor_a)
    without = patch(client, f"/innovations/{published_a.pk}", {"version": 1, "title_en": "x"})
    error(without, 403, "permission_denied")

    client.get("/fi/")  # any page sets the CSRF cookie
    token = client.cookies["csrftoken"].value if "csrftoken" in client.cookies else None
    if token is None:  # the front page may not use the token; ask Django for one directly
        from django.middleware.csrf import _get_new_csrf_string

        token = _get_new_csrf_string()
        client.cookies["csrftoken"] = token
    with_token = patch(
        client, f"/innovations/{published_a.pk}", {"version": 1, "title_en": "x"}, HTTP_X_CSRFTOKEN=token
    )
    assert with_token.status_code == 200, with_token.content
    # Reads need no CSRF token.
    assert client.get(f"{API}/innovations/{published_a.pk}").status_code == 200


def test_anonymous_write_with_csrf_enforced_is_still_401(published_a: Innovation) -> None:
    client = Client(enforce_csrf_checks=True)
    error(patch(client, f"/innovations/{published_a.pk}", {"version": 1}), 401, "not_authenticated")


# --- rate limits ------------------------------------------------------------------------------------------------


def test_too_many_requests_is_429(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    for throttle in api.throttle:  # type: ignore[union-attr]
        monkeypatch.setattr(throttle, "rate", "3/m")
    statuses = [client.get(f"{API}/themes").status_code for _ in range(5)]
    assert statuses[:3] == [200, 200, 200]
    response = client.get(f"{API}/themes")
    error(response, 429, "rate_limited")
    assert int(response["Retry-After"]) >= 1


def test_unknown_api_address_answers_json_404(client):
    response = client.get("/api/v1/no-such-endpoint/42", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
