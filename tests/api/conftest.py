"""API test set-up: a small registry built through the services, a person in every role, and clients.

    org_a, org_b           two municipalities from the reference data (Espoo and Vantaa)
    partner_org            a university, a development partner
    registered_user        signed in, member of no organisation
    editor_a, admin_a      editor / administrator of org_a
    editor_b               editor of org_b
    platform_admin         superuser
    published_a, draft_a   org_a's innovations
    network_a              coordinated by org_a, with org_a as a member
    theme                  one theme

`client_for(user)` gives a Django test client signed in as that person (None: anonymous); `token_client(user)`
one that sends a personal API token instead of a session cookie.
"""

from collections.abc import Callable
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from accounts.models import Role, User
from core.models import Theme
from innovations import services as innovation_services
from innovations.models import Innovation
from innovations.vocabulary import Status
from organisations import services as organisation_services
from organisations.models import Network, Organisation, OrganisationKind
from tests import pages
from tests.factories import MembershipFactory, UserFactory

API = "/api/v1"


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    # Nothing cached by an earlier test. (Rate limits count in the database, which each test rolls back.)
    cache.clear()


def make_user(username: str, **extra: Any) -> User:
    # No name unless given: what the API shows of a person is checked against the names a test gives.
    return UserFactory.create(**{"username": username, "first_name": "", "last_name": "", **extra})


def make_member(username: str, organisation: Organisation, role: str) -> User:
    return MembershipFactory.create(user=make_user(username), organisation=organisation, role=role).user


@pytest.fixture
def platform_admin(db: None) -> User:
    return make_user("platform-admin", is_superuser=True, is_staff=True)


@pytest.fixture
def org_a(db: None) -> Organisation:
    return Organisation.objects.get(municipality_code="049")  # Espoo


@pytest.fixture
def org_b(db: None) -> Organisation:
    return Organisation.objects.get(municipality_code="092")  # Vantaa


# The records below are made by plain functions too, so that tests/api/registry.py builds the same ones once per
# module (a module-scoped fixture cannot take these function-scoped fixtures).
def make_partner_org(actor: User) -> Organisation:
    return organisation_services.organisation_create(
        actor=actor,
        data={
            "kind": OrganisationKind.UNIVERSITY,
            "name_fi": "Testin yliopisto",
            "name_sv": "Testuniversitetet",
            "name_en": "University of Test",
        },
    )


@pytest.fixture
def partner_org(platform_admin: User) -> Organisation:
    return make_partner_org(platform_admin)


@pytest.fixture
def registered_user(db: None) -> User:
    return make_user("registered")


@pytest.fixture
def editor_a(org_a: Organisation) -> User:
    return make_member("editor-a", org_a, Role.EDITOR)


@pytest.fixture
def admin_a(org_a: Organisation) -> User:
    return make_member("admin-a", org_a, Role.ADMIN)


@pytest.fixture
def editor_b(org_b: Organisation) -> User:
    return make_member("editor-b", org_b, Role.EDITOR)


def make_theme() -> Theme:
    return Theme.objects.create(slug="wellbeing", name_fi="Hyvinvointi", name_sv="Välfärd", name_en="Wellbeing")


@pytest.fixture
def theme(db: None) -> Theme:
    return make_theme()


def make_innovation(
    owner: Organisation,
    actor: User,
    *,
    status: str = Status.PUBLISHED,
    title: str = "Kotihoidon etäpalvelu",
    **data: Any,
) -> Innovation:
    classifications = data.pop("classifications", {"type": ["service"]})
    themes = data.pop("themes", ())
    return innovation_services.innovation_create(
        actor=actor,
        owner=owner,
        data={
            "title_fi": title,
            "title_sv": "Distanstjänst inom hemvården",
            "title_en": "Remote home care",
            "summary_fi": "Kotihoitoa videon välityksellä.",
            "summary_sv": "Hemvård via video.",
            "summary_en": "Home care by video.",
            "contact_name": "Aino Virtanen",
            "contact_email": "aino.virtanen@example.fi",
            **data,
        },
        classifications=classifications,
        themes=themes,
        status=status,
    )


def make_draft(owner: Organisation, actor: User) -> Innovation:
    return make_innovation(owner, actor, status=Status.DRAFT, title="Luonnos: koulukyytien reititys")


def make_network(coordinator: Organisation, actor: User) -> Network:
    """Coordinated by `coordinator`, with it as a member."""
    network = organisation_services.network_create(
        actor=actor,
        data={
            "name_fi": "Testiverkosto",
            "name_sv": "Testnätverket",
            "name_en": "Test network",
            "coordinator": coordinator,
        },
    )
    organisation_services.network_member_add(actor=actor, network=network, organisation=coordinator)
    network.refresh_from_db()
    return network


@pytest.fixture
def published_a(org_a: Organisation, platform_admin: User, theme: Theme) -> Innovation:
    return make_innovation(org_a, platform_admin, themes=[theme], stage="in_use")


@pytest.fixture
def draft_a(org_a: Organisation, platform_admin: User) -> Innovation:
    return make_draft(org_a, platform_admin)


@pytest.fixture
def network_a(org_a: Organisation, platform_admin: User) -> Network:
    return make_network(org_a, platform_admin)


@pytest.fixture
def client_for(db: None) -> Callable[[User | None], Client]:
    """tests.pages.client_for as a fixture (the API tests take it as an argument)."""
    return pages.client_for


@pytest.fixture
def token_client(db: None) -> Callable[[User], Client]:
    """tests.pages.token_client as a fixture."""
    return pages.token_client
