"""`python -m bench.diffusion_walker`: Walker's innovativeness, static and by year, at the bench registry's size.

    python -m bench.diffusion_walker                  # 500,000 adoptions of 200,000 innovations by 10,000 organisations
    python -m bench.diffusion_walker --adoptions 50000 --repeats 3

Synthetic adoption events (seeded; organisation, innovation, year 2008–2026 drawn uniformly: the score's cost depends
on the counts, not on who adopted what), as the registry recompute hands them to `diffusion.maths.categories`.
Timed, median of --repeats runs (wall and the process's CPU time): `walker_scores`, `walker_scores_by_year` (what the
registry recompute now calls once, the static score being its last year), and — for the before/after comparison in
one run — the mid-ranks as they were computed before they were vectorised (scipy's `rankdata` innovation by
innovation), which also checks that both give the same ranks.
"""

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # the machine's two cores are shared

import argparse
import random
import statistics
import time
from collections.abc import Callable
from typing import Any

import numpy as np
from scipy import stats

from bench.common import BENCH_DIR, log, write_json
from diffusion.maths.adoption_table import AdoptionEvent
from diffusion.maths.categories import _Table, walker_scores, walker_scores_by_year

RESULTS = BENCH_DIR / "diffusion_walker.json"


def timed(work: Callable[[], Any], repeats: int) -> tuple[dict[str, Any], Any]:
    walls, cpus, result = [], [], None
    for _ in range(repeats):
        wall, cpu = time.perf_counter(), time.process_time()
        result = work()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    figures = {
        "wall_median_s": round(statistics.median(walls), 3),
        "cpu_median_s": round(statistics.median(cpus), 3),
        "runs": repeats,
    }
    return figures, result


def ranks_one_by_one(table: _Table) -> np.ndarray:
    """The mid-ranks as computed before: scipy's average ranks, one innovation at a time."""
    rank = np.empty(table.year.size)
    order = np.lexsort((table.year, table.innovation))
    boundaries = np.flatnonzero(np.diff(table.innovation[order])) + 1
    for chunk in np.split(order, boundaries):
        if chunk.size:
            rank[chunk] = stats.rankdata(table.year[chunk], method="average")
    return rank


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--adoptions", type=int, default=500_000)
    parser.add_argument("--innovations", type=int, default=200_000)
    parser.add_argument("--organisations", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=3)
    arguments = parser.parse_args()
    rng = random.Random(1)  # noqa: S311 - not for security
    organisations = [str(i) for i in range(arguments.organisations)]
    events = [
        AdoptionEvent(rng.choice(organisations), str(rng.randrange(arguments.innovations)), rng.randrange(2008, 2027))
        for _ in range(arguments.adoptions)
    ]
    results: dict[str, Any] = {"adoptions": len(events), "organisations": len(organisations)}
    results["walker_scores"], _ = timed(lambda: walker_scores(events, organisations), arguments.repeats)
    results["walker_scores_by_year"], by_year = timed(
        lambda: walker_scores_by_year(events, organisations), arguments.repeats
    )
    results["years"] = len(by_year)
    table = _Table(events, organisations)
    results["ranks_one_by_one"], before = timed(lambda: ranks_one_by_one(table), 1)
    results["same_ranks"] = bool(np.allclose(before, table.rank))
    log(
        f"Walker at {len(events):,} adoptions: static {results['walker_scores']['wall_median_s']} s, by year "
        f"{results['walker_scores_by_year']['wall_median_s']} s ({results['years']} years); the mid-ranks one "
        f"innovation at a time {results['ranks_one_by_one']['wall_median_s']} s; same ranks: {results['same_ranks']}"
    )
    write_json(RESULTS, results)


if __name__ == "__main__":
    main()
