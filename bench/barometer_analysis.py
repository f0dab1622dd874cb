"""`python -m bench.barometer_analysis`: the full weighted analysis of one barometer round, at scale, against samplics.

    python -m bench.barometer_analysis                                  # 100,000 respondents, 150 variables
    python -m bench.barometer_analysis --respondents 20000 --variables 60 --repeats 3

Timed (median of --repeats runs) is what the reports do with a round: weight the respondents to the frame
(post-stratification on organisation kind × size class × region, 6 × 5 × 19 = 570 cells, with fpc), turn every
question's answer codes into indicator columns (single choice and 5-point scales as stacked distributions with
"don't know" left out, multiple choice as one indicator per choice, some questions routed), and estimate every
column — proportion, Taylor standard error over the 570 strata with fpc, 95 % logit interval, n, count, weighted
total, Kish n_eff — for everyone and five breakdowns (kind 6, size class 5, region 19, language 3, innovation
activity 3: 37 domains), then apply disclosure control. Peak memory is tracemalloc's over one more run.

samplics does the same in the same process: SampleWeight.poststratify for the weights, and one
TaylorEstimator.estimate per column and breakdown (its domains are the breakdown's groups). It is far too slow for
a whole round, so it runs on a spread of columns within --samplics-budget seconds and its time is extrapolated
linearly to all columns (each column costs it the same); the output says so. Its estimates on those columns are
compared with ours.

BLAS runs on one thread (OPENBLAS_NUM_THREADS=1 unless set): the machine's two cores are shared, and two BLAS
threads competing with other work for them made the same run 5–20× slower.
"""

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # before numpy is imported; see above

import argparse
import statistics as stats
import time
import tracemalloc
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from barometer.statistics.coding import choices, groups, indicators
from barometer.statistics.disclosure import suppress
from barometer.statistics.estimation import Estimates, proportions
from barometer.statistics.tests.oracle import samplics_poststratify, samplics_rake
from barometer.statistics.weighting import post_stratify, rake
from bench.common import BENCH_DIR, log, measured, write_json

RESULTS = BENCH_DIR / "barometer_analysis.json"
KINDS, SIZES, REGIONS = 6, 5, 19
BREAKDOWNS = {"everyone": 1, "kind": KINDS, "size class": SIZES, "region": REGIONS, "language": 3, "activity": 3}
RESPONSE_RATE = 0.4


@dataclass(frozen=True)
class Question:
    kind: str  # "single", "scale" (answer codes; the last code is "don't know") or "multiple" (ticks)
    answers: np.ndarray  # codes (−1: not asked) or, for "multiple", respondents × choices booleans
    categories: int  # reported categories (single, scale) or choices (multiple)
    asked: np.ndarray  # for "multiple": in the denominator


@dataclass(frozen=True)
class Round:
    frame: np.ndarray  # organisations in the frame by kind × size class × region
    strata: list[np.ndarray]  # the respondents' kind, size class, region codes
    background: dict[str, np.ndarray]  # breakdown variable → group codes
    questions: list[Question]

    @property
    def respondents(self) -> int:
        return int(self.strata[0].size)

    @property
    def variables(self) -> int:
        return sum(q.categories if q.kind == "multiple" else 1 for q in self.questions)


def make_round(respondents: int, variables: int, seed: int = 2022) -> Round:
    """A synthetic round: a frame 2.5 × the respondents, response depending on kind, answers depending on kind."""
    rng = np.random.default_rng(seed)
    size = round(respondents / RESPONSE_RATE)
    kind = rng.choice(KINDS, size, p=[0.35, 0.2, 0.15, 0.12, 0.1, 0.08])
    size_class = rng.choice(SIZES, size, p=[0.3, 0.25, 0.2, 0.15, 0.1])
    region = rng.choice(REGIONS, size, p=np.linspace(2, 0.5, REGIONS) / np.linspace(2, 0.5, REGIONS).sum())
    frame = np.zeros((KINDS, SIZES, REGIONS))
    np.add.at(frame, (kind, size_class, region), 1)
    propensity = np.array([1.6, 1.2, 1.0, 0.8, 0.7, 0.5])[kind]
    chosen = rng.choice(size, respondents, replace=False, p=propensity / propensity.sum())
    kind, size_class, region = kind[chosen], size_class[chosen], region[chosen]
    activity = np.minimum((rng.random(respondents) * (1.2 + kind / 3)).astype(int), 2)
    background = {
        "everyone": np.zeros(respondents, dtype=np.intp),
        "kind": kind,
        "size class": size_class,
        "region": region,
        "language": rng.choice(3, respondents, p=[0.85, 0.05, 0.1]),
        "activity": activity,
    }
    # 150 variables: 40 single choice (3–6 categories), 50 multiple choice ticks (5 questions × 10), 60 scale
    # items (10 grids × 6, 5-point), in that ratio for other sizes.
    singles, grids = round(variables * 40 / 150), round(variables * 60 / 150 / 6)
    multiples = max(0, round((variables - singles - 6 * grids) / 10))
    questions: list[Question] = []
    no = np.zeros(0, dtype=bool)
    for q in range(singles):
        categories = 3 + q % 4
        codes = _codes(rng, kind, categories)
        if q % 3 == 0:  # routed: only organisations with some innovation activity are asked
            codes = np.where(activity == 2, -1, codes)
        questions.append(Question("single", codes, categories, no))
    for _ in range(grids):
        for _item in range(6):
            questions.append(Question("scale", _codes(rng, kind, 5), 5, no))
    for _ in range(multiples):
        share = rng.uniform(0.1, 0.8, (KINDS, 10))
        ticks = rng.random((respondents, 10)) < share[kind]
        questions.append(Question("multiple", ticks, 10, (activity < 2) & (rng.random(respondents) > 0.03)))
    return Round(frame, [kind, size_class, region], background, questions)


