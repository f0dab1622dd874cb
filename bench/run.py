"""Runs the real server (gunicorn) on a bench database and measures it from this process over loopback.

    python -m bench.run --db sqlite|postgres --scale full|small

What it measures, sequentially (one request at a time, so the figures are latencies, not queueing): the
catalogue without a query, with a common word, a rare word, a word and facets, facets alone; innovation pages
(random published ids, and the most adopted ones); the API list with filters. Each scenario runs REPEATS times;
its p50 and p95 are the medians over the repeats. Then a short concurrent burst gives throughput. The server's
memory is the peak RSS (VmHWM) of each gunicorn worker, from /proc, with RSS sampled during the run as a check.

The catalogue caches its counts and pages until the next write (innovations.selectors), so each catalogue and API
scenario is measured twice: "warm" (each page requested a few times first, as a page people use is) and "after
a write" (the catalogue's version token changed before every request, as a write changes it: every request
computes its counts and its page afresh). Without the cache (older code) the two are the same.

Server: gunicorn with 2 sync workers, one per core. Django's request handling is CPU-bound Python, so threads
in one worker would share one core through the GIL; two processes use both cores (with the client and the
database sharing them too: on a 2-core machine that is the honest set-up).

Everything is bounded: a fixed number of requests per scenario, a time budget per scenario, and the server is
terminated at the end whatever happens.
"""

import argparse
import http.client
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

from bench.common import (
    BENCH_DIR,
    ROOT,
    bench_env,
    collect_static,
    django_setup,
    log,
    measured,
    results_path,
    write_json,
)
from bench.loadtest import children

WORKERS = 2
REPEATS = 3
SCENARIO_BUDGET_S = 45.0  # per scenario and repeat
REQUEST_TIMEOUT_S = 120.0
# Matches at full size: 108,000 / 90,000 / 43,000 (common); 3,600 / 1,800 / 3,600 / 650 / 330 (rare).
COMMON = ("kokeilu", "hyvinvointi", "digitaalinen palvelu")
RARE = ("etäkotihoito", "kiertotalous nuoret", "chatbot", "kuusamo", "sysmä")
QUERIES = (*COMMON, *RARE)
FACETS = "&types=service&stages=in_use&org_kinds=municipality"
FACETS_ONLY = (
    "themes=digitalisaatio&regions=06",
    "types=service&stages=in_use&org_kinds=municipality",
    "partner_kinds=university&novelty=adapted",
)
WARM_UP = 8  # requests of each path before a warm scenario, so that both workers (each its own cache) have it
API_VARIANTS = (
    "/api/v1/innovations?limit=20",
    "/api/v1/innovations?limit=20&q=kokeilu",
    "/api/v1/innovations?limit=20&type=service&stage=in_use&region=06",
    "/api/v1/innovations?limit=20&q=hyvinvointi&theme=digitalisaatio",
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def get(port: int, path: str) -> tuple[int, float, int]:
    """(status, seconds until the whole body was read, body bytes); a new connection per request.
    A time-out or a broken connection is status 0."""
    started = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT_S)
    try:
        connection.request("GET", path, headers={"Accept-Language": "fi"})
        response = connection.getresponse()
        body = response.read()
        return response.status, time.perf_counter() - started, len(body)
    except (OSError, http.client.HTTPException):
        return 0, time.perf_counter() - started, 0
    finally:
        connection.close()


