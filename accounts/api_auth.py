"""How the REST API knows who is asking: a personal API token (`Authorization: Bearer <key>`) or the browser's
Django session. Writes need one of them; reads are open, and still see who is asking, so that a member reads
their own organisation's drafts through the API as on the pages."""

from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError, Throttled
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from accounts.services import api_token_authenticate
from core import limits

BAD_KEY_RATE = "30/m"  # API keys that match no token, per address


class TokenAuth(HttpBearer):
    """`Authorization: Bearer <key>` with a key made on the person's profile page."""

    openapi_description = "A personal API token: `Authorization: Bearer <key>`."

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = api_token_authenticate(key=token.strip())
        if user is None:
            # Authentication runs before the API's throttles, so wrong keys are counted here: otherwise a client
            # sending any made-up key would be answered without limit.
            counted = limits.count("api.wrong_token", limits.by_address(request), BAD_KEY_RATE)
            if counted.over:
                raise Throttled(wait=counted.retry_after)
            # A wrong or revoked key is an error even on an open read: silently answering as an anonymous
            # visitor would hide the mistake (a script would see only published records and not know why).
            raise AuthenticationError()
        request.user = user
        return user


class SessionAuth(APIKeyCookie):
    """The Django session of a signed-in browser. CSRF is checked for writes, as for any form post.

    Unlike ninja's `django_auth`, the CSRF check runs only when the session really signs someone in, so a
    request with no credentials at all is told 401 (sign in), not 403 (CSRF).
    """

    param_name = settings.SESSION_COOKIE_NAME
    openapi_description = "The session cookie of a signed-in browser; writes also need the CSRF token."

    def __init__(self) -> None:
        super().__init__(csrf=True)

    def _get_key(self, request: HttpRequest) -> str | None:
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        # check_csrf passes safe methods (GET, HEAD …) and requests marked csrf_exempt.
        if not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request) is not None:
            raise PermissionDenied(
                _("The request has no valid CSRF token. Reload the page and try again, or use an API token.")
            )
        return user


def anonymous(request: HttpRequest) -> AnonymousUser:
    """The last resort on open reads: no credentials, so a visitor who sees published records only."""
    return AnonymousUser()


token_auth = TokenAuth()
session_auth = SessionAuth()

# Writes: a token or a session.
AUTH_REQUIRED = [token_auth, session_auth]
# Reads: a token or a session when given, otherwise anonymous.
AUTH_OPTIONAL = [token_auth, session_auth, anonymous]
# The OpenAPI way to say "credentials optional": an empty requirement next to the two schemes.
OPTIONAL_SECURITY: dict[str, Any] = {"security": [{}]}


def actor(request: HttpRequest) -> Any:
    """The person the request acts for (AnonymousUser on an open read without credentials)."""
    return getattr(request, "auth", None) or AnonymousUser()
