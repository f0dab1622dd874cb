"""The API's throttles as an attacker meets them: a new X-Forwarded-For header is no new allowance, with or
without a trusted proxy, and made-up API keys are counted although authentication runs before the throttles."""

from typing import Any

import pytest
from django.test import Client, override_settings

from accounts.api_auth import BAD_KEY_RATE
from config.api import api
from core.limits import parse_rate
from tests.api.conftest import API

pytestmark = pytest.mark.django_db
LIMIT = 5


@pytest.fixture
def low_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    for throttle in api.throttle:  # type: ignore[union-attr]
        monkeypatch.setattr(throttle, "rate", f"{LIMIT}/m")


def get(client: Client, **headers: Any) -> int:
    return client.get(f"{API}/themes", **headers).status_code


def test_a_changing_forwarded_header_does_not_bypass_the_anonymous_limit(low_limits: None) -> None:
    client = Client()
    statuses = [get(client, HTTP_X_FORWARDED_FOR=f"10.9.{n // 250}.{n % 250}") for n in range(50)]
    assert statuses.count(200) == LIMIT
    assert statuses[LIMIT:] == [429] * (50 - LIMIT)


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_behind_a_trusted_proxy_only_the_address_it_wrote_counts(low_limits: None) -> None:
    client = Client()
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    # The attacker (198.51.100.66) puts a new address in front of the one our proxy appends, every time.
    statuses = [get(client, HTTP_X_FORWARDED_FOR=f"6.6.{n}.6, 198.51.100.66", **proxy) for n in range(50)]
    assert statuses.count(200) == LIMIT
    assert statuses[-1] == 429
    # Another client behind the same proxy has an allowance of its own.
    assert get(client, HTTP_X_FORWARDED_FOR="198.51.100.67", **proxy) == 200


def test_made_up_api_keys_are_counted_per_address() -> None:
    client = Client()
    limit = parse_rate(BAD_KEY_RATE).limit
    statuses = [get(client, HTTP_AUTHORIZATION=f"Bearer made-up-{n}") for n in range(limit + 5)]
    assert statuses[:limit] == [401] * limit
    assert statuses[limit:] == [429] * 5
    response = client.get(f"{API}/themes", HTTP_AUTHORIZATION="Bearer made-up")
    assert response.json()["error"]["code"] == "rate_limited"
    assert int(response["Retry-After"]) >= 1
    assert get(Client(), HTTP_AUTHORIZATION="Bearer made-up", REMOTE_ADDR="192.0.2.40") == 401
