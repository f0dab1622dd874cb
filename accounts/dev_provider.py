"""A development identification provider: a small OpenID Connect provider, built with authlib's server parts, that
imitates Suomi.fi's test identification service. One chooses a test person (a name and a home municipality) and
strong or weak identification; the platform signs in through it with the same code it uses for Suomi.fi (the
authorisation code flow with PKCE, state and nonce, an RS256-signed ID token checked against the JWKS).

It answers only when settings.DEV_IDENTIFICATION_PROVIDER is on (DEBUG and the demo; off in production): the
URLs always exist, and otherwise say 404. `register_dev_provider()` adds it as an identification provider row.
"""

import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from authlib.integrations.django_oauth2 import AuthorizationServer
from authlib.integrations.django_oauth2.requests import DjangoOAuth2Payload, DjangoOAuth2Request
from authlib.oauth2 import OAuth2Error, OAuth2Request
from authlib.oauth2.rfc6749 import ClientMixin, grants
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oidc.core import UserInfo
from authlib.oidc.core.grants import OpenIDCode
from django import forms
from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.request import validate_host
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from joserfc.jwk import RSAKey

from accounts.models import DevAuthorizationCode, DevSigningKey, IdentityProvider

# Suomi.fi's levels of assurance: loa2 (substantial) and loa3 (high) are strong identification. The weak choice
# reports eIDAS "low", which no provider row counts as strong.
ACR_STRONG = "http://ftn.ficora.fi/2017/loa3"
ACR_WEAK = "http://eidas.europa.eu/LoA/low"
STRONG_ACR_VALUES = "http://ftn.ficora.fi/2017/loa2 http://ftn.ficora.fi/2017/loa3"
# Suomi.fi's attribute KotikuntaKuntanumero (the home municipality's number), under its OID name.
MUNICIPALITY_CLAIM = "urn:oid:1.2.246.517.2002.2.18"
SCOPES = {"openid", "profile"}
CODE_LIFETIME = timedelta(minutes=5)
DEV_SLUG = "dev-identification"


@dataclass(frozen=True)
class TestPerson:
    key: str
    given_name: str
    family_name: str
    municipality_code: str
    municipality: str


TEST_PERSONS = (
    TestPerson("helsinki", "Aino", "Testaaja", "091", "Helsinki"),
    TestPerson("espoo", "Eero", "Koehenkilö", "049", "Espoo"),
    TestPerson("tampere", "Helmi", "Kokeilija", "837", "Tampere"),
    TestPerson("oulu", "Juhani", "Tunnistettu", "564", "Oulu"),
    TestPerson("vaasa", "Elsa", "Provperson", "905", "Vaasa"),
)


def enabled() -> bool:
    return bool(getattr(settings, "DEV_IDENTIFICATION_PROVIDER", False))


def _only_when_enabled(view: Any) -> Any:
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not enabled():
            raise Http404
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def signing_key() -> RSAKey:
    """The one RSA key (made on first use and kept in the database, so that every process signs alike)."""
    row = DevSigningKey.objects.order_by("pk").first()
    if row is None:
        pem = RSAKey.generate_key(2048, private=True).as_pem(private=True).decode()
        try:
            with transaction.atomic():
                DevSigningKey.objects.create(pk=1, private_key_pem=pem)
        except IntegrityError:  # another process made it first: use theirs
            pass
        row = DevSigningKey.objects.get(pk=1)
    return RSAKey.import_key(row.private_key_pem)


def _kid(key: RSAKey) -> str:
    return key.thumbprint()


class DevClient(ClientMixin):
    """The platform itself, the only client: its id and secret come from the settings; it may only be sent back to
    the platform's own sign-in callback on an allowed host."""

    client_id = ""

    def __init__(self) -> None:
        self.client_id = settings.DEV_IDENTIFICATION_CLIENT_ID

    def get_client_id(self) -> str:
        return self.client_id

    def get_default_redirect_uri(self) -> str | None:
        return None

    def get_allowed_scope(self, scope: str) -> str:
        return " ".join(s for s in (scope or "").split() if s in SCOPES)

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        parts = urlsplit(redirect_uri or "")
        callback_prefix = reverse("oidc:callback", args=["x"]).rsplit("x/", 1)[0]
        return (
            parts.scheme in ("http", "https")
            and bool(parts.hostname)
            and validate_host(parts.hostname or "", settings.ALLOWED_HOSTS)
            and parts.path.startswith(callback_prefix)
        )

    def check_client_secret(self, client_secret: str) -> bool:
        return constant_time_compare(client_secret or "", settings.DEV_IDENTIFICATION_CLIENT_SECRET)

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return method in ("client_secret_basic", "client_secret_post")

    def check_response_type(self, response_type: str) -> bool:
        return response_type == "code"

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type == "authorization_code"


