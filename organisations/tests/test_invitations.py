"""Adding people by e-mail address: only a verified address finds an account, and an invitation is accepted only
by the signed-in owner of the address it was sent to. The impostor attack first, then who may do what."""

import datetime
import re
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.utils import timezone, translation

from accounts import invitations
from accounts.models import Invitation, Membership, Role, User
from tests.factories import MembershipFactory, UserFactory
from tests.pages import client_for, link_in, url

pytestmark = pytest.mark.django_db
VICTIM = "uhri@example.fi"


def links(mail: Any) -> list[str]:
    return ["/" + link.split("://", 1)[1].split("/", 1)[1] for link in re.findall(r"https?://\S+", mail.body)]


def _add(client: Client, organisation: Any, person: str, role: str = "admin", **extra: str) -> Any:
    return client.post(
        url("organisations:members", slug=organisation.slug), {"action": "add", "person": person, "role": role, **extra}
    )


def _register(username: str, email: str) -> Client:
    client = Client()
    response = client.post(
        url("accounts:register"),
        {"username": username, "email": email, "password1": "Kolme-Sanaa-9", "password2": "Kolme-Sanaa-9"},
    )
    assert response.status_code == 302
    return client


def _log_in(username: str) -> Client:
    client = Client()
    assert client.post(url("accounts:login"), {"username": username, "password": "Kolme-Sanaa-9"}).status_code == 302
    return client


# --- the attack ---------------------------------------------------------------------------------------------------


def test_an_impostor_with_the_victims_address_as_username_does_not_get_the_role(client, org_a, admin_a, mailoutbox):
    # The impostor registers with the victim's address as their username and as their (unverified) address.
    _register(VICTIM, VICTIM)
    impostor = User.objects.get(username=VICTIM)
    mailoutbox.clear()

    client.force_login(admin_a)
    response = _add(client, org_a, VICTIM)
    assert response.status_code == 302
    assert not Membership.objects.filter(organisation=org_a, user=impostor).exists()
    invitation = Invitation.objects.get(organisation=org_a)
    assert (invitation.email, invitation.role) == (VICTIM, Role.ADMIN)
    assert [m.to for m in mailoutbox] == [[VICTIM]]  # the invitation goes to the address, not to an account
    invitation_link = link_in(mailoutbox[0])

    # The impostor holds the link (say the victim forwarded the mail): it is still not theirs to accept.
    as_impostor = _log_in(VICTIM)
    page = as_impostor.get(invitation_link)
    assert page.status_code == 200
    assert url("accounts:invitation_accept", pk=invitation.pk) not in page.content.decode()
    refused = as_impostor.post(url("accounts:invitation_accept", pk=invitation.pk))
    assert refused.status_code == 403
    assert not Membership.objects.filter(organisation=org_a, user=impostor).exists()

    # The owner of the address registers, verifies it and accepts.
    mailoutbox.clear()
    owner_client = _register("oikea.uhri", VICTIM)
    owner_client.post(link_in(mailoutbox[0]))
    owner_client = _log_in("oikea.uhri")
    assert url("accounts:invitation_accept", pk=invitation.pk) in owner_client.get(invitation_link).content.decode()
    accepted = owner_client.post(url("accounts:invitation_accept", pk=invitation.pk))
    assert accepted.status_code == 302
    owner = User.objects.get(username="oikea.uhri")
    assert Membership.objects.get(organisation=org_a, user=owner).role == Role.ADMIN
    assert not Membership.objects.filter(organisation=org_a, user=impostor).exists()
    invitation.refresh_from_db()
    assert invitation.accepted_by == owner


def test_a_username_that_equals_the_typed_address_never_wins(client, org_a, admin_a):
    impostor = UserFactory(username=VICTIM, email="impostor@example.fi")  # their own address, verified
    victim = UserFactory(username="uhri", email=VICTIM)
    client.force_login(admin_a)
    _add(client, org_a, VICTIM)
    assert Membership.objects.filter(organisation=org_a, user=victim).exists()
    assert not Membership.objects.filter(organisation=org_a, user=impostor).exists()


