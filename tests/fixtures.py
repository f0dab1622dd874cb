"""Shared pytest fixtures: two organisations and a person in every role, and an innovation of each status.

A plugin: the root conftest.py loads it with `pytest_plugins = ["tests.fixtures"]`.

    org_a, org_b          two municipalities (made through the organisation service)
    anonymous             nobody signed in
    registered_user       signed in, member of no organisation
    editor_a, admin_a     editor / administrator of org_a
    editor_b              editor of org_b
    platform_admin        superuser
    published_a, draft_a  org_a's innovations, made by editor_a
    network_a             a network coordinated by org_a, with org_a as a member
"""

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser

from accounts.models import Role
from innovations.models import Innovation
from innovations.vocabulary import Status
from organisations.models import Network, Organisation
from tests.factories import InnovationFactory, MembershipFactory, NetworkFactory, OrganisationFactory, UserFactory


@pytest.fixture
def org_a(db: None) -> Organisation:
    return OrganisationFactory.create()


@pytest.fixture
def org_b(db: None) -> Organisation:
    return OrganisationFactory.create()


@pytest.fixture
def anonymous() -> AnonymousUser:
    return AnonymousUser()


@pytest.fixture
def registered_user(db: None) -> Any:
    return UserFactory()


def _member(organisation: Organisation, role: str) -> Any:
    return MembershipFactory(organisation=organisation, role=role).user


@pytest.fixture
def editor_a(org_a: Organisation) -> Any:
    return _member(org_a, Role.EDITOR)


@pytest.fixture
def admin_a(org_a: Organisation) -> Any:
    return _member(org_a, Role.ADMIN)


@pytest.fixture
def editor_b(org_b: Organisation) -> Any:
    return _member(org_b, Role.EDITOR)


@pytest.fixture
def platform_admin(db: None) -> Any:
    return UserFactory(platform_admin=True)


@pytest.fixture
def published_a(org_a: Organisation, editor_a: Any) -> Innovation:
    return InnovationFactory.create(owner=org_a, actor=editor_a, status=Status.PUBLISHED)


@pytest.fixture
def draft_a(org_a: Organisation, editor_a: Any) -> Innovation:
    return InnovationFactory.create(owner=org_a, actor=editor_a, status=Status.DRAFT)


@pytest.fixture
def network_a(org_a: Organisation) -> Network:
    return NetworkFactory.create(coordinator=org_a, members=[org_a])
