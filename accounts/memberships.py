"""Writes to people's roles in organisations: add, change and remove a membership.

The organisation's administrators (and platform administrators) manage its people. Every change is logged on
the organisation, so its change log tells who gave whom which role. An organisation never loses its last
administrator: someone must always be able to manage it without calling the platform's administrators. Platform
administrators themselves may (they clean up after people who have left, e.g. in the Django admin).
"""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import Actor, Membership, Role, User
from audit.models import Action
from audit.services import change_record
from organisations.models import Organisation


def _require_manager(actor: Actor, organisation: Organisation) -> None:
    if not actor.has_perm("organisations.change_organisation", organisation):
        raise PermissionDenied(_("You do not have permission to do this."))


def _check_role(role: str) -> None:
    if role not in Role.values:
        raise ValidationError({"role": _("Unknown role “%(value)s”.") % {"value": role}})


def _forget_cached_roles(*users: Any) -> None:
    # accounts.roles memoises a person's roles on the user object for one request; a change must show at once.
    for user in users:
        if hasattr(user, "_organisation_roles"):
            del user._organisation_roles


def _label(user: User, role: str) -> str:
    # The role's code, not its label: the log is read in all three languages.
    return f"{user.get_username()} ({role})"


def _keeps_an_admin(actor: Actor, organisation: Organisation, without: User) -> bool:
    if actor.is_superuser:
        return True
    return Membership.objects.filter(organisation=organisation, role=Role.ADMIN).exclude(user=without).exists()


@transaction.atomic
def membership_add(*, actor: Actor, organisation: Organisation, user: User, role: str) -> Membership:
    _require_manager(actor, organisation)
    _check_role(role)
    if Membership.objects.filter(organisation=organisation, user=user).exists():
        raise ValidationError(
            {
                "user": _("%(person)s is already a member of %(organisation)s.")
                % {"person": user.get_username(), "organisation": organisation}
            }
        )
    membership = Membership.objects.create(organisation=organisation, user=user, role=role)
    change_record(obj=organisation, actor=actor, action=Action.UPDATE, changes={"members": [None, _label(user, role)]})
    _forget_cached_roles(actor, user)
    return membership


@transaction.atomic
def membership_update(*, actor: Actor, organisation: Organisation, user: User, role: str) -> Membership:
    _require_manager(actor, organisation)
    _check_role(role)
    membership = Membership.objects.select_for_update().filter(organisation=organisation, user=user).first()
    if membership is None:
        raise ValidationError(
            {
                "user": _("%(person)s is not a member of %(organisation)s.")
                % {"person": user.get_username(), "organisation": organisation}
            }
        )
    if membership.role == role:
        return membership
    if membership.role == Role.ADMIN and not _keeps_an_admin(actor, organisation, without=user):
        raise ValidationError(
            {
                "role": _(
                    "An organisation must keep at least one administrator. Make someone else an administrator first."
                )
            }
        )
    before = membership.role
    membership.role = role
    membership.save(update_fields=["role"])
    change_record(
        obj=organisation,
        actor=actor,
        action=Action.UPDATE,
        changes={"members": [_label(user, before), _label(user, role)]},
    )
    _forget_cached_roles(actor, user)
    return membership


@transaction.atomic
def membership_remove(*, actor: Actor, organisation: Organisation, user: User) -> None:
    _require_manager(actor, organisation)
    membership = Membership.objects.select_for_update().filter(organisation=organisation, user=user).first()
    if membership is None:
        return  # already gone: removing twice is not an error
    if membership.role == Role.ADMIN and not _keeps_an_admin(actor, organisation, without=user):
        raise ValidationError(
            {
                "user": _(
                    "An organisation must keep at least one administrator. Make someone else an administrator first."
                )
            }
        )
    membership.delete()
    change_record(
        obj=organisation, actor=actor, action=Action.UPDATE, changes={"members": [_label(user, membership.role), None]}
    )
    _forget_cached_roles(actor, user)


def membership_list(*, organisation: Organisation) -> list[Membership]:
    """The organisation's people with their roles, administrators first."""
    memberships = Membership.objects.filter(organisation=organisation).select_related("user")
    return sorted(memberships, key=lambda m: (m.role != Role.ADMIN, m.user.get_username().lower()))
