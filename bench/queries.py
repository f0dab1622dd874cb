"""SQL queries per page, counted in-process (Django's test client and CaptureQueriesContext) on a bench database.

    python -m bench.queries --db sqlite|postgres --scale full|small

Pages are chosen in pairs whose data differ in size (a catalogue page of 20 results and one of 1; an innovation
with no adopters and the most adopted one; an API page of 20 and of 100 items): when a page's count does not grow
with its rows and with the registry's size (run at both sizes), there is no N+1. Each page is counted twice: warm
(requested just before, so the catalogue's counts and page come from the cache) and after a write (a new catalogue
version, so they are computed). On PostgreSQL the slowest query of each catalogue page after a write is also
EXPLAIN ANALYZEd, for the profile in docs/benchmarks.md.
"""

import argparse
import os
import time
from collections.abc import Sequence
from typing import Any

from bench.common import collect_static, django_setup, log, measured, read_json, results_path, write_json


def pages() -> list[tuple[str, str]]:
    from django.db.models import Count

    from innovations.models import Adoption, Innovation

    published = Innovation.objects.filter(status="published")
    heavy = Adoption.objects.values("source").annotate(n=Count("id")).order_by("-n", "source").first()
    light = (
        published.filter(adoptions__isnull=True, partnerships__isnull=True, adopted_from__isnull=True)
        .order_by("id")
        .first()
    )
    heavy_id = heavy["source"] if heavy else 1
    light_id = light.pk if light else 1
    rare = published.order_by("id").first()
    rare_title = ((rare.title_fi if rare else None) or "x").split()[0]
    return [
        ("catalogue, no query", "/fi/innovations/"),
        ("catalogue, page 5", "/fi/innovations/?page=5"),
        ("catalogue search “kokeilu”", "/fi/innovations/?q=kokeilu"),
        ("catalogue search “etäkotihoito”", "/fi/innovations/?q=et%C3%A4kotihoito"),
        (
            "catalogue search + facets",
            "/fi/innovations/?q=hyvinvointi&types=service&stages=in_use&org_kinds=municipality",
        ),
        ("catalogue, facets only", "/fi/innovations/?themes=digitalisaatio&regions=06"),
        ("catalogue, one result", f"/fi/innovations/?q={rare_title}&owner={rare.owner.slug if rare else ''}"),
        ("innovation page, no links", f"/fi/innovations/{light_id}/"),
        ("innovation page, most adopted", f"/fi/innovations/{heavy_id}/"),
        ("API list, 20", "/api/v1/innovations?limit=20"),
        ("API list, 100", "/api/v1/innovations?limit=100"),
        ("API list, search + filters", "/api/v1/innovations?limit=20&q=kokeilu&type=service&stage=in_use"),
        ("API innovation, most adopted", f"/api/v1/innovations/{heavy_id}"),
    ]


def count(db: str, scale: str) -> dict[str, Any]:
    collect_static(db, scale)
    django_setup(db, scale)
    from django.db import connection
    from django.test import Client

    client = Client(HTTP_ACCEPT_LANGUAGE="fi")
    rows: dict[str, Any] = {}
    for name, path in pages():
        client.get(path)  # warm caches (templates, content types, the catalogue's counts and page)
        warm = _capture(client, path)
        _new_catalogue_version()
        cold = _capture(client, path)
        row: dict[str, Any] = {
            "path": path,
            "status": warm["status"],
            "queries": warm["queries"],
            "sql_ms": warm["sql_ms"],
            "page_ms": warm["page_ms"],
            "slowest_ms": warm["slowest_ms"],
            "queries_cold": cold["queries"],
            "sql_ms_cold": cold["sql_ms"],
            "page_ms_cold": cold["page_ms"],
            "slowest_ms_cold": cold["slowest_ms"],
            "slowest_sql": cold["slowest_sql"][:600],
        }
        if connection.vendor == "postgresql" and name.startswith("catalogue") and cold["slowest_sql"]:
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + cold["slowest_sql"])
                row["explain"] = "\n".join(line for (line,) in cursor.fetchall())
        rows[name] = row
        log(
            f"  {name}: {row['queries']} queries, SQL {row['sql_ms']} ms, page {row['page_ms']} ms; after a write "
            f"{row['queries_cold']} queries, SQL {row['sql_ms_cold']} ms, page {row['page_ms_cold']} ms "
            f"(HTTP {row['status']})"
        )
    return rows


def _capture(client: Any, path: str) -> dict[str, Any]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        response = client.get(path)
        seconds = time.perf_counter() - started
    queries = [(float(q["time"]), q["sql"]) for q in captured.captured_queries]
    slowest = max(queries, default=(0.0, ""))
    return {
        "status": response.status_code,
        "queries": len(queries),
        "sql_ms": round(sum(t for t, _sql in queries) * 1000, 1),
        "page_ms": round(seconds * 1000, 1),
        "slowest_ms": round(slowest[0] * 1000, 1),
        "slowest_sql": slowest[1],
    }


def _new_catalogue_version() -> None:
    """As a write does (nothing to do for code without the catalogue's cache)."""
    try:
        from innovations import catalogue
    except ImportError:
        return
    catalogue.bump()


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.queries", description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgres"), required=True)
    parser.add_argument("--scale", choices=("full", "small"), default="full")
    args = parser.parse_args(argv)
    log(f"Counting queries on {args.db} ({args.scale}) …")
    load_before = os.getloadavg()
    rows = count(args.db, args.scale)
    path = results_path(args.db, args.scale)
    results = read_json(path) or {}
    results["queries"] = rows
    results["queries_measured"] = measured(load_before=load_before)
    write_json(path, results)


if __name__ == "__main__":
    main()
