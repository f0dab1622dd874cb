"""Writes to accounts: personal API tokens (make, revoke, and the look-up that authenticates a request)."""

import datetime
import secrets
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import two_factor_policy
from accounts.models import ApiToken, User, hash_token

# last_used_at is a hint for the person ("used 3 minutes ago"), not an audit trail: writing it on every request
# would turn each API read into a write, so it is refreshed at most this often.
LAST_USED_RESOLUTION = datetime.timedelta(minutes=1)
PREFIX_LENGTH = 8


@transaction.atomic
def api_token_create(*, user: Any, name: str) -> tuple[ApiToken, str]:
    """Makes a token for the person and returns it with its key. The key is shown this once: only its hash is kept."""
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied(_("Sign in to make an API token."))
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Give the token a name, so that you recognise it later.")})
    key = secrets.token_urlsafe(32)
    token = ApiToken(user=user, name=name, prefix=key[:PREFIX_LENGTH], key_hash=hash_token(key))
    token.full_clean()
    token.save()
    return token, key


@transaction.atomic
def api_token_revoke(*, user: Any, token: ApiToken) -> None:
    """Deletes the token; a person revokes only their own (a platform administrator anyone's)."""
    if token.user_id != getattr(user, "pk", None) and not getattr(user, "is_superuser", False):
        raise PermissionDenied(_("You do not have permission to do this."))
    token.delete()


def api_token_authenticate(*, key: str) -> User | None:
    """The active person whose token this key is, or None. PermissionDenied when the person's organisation requires
    two-step sign-in and the token does not meet it (accounts.two_factor_policy)."""
    if not key:
        return None
    token = ApiToken.objects.select_related("user").filter(key_hash=hash_token(key)).first()
    if token is None or not token.user.is_active:
        return None
    if refusal := two_factor_policy.api_token_refusal(token.user, token):
        raise PermissionDenied(refusal)  # the API answers 403 with the reason
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        # A plain UPDATE: no signals, no version bump, no race with a concurrent revoke re-creating the row.
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
