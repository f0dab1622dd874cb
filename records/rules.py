"""The permission predicates every publishable record shares (django-rules), for the app's rules.py to combine:
drafts are seen only inside the owner, published records by everyone; the owner's editors change, its
administrators delete. Platform administrators (superusers) pass every check."""

from typing import Any

import rules

from accounts import roles
from accounts.models import Actor
from records.models import Status


@rules.predicate
def is_published(user: Actor, record: Any) -> bool:
    return record is not None and record.status == Status.PUBLISHED


@rules.predicate
def is_member_of_owner(user: Actor, record: Any) -> bool:
    return record is not None and roles.is_member(user, record.owner_id)


@rules.predicate
def is_editor_of_owner(user: Actor, record: Any) -> bool:
    return record is not None and roles.is_editor(user, record.owner_id)


@rules.predicate
def is_admin_of_owner(user: Actor, record: Any) -> bool:
    return record is not None and roles.is_admin(user, record.owner_id)


@rules.predicate
def is_editor_of_organisation(user: Actor, organisation: Any) -> bool:
    """With an organisation as the object: may this person record for it?"""
    return organisation is not None and roles.is_editor(user, organisation.pk)
