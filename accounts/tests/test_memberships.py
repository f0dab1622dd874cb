"""Membership services: who may manage an organisation's people, the change log, the last administrator."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts import memberships, roles
from accounts.models import Membership, Role
from audit.models import ChangeRecord
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def org():
    return OrganisationFactory()


@pytest.fixture
def admin(org):
    return MembershipFactory(organisation=org, role=Role.ADMIN).user


def test_an_admin_adds_changes_and_removes_a_person_and_each_step_is_logged(org, admin):
    person = UserFactory()
    memberships.membership_add(actor=admin, organisation=org, user=person, role=Role.EDITOR)
    assert roles.is_editor(person, org.pk)
    memberships.membership_update(actor=admin, organisation=org, user=person, role=Role.ADMIN)
    assert roles.is_admin(person, org.pk)  # the memoised roles were forgotten
    memberships.membership_remove(actor=admin, organisation=org, user=person)
    assert not Membership.objects.filter(user=person).exists()
    changes = [r.changes["members"] for r in ChangeRecord.objects.filter(object_id=org.pk, actor=admin).order_by("id")]
    assert changes == [
        [None, f"{person.username} (editor)"],
        [f"{person.username} (editor)", f"{person.username} (admin)"],
        [f"{person.username} (admin)", None],
    ]


@pytest.mark.parametrize("who", ["registered", "editor", "admin_of_other"])
def test_others_may_not_manage_people(org, who):
    other = OrganisationFactory()
    actor = {
        "registered": lambda: UserFactory(),
        "editor": lambda: MembershipFactory(organisation=org, role=Role.EDITOR).user,
        "admin_of_other": lambda: MembershipFactory(organisation=other, role=Role.ADMIN).user,
    }[who]()
    with pytest.raises(PermissionDenied):
        memberships.membership_add(actor=actor, organisation=org, user=UserFactory(), role=Role.ADMIN)
    with pytest.raises(PermissionDenied):
        memberships.membership_remove(actor=actor, organisation=org, user=actor)


def test_a_platform_admin_manages_any_organisation(org):
    platform_admin = UserFactory(platform_admin=True)
    person = UserFactory()
    memberships.membership_add(actor=platform_admin, organisation=org, user=person, role=Role.ADMIN)
    assert roles.is_admin(person, org.pk)


def test_adding_twice_or_an_unknown_role_is_refused(org, admin):
    person = UserFactory()
    memberships.membership_add(actor=admin, organisation=org, user=person, role=Role.EDITOR)
    with pytest.raises(ValidationError):
        memberships.membership_add(actor=admin, organisation=org, user=person, role=Role.EDITOR)
    with pytest.raises(ValidationError):
        memberships.membership_update(actor=admin, organisation=org, user=person, role="owner")


def test_the_last_administrator_stays(org, admin):
    with pytest.raises(ValidationError):
        memberships.membership_update(actor=admin, organisation=org, user=admin, role=Role.EDITOR)
    with pytest.raises(ValidationError):
        memberships.membership_remove(actor=admin, organisation=org, user=admin)
    second = UserFactory()
    memberships.membership_add(actor=admin, organisation=org, user=second, role=Role.ADMIN)
    memberships.membership_remove(actor=admin, organisation=org, user=admin)
    assert list(Membership.objects.filter(organisation=org).values_list("user", flat=True)) == [second.pk]


def test_removing_someone_who_is_not_a_member_changes_nothing(org, admin):
    memberships.membership_remove(actor=admin, organisation=org, user=UserFactory())
    assert not ChangeRecord.objects.filter(object_id=org.pk, actor=admin).exists()


def test_a_platform_admin_may_remove_the_last_administrator(org, admin):
    memberships.membership_remove(actor=UserFactory(platform_admin=True), organisation=org, user=admin)
    assert not Membership.objects.filter(organisation=org).exists()
