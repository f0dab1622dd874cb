"""The address of the person making a request: the one place that reads REMOTE_ADDR and X-Forwarded-For.

Behind proxies REMOTE_ADDR is the nearest proxy, and X-Forwarded-For is a list each proxy appends the address it
was connected from to. Only the entries our own proxies appended can be believed: the rest is whatever the client
sent. With TRUSTED_PROXY_COUNT = n, the client is the n-th address from the right of X-Forwarded-For + REMOTE_ADDR;
with 0 (the default: the application is reached directly) it is REMOTE_ADDR and the header is ignored.
"""

import ipaddress

from django.conf import settings
from django.http import HttpRequest

UNKNOWN = "0.0.0.0"  # noqa: S104 (a placeholder address, nothing listens on it)


def _parse(text: str) -> str | None:
    """One hop as a normalised address, or None: accepts '192.0.2.1', '192.0.2.1:443', '[2001:db8::1]:443'."""
    text = text.strip().strip('"')
    if text.startswith("["):
        text = text[1 : text.find("]")] if "]" in text else text[1:]
    elif text.count(":") == 1:
        text = text.split(":")[0]  # IPv4 with a port
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        return None


def client_address(request: HttpRequest) -> str:
    """The client's address as the trusted proxy hop saw it (REMOTE_ADDR when no proxy is trusted)."""
    remote = _parse(request.META.get("REMOTE_ADDR", "")) or UNKNOWN
    trusted: int = settings.TRUSTED_PROXY_COUNT
    if trusted <= 0:
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    chain = [hop for hop in forwarded.split(",") if hop.strip()] + [remote]
    if len(chain) <= trusted:
        # Fewer hops than proxies: the request did not pass all of them, and every forwarded entry may be the
        # client's own invention. The nearest connection is the only address nobody could write.
        return remote
    return _parse(chain[-(trusted + 1)]) or remote


def address_group(address: str) -> str:
    """What rate limits count by: an IPv4 address, or an IPv6 address's /64 network.

    One IPv6 connection usually gets a whole /64, so counting single addresses would let one person take 2**64
    turns.
    """
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:  # ::ffff:192.0.2.1 is the IPv4 client 192.0.2.1
            return str(parsed.ipv4_mapped)
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return str(parsed)
