"""`python -m bench.diffusion_overview`: what the overview's new registry-wide figures add to the recomputation —
time to first adoption (Kaplan–Meier, overall and by year of introduction), types and themes, the flow matrix —
on the database in DATABASE_URL (the demo registry), and the same maths on a synthetic registry of the bench size.

    DEBUG=true DATABASE_URL=sqlite:////tmp/demo.sqlite3 python -m bench.diffusion_overview

Median of --repeats runs, wall clock (the machine is shared: its load average is printed beside). Reads only.
"""

import argparse
import datetime
import os
import random
import statistics
import time
from collections.abc import Callable
from typing import Any

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

from django.utils import timezone  # noqa: E402  # after setup

from diffusion import selectors, services  # noqa: E402


def timed(work: Callable[[], Any], repeats: int) -> float:
    runs = []
    for _ in range(repeats):
        start = time.perf_counter()
        work()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def synthetic(families: int, records: int, seed: int = 1) -> list[selectors.RegistryAdoption]:
    """`families` originals 2008–2026 and `records - families` adoptions by 10,000 organisations, dated after
    their original (a third of the families never adopted)."""
    rng = random.Random(seed)  # noqa: S311 - made-up dates, not security
    out = []
    start = datetime.date(2008, 1, 1)
    introduced = {}
    for pk in range(families):
        day = start + datetime.timedelta(days=rng.randrange(19 * 365))
        introduced[pk] = day
        out.append(selectors.RegistryAdoption(pk, pk, rng.randrange(10_000), None, "", "new", day.year, day))
    spreading = list(range(0, families, 3)) + list(range(1, families, 3))
    for pk in range(families, records):
        family = rng.choice(spreading)
        day = introduced[family] + datetime.timedelta(days=rng.randrange(1, 2000))
        out.append(
            selectors.RegistryAdoption(family, pk, rng.randrange(10_000), 0, "adapted", "adapted", day.year, day)
        )
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    today = timezone.localdate()
    print(f"load average before: {os.getloadavg()[0]:.1f}")
    adoptions = selectors.registry_adoptions()
    timings = services.family_timings(adoptions, today)
    print(f"demo registry: {len(adoptions)} published records, {len(timings)} families")
    print(
        f"  family_timings + time_to_adoption: {timed(lambda: services.time_to_adoption(services.family_timings(adoptions, today)), args.repeats) * 1000:.1f} ms"
    )
    print(
        f"  spread_by_group (two queries + grouping): {timed(lambda: services.spread_by_group(timings), args.repeats) * 1000:.1f} ms"
    )
    print(f"  whole registry_data: {timed(lambda: services.registry_data(adoptions), args.repeats):.2f} s")
    big = synthetic(33_249, 200_000)
    big_timings = services.family_timings(big, today)
    rng = random.Random(2)  # noqa: S311
    classified = [("type", rng.choice("abcde"), t.root) for t in big_timings] + [
        ("theme", f"theme-{rng.randrange(30)}", t.root) for t in big_timings
    ]
    print(f"synthetic: {len(big)} records, {len(big_timings)} families, {len(classified)} classifications")
    print(
        f"  family_timings + time_to_adoption: {timed(lambda: services.time_to_adoption(services.family_timings(big, today)), args.repeats) * 1000:.0f} ms"
    )
    print(
        f"  spread_rows (35 groups): {timed(lambda: services.spread_rows(big_timings, classified), args.repeats) * 1000:.0f} ms"
    )
    print(f"load average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
