"""Writes the measured figures into docs/benchmarks.md, between two marker lines; the rest of the file (the
analysis, written by people) is kept as it is."""

import os
import platform
import re
import subprocess
from pathlib import Path
from typing import Any

from bench.common import DATABASES, POSTGRES_SERVER, ROOT, SIZES, manifest_path, read_json, results_path

DOC = ROOT / "docs" / "benchmarks.md"
START = "<!-- bench:results:start (written by `python -m bench`; edit outside these markers) -->"
END = "<!-- bench:results:end -->"
_CATALOGUE = (
    "catalogue, no query",
    "catalogue search, common word",
    "catalogue search, rare word",
    "catalogue search + facets",
    "catalogue, facets only",
    "API list",
)
SCENARIO_ORDER = (
    *_CATALOGUE,
    *(f"{name} (after a write)" for name in _CATALOGUE),
    "innovation page (random)",
    "innovation page (most adopted)",
)


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        memory_kb = next(
            int(line.split()[1])
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        )
    except (OSError, StopIteration):
        memory_kb = 0
    versions: dict[str, str] = {"python": platform.python_version()}
    try:
        import sqlite3

        import django
        import gunicorn

        versions.update(django=django.get_version(), gunicorn=gunicorn.__version__, sqlite=sqlite3.sqlite_version)
    except ImportError:
        pass
    try:
        import psycopg

        with psycopg.connect(f"{POSTGRES_SERVER}/postgres", connect_timeout=5) as connection:
            row = connection.execute("SHOW server_version").fetchone()
            versions["postgresql"] = str(row[0]).split()[0] if row else "?"
    except Exception:
        versions["postgresql"] = "not reachable"
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": round(memory_kb / 1024 / 1024, 1),
        "kernel": platform.release(),
        "load_average": os.getloadavg(),
        "versions": versions,
        "commit": _git("rev-parse", "--short", "HEAD"),
    }


def _git(*args: str) -> str:
    try:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=False).stdout.strip()  # noqa: S603, S607
    except OSError:
        return ""


def _ms(value: Any) -> str:
    return "–" if value is None else f"{value:.0f}"


def render() -> str:
    lines = [START, ""]
    available = [(db, scale) for scale in ("full", "small") for db in DATABASES if read_json(results_path(db, scale))]
    if not available:
        return "\n".join([START, "", "No results yet: run `make bench`.", "", END])
    for db, scale in available:
        results = read_json(results_path(db, scale)) or {}
        machine_info = results.get("machine") or results.get("meta", {}).get("machine", {})
        size = SIZES[scale]
        manifest = read_json(manifest_path(db, scale)) or {}
        counts = manifest.get("counts", {})
        lines += [
            f"### {'SQLite' if db == 'sqlite' else 'PostgreSQL'}, {scale} size",
            "",
            _machine_line(machine_info),
            "",
            f"Registry: {counts.get('organisations', size.organisations):,} organisations, "
            f"{counts.get('innovations', size.innovations):,} innovations, {counts.get('adoptions', 0):,} adoptions + "
            f"{counts.get('partnerships', 0):,} partnerships, {counts.get('classifications', 0):,} classifications, "
            f"{counts.get('stage_events', 0):,} stage events. Generated in {manifest.get('seconds', 0):.0f} s.",
            "",
        ]
        server = results.get("server")
        if server:
            lines += [
                f"Server, {server.get('workers', '?')} gunicorn sync workers, one client on loopback "
                f"({server.get('repeats', '?')} repeats; p50 and p95 are medians over the repeats). "
                + _when(server.get("measured")),
                "",
                "| page | p50 ms | p95 ms | p95 range over repeats | requests | errors |",
                "| --- | ---: | ---: | --- | ---: | ---: |",
            ]
            for name in SCENARIO_ORDER:
                row = server.get("scenarios", {}).get(name)
                if not row:
                    continue
                spread = "–" if not row.get("p95_range") else "–".join(_ms(v) for v in row["p95_range"])
                errors = f"{row['errors']} {row['statuses']}" if row["errors"] else "0"
                lines.append(
                    f"| {name} | {_ms(row['p50'])} | {_ms(row['p95'])} | {spread} | {row['requests']} | {errors} |"
                )
            burst = server.get("burst") or {}
            memory = server.get("memory") or {}
            lines += [
                "",
                f"Concurrent burst, {burst.get('clients', '?')} clients on catalogue search (warm): "
                f"{burst.get('requests_per_s', '–')} requests/s, p50 {_ms(burst.get('p50'))} ms, "
                f"p95 {_ms(burst.get('p95'))} ms ({burst.get('n', 0)} requests, {burst.get('errors', 0)} errors).",
                "",
                f"Server memory: peak RSS of one gunicorn worker {memory.get('worker_peak_rss_mb', '–')} MB, "
                f"of all {memory.get('workers', '?')} workers together {memory.get('workers_peak_rss_total_mb', '–')} "
                f"MB (sampled maximum {memory.get('sampled_max_rss_mb', '–')} MB; master "
                f"{memory.get('master_rss_mb', '–')} MB).",
                "",
            ]
        queries = results.get("queries")
        if queries:
            lines += [
                "SQL queries per page (in-process, Django's CaptureQueriesContext). "
                + _when(results.get("queries_measured")),
                "",
                "Warm: the page was requested just before; after a write: the catalogue's version changed first, so "
                "its counts and page are computed.",
                "",
                "| page | queries | SQL ms | slowest query ms | after a write: queries | SQL ms | slowest query ms |",
                "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
            ]
            for name, row in queries.items():
                lines.append(
                    f"| {name} | {row['queries']} | {_ms(row['sql_ms'])} | {_ms(row['slowest_ms'])} | "
                    f"{row.get('queries_cold', '–')} | {_ms(row.get('sql_ms_cold'))} | "
                    f"{_ms(row.get('slowest_ms_cold'))} |"
                )
            lines.append("")
    lines += _query_comparison(available)
    lines.append(END)
    return "\n".join(lines)


