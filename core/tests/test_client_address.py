"""The client's address: REMOTE_ADDR unless proxies are trusted, and then only the hop our own proxy wrote."""

import pytest
from django.http import HttpRequest
from django.test import RequestFactory, override_settings

from core.client_address import address_group, client_address


def request(remote: str = "203.0.113.7", forwarded: str | None = None) -> HttpRequest:
    if forwarded is None:
        return RequestFactory().get("/", REMOTE_ADDR=remote)
    return RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)


def test_without_a_trusted_proxy_the_header_is_ignored() -> None:
    assert client_address(request(forwarded="198.51.100.1")) == "203.0.113.7"
    assert client_address(request(forwarded="garbage, 1.2.3.4")) == "203.0.113.7"


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_one_trusted_proxy_gives_the_address_it_appended_not_what_the_client_wrote() -> None:
    # The client wrote "6.6.6.6"; our proxy (REMOTE_ADDR 10.0.0.2) appended the address it was connected from.
    assert client_address(request("10.0.0.2", "6.6.6.6, 198.51.100.1")) == "198.51.100.1"
    assert client_address(request("10.0.0.2", "198.51.100.1")) == "198.51.100.1"
    # Whatever the client puts in front, the address stays the same.
    for forged in ("1.1.1.1", "1.1.1.1, 2.2.2.2", "not an address", ""):
        prefix = f"{forged}, " if forged else ""
        assert client_address(request("10.0.0.2", prefix + "198.51.100.1")) == "198.51.100.1"
    # Reached without the proxy (no header): the connection's own address.
    assert client_address(request("198.51.100.9")) == "198.51.100.9"


@override_settings(TRUSTED_PROXY_COUNT=2)
def test_two_trusted_proxies() -> None:
    assert client_address(request("10.0.0.2", "6.6.6.6, 198.51.100.1, 10.0.0.1")) == "198.51.100.1"
    # Fewer hops than proxies: the request went round them, so the header proves nothing.
    assert client_address(request("198.51.100.9", "6.6.6.6")) == "198.51.100.9"


@override_settings(TRUSTED_PROXY_COUNT=1)
@pytest.mark.parametrize(
    ("hop", "expected"),
    [("198.51.100.1:4711", "198.51.100.1"), ("[2001:db8::1]:443", "2001:db8::1"), ("2001:DB8::1", "2001:db8::1")],
)
def test_ports_and_spellings_are_normalised(hop: str, expected: str) -> None:
    assert client_address(request("10.0.0.2", hop)) == expected


def test_limits_count_an_ipv6_network_not_each_of_its_addresses() -> None:
    assert address_group("2001:db8:1:2::1") == address_group("2001:db8:1:2:ffff::9") == "2001:db8:1:2::/64"
    assert address_group("2001:db8:1:3::1") != address_group("2001:db8:1:2::1")
    assert address_group("::ffff:198.51.100.1") == "198.51.100.1"
    assert address_group("198.51.100.1") == "198.51.100.1"
