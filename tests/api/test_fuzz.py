"""Fuzzing the API from its own OpenAPI schema (schemathesis, in-process through the WSGI application): whatever
is sent, valid or not, the answer is never a server error.

Every operation gets up to fuzzing.MAX_EXAMPLES random requests and the schema's documented examples for each role
of the authorization matrix (tests/api/test_permissions.py): nobody signed in, a registered person, an editor and an
administrator of the owning organisation, an editor of another one, and a platform administrator (whose writes
really run), each with an API token, against a small registry. schemathesis's coverage cases (each parameter's
boundaries and wrong types, the same for every role) go as the platform administrator. How many requests were sent
is printed at the end of the run. One pytest test per operation, so a failure names the operation; schemathesis
prints a curl command that reproduces it.

The seed is fixed so that CI is repeatable; explore further with another one: FUZZ_SEED=123 pytest tests/api/test_fuzz.py
"""

import os
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.conf import settings
from django.core.cache import cache
from django.core.wsgi import get_wsgi_application
from django.utils import translation
from pytest_django import DjangoDbBlocker

from accounts.services import api_token_create
from config.api import api
from demo.barometer import demo_rounds_load
from innovations import services as innovation_services
from organisations import services as organisation_services
from organisations.models import OrganisationKind
from tests.api import fuzzing
from tests.api.conftest import make_innovation
from tests.api.registry import registry
from tests.db import kept_for_the_module

# Django's WSGI application as gunicorn's entry point (config/wsgi.py) builds it, without that module's refusal
# of the development SECRET_KEY, which the tests use on purpose.
application = get_wsgi_application()

# The co-development endpoints are fuzzed against their own records in test_ideas_fuzz.py.
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application).exclude(tag_regex="^(challenges|ideas)$")
schema.config.seed = int(os.environ.get("FUZZ_SEED", "20220182"))


ROLES = ("anonymous", "registered_user", "editor_a", "admin_a", "editor_b", "platform_admin")


@pytest.fixture(scope="module")
def fuzz_tokens(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[dict[str, dict[str, str]]]:
    """The registry the operations run against, built once for the module (each test's writes are rolled back by
    its own savepoint), and the headers of every role: the API token is all a request carries of its person, so
    no model instance is kept from one test to the next.

    The records of tests/api/conftest.py's fixtures (tests/api/registry.py), the synthetic barometer rounds and
    a partnership, a link, an adoption and org_b's own innovation."""
    with kept_for_the_module(django_db_blocker), translation.override(settings.LANGUAGE_CODE):
        cache.clear()
        records = registry()
        platform_admin, published_a = records["platform_admin"], records["published_a"]
        # The synthetic rounds, which the barometer operations' documented examples name.
        organisation_services.organisation_create(
            actor=platform_admin, data={"kind": OrganisationKind.OTHER, "name_fi": "Suomen Kuntaliitto"}
        )
        demo_rounds_load()
        innovation_services.partnership_add(
            actor=platform_admin, innovation=published_a, organisation=records["partner_org"]
        )
        innovation_services.link_add(actor=platform_admin, innovation=published_a, title="Raportti", url="https://e.fi")
        innovation_services.innovation_adopt(
            actor=platform_admin, source=published_a, adopter=records["org_b"], mode="adapted"
        )
        make_innovation(
            records["org_b"], platform_admin, title="Kirjaston kokeilu", classifications={"type": ["process"]}
        )
        people = {role: records[role] for role in ROLES if role != "anonymous"}
        headers: dict[str, dict[str, str]] = {"anonymous": {}}
        for role, person in people.items():
            _token, key = api_token_create(user=person, name="fuzz")
            headers[role] = {"Authorization": f"Bearer {key}"}
        yield headers


@pytest.fixture(params=ROLES)
def fuzz_headers(
    fuzz_tokens: dict[str, dict[str, str]], monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> Iterator[dict[str, str]]:
    """The role's headers (none for anonymous) and no rate limits, against the module's registry (ids 1, 2 …
    exist)."""
    for throttle in api.throttle:  # type: ignore[union-attr]
        monkeypatch.setattr(throttle, "rate", "1000000000/s")
    with fuzzing.test_database_kept():
        yield dict(fuzz_tokens[request.param])


@pytest.mark.slow
@pytest.mark.django_db
@schema.parametrize()
@fuzzing.SETTINGS
def test_api_never_answers_with_a_server_error(
    case: Any, fuzz_headers: dict[str, str], request: pytest.FixtureRequest
) -> None:
    # The coverage phase's fixed cases go as the platform administrator, whose writes run and who sees every record:
    # the furthest any request gets. Every role still gets the random cases and the documented examples.
    fuzzing.call(case, fuzz_headers, request, coverage_roles={"platform_admin"})