def percentile(values: Sequence[float], p: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    rank = max(1, round(p / 100 * len(ordered) + 0.5 - 1e-9))
    return ordered[min(rank, len(ordered)) - 1]


class Server:
    """gunicorn on a free loopback port; always terminated by stop()."""

    def __init__(self, db: str, scale: str):
        self.db, self.scale, self.port = db, scale, free_port()
        self.log_path = BENCH_DIR / f"server-{db}-{scale}.log"
        self.process: subprocess.Popen[bytes] | None = None
        self.samples: dict[int, int] = {}  # pid -> max RSS seen (kB)
        self._sampling = False

    def start(self) -> None:
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(WORKERS),
            "--worker-class",
            "sync",
            "--timeout",
            "120",
            "--graceful-timeout",
            "5",
            "--log-level",
            "warning",
        ]
        with self.log_path.open("wb") as out:
            self.process = subprocess.Popen(  # noqa: S603 - our own command line
                command,
                cwd=ROOT,
                env=bench_env(self.db, self.scale),
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited: see {self.log_path}")
            try:
                status, _seconds, _size = get(self.port, "/api/v1/themes")
                if status < 500 and len(self.workers()) == WORKERS:
                    break
            except OSError:
                pass
            time.sleep(0.5)
        else:
            raise RuntimeError(f"gunicorn did not answer in 60 s: see {self.log_path}")
        self._sampling = True
        threading.Thread(target=self._sample, daemon=True).start()

    def workers(self) -> list[int]:
        if self.process is None:
            return []
        return sorted(children(self.process.pid))

    @staticmethod
    def _status(pid: int, key: str) -> int:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith(key + ":"):
                    return int(line.split()[1])
        except OSError:
            pass
        return 0

    def _sample(self) -> None:
        while self._sampling:
            for pid in self.workers():
                self.samples[pid] = max(self.samples.get(pid, 0), self._status(pid, "VmRSS"))
            time.sleep(0.25)

    def memory(self) -> dict[str, Any]:
        peaks = {pid: self._status(pid, "VmHWM") for pid in self.workers()}
        return {
            "worker_peak_rss_mb": round(max(peaks.values(), default=0) / 1024, 1),
            "workers_peak_rss_total_mb": round(sum(peaks.values()) / 1024, 1),
            "sampled_max_rss_mb": round(max(self.samples.values(), default=0) / 1024, 1),
            "master_rss_mb": round(self._status(self.process.pid, "VmRSS") / 1024, 1) if self.process else 0,
            "workers": len(peaks),
        }

    def stop(self) -> None:
        self._sampling = False
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=15)


def measure(
    port: int, paths: Sequence[str], count: int, before_each: Callable[[], None] | None = None
) -> dict[str, Any]:
    """`count` sequential requests cycling through paths, within the time budget; `before_each` runs before each
    request, untimed."""
    times, statuses, deadline = [], [], time.monotonic() + SCENARIO_BUDGET_S
    for k in range(count):
        if time.monotonic() > deadline:
            break
        if before_each:
            before_each()
        status, seconds, _size = get(port, paths[k % len(paths)])
        statuses.append(status)
        times.append(seconds)
    ok = [t for t, s in zip(times, statuses, strict=True) if s == 200]
    return {
        "n": len(times),
        "errors": sum(s != 200 for s in statuses),
        "statuses": sorted(set(statuses)),
        "p50": percentile(ok, 50) * 1000 if ok else None,
        "p95": percentile(ok, 95) * 1000 if ok else None,
        "mean": statistics.fmean(ok) * 1000 if ok else None,
    }


