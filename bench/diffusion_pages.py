"""`python -m bench.diffusion_pages`: the stored diffusion figures and the pages that show them, on the database
in DATABASE_URL, which must hold the demo registry (`manage.py load_reference_data && manage.py load_demo_data`).

    DEBUG=true DATABASE_URL=postgres://…/demo python -m bench.diffusion_pages --repeats 30

Timed: `recompute_diffusion --all` (every family's curve, fit and categories, and the registry-wide network,
flows and trends), one family read (the recursive CTE and the bulk load), and requests through Django's test
client (in process, no network, DEBUG off) to the largest family's diffusion page, its innovation page, the
diffusion page of the organisation others learned from most, and the overview: the median and p95 of --repeats
requests after one warm-up. The machine's two cores are shared: the load average is recorded beside the figures.
Results in /tmp/innoverkko-bench/diffusion_pages.json; docs/benchmarks.md has the figures and how they were made.
"""

import argparse
import os
import statistics
import time
from typing import Any

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

from django.conf import settings  # noqa: E402  # after setup
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

from bench.common import BENCH_DIR, log, write_json  # noqa: E402
from diffusion import selectors  # noqa: E402
from diffusion.models import FamilyFigures, OrganisationFigures  # noqa: E402
from organisations.models import Organisation  # noqa: E402


def timed(repeats: int, url: str, client: Client) -> dict[str, float]:
    client.get(url)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
    times.sort()
    return {"median_ms": statistics.median(times), "p95_ms": times[max(0, round(0.95 * len(times)) - 1)]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=30)
    args = parser.parse_args()
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = ["*"]
    results: dict[str, Any] = {"load_before": os.getloadavg()}
    start = time.perf_counter()
    call_command("recompute_diffusion", "--all")
    results["recompute_all_s"] = time.perf_counter() - start
    results["families"] = FamilyFigures.objects.count()
    largest = FamilyFigures.objects.order_by("-members").first()
    if largest is None:
        raise SystemExit("No families: load the demo registry first.")
    results["largest_family"] = largest.members
    start = time.perf_counter()
    selectors.family(largest.root_id)
    results["family_read_ms"] = (time.perf_counter() - start) * 1000
    teacher = OrganisationFigures.objects.order_by("-data__taught").values_list("organisation_id", flat=True).first()
    if teacher is None:
        raise SystemExit("No organisation figures: the registry-wide computation found no published records.")
    client = Client()
    pages = {
        "family_page": f"/fi/diffusion/innovations/{largest.root_id}/",
        "innovation_page": f"/fi/innovations/{largest.root_id}/",
        "organisation_page": Organisation.objects.get(pk=teacher).get_absolute_url(),
        "overview_page": "/fi/diffusion/",
    }
    for name, url in pages.items():
        results[name] = timed(args.repeats, url, client)
        log(f"{name}: {results[name]}")
    results["load_after"] = os.getloadavg()
    log(str(results))
    write_json(BENCH_DIR / "diffusion_pages.json", results)


if __name__ == "__main__":
    main()