def test_an_unverified_address_finds_nobody_and_is_invited(client, org_a, admin_a, mailoutbox):
    unverified = UserFactory(email=VICTIM, email_verified_at=None)
    client.force_login(admin_a)
    _add(client, org_a, VICTIM.upper(), role="editor")
    assert not Membership.objects.filter(organisation=org_a, user=unverified).exists()
    assert Invitation.objects.filter(organisation=org_a, email=VICTIM.upper()).exists()
    # Once they verify their address, the invitation is theirs.
    found = Invitation.objects.get(organisation=org_a)
    unverified.email_verified_at = timezone.now()
    unverified.save()
    assert invitations.invitations_for(unverified) == [found]
    invitations.invitation_accept(actor=unverified, invitation=found)
    assert Membership.objects.get(organisation=org_a, user=unverified).role == Role.EDITOR


def test_a_verified_address_adds_its_owner_at_once(client, org_a, admin_a, mailoutbox):
    person = UserFactory(email="Maija@example.fi")
    client.force_login(admin_a)
    _add(client, org_a, "maija@EXAMPLE.fi", role="editor")
    assert Membership.objects.get(organisation=org_a, user=person).role == Role.EDITOR
    assert not Invitation.objects.exists()
    assert not mailoutbox


# --- the invitation -----------------------------------------------------------------------------------------------------


@pytest.fixture
def invitation(org_a: Any, admin_a: Any, mailoutbox: Any) -> Invitation:
    made = invitations.member_add_by_email(
        actor=admin_a, organisation=org_a, email=VICTIM, role=Role.EDITOR, language="sv"
    )
    assert isinstance(made, Invitation)
    return made


@pytest.fixture
def owner(db: None) -> Any:
    return UserFactory(email=VICTIM)


def test_the_invitation_mail_is_in_the_chosen_language(invitation, mailoutbox):
    assert "/sv/" in link_in(mailoutbox[0])
    assert "Innoverkko" in mailoutbox[0].subject
    assert invitation.organisation.name in mailoutbox[0].subject


def test_another_verified_account_cannot_accept(invitation, registered_user, client):
    with translation.override("en"), pytest.raises(PermissionDenied, match="has not verified"):
        invitations.invitation_accept(actor=registered_user, invitation=invitation)
    client.force_login(registered_user)
    assert client.post(url("accounts:invitation_accept", pk=invitation.pk)).status_code == 403
    assert not Membership.objects.filter(user=registered_user).exists()


def test_an_expired_invitation_cannot_be_accepted_but_can_be_resent(invitation, owner, admin_a, client, mailoutbox):
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    client.force_login(owner)
    assert client.post(url("accounts:invitation_accept", pk=invitation.pk)).status_code == 403
    assert not Membership.objects.filter(user=owner).exists()
    invitations.invitation_resend(actor=admin_a, invitation=invitation)
    assert client.post(url("accounts:invitation_accept", pk=invitation.pk)).status_code == 302
    assert Membership.objects.filter(user=owner).exists()


def test_an_invitation_is_accepted_once(invitation, owner):
    invitations.invitation_accept(actor=owner, invitation=invitation)
    with translation.override("en"), pytest.raises(PermissionDenied, match="already been accepted"):
        invitations.invitation_accept(actor=owner, invitation=invitation)
    assert Membership.objects.filter(user=owner).count() == 1


def test_a_revoked_invitation_cannot_be_accepted(invitation, owner, admin_a, client):
    invitations.invitation_revoke(actor=admin_a, invitation=invitation)
    client.force_login(owner)
    assert client.post(url("accounts:invitation_accept", pk=invitation.pk)).status_code == 403
    assert not Membership.objects.filter(user=owner).exists()


def test_resending_retires_the_old_link(invitation, admin_a, owner, mailoutbox):
    old_link = link_in(mailoutbox[0])
    invitations.invitation_resend(actor=admin_a, invitation=invitation)
    new_link = link_in(mailoutbox[1])
    assert old_link != new_link
    client = client_for(owner)
    assert client.get(old_link).status_code == 404
    assert client.get(new_link).status_code == 200


