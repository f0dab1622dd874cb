"""`python -m bench.diffusion_pages`: the stored diffusion figures and the pages that show them, on the demo
registry or on the bench registry (`bench.generate`: 10,000 organisations, 200,000 innovations, 500,000 adoptions
and partnerships).

    DEBUG=true DATABASE_URL=postgres://…/demo python -m bench.diffusion_pages --repeats 30   # the demo registry
    python -m bench.generate --db postgres --scale full                                      # once (about 6 min)
    python -m bench.diffusion_pages --db postgres --scale full --repeats 30                  # the bench registry

The demo registry must be loaded first (`manage.py load_reference_data && manage.py load_demo_data`). With
`--scale`, the bench registry of that size on `--db` is used with the production settings (DEBUG off, collected
static files), as `bench.queries` does.

Timed: `recompute_diffusion --all` (every family's curve, fit and categories, and the registry-wide network,
flows, trends and suggestions; `--reuse-figures` skips it when every family has figures already: at the bench
size it takes long), one family read (the recursive CTE and the bulk load), and requests through Django's test
client (in process, no network) to the largest family's diffusion page, its innovation page, the diffusion page of
the organisation others learned from most, and the overview: the median and p95 of --repeats requests after one
warm-up request (which draws the charts once: they are kept per computation of the figures) and the number of
queries, and the median CPU time of this process (without the database's). The machine's two cores are shared: the load average is recorded beside the figures.
Results in $BENCH_DIR/diffusion_pages[-<db>-<scale>].json; docs/benchmarks.md has the figures and how they were made.
"""

import argparse
import os
import statistics
import time
from typing import Any

from bench.common import BENCH_DIR, collect_static, django_setup, log, measured, write_json


def timed(repeats: int, url: str, client: Any) -> dict[str, Any]:
    from django.db import connection

    client.get(url)  # warm-up: templates, and the charts drawn once per computation of the figures
    queries: list[str] = []

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        queries.append(sql)
        return execute(sql, params, many, context)

    times, cpu = [], []
    for index in range(repeats):
        start, start_cpu = time.perf_counter(), time.process_time()
        if index == 0:
            with connection.execute_wrapper(count):
                response = client.get(url)
        else:
            response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
    times.sort()
    return {
        "url": url,
        "median_ms": statistics.median(times),
        "p95_ms": times[max(0, round(0.95 * len(times)) - 1)],
        # This process's CPU time (the database's is not in it): less hurt by other work on a shared machine.
        "cpu_median_ms": statistics.median(cpu),
        "queries": len(queries),
        "bytes": len(response.content),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=30)
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="postgres")
    parser.add_argument("--scale", choices=("full", "small"), help="the bench registry of this size (default: demo)")
    parser.add_argument("--reuse-figures", action="store_true", help="skip the recompute when all are computed")
    args = parser.parse_args()
    load_before = os.getloadavg()
    if args.scale:
        collect_static(args.db, args.scale)
        django_setup(args.db, args.scale)
    else:
        import django

        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
        django.setup()
        from django.conf import settings

        settings.DEBUG = False
        settings.ALLOWED_HOSTS = ["*"]

    from django.core.management import call_command
    from django.test import Client

    from diffusion import selectors
    from diffusion.models import FamilyFigures, OrganisationFigures
    from innovations.models import Adoption, Innovation
    from organisations.models import Organisation

    results: dict[str, Any] = {
        "registry": args.scale or "demo",
        "organisations": Organisation.objects.count(),
        "innovations": Innovation.objects.count(),
        "adoptions": Adoption.objects.count(),
    }
    log(f"registry: {results}")
    pending = FamilyFigures.objects.filter(computed_at__isnull=True).count()
    if args.reuse_figures and FamilyFigures.objects.exists() and not pending:
        results["recompute_all_s"] = None
        log("every family has figures: not recomputed (--reuse-figures)")
    else:
        start = time.perf_counter()
        call_command("recompute_diffusion", "--all")
        results["recompute_all_s"] = time.perf_counter() - start
        log(f"recompute_diffusion --all: {results['recompute_all_s']:.0f} s")
    results["families"] = FamilyFigures.objects.count()
    largest = FamilyFigures.objects.order_by("-members").first()
    if largest is None:
        raise SystemExit("No families: load the registry first.")
    results["largest_family"] = largest.members
    start = time.perf_counter()
    selectors.family(largest.root_id)
    results["family_read_ms"] = (time.perf_counter() - start) * 1000
    teacher = OrganisationFigures.objects.order_by("-data__taught").values_list("organisation_id", flat=True).first()
    if teacher is None:
        raise SystemExit("No organisation figures: the registry-wide computation found no published records.")
    client = Client(HTTP_ACCEPT_LANGUAGE="fi")
    pages = {
        "family_page": f"/fi/diffusion/innovations/{largest.root_id}/",
        "innovation_page": f"/fi/innovations/{largest.root_id}/",
        "organisation_page": Organisation.objects.get(pk=teacher).get_absolute_url(),
        "overview_page": "/fi/diffusion/",
    }
    for name, url in pages.items():
        results[name] = timed(args.repeats, url, client)
        log(f"{name}: {results[name]}")
    results["measured"] = measured(load_before=load_before)
    log(str(results))
    suffix = f"-{args.db}-{args.scale}" if args.scale else ""
    write_json(BENCH_DIR / f"diffusion_pages{suffix}.json", results)


if __name__ == "__main__":
    main()
