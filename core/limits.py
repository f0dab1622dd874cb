"""Rate limits that every worker process and every application server share.

A limit is a group ("ideas.comment"), who is counted (a person, an address, an account name …) and a rate
("30/h"). Counts are kept in fixed windows (the hour 10:00–11:00, then 11:00–12:00) in a store every process
reads: the database by default (one row per counter, raised by one atomic INSERT … ON CONFLICT DO UPDATE …
RETURNING, which SQLite ≥ 3.35 and PostgreSQL both have), or a shared cache whose increment is atomic (Redis),
chosen with the RATE_LIMIT_STORE setting. A per-process cache would let n workers take n times the limit.

Every request counts before the work it limits is done, so that a refused request costs nothing and two
processes together can never let more than the limit through in a window.
"""

import hashlib
import hmac
import math
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Protocol

from django.conf import settings
from django.core.cache import caches
from django.core.checks import Error, Tags, register
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.db import connection
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from core.client_address import address_group, client_address

CLEANUP_EVERY_S = 60  # each process deletes the expired counters at most once a minute
UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
# Cache backends whose increment is one atomic operation on a server every process shares. Django's local-memory,
# database, file and dummy caches are not: their incr reads and writes in two steps, or in one process only.
SHARED_ATOMIC_CACHES = (
    "django.core.cache.backends.redis.RedisCache",
    "django_redis.cache.RedisCache",
    "django.core.cache.backends.memcached.PyMemcacheCache",
    "django.core.cache.backends.memcached.PyLibMCCache",
)


@dataclass(frozen=True)
class Rate:
    limit: int
    seconds: int


def parse_rate(rate: str) -> Rate:
    """'10/h', '300/m', '10/15m', '20/d' → how many in how many seconds."""
    found = re.fullmatch(r"\s*(\d+)\s*/\s*(\d*)\s*([smhd])\s*", rate)
    if found is None:
        raise ValueError(f"not a rate: {rate!r}")
    return Rate(limit=int(found[1]), seconds=int(found[2] or 1) * UNITS[found[3]])


class Counters(Protocol):
    """Where counts live. `add` must be atomic across every process that serves the site."""

    def add(self, name: str, *, expires: int, amount: int = 1) -> int:
        """Adds `amount` to the counter `name` (made at 0 if there is none, to be forgotten after `expires`, Unix
        time) and returns its new value."""
        ...


class DatabaseCounters:
    """Counters in the table core.RateCounter, one statement per count.

    Count before a transaction starts (views count before they call a service): inside one, the counter's row
    would stay locked until the end, and a rollback would take the count back with it.
    """

    def __init__(self) -> None:
        self._last_cleanup = 0.0
        self._lock = threading.Lock()

    def add(self, name: str, *, expires: int, amount: int = 1) -> int:
        from core.models import RateCounter

        table, name_, hits_, expires_ = map(
            connection.ops.quote_name, (RateCounter._meta.db_table, "name", "hits", "expires")
        )
        # Only the model's own names are formatted in (quoted); the values are parameters.
        sql = f"INSERT INTO {table} ({name_}, {hits_}, {expires_}) VALUES (%s, %s, %s) "  # noqa: S608
        sql += f"ON CONFLICT ({name_}) DO UPDATE SET {hits_} = {table}.{hits_} + %s RETURNING {hits_}"
        with connection.cursor() as cursor:
            cursor.execute(sql, [name, amount, expires, amount])
            hits = int(cursor.fetchone()[0])
        self._clean_up()
        return hits

    def _clean_up(self) -> None:
        """Expired counters are never read again (a window's number is in the name): delete them now and then."""
        from core.models import RateCounter

        now = time.time()
        with self._lock:
            if abs(now - self._last_cleanup) < CLEANUP_EVERY_S:  # abs: a clock set back does not stop it
                return
            self._last_cleanup = now
        RateCounter.objects.filter(expires__lt=int(now)).delete()


