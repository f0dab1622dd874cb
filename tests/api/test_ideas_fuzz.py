"""Fuzzing the co-development endpoints (/challenges, /ideas) from the OpenAPI schema, as tests/api/test_fuzz.py
does for the whole API, but against records of every kind these endpoints meet: challenges of each audience and
status, ideas confirmed, unconfirmed, hidden, private, with a place and without, with comments (one hidden),
supports, an organisation's own state, and ideas turned into an experiment and an innovation.

Generated ids are random numbers, which would nearly always be a 404; a hook turns most of them into the ids of
these records (and organisation slugs into real ones), so that the requests reach real data. Each operation runs
as a platform administrator (writes go through) and as a registered person (refusals).

    FUZZ_SEED=123 pytest tests/api/test_ideas_fuzz.py     # explore with another seed
"""

import os
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.core.wsgi import get_wsgi_application
from django.utils import translation
from pytest_django import DjangoDbBlocker
from schemathesis.core.result import Ok

from accounts.models import Role, User
from accounts.services import api_token_create
from config.api import api
from ideas.models import Audience, ChallengeStatus, IdeaState
from ideas.services import ideas as services
from ideas.services import linking, moderation
from ideas.services import states as state_services
from organisations.models import Organisation
from tests.api import fuzzing
from tests.api.conftest import make_member, make_user
from tests.db import kept_for_the_module
from tests.factories import ChallengeFactory

# Django's WSGI application as gunicorn's entry point (config/wsgi.py) builds it, without that module's refusal
# of the development SECRET_KEY, which the tests use on purpose.
application = get_wsgi_application()

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application).include(tag_regex="^(challenges|ideas)$")
schema.config.seed = int(os.environ.get("FUZZ_SEED", "20220182"))

# Filled by the fixture: what the hooks turn generated values into.
KNOWN: dict[str, list[Any]] = {"challenge": [], "idea": [], "organisation": []}


def _known(kind: str, value: Any) -> Any:
    """Four generated values in five become a known one (picked by the value, so the seed decides); the fifth
    stays as generated, which mostly finds nothing."""
    choices = KNOWN[kind]
    number = value if isinstance(value, int) else len(str(value))
    if not choices or number % 5 == 0:
        return value
    return choices[number % len(choices)]


@schema.hook
def map_path_parameters(context: Any, path_parameters: dict[str, Any]) -> dict[str, Any]:
    if isinstance(path_parameters, dict) and "id" in path_parameters:
        kind = "challenge" if "/challenges" in context.operation.path else "idea"
        path_parameters["id"] = _known(kind, path_parameters["id"])
    return path_parameters


@schema.hook
def map_query(context: Any, query: dict[str, Any]) -> dict[str, Any]:
    if not isinstance(query, dict):
        return query
    if isinstance(query.get("challenge"), int):
        query["challenge"] = _known("challenge", query["challenge"])
    if isinstance(query.get("organisation"), str):
        query["organisation"] = _known("organisation", query["organisation"])
    return query


@schema.hook
def map_body(context: Any, body: Any) -> Any:
    if isinstance(body, dict) and "organisation" in body:
        body["organisation"] = _known("organisation", body["organisation"])
    return body