def burst(port: int, paths: Sequence[str], clients: int = 4, per_client: int = 25) -> dict[str, Any]:
    """Throughput: `clients` concurrent clients, each `per_client` requests (bounded by the time budget)."""
    times: list[float] = []
    errors = 0
    lock = threading.Lock()
    deadline = time.monotonic() + SCENARIO_BUDGET_S

    def client(offset: int) -> None:
        nonlocal errors
        for k in range(per_client):
            if time.monotonic() > deadline:
                return
            status, seconds, _size = get(port, paths[(offset + k) % len(paths)])
            with lock:
                times.append(seconds)
                errors += status != 200

    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(i * 7,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    return {
        "clients": clients,
        "n": len(times),
        "errors": errors,
        "requests_per_s": round(len(times) / elapsed, 2) if elapsed else None,
        "p50": percentile(times, 50) * 1000 if times else None,
        "p95": percentile(times, 95) * 1000 if times else None,
    }


def pick_innovations(seed: int) -> tuple[list[int], list[int]]:
    """Random published ids, and the most adopted innovations (the heaviest pages)."""
    from django.db.models import Count, Max

    from innovations.models import Adoption, Innovation

    rng = random.Random(seed)  # noqa: S311 - sampling, not security
    top = Innovation.objects.aggregate(top=Max("id"))["top"] or 0
    candidates = [rng.randint(1, top) for _ in range(600)]
    published = list(Innovation.objects.filter(pk__in=candidates, status="published").values_list("pk", flat=True))
    rng.shuffle(published)
    heavy = [
        row["source"] for row in Adoption.objects.values("source").annotate(n=Count("id")).order_by("-n", "source")[:5]
    ]
    return published[:300], heavy


def new_version() -> None:
    """What a write does to the catalogue: a new version token, so cached counts and pages are out of date.
    (Nothing to do for code without the cache.)"""
    try:
        from innovations import catalogue
    except ImportError:
        return
    catalogue.bump()


def scenarios(published: list[int], heavy: list[int], repeat: int) -> dict[str, tuple[list[str], int, str]]:
    """name -> (paths, requests, how): "warm" pages are requested WARM_UP times each first, "cold" ones get a
    new catalogue version before every request."""
    rng = random.Random(repeat)  # noqa: S311
    ids = rng.sample(published, min(40, len(published)))
    catalogue = {
        "catalogue, no query": ["/fi/innovations/"],
        "catalogue search, common word": [f"/fi/innovations/?q={quote(q)}" for q in COMMON],
        "catalogue search, rare word": [f"/fi/innovations/?q={quote(q)}" for q in RARE],
        "catalogue search + facets": [f"/fi/innovations/?q={quote(q)}{FACETS}" for q in QUERIES],
        "catalogue, facets only": [f"/fi/innovations/?{facets}" for facets in FACETS_ONLY],
    }
    result: dict[str, tuple[list[str], int, str]] = {name: (paths, 30, "warm") for name, paths in catalogue.items()}
    result["API list"] = (list(API_VARIANTS), 40, "warm")
    result.update({f"{name} (after a write)": (paths, 15, "cold") for name, paths in catalogue.items()})
    result["API list (after a write)"] = (list(API_VARIANTS), 20, "cold")
    result["innovation page (random)"] = ([f"/fi/innovations/{pk}/" for pk in ids], 40, "plain")
    result["innovation page (most adopted)"] = ([f"/fi/innovations/{pk}/" for pk in heavy], 10, "plain")
    return result


def run(db: str, scale: str) -> dict[str, Any]:
    django_setup(db, scale)
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    log("  collectstatic …")
    collect_static(db, scale)
    published, heavy = pick_innovations(seed=1)
    server = Server(db, scale)
    results: dict[str, Any] = {"db": db, "scale": scale, "workers": WORKERS, "repeats": REPEATS}
    try:
        server.start()
        log(f"  server up on 127.0.0.1:{server.port}, workers {server.workers()}")
        warm = [paths[0] for paths, _n, _how in scenarios(published, heavy, 0).values()]
        for path in warm * 2:
            get(server.port, path)
        runs: dict[str, list[dict[str, Any]]] = {}
        for repeat in range(REPEATS):
            for name, (paths, count, how) in scenarios(published, heavy, repeat).items():
                if how == "warm":
                    for path in paths * WARM_UP:
                        get(server.port, path)
                result = measure(server.port, paths, count, before_each=new_version if how == "cold" else None)
                runs.setdefault(name, []).append(result)
                log(
                    f"  [{repeat + 1}/{REPEATS}] {name}: n={result['n']} p50={_ms(result['p50'])} "
                    f"p95={_ms(result['p95'])} errors={result['errors']} {result['statuses']}"
                )
        results["scenarios"] = {name: _summary(items) for name, items in runs.items()}
        search_paths = [f"/fi/innovations/?q={quote(q)}" for q in QUERIES]
        for path in search_paths * WARM_UP:
            get(server.port, path)
        results["burst"] = burst(server.port, search_paths)
        log(f"  burst (4 clients, catalogue search, warm): {results['burst']}")
        results["memory"] = server.memory()
        log(f"  memory: {results['memory']}")
    finally:
        server.stop()
    return results


def _ms(value: float | None) -> str:
    return "–" if value is None else f"{value:.0f} ms"


def _summary(items: list[dict[str, Any]]) -> dict[str, Any]:
    def median(key: str) -> float | None:
        values = [item[key] for item in items if item[key] is not None]
        return round(statistics.median(values), 1) if values else None

    return {
        "p50": median("p50"),
        "p95": median("p95"),
        "p95_range": [round(min(v), 1), round(max(v), 1)]
        if (v := [item["p95"] for item in items if item["p95"] is not None])
        else None,
        "requests": sum(item["n"] for item in items),
        "errors": sum(item["errors"] for item in items),
        "statuses": sorted({s for item in items for s in item["statuses"]}),
    }


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgres"), required=True)
    parser.add_argument("--scale", choices=("full", "small"), default="full")
    args = parser.parse_args(argv)
    log(f"Measuring the server on {args.db} ({args.scale}) …")
    load_before = os.getloadavg()
    results = run(args.db, args.scale)
    results["measured"] = measured(load_before=load_before)
    path = results_path(args.db, args.scale)
    previous: dict[str, Any] = {}
    if path.exists():
        from bench.common import read_json

        previous = read_json(path) or {}
    previous.update(server=results)
    write_json(path, previous)


if __name__ == "__main__":
    main()
