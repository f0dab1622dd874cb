"""The experiments API: list with filters and search, read, create, update with the version, decision and
scale-up, every role, and the project's error shape."""

import datetime
import json
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from experiments.models import Experiment
from innovations.models import Innovation
from innovations.vocabulary import Status
from tests.factories import ExperimentFactory
from tests.pages import token_client

pytestmark = pytest.mark.django_db

API = "/api/v1/experiments"
ROLES = ("anonymous", "registered_user", "editor_b", "editor_a", "admin_a", "platform_admin")


def _client(request: pytest.FixtureRequest, role: str) -> Client:
    return token_client(None if role == "anonymous" else request.getfixturevalue(role))


def _post(client: Client, path: str, body: Any, method: str = "post") -> Any:
    return getattr(client, method)(path, json.dumps(body), content_type="application/json")


@pytest.mark.parametrize(
    ("role", "sees_draft"),
    [(r, r in ("editor_a", "admin_a", "platform_admin")) for r in ROLES],
)
def test_list_and_read_by_role(
    request: pytest.FixtureRequest, role: str, sees_draft: bool, running_draft: Any, finished_published: Any
) -> None:
    client = _client(request, role)
    body = client.get(API).json()
    assert {item["id"] for item in body["items"]} == {finished_published.pk} | (
        {running_draft.pk} if sees_draft else set()
    )
    assert client.get(f"{API}/{finished_published.pk}").status_code == 200
    draft = client.get(f"{API}/{running_draft.pk}")
    assert draft.status_code == (200 if sees_draft else 404)
    if not sees_draft:
        assert draft.json()["error"]["code"] == "not_found"


def test_filters_and_search(client: Any, finished_published: Any, org_a: Any, kokeilun_arviointi: Any) -> None:

    def ids(query: str) -> set[str]:
        response = client.get(f"{API}?{query}")
        assert response.status_code == 200, response.content
        return {item["title_fi"] for item in response.json()["items"]}

    assert ids("q=kokeilu") == {"Kokeilun arviointi"}
    assert ids("phase=finished") == {"Kotihoidon etäkäynnit"}
    assert ids("phase=running&decision=none") == {"Kokeilun arviointi"}
    assert ids(f"decision=scale_up&owner={org_a.slug}") == {"Kotihoidon etäkäynnit"}
    bad = client.get(f"{API}?phase=soon")
    assert bad.status_code == 422
    assert bad.json()["error"]["code"] == "validation_error"


def test_read_shows_every_field(client: Any, finished_published: Any) -> None:
    body = client.get(f"{API}/{finished_published.pk}").json()
    assert body["decision"] == "scale_up"
    assert body["finished"] is True
    assert body["results_fi"] == "Keskittyminen parani."
    assert body["decision_reasons_fi"] == "Tulokset olivat hyviä."
    assert body["budget"] in ("12500.50", 12500.5)
    assert body["resulting_innovation"] is None


@pytest.mark.parametrize("role", ROLES)
def test_create_by_role(request: pytest.FixtureRequest, role: str, org_a: Any) -> None:
    client = _client(request, role)
    partner = request.getfixturevalue("org_b")
    response = _post(
        client,
        API,
        {
            "owner": org_a.slug,
            "title_fi": "API-kokeilu",
            "budget": "100.25",
            "partners": [{"organisation": partner.slug, "role": "funder"}],
        },
    )
    expected = 201 if role in ("editor_a", "admin_a", "platform_admin") else (401 if role == "anonymous" else 403)
    assert response.status_code == expected, response.content
    if expected == 201:
        body = response.json()
        assert body["title_fi"] == "API-kokeilu"
        assert body["status"] == "draft"
        assert [(p["organisation"]["slug"], p["role"]) for p in body["partners"]] == [(partner.slug, "funder")]
    else:
        assert not Experiment.objects.exists()


def test_bad_input_gives_field_errors_and_saves_nothing(request: pytest.FixtureRequest, org_a: Any) -> None:
    client = _client(request, "editor_a")
    cases = [
        ({"owner": org_a.slug, "title_fi": ""}, "title_fi"),
        ({"owner": org_a.slug, "title_fi": "K", "budget": "-1"}, "budget"),
        ({"owner": org_a.slug, "title_fi": "K", "starts_on": "2025-05-01", "ends_on": "2025-01-01"}, "ends_on"),
        ({"owner": org_a.slug, "title_fi": "K", "partners": [{"organisation": "no-such-org"}]}, "partners"),
        ({"owner": org_a.slug, "title_fi": "K", "partners": [{"organisation": org_a.slug}]}, "partners"),
        ({"owner": org_a.slug, "title_fi": "K", "partners": [{"organisation": 1, "role": "boss"}]}, "partners"),
        ({"owner": org_a.slug, "title_fi": "K", "decision": "stop"}, "decision"),
    ]
    for body, field in cases:
        response = _post(client, API, body)
        assert response.status_code == 422, (body, response.content)
        error = response.json()["error"]
        assert error["code"] == "validation_error"
        assert any(field in name for name in error["fields"]), (field, error)
    assert not Experiment.objects.exists()


