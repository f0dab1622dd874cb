"""The reading every publishable record shares: who may see which of them."""

from typing import Any

from django.db.models import Q, QuerySet

from accounts import roles
from records.models import Status
from records.services import M


def visible(queryset: "QuerySet[M]", *, user: Any) -> "QuerySet[M]":
    """Published records, and the drafts of the person's own organisations (platform administrators: all)."""
    if getattr(user, "is_superuser", False):
        return queryset
    own = list(roles.organisation_roles(user))
    if not own:
        return queryset.filter(status=Status.PUBLISHED)
    return queryset.filter(Q(status=Status.PUBLISHED) | Q(owner_id__in=own))