def _codes(rng: np.random.Generator, kind: np.ndarray, categories: int) -> np.ndarray:
    """Answer codes 0 … categories−1 with shares that depend on the kind; code `categories` is "don't know"."""
    shares = rng.dirichlet(np.ones(categories) * 2, KINDS)
    cumulative = np.cumsum(shares, axis=1)[kind]
    codes = (rng.random(kind.size)[:, None] > cumulative).sum(axis=1)
    return np.where(rng.random(kind.size) < 0.05, categories, np.minimum(codes, categories - 1))


def _margins(table: np.ndarray) -> list[np.ndarray]:
    return [table.sum(axis=tuple(a for a in range(table.ndim) if a != axis)) for axis in range(table.ndim)]


def columns_of(data: Round) -> np.ndarray:
    """Every question's indicator columns side by side, in float32 (exact for 1, 0 and NaN: half the memory)."""
    columns = np.empty((data.respondents, sum(q.categories for q in data.questions)), dtype=np.float32)
    start = 0
    for q in data.questions:
        part = choices(q.answers, q.asked) if q.kind == "multiple" else indicators(q.answers, range(q.categories))
        columns[:, start : start + q.categories] = part
        start += q.categories
    return columns


def domains_of(data: Round) -> np.ndarray:
    return np.hstack([groups(data.background[name], count) for name, count in BREAKDOWNS.items()])


def analyse(data: Round) -> tuple[Estimates, dict[str, float]]:
    """The timed work: wall time by stage, and the process's CPU time for all of it."""
    cpu = time.process_time()
    started = time.perf_counter()
    design = post_stratify(data.strata, data.frame)
    weighted_at = time.perf_counter()
    columns, domains = columns_of(data), domains_of(data)
    coded_at = time.perf_counter()
    estimates = proportions(columns, design, domains)
    suppress(estimates)
    done = time.perf_counter()
    stages = {"weighting": weighted_at - started, "coding": coded_at - weighted_at, "estimates": done - coded_at}
    return estimates, {**stages, "cpu": time.process_time() - cpu}


def estimates_with_raking(data: Round, repeats: int) -> float:
    """The estimates alone with raked weights, whose design is one stratum: every breakdown then cuts through it,
    the case where no domain can take a stratum's sums whole."""
    design = rake(data.strata, _margins(data.frame))
    columns, domains = columns_of(data), domains_of(data)
    seconds = []
    for _ in range(repeats):
        started = time.perf_counter()
        proportions(columns, design, domains)
        seconds.append(time.perf_counter() - started)
    return stats.median(seconds)