class CodeRecord:
    """An authorisation code read back for the token request, in the shape authlib's grants ask of it."""

    def __init__(self, row: DevAuthorizationCode) -> None:
        self.row = row
        self.code_challenge = row.code_challenge
        self.code_challenge_method = row.code_challenge_method

    def get_redirect_uri(self) -> str:
        return self.row.redirect_uri

    def get_scope(self) -> str:
        return self.row.scope

    def get_nonce(self) -> str | None:
        return self.row.nonce or None

    def get_auth_time(self) -> int:
        return self.row.auth_time

    def get_acr(self) -> str:
        return self.row.acr

    def get_amr(self) -> list[str] | None:
        return None


class AuthorizationCodeGrant(grants.AuthorizationCodeGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post"]

    def save_authorization_code(self, code: str, request: Any) -> None:
        person: dict[str, Any] = request.user
        data = request.payload.data
        # Codes of abandoned sign-ins are never exchanged: clear the expired ones as new ones are made.
        DevAuthorizationCode.objects.filter(created_at__lt=timezone.now() - CODE_LIFETIME).delete()
        DevAuthorizationCode.objects.create(
            code=code,
            client_id=request.client.get_client_id(),
            redirect_uri=request.payload.redirect_uri or "",
            scope=request.payload.scope or "",
            nonce=data.get("nonce") or "",
            code_challenge=data.get("code_challenge") or "",
            code_challenge_method=data.get("code_challenge_method") or "",
            claims=person["claims"],
            acr=person["acr"],
            auth_time=int(time.time()),
        )

    def query_authorization_code(self, code: str, client: Any) -> CodeRecord | None:
        row = DevAuthorizationCode.objects.filter(
            code=code, client_id=client.get_client_id(), created_at__gte=timezone.now() - CODE_LIFETIME
        ).first()
        return CodeRecord(row) if row else None

    def delete_authorization_code(self, authorization_code: CodeRecord) -> None:
        authorization_code.row.delete()  # once only: a second exchange of the same code finds nothing

    def authenticate_user(self, authorization_code: CodeRecord) -> dict[str, Any]:
        return dict(authorization_code.row.claims)


class DevOpenIDCode(OpenIDCode):
    def __init__(self, issuer: str) -> None:
        super().__init__(require_nonce=True)
        self.issuer = issuer
        self.key = signing_key()

    def exists_nonce(self, nonce: str, request: Any) -> bool:
        return DevAuthorizationCode.objects.filter(client_id=request.payload.client_id, nonce=nonce).exists()

    def resolve_client_private_key(self, client: Any) -> RSAKey:
        return self.key

    def get_client_algorithm(self, client: Any) -> str:
        return "RS256"

    def get_encode_header(self, client: Any) -> dict[str, str]:
        return {"alg": "RS256", "kid": _kid(self.key)}

    def get_client_claims(self, client: Any) -> dict[str, Any]:
        return {"iss": self.issuer, "aud": [client.get_client_id()], "exp": int(time.time()) + 600}

    def generate_user_info(self, user: dict[str, Any], scope: str) -> UserInfo:
        return UserInfo(user)


class DevRequest(DjangoOAuth2Request):
    """authlib refuses OAuth over plain http; the development provider runs on the developer's own machine (and in
    tests), where there is no TLS. Production providers are never this one."""

    def __init__(self, request: HttpRequest) -> None:
        address = request.build_absolute_uri()
        OAuth2Request.__init__(
            self, method=request.method, uri="https://" + address.split("://", 1)[1], headers=request.headers
        )
        self.payload = DjangoOAuth2Payload(request)
        self._request = request


class DevAuthorizationServer(AuthorizationServer):
    def __init__(self, issuer: str) -> None:
        super().__init__(client_model=None, token_model=None)
        self.register_grant(AuthorizationCodeGrant, [DevOpenIDCode(issuer), CodeChallenge(required=True)])

    def create_oauth2_request(self, request: HttpRequest) -> DevRequest:
        return DevRequest(request)

    def query_client(self, client_id: str) -> DevClient | None:
        client = DevClient()
        return client if client_id == client.client_id else None

    def save_token(self, token: dict[str, Any], request: Any) -> None:
        """Access tokens are not kept: the platform reads everything from the ID token."""


def issuer(request: HttpRequest) -> str:
    return request.build_absolute_uri(reverse("oidc:dev_issuer")).rstrip("/")


@require_GET
@_only_when_enabled
def configuration(request: HttpRequest) -> JsonResponse:
    """The OpenID configuration (discovery document)."""
    return JsonResponse(
        {
            "issuer": issuer(request),
            "authorization_endpoint": request.build_absolute_uri(reverse("oidc:dev_authorize")),
            "token_endpoint": request.build_absolute_uri(reverse("oidc:dev_token")),
            "jwks_uri": request.build_absolute_uri(reverse("oidc:dev_jwks")),
            "response_types_supported": ["code"],
            "grant_types_supported": ["authorization_code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "scopes_supported": sorted(SCOPES),
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "code_challenge_methods_supported": ["S256"],
            "acr_values_supported": [*STRONG_ACR_VALUES.split(), ACR_WEAK],
            "claims_supported": ["sub", "given_name", "family_name", "name", "acr", MUNICIPALITY_CLAIM],
        }
    )


@require_GET
@_only_when_enabled
def jwks(request: HttpRequest) -> JsonResponse:
    key = signing_key()
    public = dict(key.as_dict(private=False))
    public.update({"kid": _kid(key), "use": "sig", "alg": "RS256"})
    return JsonResponse({"keys": [public]})


def _claims(person: TestPerson) -> dict[str, Any]:
    return {
        "sub": f"dev-{person.key}",
        "given_name": person.given_name,
        "family_name": person.family_name,
        "name": f"{person.given_name} {person.family_name}",
        MUNICIPALITY_CLAIM: person.municipality_code,
    }


class TestIdentificationForm(forms.Form):
    person = forms.ChoiceField(
        label=_("Test person"),
        widget=forms.RadioSelect,
        choices=[
            (p.key, f"{p.given_name} {p.family_name}, {p.municipality} ({p.municipality_code})") for p in TEST_PERSONS
        ],
        error_messages={"required": _("Choose a test person.")},
    )
    level = forms.ChoiceField(
        label=_("Identification"),
        widget=forms.RadioSelect,
        choices=[("strong", _("Strong identification (e.g. online bank codes)")), ("weak", _("Weak identification"))],
        error_messages={"required": _("Choose how the test person identifies themselves.")},
    )


@require_http_methods(["GET", "POST"])
@_only_when_enabled
def authorize(request: HttpRequest) -> HttpResponse:
    """The test identification page: choose a test person and the strength of identification, or cancel."""
    language = (request.GET.get("ui_locales") or "").split()[:1]
    if language and language[0] in dict(settings.LANGUAGES):
        translation.activate(language[0])  # the language the person was using on the platform
        request.LANGUAGE_CODE = language[0]
    server = DevAuthorizationServer(issuer(request))
    try:
        grant = server.get_consent_grant(request)
    except OAuth2Error as error:
        return render(
            request,
            "accounts/dev_provider_error.html",
            {"error": error.error, "description": error.description},
            status=400,
        )
    if request.method == "POST" and request.POST.get("action") == "cancel":
        return server.create_authorization_response(request, grant_user=None, grant=grant)
    form = TestIdentificationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        chosen = {p.key: p for p in TEST_PERSONS}[form.cleaned_data["person"]]
        strong = form.cleaned_data["level"] == "strong"
        person = {"claims": _claims(chosen), "acr": ACR_STRONG if strong else ACR_WEAK}
        return server.create_authorization_response(request, grant_user=person, grant=grant)
    return render(request, "accounts/dev_provider_authorize.html", {"form": form}, status=400 if form.errors else 200)


@csrf_exempt  # called by the platform's server with the client's credentials, never by a browser
@require_POST
@_only_when_enabled
def token(request: HttpRequest) -> HttpResponse:
    server = DevAuthorizationServer(issuer(request))
    return server.create_token_response(request)


def register_dev_provider(*, site_url: str | None = None) -> IdentityProvider:
    """Adds (or updates) the development provider as an identification provider row, for the demo; the discovery
    URL is on `site_url` (settings.SITE_URL by default). Returns the row."""
    base = (site_url or settings.SITE_URL).rstrip("/")
    provider, _made = IdentityProvider.objects.update_or_create(
        slug=DEV_SLUG,
        defaults={
            "name": "Suomi.fi (test)",
            "discovery_url": base + reverse("oidc:dev_configuration"),
            "client_id": settings.DEV_IDENTIFICATION_CLIENT_ID,
            "client_secret": settings.DEV_IDENTIFICATION_CLIENT_SECRET,
            "scopes": "openid profile",
            "strong_acr_values": STRONG_ACR_VALUES,
            "municipality_claim": MUNICIPALITY_CLAIM,
            "organisation": None,
            "enabled": True,
        },
    )
    return provider
