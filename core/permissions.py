"""The one permission check every service makes before it writes anything."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _


def require(user: Any, perm: str, obj: Any = None) -> None:
    """PermissionDenied, with the message people see, unless `user` has `perm` (on `obj`); None is nobody."""
    if user is None or not user.has_perm(perm, obj):
        raise PermissionDenied(_("You do not have permission to do this."))
