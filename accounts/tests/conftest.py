"""Sign-in tests run the real OpenID Connect flow against the development provider (accounts.dev_provider), in
this process and without a network: the platform's HTTP calls to the provider (discovery, JWKS, token) go through
requests as usual, and an adapter hands those addressed to http://testserver/ to a Django test client of their
own (no cookies shared with the browser's client). A test may change a provider's answer on its way back
(`provider_http.rewrite`) to play a forged or expired token, or make the provider unreachable (`provider_http.down`).
"""

from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests
from django.test import Client
from django.utils import translation
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict

from accounts.dev_provider import register_dev_provider
from accounts.models import IdentityProvider

SERVER = "http://testserver"
DROPPED_HEADERS = {"content-length", "host", "content-type", "connection", "accept-encoding"}


class DjangoClientAdapter(BaseAdapter):
    def __init__(self) -> None:
        super().__init__()
        self.client = Client()
        self.rewrite: Callable[[str, dict[str, Any]], dict[str, Any]] | None = None
        self.down: set[str] = set()  # paths that fail as if the provider were unreachable
        self.calls: list[str] = []

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        parts = urlsplit(request.url or "")
        self.calls.append(parts.path)
        if parts.path in self.down:
            raise requests.ConnectionError(f"connection refused: {parts.path}")
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        headers = {k: str(v) for k, v in request.headers.items() if k.lower() not in DROPPED_HEADERS}
        body = request.body or b""
        # The provider answers in this thread, as if on another server: its request must not leave its language
        # active for the platform's request that called it (over real HTTP it could not).
        with translation.override(translation.get_language()):
            answer = self.client.generic(
                request.method or "GET",
                path,
                data=body.encode() if isinstance(body, str) else body,
                content_type=str(request.headers.get("Content-Type", "")),
                headers=headers,
            )
        content = answer.content
        if self.rewrite is not None and answer.get("Content-Type", "").startswith("application/json"):
            import json

            content = json.dumps(self.rewrite(parts.path, json.loads(content))).encode()
        response = requests.Response()
        response.status_code = answer.status_code
        response._content = content
        response.headers = CaseInsensitiveDict(dict(answer.items()))
        response.url = request.url or ""
        response.request = request
        response.encoding = "utf-8"
        return response

    def close(self) -> None:
        pass


@pytest.fixture
def provider_http(monkeypatch: pytest.MonkeyPatch, settings: Any) -> DjangoClientAdapter:
    settings.DEV_IDENTIFICATION_PROVIDER = True
    adapter = DjangoClientAdapter()
    original = requests.Session.get_adapter

    def get_adapter(self: requests.Session, url: str) -> BaseAdapter:
        return adapter if url.startswith(SERVER + "/") else original(self, url)

    monkeypatch.setattr(requests.Session, "get_adapter", get_adapter)
    return adapter


@pytest.fixture
def dev_provider(provider_http: DjangoClientAdapter, db: None) -> IdentityProvider:
    from django.core.cache import cache

    cache.clear()  # no discovery document cached by an earlier test
    return register_dev_provider(site_url=SERVER)


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def identify(
    client: Client,
    provider: IdentityProvider,
    *,
    person: str = "helsinki",
    level: str = "strong",
    next_url: str = "/en/challenges/",
    action: str = "identify",
) -> Any:
    """Goes through the sign-in as a browser would: the log-in page's button, the test identification page, the
    choice, and back to the platform's callback. Returns the callback's response."""
    start = client.post(f"/en/accounts/sign-in/{provider.slug}/", {"next": next_url})
    assert start.status_code == 302, start.content
    assert start["Location"].startswith(SERVER + "/oidc/dev/authorize/")
    page = client.get(path_of(start["Location"]))
    assert page.status_code == 200, page.content
    chosen = client.post(path_of(start["Location"]), {"person": person, "level": level, "action": action})
    assert chosen.status_code == 302, chosen.content
    assert chosen["Location"].startswith(SERVER + f"/oidc/callback/{provider.slug}/")
    return client.get(path_of(chosen["Location"]))
