"""Adding a person to an organisation by their e-mail address: at once when an account has verified the address,
otherwise by an invitation mailed to it.

The address is never compared with usernames, and an unverified address finds nobody: anyone can register with
someone else's address, or use it as a username, and must not get the role meant for its owner. An invitation is
accepted only by a signed-in person who has verified the address it was sent to; the link in the mail finds the
invitation but is not enough on its own (a forwarded mail gives nothing). The organisation's administrators (those
who manage its people, accounts.memberships) see the open invitations and revoke or resend them.
"""

import datetime
import secrets
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import memberships
from accounts.mails import absolute_url, mail_later
from accounts.models import Actor, Invitation, Membership, Role, User, hash_token
from accounts.verification import is_verified, verified_owner
from audit.models import Action
from audit.services import change_record
from organisations.models import Organisation

INVITATION_VALID = datetime.timedelta(days=14)


def _require_manager(actor: Actor, organisation: Organisation) -> User:
    """The actor, who manages the organisation's people (so is signed in: a User)."""
    if not isinstance(actor, User) or not actor.has_perm("organisations.change_organisation", organisation):
        raise PermissionDenied(_("You do not have permission to do this."))
    return actor


def _new_key(invitation: Invitation) -> str:
    key = secrets.token_urlsafe(32)
    invitation.key_hash = hash_token(key)
    invitation.sent_at = timezone.now()
    invitation.expires_at = invitation.sent_at + INVITATION_VALID
    return key


def _mail(invitation: Invitation, key: str) -> None:
    inviter = invitation.inviter
    mail_later(
        template="invitation",
        to=invitation.email,
        language=invitation.language,
        context={
            "invitation": invitation,
            "organisation": invitation.organisation.name,
            "role": invitation.get_role_display,  # rendered in the invitation's language
            "inviter": (inviter.get_full_name() or inviter.get_username()) if inviter else "",
            "link": absolute_url(invitation.language, "accounts:invitation", key=key),
            "register": absolute_url(invitation.language, "accounts:register"),
            "expires_at": invitation.expires_at,
        },
    )


def member_add_by_email(
    *, actor: Actor, organisation: Organisation, email: str, role: str, language: str
) -> Membership | Invitation:
    """The account that has verified `email` becomes a member with `role`; when there is none, the address is
    invited (an open invitation to the same address is refreshed with the new role and a new link)."""
    manager = _require_manager(actor, organisation)
    email = (email or "").strip()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError({"person": _("Enter the person's e-mail address, e.g. name@example.fi.")}) from None
    if role not in Role.values:
        raise ValidationError({"role": _("Unknown role “%(value)s”.") % {"value": role}})
    owner = verified_owner(email)
    if owner is not None:
        return memberships.membership_add(actor=actor, organisation=organisation, user=owner, role=role)
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update()
            .filter(organisation=organisation, email__iexact=email, accepted_at=None, revoked_at=None)
            .first()
        )
        if invitation is None:
            invitation = Invitation(organisation=organisation, email=email)
        invitation.role, invitation.language, invitation.inviter = role, language, manager
        key = _new_key(invitation)
        try:
            with transaction.atomic():
                invitation.save()
        except IntegrityError:  # the same invitation sent twice at once: the first one stands
            raise ValidationError(
                {"person": _("An invitation to this address has just been sent. Reload the page.")}
            ) from None
    _mail(invitation, key)
    return invitation


def _open(actor: Actor, invitation: Invitation) -> tuple[User, Invitation]:
    """The manager and the invitation locked, when it is still open."""
    manager = _require_manager(actor, invitation.organisation)
    locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if locked.accepted_at is not None:
        raise ValidationError(_("The invitation has already been accepted."))
    if locked.revoked_at is not None:
        raise ValidationError(_("The invitation has already been revoked."))
    return manager, locked


@transaction.atomic
def invitation_revoke(*, actor: Actor, invitation: Invitation) -> Invitation:
    manager, locked = _open(actor, invitation)
    locked.revoked_at, locked.revoked_by = timezone.now(), manager
    locked.save(update_fields=["revoked_at", "revoked_by"])
    return locked


def invitation_resend(*, actor: Actor, invitation: Invitation) -> Invitation:
    """A new link (the old one stops working) and a new expiry, mailed again."""
    with transaction.atomic():
        _manager, locked = _open(actor, invitation)
        key = _new_key(locked)
        locked.save(update_fields=["key_hash", "sent_at", "expires_at"])
    _mail(locked, key)
    return locked


def invitation_for_key(key: str) -> Invitation | None:
    if not key:
        return None
    return Invitation.objects.select_related("organisation", "inviter").filter(key_hash=hash_token(key)).first()


def invitation_refusal(user: Actor, invitation: Invitation) -> str | None:
    """Why this person cannot accept the invitation, in words; None when they can."""
    if invitation.accepted_at is not None:
        return _("This invitation has already been accepted.")
    if invitation.revoked_at is not None:
        return _("This invitation has been revoked. Ask the organisation's administrator for a new one.")
    if invitation.expires_at <= timezone.now():
        return _("This invitation has expired. Ask the organisation's administrator to send it again.")
    if not isinstance(user, User):
        return _("Sign in, or register with the address the invitation was sent to, to accept it.")
    if not is_verified(user) or user.email.lower() != invitation.email.lower():
        return _(
            "The invitation was sent to an e-mail address that your account has not verified. Only the owner of "
            "that address can accept it: sign in with the account that has it, or change your account's address "
            "to it and verify it."
        )
    return None


@transaction.atomic
def invitation_accept(*, actor: Actor, invitation: Invitation) -> Membership:
    """The signed-in owner of the invited address becomes a member with the invitation's role."""
    locked = Invitation.objects.select_for_update().select_related("organisation").get(pk=invitation.pk)
    refusal = invitation_refusal(actor, locked)
    if refusal is not None or not isinstance(actor, User):  # the anonymous always has a refusal
        raise PermissionDenied(refusal)
    if Membership.objects.filter(organisation=locked.organisation, user=actor).exists():
        raise ValidationError(
            _("You are already a member of %(organisation)s.") % {"organisation": locked.organisation}
        )
    membership = Membership.objects.create(organisation=locked.organisation, user=actor, role=locked.role)
    locked.accepted_at, locked.accepted_by = timezone.now(), actor
    locked.save(update_fields=["accepted_at", "accepted_by"])
    change_record(
        obj=locked.organisation,
        actor=actor,
        action=Action.UPDATE,
        changes={"members": [None, f"{actor.get_username()} ({locked.role})"]},
    )
    if hasattr(actor, "_organisation_roles"):
        del actor._organisation_roles  # accounts.roles memoises roles for the request
    return membership


def invitations_open(*, organisation: Organisation) -> QuerySet[Invitation]:
    """The organisation's invitations that are neither accepted nor revoked (expired ones too: they can be resent)."""
    return Invitation.objects.filter(organisation=organisation, accepted_at=None, revoked_at=None).order_by("-sent_at")


def invitations_for(user: Any) -> list[Invitation]:
    """The open, unexpired invitations to the person's verified address, for their profile page."""
    if not is_verified(user):
        return []
    return list(
        Invitation.objects.filter(
            email__iexact=user.email, accepted_at=None, revoked_at=None, expires_at__gt=timezone.now()
        )
        .exclude(organisation__memberships__user=user)
        .select_related("organisation")
        .order_by("sent_at")
    )


def invitation_by_pk(pk: int) -> Invitation | None:
    return Invitation.objects.select_related("organisation").filter(pk=pk).first()