class CacheCounters:
    """Counters in a shared cache whose incr is atomic (Redis: INCRBY; memcached: incr)."""

    def __init__(self, alias: str) -> None:
        backend: str = caches.settings[alias]["BACKEND"]
        if backend not in SHARED_ATOMIC_CACHES:
            raise ImproperlyConfigured(
                f"RATE_LIMIT_STORE=cache:{alias}: {backend} is not shared by every process or has no atomic "
                f"increment; use one of {', '.join(SHARED_ATOMIC_CACHES)}, or 'database'."
            )
        self.cache = caches[alias]

    def add(self, name: str, *, expires: int, amount: int = 1) -> int:
        timeout = max(1, expires - int(time.time()))
        for _ in range(3):
            self.cache.add(name, 0, timeout)  # only the first process's add makes it
            try:
                return int(self.cache.incr(name, amount))
            except ValueError:  # expired between add and incr: make it again
                continue
        raise RuntimeError(f"rate limit counter {name} could not be counted")


@cache
def _counters_for(store: str) -> Counters:
    if store == "database":
        return DatabaseCounters()
    if store.startswith("cache:"):
        return CacheCounters(store.removeprefix("cache:"))
    raise ImproperlyConfigured(f"RATE_LIMIT_STORE must be 'database' or 'cache:<alias>', not {store!r}.")


def counters() -> Counters:
    return _counters_for(settings.RATE_LIMIT_STORE)


@receiver(setting_changed)
def _store_changed(*, setting: str, **kwargs: object) -> None:
    if setting in ("RATE_LIMIT_STORE", "CACHES"):
        _counters_for.cache_clear()


# --- counting -------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Count:
    """One request's count in its window: over the limit or not, and when the window ends."""

    name: str
    hits: int
    limit: int
    expires: int
    retry_after: int  # seconds until the window ends

    @property
    def over(self) -> bool:
        return self.hits > self.limit


def _digest(who: str) -> str:
    # Keyed, so that the table does not hold people's addresses or account names in a form anyone can read back.
    return hmac.new(settings.SECRET_KEY.encode(), who.encode(), hashlib.sha256).hexdigest()[:32]


def count(group: str, who: str, rate: str) -> Count:
    """Counts one more for `who` in `group` and says whether that is over `rate`."""
    parsed = parse_rate(rate)
    now = time.time()
    window = int(now // parsed.seconds)
    expires = (window + 1) * parsed.seconds
    name = f"{group}:{parsed.seconds}:{window}:{_digest(who)}"
    hits = counters().add(name, expires=expires)
    return Count(
        name=name, hits=hits, limit=parsed.limit, expires=expires, retry_after=max(1, math.ceil(expires - now))
    )


def give_back(counted: Count) -> None:
    """Takes a count back: what was counted turned out not to be what the limit is about (a successful sign-in)."""
    counters().add(counted.name, expires=counted.expires, amount=-1)


# --- who is counted -------------------------------------------------------------------------------------------------


def by_address(request: HttpRequest) -> str:
    return "address:" + address_group(client_address(request))


def by_person_or_address(request: HttpRequest) -> str:
    """A signed-in person on their own (people behind one office address do not hold each other up), others by
    address."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"person:{user.pk}"
    return by_address(request)


def over_limit(
    request: HttpRequest, *, group: str, rate: str, by: Callable[[HttpRequest], str] = by_person_or_address
) -> bool:
    """Counts this request and tells whether its sender (`by` says who that is) has gone over the rate."""
    return count(group, by(request), rate).over


def too_many_response(request: HttpRequest, *, message: str, back: str, retry_after: int) -> HttpResponse:
    """The page a person meets when a limit is reached: 429, what happened in their language, and a way back."""
    response = render(request, "core/too_many.html", {"message": message, "back": back}, status=429)
    response["Retry-After"] = str(retry_after)
    return response


@register(Tags.security)
def check_store(**kwargs: object) -> list[Error]:
    """`manage.py check` names a store that is not shared or not atomic before the first request meets it."""
    try:
        _counters_for(settings.RATE_LIMIT_STORE)
    except ImproperlyConfigured as problem:
        return [Error(str(problem), id="core.E001")]
    return []
