"""Every role × every action through the API, with the status code each must get.

The rules are the pages' rules (innovations/rules.py, organisations/rules.py); the API adds only the HTTP
meaning: 401 when nobody is signed in, 403 when the person may see the record but not do this, 404 when the
record is a draft they may not even see (its existence is not revealed).
"""

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db.models import Model
from django.test import Client
from django.utils import translation
from pytest_django import DjangoDbBlocker

from accounts.models import User
from innovations.models import Innovation
from organisations.models import Network, Organisation
from tests.api.conftest import API
from tests.api.registry import registry
from tests.db import kept_for_the_module

ROLES = ("anonymous", "registered", "editor_a", "admin_a", "editor_b", "platform_admin")

# action: expected status per role, in the order of ROLES
EXPECTED: dict[str, tuple[int, ...]] = {
    "read_published": (200, 200, 200, 200, 200, 200),
    "read_draft": (404, 404, 200, 200, 404, 200),
    "list_shows_draft": (0, 0, 1, 1, 0, 1),  # not a status: how many drafts the list shows
    "create": (401, 403, 201, 201, 403, 201),
    "update": (401, 403, 200, 200, 403, 200),
    "update_draft": (401, 404, 200, 200, 404, 200),
    "publish": (401, 404, 200, 200, 404, 200),
    "delete": (401, 403, 403, 204, 403, 204),
    "adopt_for_b": (401, 403, 403, 403, 201, 201),
    "partner_add": (401, 403, 201, 201, 403, 201),
    "view_changes": (401, 403, 200, 200, 403, 200),
    "org_create": (401, 403, 403, 403, 403, 201),
    "org_update": (401, 403, 403, 200, 403, 200),
    "network_create": (401, 403, 403, 201, 403, 201),  # an organisation's administrator starts one it coordinates
    "network_update": (401, 403, 403, 200, 403, 200),
    "network_member_add": (401, 403, 403, 201, 403, 201),
}


def _json(client: Client, method: str, path: str, data: Any = None) -> Any:
    return getattr(client, method)(API + path, data, content_type="application/json")


def _do(action: str, client: Client, w: dict[str, Any]) -> int:
    published: Innovation = w["published_a"]
    draft: Innovation = w["draft_a"]
    org_a: Organisation = w["org_a"]
    org_b: Organisation = w["org_b"]
    network: Network = w["network_a"]
    data: dict[str, Any]
    if action == "read_published":
        return client.get(f"{API}/innovations/{published.pk}").status_code
    if action == "read_draft":
        return client.get(f"{API}/innovations/{draft.pk}").status_code
    if action == "list_shows_draft":
        items = client.get(f"{API}/innovations?limit=100").json()["items"]
        return sum(1 for item in items if item["status"] == "draft")
    if action == "create":
        return _json(client, "post", "/innovations", {"owner": org_a.slug, "title_fi": "Uusi"}).status_code
    if action == "update":
        return _json(client, "patch", f"/innovations/{published.pk}", {"version": 1, "title_en": "New"}).status_code
    if action == "update_draft":
        return _json(client, "patch", f"/innovations/{draft.pk}", {"version": 1, "title_en": "New"}).status_code
    if action == "publish":
        return _json(client, "post", f"/innovations/{draft.pk}/publish", {"version": 1}).status_code
    if action == "delete":
        return client.delete(f"{API}/innovations/{published.pk}").status_code
    if action == "adopt_for_b":
        data = {"adopter": org_b.slug, "mode": "adapted"}
        return _json(client, "post", f"/innovations/{published.pk}/adopt", data).status_code
    if action == "partner_add":
        data = {"organisation": w["partner_org"].slug}
        return _json(client, "post", f"/innovations/{published.pk}/partners", data).status_code
    if action == "view_changes":
        return client.get(f"{API}/innovations/{published.pk}/changes").status_code
    if action == "org_create":
        return _json(client, "post", "/organisations", {"kind": "company", "name_fi": "Uusi Oy"}).status_code
    if action == "org_update":
        data = {"version": org_a.version, "name_en": "City of Espoo"}
        return _json(client, "patch", f"/organisations/{org_a.slug}", data).status_code
    if action == "network_create":
        return _json(client, "post", "/networks", {"name_fi": "Uusi verkosto", "coordinator": org_a.slug}).status_code
    if action == "network_update":
        data = {"version": network.version, "name_en": "Renamed"}
        return _json(client, "patch", f"/networks/{network.slug}", data).status_code
    if action == "network_member_add":
        data = {"organisation": org_b.slug}
        return _json(client, "post", f"/networks/{network.slug}/members", data).status_code
    raise AssertionError(action)


@pytest.fixture(scope="module")
def world_pks(
    django_db_setup: None, django_db_blocker: DjangoDbBlocker
) -> Iterator[dict[str, tuple[type[Model], int]]]:
    """The records, made once for the module (each test's writes are rolled back by its own savepoint), by pk."""
    with kept_for_the_module(django_db_blocker), translation.override(settings.LANGUAGE_CODE):
        cache.clear()
        yield {name: (type(record), record.pk) for name, record in registry().items()}


@pytest.fixture
def world(world_pks: dict[str, tuple[type[Model], int]]) -> dict[str, Any]:
    # Fetched again for every test: nothing a test changes on an instance (a sign-in's last_login, a person's
    # cached permissions) reaches the next one.
    records = {name: model._default_manager.get(pk=pk) for name, (model, pk) in world_pks.items()}
    return {**records, "anonymous": None, "registered": records["registered_user"]}


CASES = [(action, role, expected[i]) for action, expected in EXPECTED.items() for i, role in enumerate(ROLES)]


@pytest.mark.django_db
@pytest.mark.parametrize(("action", "role", "expected"), CASES, ids=[f"{a}-{r}" for a, r, _ in CASES])
def test_role_action(
    action: str, role: str, expected: int, world: dict[str, Any], client_for: Callable[[User | None], Client]
) -> None:
    got = _do(action, client_for(world[role]), world)
    assert got == expected, f"{role} {action}: expected {expected}, got {got}"


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["editor_a", "admin_a", "platform_admin", "editor_b"])
def test_the_same_rules_hold_with_a_token(
    role: str, world: dict[str, Any], token_client: Callable[[User], Client]
) -> None:
    """Tokens identify the person exactly as sessions do: a spot check of the matrix with tokens."""
    client = token_client(world[role])
    index = ROLES.index(role)
    for action in ("read_draft", "create", "update", "publish", "adopt_for_b", "partner_add"):
        assert _do(action, client, world) == EXPECTED[action][index], action