def _records(org_a: Organisation, org_b: Organisation, editor_a: User, editor_b: User, person: User) -> None:
    """The co-development data, made through the services; their ids and slugs go to KNOWN."""
    public = ChallengeFactory.create(owner=org_a, actor=editor_a, unnumbered=True)
    staff = ChallengeFactory.create(
        owner=org_a, actor=editor_a, unnumbered=True, audience=Audience.STAFF, title_en="For our staff"
    )
    draft = ChallengeFactory.create(
        owner=org_a, actor=editor_a, unnumbered=True, status=ChallengeStatus.DRAFT, title_en="Not open yet"
    )
    closed = ChallengeFactory.create(
        owner=org_b,
        actor=editor_b,
        unnumbered=True,
        audience=Audience.REGISTERED,
        status=ChallengeStatus.CLOSED,
        title_fi="Kirjastot",
    )
    state_services.idea_state_create(
        actor=editor_a, organisation=org_a, kind=IdeaState.UNDER_REVIEW, names={"fi": "Arvioinnissa"}, public=False
    )
    placed = services.idea_send(
        actor=person, challenge=public, title="Kylätalo", text="<p>Kylätalo</p>", latitude=60.2, longitude=24.7
    )
    unconfirmed = services.idea_send(
        actor=AnonymousUser(), challenge=public, title="Nimetön", text="Teksti", sender_email="n@example.fi"
    )
    hidden = services.idea_send(actor=person, challenge=public, title="Piilotettu", text="Asiaton")
    moderation.idea_set_hidden(actor=editor_a, idea=hidden, hidden=True, reason="Asiaton")
    private = services.idea_send(actor=editor_a, challenge=staff, title="Sisäinen", text="Vain meille")
    to_org = services.idea_send(actor=person, organisation=org_b, title="Penkit", text="Lisää penkkejä")
    to_experiment = services.idea_send(actor=person, challenge=public, title="Kokeilu", text="Kokeillaan")
    to_innovation = services.idea_send(actor=person, organisation=org_a, title="Innovaatio", text="Otetaan käyttöön")
    linking.idea_to_experiment(actor=editor_a, idea=to_experiment)
    linking.idea_to_innovation(actor=editor_a, idea=to_innovation)
    services.idea_set_state(actor=editor_b, idea=to_org, state=IdeaState.NOT_TAKEN_FORWARD, reason="Ei nyt")
    services.comment_add(actor=editor_b, idea=placed, text="Hyvä!")
    rude = services.comment_add(actor=editor_b, idea=placed, text="Huono")
    moderation.comment_set_hidden(actor=editor_a, comment=rude, hidden=True, reason="Asiaton")
    services.support_add(actor=editor_b, idea=placed)
    KNOWN["challenge"][:] = [public.pk, staff.pk, draft.pk, closed.pk]
    KNOWN["idea"][:] = [i.pk for i in (placed, unconfirmed, hidden, private, to_org, to_experiment, to_innovation)]
    KNOWN["organisation"][:] = [org_a.slug, org_b.slug]


@pytest.fixture(scope="module")
def fuzz_tokens(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[dict[str, dict[str, str]]]:
    """The records, built once for the module (each test's writes are rolled back by its own savepoint), and the
    headers of both roles: the API token is all a request carries of its person, so no model instance is kept
    from one test to the next. The people are tests/api/conftest.py's (made here: a module's fixture cannot take
    function-scoped ones)."""
    with kept_for_the_module(django_db_blocker), translation.override(settings.LANGUAGE_CODE):
        cache.clear()
        org_a = Organisation.objects.get(municipality_code="049")  # Espoo
        org_b = Organisation.objects.get(municipality_code="092")  # Vantaa
        editor_a = make_member("editor-a", org_a, Role.EDITOR)
        editor_b = make_member("editor-b", org_b, Role.EDITOR)
        registered_user = make_user("registered")
        platform_admin = make_user("platform-admin", is_superuser=True, is_staff=True)
        try:
            _records(org_a, org_b, editor_a, editor_b, registered_user)
            headers: dict[str, dict[str, str]] = {}
            for role, person in (("platform_admin", platform_admin), ("registered_user", registered_user)):
                _token, key = api_token_create(user=person, name="fuzz")
                headers[role] = {"Authorization": f"Bearer {key}"}
            yield headers
        finally:
            for known in KNOWN.values():
                known.clear()


@pytest.fixture(params=["platform_admin", "registered_user"])
def fuzz_headers(
    fuzz_tokens: dict[str, dict[str, str]], monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> Iterator[dict[str, str]]:
    """The token of the person the parameter names, and no rate limits, against the module's records."""
    for throttle in api.throttle:  # type: ignore[union-attr]
        monkeypatch.setattr(throttle, "rate", "1000000000/s")
    monkeypatch.setattr("ideas.api.SEND_RATE", "1000000/h")
    with fuzzing.test_database_kept():
        yield dict(fuzz_tokens[request.param])


@pytest.mark.slow
@pytest.mark.django_db
@schema.parametrize()
@fuzzing.SETTINGS
def test_codevelopment_api_never_answers_with_a_server_error(
    case: Any, fuzz_headers: dict[str, str], request: pytest.FixtureRequest
) -> None:
    fuzzing.call(case, fuzz_headers, request)


def test_the_fuzzing_covers_every_codevelopment_operation() -> None:
    results = list(schema.get_all_operations())
    assert all(isinstance(result, Ok) for result in results), results
    operations = {result.ok().label for result in results if isinstance(result, Ok)}
    assert operations == {
        "GET /api/v1/challenges",
        "GET /api/v1/challenges/{id}",
        "GET /api/v1/challenges/{id}/ideas",
        "POST /api/v1/challenges/{id}/ideas",
        "GET /api/v1/ideas",
        "POST /api/v1/ideas",
        "GET /api/v1/ideas/{id}",
        "PATCH /api/v1/ideas/{id}",
        "DELETE /api/v1/ideas/{id}",
        "POST /api/v1/ideas/{id}/comments",
        "POST /api/v1/ideas/{id}/support",
        "POST /api/v1/ideas/{id}/state",
    }
