"""Who may do what to which organisation: the role look-up that every permission rule rests on."""

from typing import Any

from accounts.models import Role


def organisation_roles(user: Any) -> dict[int, str]:
    """{organisation id: role} of a signed-in person; memoised on the user object for one request."""
    if not getattr(user, "is_authenticated", False):
        return {}
    cached = getattr(user, "_organisation_roles", None)
    if cached is None:
        cached = dict(user.memberships.values_list("organisation_id", "role"))
        user._organisation_roles = cached
    return cached


def is_member(user: Any, organisation_id: int | None) -> bool:
    return organisation_id in organisation_roles(user)


def is_editor(user: Any, organisation_id: int | None) -> bool:
    """Editors and administrators may both edit the organisation's innovations."""
    return organisation_roles(user).get(organisation_id or 0) in (Role.EDITOR, Role.ADMIN)


def is_admin(user: Any, organisation_id: int | None) -> bool:
    return organisation_roles(user).get(organisation_id or 0) == Role.ADMIN


def editable_organisation_ids(user: Any) -> list[int]:
    return [org_id for org_id, role in organisation_roles(user).items() if role in (Role.EDITOR, Role.ADMIN)]


def administered_organisation_ids(user: Any) -> list[int]:
    return [org_id for org_id, role in organisation_roles(user).items() if role == Role.ADMIN]
