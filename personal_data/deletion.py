"""Deleting one's own account: personal data is erased, the organisations' records stay without the name.

What happens to each kind of data (the confirmation page says the same, with the person's counts):
- profile, memberships, API tokens, identities (OIDC links), notification preferences and notifications: deleted;
- comments and supports: deleted (they are the person's own words and choices on other people's ideas);
- ideas the person sent: kept for the organisation handling them, without the sender (the account and the
  address are removed). Whoever wants them gone deletes them first on the "my ideas" page;
- reports to moderators: kept for moderation history, without the reporter;
- records naming the person (innovations with them as contact, by their verified address): the contact's name
  and address are removed, the record stays. Records they created, edited or uploaded to keep no link to them;
- barometer invitations to the person's verified address: deleted with their name and address; the answers stay
  as the organisation's answers in the round's statistics, linked to no person;
- invitations to join an organisation sent to the address: deleted;
- the change log: entries the person made stay with no actor (what changed in a record is the organisation's
  history), and any value in it that is the person's name or address is replaced by REMOVED. One entry records
  that an account was deleted: its number only.

Matching by address uses only a verified address: anyone can type somebody else's address into a profile, and
deleting that account must not erase another person's contact details.

An organisation is never left without an administrator: the last administrator of one is refused with the
organisation's name, and so is the platform's last administrator.
"""

from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, TextField
from django.db.models.functions import Cast
from django.utils.translation import gettext as _

from accounts.limits import password_check
from accounts.models import Actor, ApiToken, Identity, Invitation, Membership, Role, User
from audit.models import Action, ChangeRecord
from barometer.models import Invitation as BarometerInvitation
from ideas.models import Comment, Idea, Report, Support
from innovations.models import Innovation
from notifications.models import Notification, Preference

REMOVED = "[removed]"


@dataclass
class DeletionPlan:
    """What deleting the account would touch, counted, and what stops it."""

    counts: dict[str, int] = field(default_factory=dict)
    blockers: list[str] = field(default_factory=list)


def _verified_email(user: User) -> str:
    return user.email if user.email_verified else ""


def _sole_admin_of(user: User) -> list[str]:
    names = []
    for membership in Membership.objects.filter(user=user, role=Role.ADMIN).select_related("organisation"):
        others = (
            Membership.objects.filter(organisation=membership.organisation_id, role=Role.ADMIN)
            .exclude(user=user)
            .filter(user__is_active=True)
        )
        if not others.exists():
            names.append(membership.organisation.name)
    return sorted(names)


def deletion_plan(*, user: User) -> DeletionPlan:
    email = _verified_email(user)
    plan = DeletionPlan(
        counts={
            "memberships": Membership.objects.filter(user=user).count(),
            "api_tokens": ApiToken.objects.filter(user=user).count(),
            "identities": Identity.objects.filter(user=user).count(),
            "ideas": Idea.objects.filter(sender=user).count(),
            "comments": Comment.objects.filter(author=user).count(),
            "supports": Support.objects.filter(user=user).count(),
            "reports": Report.objects.filter(reporter=user).count(),
            "contact_on": Innovation.objects.filter(contact_email__iexact=email).count() if email else 0,
            "barometer_invitations": (BarometerInvitation.objects.filter(email__iexact=email).count() if email else 0),
            "changes": ChangeRecord.objects.filter(actor=user).count(),
        }
    )
    for name in _sole_admin_of(user):
        plan.blockers.append(
            _(
                "You are the only administrator of %(organisation)s. Make another member its administrator first, "
                "or ask a platform administrator to do it."
            )
            % {"organisation": name}
        )
    if user.is_superuser and not User.objects.filter(is_superuser=True, is_active=True).exclude(pk=user.pk).exists():
        plan.blockers.append(
            _("You are the platform's only administrator. Make somebody else a platform administrator first.")
        )
    return plan


def _scrub(value: Any, secrets: list[str]) -> Any:
    """The value with every text containing one of `secrets` (case-insensitive) replaced by REMOVED."""
    if isinstance(value, str):
        return REMOVED if any(s in value.lower() for s in secrets) else value
    if isinstance(value, list):
        return [_scrub(v, secrets) for v in value]
    if isinstance(value, dict):
        return {k: _scrub(v, secrets) for k, v in value.items()}
    return value


def _personal_strings(user: User) -> list[str]:
    # The address and the whole name: a first or last name alone ("Anna", "Koski") would also match ordinary words
    # and other people, and wipe the organisation's history where it is not about this person.
    strings = {user.email, user.get_full_name(), f"{user.last_name} {user.first_name}"}
    return sorted({s.strip().lower() for s in strings if s and len(s.strip()) >= 5})


def _scrub_change_log(user: User) -> None:
    secrets = _personal_strings(user)
    if not secrets:
        return
    query = Q()
    for secret in secrets:
        query |= Q(text__icontains=secret)
    for record in ChangeRecord.objects.annotate(text=Cast("changes", TextField())).filter(query):
        record.changes = _scrub(record.changes, secrets)
        record.save(update_fields=["changes"])


def account_delete(*, actor: Actor, user: User, password: str = "", username: str = "") -> None:
    """Deletes `user`'s account as described above. Only the person themselves may do it, confirming with their
    password (or, for an account signed in only by identification, their username). Password tries are limited
    (accounts.limits.password_check: TooManyPasswordTriesError)."""
    if not getattr(actor, "is_authenticated", False) or actor.pk != user.pk:
        raise PermissionDenied(_("You do not have permission to do this."))
    if user.has_usable_password():
        if not password_check(user, password):
            raise ValidationError({"password": _("The password is not correct.")})
    elif username.strip() != user.username:
        raise ValidationError({"username": _("Type your username exactly as it is shown.")})
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        plan = deletion_plan(user=user)
        if plan.blockers:
            raise ValidationError(plan.blockers)
        email = _verified_email(user)
        Comment.objects.filter(author=user).delete()
        Support.objects.filter(user=user).delete()
        Idea.objects.filter(sender=user).update(sender=None, sender_email="", confirmation_token="")
        if email:
            Idea.objects.filter(sender_email__iexact=email).update(sender_email="", confirmation_token="")
            for innovation in Innovation.objects.filter(contact_email__iexact=email):
                Innovation.objects.filter(pk=innovation.pk).update(contact_name="", contact_email="")
                # The log says that the contact was removed, not who it was.
                change_fields = {"contact_name": [REMOVED, ""], "contact_email": [REMOVED, ""]}
                ChangeRecord.objects.create(
                    content_type=ContentType.objects.get_for_model(Innovation),
                    object_id=innovation.pk,
                    actor=None,
                    action=Action.UPDATE,
                    changes=change_fields,
                )
            BarometerInvitation.objects.filter(email__iexact=email).delete()
            Preference.objects.filter(email__iexact=email).delete()
            Notification.objects.filter(email__iexact=email).delete()
            Invitation.objects.filter(email__iexact=email).delete()
        _scrub_change_log(user)
        ChangeRecord.objects.create(
            content_type=ContentType.objects.get_for_model(User), object_id=user.pk, actor=None, action=Action.DELETE
        )
        # Memberships, tokens, identities, preferences, notifications go with the row (CASCADE); reports, the
        # change log, innovations, experiments, attachments, rounds' reopenings lose the link (SET_NULL).
        user.delete()