def _machine_line(info: dict[str, Any]) -> str:
    versions = info.get("versions", {})
    return (
        f"Machine: {info.get('cpu', '?')}, {info.get('cores', '?')} cores, {info.get('memory_gb', '?')} GB, "
        f"Linux {info.get('kernel', '?')}; Python {versions.get('python', '?')}, Django {versions.get('django', '?')}, "
        f"gunicorn {versions.get('gunicorn', '?')}, SQLite {versions.get('sqlite', '?')}, "
        f"PostgreSQL {versions.get('postgresql', '?')}."
    )


def _when(info: dict[str, Any] | None) -> str:
    if not info:
        return ""
    return (
        f"Measured {info.get('date', '?')} on commit `{info.get('commit', '?')}`; load average (1/5/15 min) "
        f"before {_load(info.get('load_before'))}, after {_load(info.get('load_after'))}."
    )


def _load(value: Any) -> str:
    return "?" if not value else " / ".join(f"{v:.1f}" for v in value)


def _query_comparison(available: list[tuple[str, str]]) -> list[str]:
    """Query counts side by side at both sizes: equal counts mean no N+1."""
    columns = [(db, scale) for db, scale in available if (read_json(results_path(db, scale)) or {}).get("queries")]
    if len(columns) < 2:
        return []
    names: list[str] = []
    data = {}
    for db, scale in columns:
        rows = read_json(results_path(db, scale))["queries"]
        data[(db, scale)] = rows
        names += [name for name in rows if name not in names]
    header = " | ".join(f"{db} {scale}" for db, scale in columns)
    lines = [
        "### Queries per page at both sizes (warm / after a write)",
        "",
        f"| page | {header} |",
        "| --- |" + " ---: |" * len(columns),
    ]
    for name in names:
        cells = " | ".join(_both(data[col].get(name, {})) for col in columns)
        lines.append(f"| {name} | {cells} |")
    return [*lines, ""]


def _both(row: dict[str, Any]) -> str:
    """ "warm / after a write" query counts, or the one count of older results."""
    if "queries_cold" in row:
        return f"{row['queries']} / {row['queries_cold']}"
    return str(row.get("queries", "–"))


def write() -> Path:
    DOC.parent.mkdir(parents=True, exist_ok=True)
    block = render()
    text = DOC.read_text() if DOC.exists() else f"# Benchmarks\n\n{START}\n{END}\n"
    if START in text and END in text:
        text = re.sub(re.escape(START) + ".*?" + re.escape(END), lambda _m: block, text, flags=re.S)
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    DOC.write_text(text)
    return DOC