def run_samplics(data: Round, ours: Estimates, budget_s: float) -> dict[str, Any]:
    """samplics' weights for the whole round; its estimates for as many columns as the budget allows."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)  # "samplics is archived"
        from samplics.estimation import TaylorEstimator
        from samplics.utils.types import PopParam

    design = post_stratify(data.strata, data.frame)
    started, cpu = time.perf_counter(), time.process_time()
    if design.method == "post-stratification":
        cell = np.ravel_multi_index(tuple(data.strata), data.frame.shape)
        totals = {int(c): float(data.frame.flat[c]) for c in np.unique(cell)}
        weights = samplics_poststratify(np.ones(cell.size), cell, totals)
    else:  # too few respondents in some cells: both rake to the margins
        weights = samplics_rake(np.ones(data.respondents), data.strata, _margins(data.frame))
    weighting_s, weighting_cpu_s = time.perf_counter() - started, time.process_time() - cpu

    weights_agree = float(np.max(np.abs(weights / design.weights - 1)))
    fpc = {int(h): float(design.fpc[h]) for h in np.unique(design.strata)}
    columns = columns_of(data)
    k = columns.shape[1]
    offsets = np.cumsum([0, *BREAKDOWNS.values()])
    # A spread of columns: every question kind is represented when the budget allows a few.
    order = np.argsort((np.arange(k) * 0.618033988749895) % 1.0, kind="stable")
    timed: list[float] = []
    cpu_timed: list[float] = []
    worst = 0.0
    for j in order:
        if timed and sum(timed) + stats.mean(timed) > budget_s:
            break
        answered = np.isfinite(columns[:, j])
        started, cpu = time.perf_counter(), time.process_time()
        results = []
        for name in BREAKDOWNS:
            estimator = TaylorEstimator(PopParam.prop)
            estimator.estimate(
                y=np.where(answered, columns[:, j], 0.0),
                samp_weight=weights,
                stratum=design.strata,
                domain=np.where(answered, data.background[name], -1),
                fpc=fpc,
            )
            results.append(estimator)
        timed.append(time.perf_counter() - started)
        cpu_timed.append(time.process_time() - cpu)
        for (count, offset), estimator in zip(zip(BREAKDOWNS.values(), offsets, strict=False), results, strict=True):
            for g in range(count):
                if g not in estimator.point_est or 1.0 not in estimator.point_est[g]:
                    continue
                figures = (estimator.point_est, estimator.stderror, estimator.lower_ci, estimator.upper_ci)
                mine = (ours.estimate, ours.se, ours.ci_low, ours.ci_high)
                for theirs, our in zip(figures, mine, strict=True):
                    worst = max(worst, abs(float(theirs[g][1.0]) - float(our[offset + g, j])))
    per_column = stats.mean(timed)
    return {
        "weighting_s": weighting_s,
        "weighting_cpu_s": weighting_cpu_s,
        "weights_max_relative_difference": weights_agree,
        "columns_measured": len(timed),
        "columns_total": k,
        "measured_s": sum(timed),
        "per_column_s": per_column,
        "estimates_s": per_column * k,
        "estimates_cpu_s": stats.mean(cpu_timed) * k,
        "extrapolated": len(timed) < k,
        "max_abs_difference": worst,
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.barometer_analysis", description=__doc__.split("\n\n")[0])
    parser.add_argument("--respondents", type=int, default=100_000)
    parser.add_argument("--variables", type=int, default=150)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--samplics-budget", type=float, default=300.0, help="Seconds for samplics' estimates.")
    args = parser.parse_args(argv)

    load_before = os.getloadavg()
    log(f"Making a round of {args.respondents:,} respondents and {args.variables} variables …")
    data = make_round(args.respondents, args.variables)
    estimates, _ = analyse(data)  # warm-up
    runs = [analyse(data) for _ in range(args.repeats)]
    seconds = [sum(v for stage, v in stages.items() if stage != "cpu") for _, stages in runs]
    stage_s = {stage: stats.median(s[stage] for _, s in runs) for stage in runs[0][1]}
    raked_s = estimates_with_raking(data, args.repeats)
    tracemalloc.start()
    analyse(data)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    log(f"Innoverkko: median {stats.median(seconds):.2f} s; samplics for up to {args.samplics_budget:.0f} s …")
    samplics = run_samplics(data, estimates, args.samplics_budget)

    ours_s = stats.median(seconds)
    theirs_s = samplics["weighting_s"] + samplics["estimates_s"]
    results = {
        "respondents": args.respondents,
        "variables": data.variables,
        "columns": estimates.shape[1],
        "domains": estimates.shape[0],
        "strata": int(data.frame.astype(bool).sum()),
        "weighting_method": post_stratify(data.strata, data.frame).method,
        "repeats": args.repeats,
        "seconds": seconds,
        "median_s": ours_s,
        "stages_median_s": stage_s,
        "estimates_raked_median_s": raked_s,
        "peak_memory_mb": peak / 2**20,
        "answers_mb": sum(q.answers.nbytes for q in data.questions) / 2**20,
        "samplics": samplics,
        "samplics_total_s": theirs_s,
        "ratio": theirs_s / ours_s,
        "samplics_total_cpu_s": samplics["weighting_cpu_s"] + samplics["estimates_cpu_s"],
        "cpu_ratio": (samplics["weighting_cpu_s"] + samplics["estimates_cpu_s"]) / stage_s["cpu"],
        "blas_threads": os.environ.get("OPENBLAS_NUM_THREADS"),
        "conditions": {**measured(load_before=load_before), "cpus": os.cpu_count()},
        "command": ".venv/bin/python -m bench.barometer_analysis"
        + (f" --respondents {args.respondents}" if args.respondents != 100_000 else "")
        + (f" --variables {args.variables}" if args.variables != 150 else ""),
    }
    write_json(RESULTS, results)
    print(markdown(results))
    log(f"(written to {RESULTS})")
    return 0


def markdown(r: dict[str, Any]) -> str:
    s = r["samplics"]
    st = r["stages_median_s"]
    c = r["conditions"]
    extrapolation = (
        f"measured on {s['columns_measured']} of the {s['columns_total']} columns ({s['measured_s']:.0f} s, all six "
        f"breakdowns each) and **extrapolated linearly** to all {s['columns_total']}"
        if s["extrapolated"]
        else f"measured on all {s['columns_total']} columns"
    )
    return f"""## Barometer: weighted analysis of a round

