"""Rate limits counted in a store every process shares: exact counts, windows, giving back, the store's choice."""

import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from unittest import mock

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from core import limits
from core.models import RateCounter
from tests.concurrency import at_once, postgres_only

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


class Clock:
    def __init__(self, now: float = 1_900_000_000.0) -> None:
        self.now = now

    def time(self) -> float:
        return self.now


@pytest.mark.parametrize(
    ("text", "limit", "seconds"),
    [("10/h", 10, 3600), ("300/m", 300, 60), ("10/15m", 10, 900), ("20/d", 20, 86400), ("5/s", 5, 1)],
)
def test_rates(text: str, limit: int, seconds: int) -> None:
    assert limits.parse_rate(text) == limits.Rate(limit=limit, seconds=seconds)


@pytest.mark.parametrize("text", ["10", "10/x", "/h", "ten/h", ""])
def test_a_rate_that_is_not_one_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="not a rate"):
        limits.parse_rate(text)


def test_counts_are_exact_within_a_window_and_start_again_in_the_next() -> None:
    clock = Clock(1_900_000_000.0 - 1_900_000_000.0 % 3600)  # the start of an hour
    with mock.patch("core.limits.time", clock):
        counted = [limits.count("test.group", "someone", "3/h") for _ in range(5)]
        assert [c.hits for c in counted] == [1, 2, 3, 4, 5]
        assert [c.over for c in counted] == [False, False, False, True, True]
        assert counted[0].retry_after == 3600
        # Someone else, or another group, has a count of their own.
        assert not limits.count("test.group", "another", "3/h").over
        assert not limits.count("test.other", "someone", "3/h").over
        clock.now += 3600
        assert limits.count("test.group", "someone", "3/h").hits == 1


def test_a_count_given_back_does_not_count() -> None:
    first = limits.count("test.group", "someone", "2/h")
    limits.give_back(first)
    assert limits.count("test.group", "someone", "2/h").hits == 1


def test_expired_counters_are_deleted_and_nobody_is_stored_in_readable_form() -> None:
    clock = Clock()
    with mock.patch("core.limits.time", clock):
        limits.count("test.group", "address:198.51.100.1", "1/m")
        assert RateCounter.objects.count() == 1
        assert "198.51.100.1" not in RateCounter.objects.get().name
        clock.now += 2 * limits.CLEANUP_EVERY_S
        limits.count("test.group", "address:198.51.100.2", "1/m")
    assert RateCounter.objects.count() == 1  # the first window's row is gone


def test_a_cache_that_each_process_keeps_for_itself_is_refused_as_the_store() -> None:
    for backend in (
        "django.core.cache.backends.locmem.LocMemCache",
        "django.core.cache.backends.db.DatabaseCache",
        "django.core.cache.backends.filebased.FileBasedCache",
    ):
        with (
            override_settings(
                RATE_LIMIT_STORE="cache:default", CACHES={"default": {"BACKEND": backend, "LOCATION": "x"}}
            ),
            pytest.raises(ImproperlyConfigured, match="atomic"),
        ):
            limits.count("test.group", "someone", "1/h")
    with override_settings(RATE_LIMIT_STORE="memory"), pytest.raises(ImproperlyConfigured):
        limits.count("test.group", "someone", "1/h")
    # `manage.py check` says so before a request meets it.
    with override_settings(RATE_LIMIT_STORE="cache:default"):
        assert [error.id for error in limits.check_store()] == ["core.E001"]
    assert limits.check_store() == []


@pytest.mark.django_db(transaction=True)
@postgres_only
def test_simultaneous_counts_in_threads_let_exactly_the_limit_through() -> None:
    results = at_once(lambda _: limits.count("test.race", "someone", "5/h"), 16)
    assert not [r for r in results if isinstance(r, Exception)], results
    assert sorted(r.hits for r in results) == list(range(1, 17))  # no count lost, none doubled
    assert [r.over for r in results].count(False) == 5


# --- the Redis store (RATE_LIMIT_STORE=cache:<alias>) -------------------------------------------------------------


@pytest.fixture
def redis_store() -> Iterator[None]:
    """A redis-server of its own on a temporary socket, as the store of the rate limits."""
    server = shutil.which("redis-server")
    if server is None:
        pytest.skip("redis-server is not installed")
    folder = Path(tempfile.mkdtemp(prefix="redis-", dir="/tmp"))
    socket_path = folder / "redis.sock"
    process = subprocess.Popen(  # noqa: S603 (the installed server, our own arguments)
        [server, "--port", "0", "--unixsocket", str(socket_path), "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            if socket_path.exists():
                break
            time.sleep(0.05)
        caches = {
            "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
            "limits": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": f"unix://{socket_path}"},
        }
        with override_settings(CACHES=caches, RATE_LIMIT_STORE="cache:limits"):
            yield
    finally:
        process.terminate()
        process.wait(timeout=10)
        shutil.rmtree(folder, ignore_errors=True)


def test_the_redis_store_counts_exactly_under_simultaneous_requests(redis_store: None) -> None:
    assert isinstance(limits.counters(), limits.CacheCounters)
    results = at_once(lambda _: limits.count("test.race", "someone", "5/h"), 16)
    assert not [r for r in results if isinstance(r, Exception)], results
    assert sorted(r.hits for r in results) == list(range(1, 17))
    assert [r.over for r in results].count(False) == 5
    limits.give_back(results[0])
    assert limits.count("test.race", "someone", "5/h").hits == 16
    assert not RateCounter.objects.exists()  # nothing in the database


# --- one mechanism everywhere ---------------------------------------------------------------------------------------

SOURCES = [
    path
    for path in ROOT.rglob("*.py")
    if not {".venv", "tests", "migrations", "bench", "node_modules"} & set(path.relative_to(ROOT).parts)
    and not path.name.startswith("test_")
]


@pytest.mark.parametrize(
    ("needle", "allowed"),
    [
        ("REMOTE_ADDR", {"core/client_address.py"}),
        ("HTTP_X_FORWARDED_FOR", {"core/client_address.py"}),
        ("django_ratelimit", set()),
        ("SimpleRateThrottle", set()),
        ("AnonRateThrottle", set()),
        ("get_ident(", set()),
    ],
)
def test_addresses_and_limits_have_one_way_in(needle: str, allowed: set[str]) -> None:
    """A new limit or a new reader of the client's address goes through core.limits and core.client_address:
    a per-process counter or the raw header would bring back what issue 12 found."""
    found = {str(p.relative_to(ROOT)) for p in SOURCES if needle in p.read_text(encoding="utf-8")}
    assert found <= allowed, f"{needle} in {sorted(found - allowed)}"
