"""Rate-limit counters in the database (core.limits): what each request pays for its count, and whether two real
worker processes together keep to a limit.

    python -m bench.rate_limits                         # SQLite and PostgreSQL, 60 requests a case (~2-4 min)
    python -m bench.rate_limits --db sqlite --requests 500

1. The cost per request, in one process per database (Django's test client, through the whole middleware and
   view stack, no HTTP): a database of its own (SQLite /tmp/innoverkko-bench/bench-limits.sqlite3, PostgreSQL
   `innoverkko_bench_limits`), made anew with the reference data and 60 published innovations. Measured in the same
   run, the cases taking turns request by request (so that other load on the machine falls on all alike):
   - the anonymous API list `/api/v1/innovations?limit=20` as served (its throttle counts every anonymous request
     in the database) and with the throttle switched off (no counter write);
   - the catalogue page `/fi/innovations/`, which counts nothing, and the same page with one counter write before
     it (what a page would pay if it were limited);
   - `core.limits.count` alone.
   Reported: the median and p95 of each, and the differences of the medians.
2. Two real workers: gunicorn with 2 sync workers on a loopback port, over the same database, and two client
   threads sending N = twice the limit as fast as they are answered (so both workers serve at once): the anonymous API
   list (limit 300 a minute per address) and the organisation search (120 a minute per address, the one a
   picker uses), the search also with a new random X-Forwarded-For header on every request (the proxy is not
   trusted here: the header must not buy a fresh allowance). Counted per window of the limit: how many were
   sent and how many passed (2xx; the rest must be 429). With counts per process, up to twice the limit would
   pass.

Results: /tmp/innoverkko-bench/rate_limits.json.
"""

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

from bench.common import BENCH_DIR, ROOT, collect_static, django_setup, log, measured, write_json

SCALE = "limits"  # bench.common names its databases innoverkko_bench_limits / bench-limits.sqlite3
RESULTS = BENCH_DIR / "rate_limits.json"
REQUESTS = 60
INNOVATIONS = 60
API_LIST = "/api/v1/innovations?limit=20"
CATALOGUE = "/fi/innovations/"
SEARCH = "/fi/organisations/search.json?q=kun"
API_RATE = (300, 60)  # config/api.py: RateLimit("300/m", signed_in=False)
SEARCH_RATE = (120, 60)  # organisations/views/search.py


# --- 1. the cost per request ----------------------------------------------------------------------------------------


def make_innovations(count: int) -> None:
    from accounts.models import User
    from innovations import services
    from organisations.models import Organisation, OrganisationKind

    actor = User.objects.create_superuser("bench-admin", "admin@example.invalid", None)
    owners = list(Organisation.objects.filter(kind=OrganisationKind.MUNICIPALITY).order_by("pk")[:10])
    for number in range(count):
        services.innovation_create(
            actor=actor,
            owner=owners[number % len(owners)],
            data={
                "title_fi": f"Kokeilu {number}: kirjaston etäpalvelu",
                "title_sv": f"Försök {number}",
                "title_en": f"Trial {number}",
                "summary_fi": "Kirjaston palveluja etänä ikäihmisille.",
                "contact_name": "Aino Virtanen",
                "contact_email": "aino@example.invalid",
            },
            classifications={"type": ["service"]},
            status="published",
        )


def percentile(values: Sequence[float], p: float) -> float:
    from bench.run import percentile as nearest_rank

    return nearest_rank(values, p)


