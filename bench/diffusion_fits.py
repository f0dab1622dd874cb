"""`python -m bench.diffusion_fits`: the Bass fits of all 728 SPID policies (50 US states), per method.

    python -m bench.diffusion_fits                 # 5 runs of each method
    python -m bench.diffusion_fits --repeats 9 --methods hazard_mle nls

The issue's target: all 728 fits in at most 2 s on this machine. Timed is `diffusion.maths.bass.fit_bass_many` on
the 728 policies' adoption years (first adoption per state), with the population N = 50 — as
`manage.py fit_adoptions reference_data/spid/spid_v1_policies.csv --population 50` does — for each estimator:
the hazard MLE with m = N (the default), the hazard MLE with m estimated (m ≤ N; also as `hazard_mle_m_serial`,
its search over m one policy at a time as before it was batched), NLS and Bass's OLS; and the rest
of what the command reports: Rogers categories of every policy and Walker's scores. Reading the CSV is timed apart.

Each figure is the median of --repeats runs, as wall-clock time and as the process's CPU time: the machine's two
cores are shared, and under load the wall clock mostly measures the others' work (the load average before and
after is recorded). BLAS runs on one thread (OPENBLAS_NUM_THREADS=1 unless set), as in the other benchmarks.
Results in /tmp/innoverkko-bench/diffusion_fits.json; docs/benchmarks.md has the figures and how they were made.
"""

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # before numpy is imported; see above

import argparse
import statistics
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

from bench.common import BENCH_DIR, ROOT, log, write_json
from diffusion.maths import bass
from diffusion.maths.adoption_table import events_by_innovation, read_adoption_csv
from diffusion.maths.bass import BassFit, fit_bass_many
from diffusion.maths.categories import rogers_categories, walker_scores

SPID = ROOT / "reference_data" / "spid" / "spid_v1_policies.csv"
POPULATION = 50
TARGET_SECONDS = 2.0
METHODS: dict[str, dict[str, Any]] = {
    "hazard_mle": {"method": "hazard_mle"},
    "hazard_mle_m": {"method": "hazard_mle", "estimate_m": True},
    # The same estimator with the search over m one policy at a time (the path before it was batched, still the
    # fallback for a series the batch cannot finish): for the before/after comparison in one run.
    "hazard_mle_m_serial": {"method": "hazard_mle", "estimate_m": True, "serial": True},
    "nls": {"method": "nls"},
    "ols": {"method": "ols"},
}


def timed(work: Callable[[], Any], repeats: int) -> tuple[dict[str, Any], Any]:
    walls, cpus, result = [], [], None
    for _ in range(repeats):
        wall, cpu = time.perf_counter(), time.process_time()
        result = work()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    figures: dict[str, Any] = {
        "wall_median_s": round(statistics.median(walls), 3),
        "cpu_median_s": round(statistics.median(cpus), 3),
        "wall_min_s": round(min(walls), 3),
        "runs": repeats,
    }
    return figures, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--methods", nargs="+", choices=list(METHODS), default=list(METHODS))
    arguments = parser.parse_args()
    load_before = os.getloadavg()[0]
    reading, events = timed(lambda: read_adoption_csv(SPID), 1)
    groups = events_by_innovation(events)
    series = [[event.year for event in group] for group in groups.values()]
    log(f"SPID: {len(events)} adoptions, {len(series)} policies; read in {reading['wall_median_s']} s")
    results: dict[str, Any] = {"policies": len(series), "adoptions": len(events), "read_csv": reading}
    for name in arguments.methods:
        options = METHODS[name]

        def work(options: dict[str, Any] = options) -> list[BassFit | None]:
            if options.get("serial"):
                items = [bass._series(years, POPULATION, None, None) for years in series]
                return [bass._hazard_fit(item.counts, item.periods, POPULATION, True) for item in items]
            return fit_bass_many(series, population=POPULATION, **options)

        figures, fits = timed(work, arguments.repeats)
        solved = [fit for fit in fits if fit is not None]
        figures["fitted"] = len(solved)
        figures["converged"] = sum(fit.converged for fit in solved)
        figures["flags"] = dict(sorted(Counter(flag for fit in solved for flag in fit.flags).items()))
        figures["meets_2_s"] = figures["cpu_median_s"] <= TARGET_SECONDS and figures["wall_min_s"] <= TARGET_SECONDS
        results[name] = figures
        log(
            f"{name:<13} median wall {figures['wall_median_s']:.3f} s, CPU {figures['cpu_median_s']:.3f} s "
            f"(best wall {figures['wall_min_s']:.3f} s); {figures['fitted']} fitted, {figures['converged']} converged"
        )
    states = sorted({event.organisation for event in events})

    def categories() -> int:
        return sum(
            len(rogers_categories({**dict.fromkeys(states), **{e.organisation: e.year for e in group}}))
            for group in groups.values()
        )

    results["rogers_categories"], _ = timed(categories, arguments.repeats)
    results["walker_scores"], _ = timed(lambda: walker_scores(events, states), arguments.repeats)
    log(
        f"Rogers categories of every policy: {results['rogers_categories']['wall_median_s']} s; "
        f"Walker scores: {results['walker_scores']['wall_median_s']} s"
    )
    results["load_average"] = {"before": round(load_before, 2), "after": round(os.getloadavg()[0], 2)}
    log(f"load average before {results['load_average']['before']}, after {results['load_average']['after']}")
    write_json(BENCH_DIR / "diffusion_fits.json", results)
    log(f"results in {BENCH_DIR / 'diffusion_fits.json'}")


if __name__ == "__main__":
    main()