def test_update_with_version_and_conflict(request: pytest.FixtureRequest, running_draft: Any) -> None:
    client = _client(request, "editor_a")
    response = _post(client, f"{API}/{running_draft.pk}", {"version": 1, "results_fi": "Hyvä"}, "patch")
    assert response.status_code == 200, response.content
    assert response.json()["version"] == 2
    stale = _post(client, f"{API}/{running_draft.pk}", {"version": 1, "results_fi": "Vanha"}, "patch")
    assert stale.status_code == 409
    assert stale.json()["error"]["code"] == "conflict"
    running_draft.refresh_from_db()
    assert running_draft.results_fi == "Hyvä"
    other = _post(_client(request, "editor_b"), f"{API}/{running_draft.pk}", {"version": 2, "title_fi": "X"}, "patch")
    assert other.status_code == 404  # a draft of another organisation does not exist for them


def test_decision_then_scale_up(request: pytest.FixtureRequest, org_a: Any, editor_a: Any) -> None:
    experiment = ExperimentFactory.create(
        owner=org_a, actor=editor_a, school_exercise=True, ends_on=timezone.localdate() - datetime.timedelta(days=2)
    )
    client = _client(request, "editor_a")
    early = _post(client, f"{API}/{experiment.pk}/scale-up", {"version": 1})
    assert early.status_code == 422
    assert early.json()["error"]["code"] == "validation_error"
    decided = _post(
        client, f"{API}/{experiment.pk}/decision", {"version": 1, "decision": "scale_up", "reasons_en": "It worked"}
    )
    assert decided.status_code == 200, decided.content
    assert _post(_client(request, "editor_b"), f"{API}/{experiment.pk}/scale-up", {"version": 2}).status_code == 404
    response = _post(client, f"{API}/{experiment.pk}/scale-up", {"version": 2})
    assert response.status_code == 201, response.content
    innovation = Innovation.objects.get()
    assert response.json()["id"] == innovation.pk
    assert response.json()["stage"] == "in_use"
    assert client.get(f"{API}/{experiment.pk}").json()["resulting_innovation"]["id"] == innovation.pk
    again = _post(client, f"{API}/{experiment.pk}/scale-up", {"version": 3})
    assert again.status_code == 422
    assert Innovation.objects.count() == 1


@pytest.mark.parametrize("role", ROLES)
def test_publish_and_delete_by_role(request: pytest.FixtureRequest, role: str, running_draft: Any) -> None:
    client = _client(request, role)
    publish = _post(client, f"{API}/{running_draft.pk}/publish", {"version": 1})
    may_change = role in ("editor_a", "admin_a", "platform_admin")
    assert publish.status_code == (200 if may_change else 401 if role == "anonymous" else 404)
    delete = client.delete(f"{API}/{running_draft.pk}")
    may_delete = role in ("admin_a", "platform_admin")
    if may_delete:
        assert delete.status_code == 204
        assert not Experiment.objects.exists()
    else:
        assert delete.status_code in ((401,) if role == "anonymous" else (403, 404))
        assert Experiment.objects.exists()


def test_create_with_a_source_innovation(
    request: pytest.FixtureRequest, org_b: Any, published_a: Any, draft_a: Any
) -> None:
    client = _client(request, "editor_b")
    hidden = _post(client, API, {"owner": org_b.slug, "title_fi": "K", "source_innovation": draft_a.pk})
    assert hidden.status_code == 422
    assert "source_innovation" in hidden.json()["error"]["fields"]
    response = _post(client, API, {"owner": org_b.slug, "title_fi": "K", "source_innovation": published_a.pk})
    assert response.status_code == 201, response.content
    assert response.json()["source_innovation"]["id"] == published_a.pk


@pytest.mark.parametrize("role", ROLES)
def test_unpublish_by_role(request: pytest.FixtureRequest, role: str, finished_published: Any) -> None:
    version = finished_published.version
    response = _post(_client(request, role), f"{API}/{finished_published.pk}/unpublish", {"version": version})
    may_change = role in ("editor_a", "admin_a", "platform_admin")
    assert response.status_code == (200 if may_change else 401 if role == "anonymous" else 403)
    finished_published.refresh_from_db()
    assert finished_published.status == (Status.DRAFT if may_change else Status.PUBLISHED)