def test_inviting_the_same_address_again_refreshes_the_open_invitation(invitation, admin_a, org_a):
    invitations.member_add_by_email(
        actor=admin_a, organisation=org_a, email=VICTIM.upper(), role="admin", language="fi"
    )
    assert Invitation.objects.filter(organisation=org_a).count() == 1
    assert Invitation.objects.get(organisation=org_a).role == Role.ADMIN


def test_the_owner_sees_the_invitation_on_the_profile(invitation, owner, client):
    client.force_login(owner)
    page = client.get(url("accounts:profile")).content.decode()
    assert url("accounts:invitation_accept", pk=invitation.pk) in page


def test_the_members_page_lists_open_invitations(invitation, admin_a, client):
    client.force_login(admin_a)
    page = client.get(url("organisations:members", slug=invitation.organisation.slug)).content.decode()
    assert VICTIM in page
    assert 'value="revoke_invitation"' in page


# --- who may invite, revoke and resend ------------------------------------------------------------------------------

ROLES = ("anonymous", "registered", "editor_a", "staff_a", "admin_a", "admin_b", "platform_admin")
ALLOWED = {"admin_a", "platform_admin"}


@pytest.fixture
def people(registered_user, editor_a, admin_a, org_a, org_b, platform_admin) -> dict[str, Any]:
    return {
        "anonymous": None,
        "registered": registered_user,
        "editor_a": editor_a,
        "staff_a": MembershipFactory(organisation=org_a, role=Role.STAFF).user,
        "admin_a": admin_a,
        "admin_b": MembershipFactory(organisation=org_b, role=Role.ADMIN).user,
        "platform_admin": platform_admin,
    }


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", ["invite", "revoke_invitation", "resend_invitation"])
def test_only_the_organisations_administrators_manage_invitations(
    client, people, role, action, invitation, org_a, mailoutbox
):
    before = Invitation.objects.get(pk=invitation.pk)
    mailoutbox.clear()
    if people[role] is not None:
        client.force_login(people[role])
    members = url("organisations:members", slug=org_a.slug)
    if action == "invite":
        response = client.post(members, {"action": "add", "person": "uusi@example.fi", "role": "admin"})
        changed = Invitation.objects.filter(email="uusi@example.fi").exists()
    else:
        response = client.post(members, {"action": action, "invitation": invitation.pk})
        after = Invitation.objects.get(pk=invitation.pk)
        changed = (after.revoked_at, after.key_hash) != (before.revoked_at, before.key_hash)
    assert changed == (role in ALLOWED)
    assert bool(mailoutbox) == (role in ALLOWED and action != "revoke_invitation")
    assert response.status_code == (302 if role in ALLOWED | {"anonymous"} else 403)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", ["invite", "revoke", "resend"])
def test_the_services_refuse_the_same_people(people, role, action, invitation, org_a):
    actor = people[role] or AnonymousUser()
    calls = {
        "invite": lambda: invitations.member_add_by_email(
            actor=actor, organisation=org_a, email="uusi@example.fi", role="editor", language="fi"
        ),
        "revoke": lambda: invitations.invitation_revoke(actor=actor, invitation=invitation),
        "resend": lambda: invitations.invitation_resend(actor=actor, invitation=invitation),
    }
    if role in ALLOWED:
        calls[action]()
    else:
        with pytest.raises(PermissionDenied):
            calls[action]()


def test_an_invitation_of_another_organisation_cannot_be_revoked_from_this_ones_page(client, invitation, org_b):
    admin_b = MembershipFactory(organisation=org_b, role=Role.ADMIN).user
    client.force_login(admin_b)
    response = client.post(
        url("organisations:members", slug=org_b.slug), {"action": "revoke_invitation", "invitation": invitation.pk}
    )
    assert response.status_code == 400
    invitation.refresh_from_db()
    assert invitation.revoked_at is None