The full weighted analysis of one survey round with `barometer.statistics`: {r["respondents"]:,} respondents,
{r["variables"]} variables ({r["columns"]} indicator columns: single choice and 5-point scales as stacked distributions
without "don't know", multiple choice as one indicator per choice, some questions routed), weighted
({r["weighting_method"]}) to a frame of {r["respondents"] / RESPONSE_RATE:,.0f} organisations in {r["strata"]} cells
(kind × size class × region, with fpc); every column estimated with Taylor standard error, 95 % logit interval, n,
count, weighted total and Kish n_eff for everyone and five breakdowns (kind 6, size class 5, region 19, language 3,
activity 3: {r["domains"]} domains), then disclosure control. samplics 0.6 does the same estimates in the same run.

| | `barometer.statistics` | samplics |
| --- | ---: | ---: |
| weighting ({r["weighting_method"]}) | {st["weighting"] * 1000:.0f} ms | {s["weighting_s"] * 1000:.0f} ms |
| indicator columns and domains | {st["coding"] * 1000:.0f} ms | (same arrays) |
| estimates ({r["columns"]} columns × {r["domains"]} domains) | {st["estimates"]:.2f} s | {s["estimates_s"]:,.0f} s ({s["per_column_s"]:.1f} s a column) |
| **whole analysis**, wall time | **{r["median_s"]:.2f} s** | **{r["samplics_total_s"]:,.0f} s** ({r["ratio"]:,.0f}× slower) |
| whole analysis, CPU time of the process | {st["cpu"]:.2f} s | {r["samplics_total_cpu_s"]:,.0f} s ({r["cpu_ratio"]:,.0f}× more) |
| estimates with raked weights instead (one stratum, which every breakdown cuts) | {r["estimates_raked_median_s"]:.2f} s | |
| peak memory (tracemalloc, one analysis) | {r["peak_memory_mb"]:.0f} MB | |

- Wall times are the median of {r["repeats"]} runs after a warm-up
  ({", ".join(f"{x:.2f}" for x in r["seconds"])} s) on {c["cpus"]} cores shared with other work (load average
  {", ".join(f"{x:.1f}" for x in c["load_before"])} before, {", ".join(f"{x:.1f}" for x in c["load_after"])}
  after): the process was on a CPU {st["cpu"] / r["median_s"]:.0%} of the time. The CPU time is the process's own
  (one thread: BLAS on {r["blas_threads"]}, OPENBLAS_NUM_THREADS), the steadier measure on a busy machine.
  {c["date"]}, commit {c["commit"]}.
- "Indicator columns and domains" assembles every question's columns into one float32 answer matrix
  ({r["respondents"]:,} × {r["columns"]}, {r["respondents"] * r["columns"] * 4 / 2**20:.0f} MB), most of the peak
  memory.
- samplics' estimates were {extrapolation} (each column costs it the same: one
  `TaylorEstimator.estimate` per breakdown, whose time is set by the respondents and strata, not by the answers).
  Its weighting ran in full.
- Agreement on the columns samplics did: largest |difference| of estimate, se and interval bounds
  {s["max_abs_difference"]:.1e}; weights {s["weights_max_relative_difference"]:.1e} (relative).
- Reproduce: `{r["command"]}` (results also in `/tmp/innoverkko-bench/barometer_analysis.json`).
"""


if __name__ == "__main__":
    raise SystemExit(main())
