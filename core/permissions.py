"""The one permission check every service makes before it writes anything, and what the apps below accounts know of
the person who acts."""

from typing import Any, Protocol

from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.utils.translation import gettext as _


class Person(Protocol):
    """What core, audit and the record core use of a person: accounts.models.User or Django's AnonymousUser.
    Those layers may not import accounts (pyproject.toml's layers), so they name the person by what they use; the
    apps from accounts up name it accounts.models.Actor."""

    # Read-only: the user's fields are model fields, AnonymousUser's are literals.
    @property
    def pk(self) -> Any: ...  # the user's key, None when anonymous
    @property
    def is_authenticated(self) -> bool: ...
    @property
    def is_superuser(self) -> bool: ...

    def has_perm(self, perm: str, obj: Model | None = ...) -> bool: ...


def require(user: Person | None, perm: str, obj: Model | None = None) -> None:
    """PermissionDenied, with the message people see, unless `user` has `perm` (on `obj`); None is nobody."""
    if user is None or not user.has_perm(perm, obj):
        raise PermissionDenied(_("You do not have permission to do this."))
