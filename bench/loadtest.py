"""What the load tests (locust against gunicorn on loopback) share: a fresh bench database, the server, and the
summary of the clients' samples. Used by bench.barometer_autosave and bench.ideas_load."""

import json
import os
import signal
import statistics
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from bench.common import BENCH_DIR, POSTGRES_SERVER, ROOT, bench_env, database_name, sqlite_path


def prepare_database(db: str, scale: str) -> None:
    """Drops and makes the bench database, migrates it and loads the reference data (the municipalities)."""
    if db == "postgres":
        import psycopg
        from psycopg import sql

        name = database_name(scale)
        with psycopg.connect(f"{POSTGRES_SERVER}/postgres", autocommit=True) as connection:
            connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    else:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{sqlite_path(scale)}{suffix}").unlink(missing_ok=True)
    for command in (["migrate", "--noinput", "-v0"], ["load_reference_data"]):
        subprocess.run(  # noqa: S603 - our own manage.py
            [sys.executable, "manage.py", *command],
            cwd=ROOT,
            env=bench_env(db, scale),
            check=True,
            stdout=subprocess.DEVNULL,
        )


def start_server(db: str, scale: str, port: int, workers: int, *, log_name: str) -> subprocess.Popen[bytes]:
    """gunicorn with the application loaded once before the workers fork (--preload), so that a restart of the
    workers (SIGHUP) forks ready ones, as a deploy would; returns when every worker has answered."""
    log_path = BENCH_DIR / log_name
    with log_path.open("wb") as out:
        process = subprocess.Popen(  # noqa: S603 - our own command line
            [
                sys.executable,
                "-m",
                "gunicorn",
                "config.wsgi:application",
                "--preload",  # config/wsgi.py loads the URL map before the workers fork
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(workers),
                "--worker-class",
                "sync",
                "--backlog",
                "2048",
                "--timeout",
                "60",
                "--graceful-timeout",
                "10",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=bench_env(db, scale),
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    from bench.run import get

    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited: see {log_path}")
        status, _seconds, _size = get(port, "/fi/")
        if 0 < status < 500 and len(children(process.pid)) == workers:
            return process
        time.sleep(0.5)
    stop_server(process)
    raise RuntimeError(f"gunicorn did not answer in 120 s: see {log_path}")


def children(pid: int) -> list[int]:
    """The worker processes of the gunicorn master `pid` (from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            # The process name is in parentheses and may hold spaces: the parent pid follows the last ')'.
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def stop_server(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=20)


def summarise(samples: Sequence[Sequence[Any]]) -> dict[str, Any]:
    """Requests, throughput and latency percentiles of the acknowledged ones. A sample is (start, seconds, status)
    or (start, seconds, status, acknowledged): without the flag a 2xx acknowledges; a form post says itself (its
    302, the redirect after saving, does; a 200 that shows the form again with an error does not)."""
    from bench.run import percentile

    ok = [s[1] for s in samples if (s[3] if len(s) > 3 else 200 <= s[2] < 300)]
    first = min((s[0] for s in samples), default=0.0)
    last = max((s[0] + s[1] for s in samples), default=0.0)
    statuses = Counter(str(s[2]) for s in samples)
    return {
        "requests": len(samples),
        "acknowledged": len(ok),
        "errors": len(samples) - len(ok),
        "statuses": dict(sorted(statuses.items())),
        "requests_per_s": round(len(samples) / (last - first), 1) if last > first else None,
        "p50_ms": round(percentile(ok, 50) * 1000, 1) if ok else None,
        "p95_ms": round(percentile(ok, 95) * 1000, 1) if ok else None,
        "p99_ms": round(percentile(ok, 99) * 1000, 1) if ok else None,
        "mean_ms": round(statistics.fmean(ok) * 1000, 1) if ok else None,
        "max_ms": round(max(ok) * 1000, 1) if ok else None,
    }


def run_locust(
    locustfile: str,
    *,
    plan_variable: str,
    name: str,
    port: int,
    users: int,
    spawn_rate: int,
    seconds: int,
    while_running: Callable[[], None] | None = None,
) -> Path:
    """Runs locust headless on `locustfile` to the end (bounded by `seconds` and a margin) and returns the path of
    the clients' results. The locustfile finds its plan (BENCH_DIR/<name>-plan.json) and where to write its results
    through the JSON file that the environment variable `plan_variable` names. `while_running` is called once
    locust has started (e.g. to restart the server in the middle of the run)."""
    plan_path, results_path = BENCH_DIR / f"{name}-plan.json", BENCH_DIR / f"{name}-clients.json"
    results_path.unlink(missing_ok=True)
    paths_file = BENCH_DIR / f"{name}-paths.json"
    paths_file.write_text(json.dumps({"plan": str(plan_path), "results": str(results_path)}))
    env = {**os.environ, plan_variable: str(paths_file), "PYTHONPATH": str(ROOT)}
    command = [
        sys.executable,
        "-m",
        "locust",
        "-f",
        locustfile,
        "--headless",
        "--users",
        str(users),
        "--spawn-rate",
        str(spawn_rate),
        "--run-time",
        f"{seconds}s",
        "--stop-timeout",
        "15",
        "--host",
        f"http://127.0.0.1:{port}",
        "--only-summary",
        "--loglevel",
        "WARNING",
    ]
    locust = subprocess.Popen(command, cwd=ROOT, env=env)  # noqa: S603 - our own command line
    try:
        if while_running:
            while_running()
        locust.wait(timeout=seconds + 120)
    except subprocess.TimeoutExpired:
        locust.kill()
        raise
    if not results_path.exists():
        raise RuntimeError("locust wrote no results")
    return results_path