def latency_part(db: str, requests: int) -> dict[str, Any]:
    """Runs in a process of its own (one DATABASE_URL a process)."""
    from bench.loadtest import prepare_database

    prepare_database(db, SCALE)
    django_setup(db, SCALE)
    from django.conf import settings
    from django.core.cache import caches
    from django.test import Client

    from config.api import RateLimit
    from core import limits

    settings.ALLOWED_HOSTS = ["testserver"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    make_innovations(INNOVATIONS)
    client = Client()
    real_allow = RateLimit.allow_request
    addresses = iter(range(10**9))

    def fresh_address() -> str:
        # A new address a request, so that no case is ever refused (the limit's window is a minute).
        number = next(addresses)
        return f"10.{number // 65536 % 256}.{number // 256 % 256}.{number % 256}"

    def api(counted: bool) -> Callable[[], int]:
        def request() -> int:
            RateLimit.allow_request = real_allow if counted else (lambda self, request: True)  # type: ignore[method-assign]
            try:
                return client.get(API_LIST, REMOTE_ADDR=fresh_address()).status_code
            finally:
                RateLimit.allow_request = real_allow  # type: ignore[method-assign]

        return request

    def catalogue(counted: bool) -> Callable[[], int]:
        def request() -> int:
            address = fresh_address()
            if counted:
                limits.count("bench.catalogue", "address:" + address, "300/m")
            return client.get(CATALOGUE, REMOTE_ADDR=address).status_code

        return request

    def count_alone() -> int:
        limits.count("bench.alone", "address:" + fresh_address(), "300/m")
        return 200

    cases: dict[str, Callable[[], int]] = {
        "API list, counted (as served)": api(True),
        "API list, throttle off": api(False),
        "catalogue page (counts nothing)": catalogue(False),
        "catalogue page + one counter write": catalogue(True),
        "core.limits.count alone": count_alone,
    }
    for request in cases.values():  # warm up: templates, caches, connections
        for _ in range(5):
            status = request()
            if status != 200:
                raise RuntimeError(f"warm-up answered {status}")
    times: dict[str, list[float]] = {name: [] for name in cases}
    statuses: dict[str, Counter[int]] = {name: Counter() for name in cases}
    for _ in range(requests):
        for name, request in cases.items():  # in turns: drift in the machine's load falls on every case
            started = time.perf_counter()
            statuses[name][request()] += 1
            times[name].append(time.perf_counter() - started)
    caches["catalogue"].clear()
    rows = {
        name: {
            "median_ms": statistics.median(values) * 1000,
            "p95_ms": percentile(values, 95) * 1000,
            "statuses": dict(statuses[name]),
        }
        for name, values in times.items()
    }
    median = {name: statistics.median(values) * 1000 for name, values in times.items()}
    return {
        "db": db,
        "requests_per_case": requests,
        "cases": rows,
        "api_counter_cost_ms": median["API list, counted (as served)"] - median["API list, throttle off"],
        "catalogue_counter_cost_ms": median["catalogue page + one counter write"]
        - median["catalogue page (counts nothing)"],
    }


# --- 2. two workers -------------------------------------------------------------------------------------------------


def fire(port: int, path: str, total: int, *, forwarded: bool) -> list[tuple[float, int]]:
    """`total` requests from two threads; (sent at, Unix time; status) of each."""
    import http.client

    samples: list[tuple[float, int]] = []
    lock = threading.Lock()
    left = iter(range(total))
    rng = random.Random(7)  # noqa: S311 - made-up addresses

    def client() -> None:
        while True:
            with lock:
                if next(left, None) is None:
                    return
                header = {"X-Forwarded-For": f"203.0.113.{rng.randint(1, 254)}"} if forwarded else {}
            sent = time.time()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            try:
                connection.request("GET", path, headers={"Accept-Language": "fi", **header})
                response = connection.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException):
                status = 0
            finally:
                connection.close()
            with lock:
                samples.append((sent, status))

    threads = [threading.Thread(target=client) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return samples


def by_window(samples: list[tuple[float, int]], seconds: int) -> list[dict[str, int]]:
    windows: dict[int, Counter[str]] = {}
    for sent, status in samples:
        window = windows.setdefault(int(sent // seconds), Counter())
        window["sent"] += 1
        window["passed" if 200 <= status < 300 else "refused" if status == 429 else "other"] += 1
    return [{"window": key, **dict(counts)} for key, counts in sorted(windows.items())]


def wait_for_a_fresh_window(seconds: int, needed: float) -> None:
    """Waits for the next window when fewer than `needed` seconds are left in this one (one window a case)."""
    left = seconds - time.time() % seconds
    if left < needed:
        time.sleep(left + 0.2)


def workers_part(db: str) -> dict[str, Any]:
    from bench.loadtest import start_server, stop_server
    from bench.run import free_port

    collect_static(db, SCALE)
    port = free_port()
    server = start_server(db, SCALE, port, 2, log_name=f"rate_limits-{db}.log")
    results: dict[str, Any] = {"db": db}
    try:
        for name, path, (limit, seconds), total, forwarded in (
            ("API list, anonymous", API_LIST, API_RATE, 2 * API_RATE[0], False),
            ("organisation search", SEARCH, SEARCH_RATE, 2 * SEARCH_RATE[0], False),
            ("organisation search, new X-Forwarded-For each time", SEARCH, SEARCH_RATE, 2 * SEARCH_RATE[0], True),
        ):
            wait_for_a_fresh_window(seconds, 25)
            samples = fire(port, path, total, forwarded=forwarded)
            windows = by_window(samples, seconds)
            row = {
                "limit": limit,
                "per_seconds": seconds,
                "sent": total,
                "passed": sum(w.get("passed", 0) for w in windows),
                "windows": windows,
                "over_the_limit_in_a_window": any(w.get("passed", 0) > limit for w in windows),
            }
            results[name] = row
            log(
                f"  {db}, 2 workers, {name}: {row['passed']} of {total} passed a limit of {limit} a minute "
                f"(windows: {[(w.get('sent', 0), w.get('passed', 0)) for w in windows]})"
            )
            # The next case uses another limit or the same one by address: let this window end first.
            if path == SEARCH and not forwarded:
                wait_for_a_fresh_window(seconds, seconds)
    finally:
        stop_server(server)
    return results


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.rate_limits", description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--requests", type=int, default=REQUESTS)
    parser.add_argument("--part", choices=("latency",), help=argparse.SUPPRESS)  # the child process
    args = parser.parse_args(argv)
    if args.part == "latency":
        print(json.dumps(latency_part(args.db, args.requests)))
        return 0
    load_before = os.getloadavg()
    databases = ("sqlite", "postgres") if args.db == "both" else (args.db,)
    latency, workers = {}, {}
    for db in databases:
        log(f"{db}: the cost per request …")
        child = subprocess.run(  # noqa: S603 - this module
            [
                sys.executable,
                "-m",
                "bench.rate_limits",
                "--part",
                "latency",
                "--db",
                db,
                "--requests",
                str(args.requests),
            ],
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        )
        latency[db] = json.loads(child.stdout.strip().splitlines()[-1])
        for name, row in latency[db]["cases"].items():
            log(f"  {name}: median {row['median_ms']:.2f} ms, p95 {row['p95_ms']:.2f} ms {row['statuses']}")
        log(
            f"  the counter write costs the API list {latency[db]['api_counter_cost_ms']:+.2f} ms and the catalogue "
            f"{latency[db]['catalogue_counter_cost_ms']:+.2f} ms (difference of medians)"
        )
        log(f"{db}: two workers …")
        workers[db] = workers_part(db)
    write_json(
        RESULTS,
        {"latency": latency, "two_workers": workers, "measured": measured(load_before=load_before)},
    )
    log(f"results: {RESULTS}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
