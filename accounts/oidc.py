"""The platform as an OpenID Connect client (authlib): one client per identification provider row.

The authorisation code flow with PKCE (S256), state and nonce: authlib keeps the state, the code verifier and the
nonce in the person's session, and checks the ID token's signature (the provider's JWKS), issuer, audience, expiry
and nonce. The discovery document is cached for a while, so that each sign-in does not fetch it anew.
"""

from typing import Any

import requests
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.base_client import MismatchingStateError
from authlib.integrations.django_client import DjangoIntegration, DjangoOAuth2App, OAuthError
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from joserfc.errors import JoseError

from accounts.models import IdentityProvider

METADATA_SECONDS = 600
HTTP_TIMEOUT = 10


class ProviderUnavailableError(Exception):
    """The provider did not answer, or answered something that is not OpenID Connect."""


class SignInFailedError(Exception):
    """The provider's answer could not be accepted; `reason` says which kind of problem it was."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(reason, detail)
        self.reason = reason
        self.detail = detail


def _metadata_key(provider: IdentityProvider) -> str:
    return f"oidc-metadata:{provider.pk}:{provider.discovery_url}"


def client(provider: IdentityProvider) -> DjangoOAuth2App:
    name = f"oidc-{provider.slug}"
    metadata = cache.get(_metadata_key(provider)) or {}
    return DjangoOAuth2App(
        framework=DjangoIntegration(name),
        name=name,
        client_id=provider.client_id,
        client_secret=provider.client_secret,
        server_metadata_url=provider.discovery_url,
        client_kwargs={"scope": provider.scopes, "code_challenge_method": "S256", "default_timeout": HTTP_TIMEOUT},
        **metadata,
    )


def _remember_metadata(provider: IdentityProvider, app: DjangoOAuth2App) -> None:
    if app.server_metadata.get("_loaded_at"):
        cache.set(_metadata_key(provider), dict(app.server_metadata), METADATA_SECONDS)


def start(request: HttpRequest, provider: IdentityProvider, redirect_uri: str) -> HttpResponse:
    """The redirect to the provider's authorisation endpoint (state, nonce and PKCE verifier go in the session)."""
    app = client(provider)
    try:
        # ui_locales: the provider's pages in the person's language (Suomi.fi speaks fi, sv and en).
        response = app.authorize_redirect(request, redirect_uri, ui_locales=translation.get_language())
    except (requests.RequestException, ValueError, KeyError, AuthlibBaseError) as error:
        raise ProviderUnavailableError(str(error)) from error
    if not app.server_metadata.get("authorization_endpoint"):
        raise ProviderUnavailableError("no authorization_endpoint")
    _remember_metadata(provider, app)
    return response


def finish(request: HttpRequest, provider: IdentityProvider) -> dict[str, Any]:
    """The validated ID token's claims, after the code is exchanged; SignInFailedError or ProviderUnavailableError if not."""
    app = client(provider)
    try:
        token = app.authorize_access_token(request)
    except MismatchingStateError as error:
        raise SignInFailedError("state") from error
    except OAuthError as error:
        if error.error == "access_denied":
            raise SignInFailedError("cancelled") from error
        raise SignInFailedError("refused", str(error.error or "")) from error
    except JoseError as error:  # a bad signature, a wrong issuer or audience, an expired token, a wrong nonce
        raise SignInFailedError("token", type(error).__name__) from error
    except requests.RequestException as error:
        raise ProviderUnavailableError(str(error)) from error
    except (ValueError, KeyError, AuthlibBaseError) as error:
        raise SignInFailedError("token", type(error).__name__) from error
    claims = token.get("userinfo")
    if not claims:
        raise SignInFailedError("token", "no id_token")
    _remember_metadata(provider, app)
    return dict(claims)
