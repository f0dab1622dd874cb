"""`python -m bench.diffusion_network`: who learns from whom at the bench registry's size, and NetInf on SPID.

    python -m bench.diffusion_network                      # 10,000 organisations, 500,000 adoptions + partnerships
    python -m bench.diffusion_network --scale small --repeats 3

The registry is made in memory with the shape `bench/generate.py` writes to its database, using its constants and
its steps (no database needed): the 309 municipalities (population from reference_data), a regional council per
region, the 21 wellbeing services counties, the rest of the 10,000 organisations of the other kinds in random
regions; 200,000 innovations of which ~85 % after the first 2 % are adoptions whose source is chosen by
preferential attachment and whose adopter is a public organisation (weights as there); partnerships fill the
500,000 links, a partner of each kind by its weight. An adoption becomes (source's owner, adopter, year).

Timed, median of --repeats runs (wall and the process's CPU time: the machine is shared, CPU time is the steadier
figure): building the network (recency-weighted ties); every organisation's metrics (degrees, betweenness,
influence, communities, roles) with exact betweenness, and once with betweenness estimated from 1,000 sampled
sources (compared with the exact figures); the region flows and travel distances; one organisation's peer comparison
and everyone's. Peak memory: the process's peak resident set over the timed runs (igraph allocates in C, which
tracemalloc does not see), then tracemalloc's peak for the Python side over one more build and metrics run (untimed:
tracemalloc slows every allocation). Then NetInf on SPID (728 policies, 50 states): run time and the top ties.
"""

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # the machine's two cores are shared

import argparse
import csv
import math
import random
import resource
import statistics
import time
import tracemalloc
from array import array
from bisect import bisect
from collections import defaultdict
from collections.abc import Callable
from itertools import accumulate
from typing import Any, TypeVar

from bench.common import BENCH_DIR, ROOT, SIZES, Size, log, measured, write_json
from bench.generate import OTHER_KINDS, OWNER_WEIGHT, PARTNER_KIND_WEIGHT, PUBLIC, SEED
from diffusion.maths.inference import default_rate, infer_ties
from diffusion.maths.network import (
    build_network,
    load_region_adjacency,
    organisation_metrics,
    peer_comparison,
    peer_comparisons,
    region_flows,
    travel_distances,
)
from organisations.size_classes import size_class

RESULTS = BENCH_DIR / "diffusion_network.json"
REFERENCE = ROOT / "reference_data"
T = TypeVar("T")


class Registry:
    def __init__(self, size: Size, seed: int = SEED) -> None:
        rng = random.Random(seed)  # noqa: S311 - not for security
        self.keys: list[str] = []
        self.kind: list[str] = []
        self.region: list[str] = []
        self.population: list[int | None] = []

        def add(key: str, kind: str, region: str, population: int | None) -> None:
            self.keys.append(key)
            self.kind.append(kind)
            self.region.append(region)
            self.population.append(population)

        with open(REFERENCE / "municipalities.csv", encoding="utf-8") as handle:
            municipalities = list(csv.DictReader(handle))
        with open(REFERENCE / "regions.csv", encoding="utf-8") as handle:
            regions = [row["code"] for row in csv.DictReader(handle)]
        with open(REFERENCE / "wellbeing_counties.csv", encoding="utf-8") as handle:
            counties = list(csv.DictReader(handle))
        for row in municipalities:
            add(f"m{row['code']}", "municipality", row["region_code"], int(row["population_2020"]))
        for code in regions:
            if code != "21":  # Åland has no regional council in the reference data
                add(f"rc{code}", "regional_council", code, None)
        for row in counties:
            add(f"w{row['code']}", "wellbeing_county", row["region_code"], int(row["population_2020"]))
        remaining = size.organisations - len(self.keys)
        kinds = [kind for kind, share in OTHER_KINDS for _ in range(round(share * remaining))]
        kinds = (kinds + ["other"] * remaining)[:remaining]
        for i, kind in enumerate(kinds):
            add(f"o{i}", kind, rng.choice(regions), None)

        # Innovations and adoptions, as bench/generate.py's Registry.innovations does.
        weights = [
            math.sqrt(p or 1000) if k == "municipality" else OWNER_WEIGHT.get(k, 0.1)
            for k, p in zip(self.kind, self.population, strict=True)
        ]
        owner_cum = list(accumulate(weights))
        adopter_cum = list(accumulate(w if k in PUBLIC else 0.0 for w, k in zip(weights, self.kind, strict=True)))
        n = size.innovations
        owner = array("i", [0] * n)
        year = array("h", [0] * n)
        published = array("b", [1] * n)
        span = 14 * 365 - 120  # 2012–2025
        pool: list[int] = []
        taken: set[tuple[int, int]] = set()
        self.adoptions: list[tuple[str, str, int]] = []
        for i in range(n):
            day = min(span, max(0, int(i / n * span + rng.gauss(0, 60))))
            year[i] = 2012 + day // 365
            adopted = False
            if pool and i > n // 50 and rng.random() < 0.85:
                for _attempt in range(5):
                    s = pool[rng.randrange(len(pool))]
                    if year[s] > year[i] or not published[s]:
                        continue
                    adopter = bisect(adopter_cum, rng.random() * adopter_cum[-1])
                    if adopter == owner[s] or (s, adopter) in taken:
                        continue
                    taken.add((s, adopter))
                    owner[i] = adopter
                    self.adoptions.append((self.keys[owner[s]], self.keys[adopter], int(year[i])))
                    pool.append(s)
                    adopted = True
                    break
            if not adopted:
                owner[i] = bisect(owner_cum, rng.random() * owner_cum[-1])
            if rng.random() < 0.04:
                published[i] = 0
            elif not adopted or rng.random() < 0.3:
                pool.append(i)

        by_kind: dict[str, list[int]] = defaultdict(list)
        for index, kind in enumerate(self.kind):
            by_kind[kind].append(index)
        partner_kinds = [kind for kind in PARTNER_KIND_WEIGHT if kind in by_kind]
        kind_cum = list(accumulate(PARTNER_KIND_WEIGHT[kind] for kind in partner_kinds))
        r = random.Random(seed + 4)  # noqa: S311 - not for security
        pairs: set[tuple[int, int]] = set()
        self.partnerships: list[tuple[str, str]] = []
        while len(self.partnerships) < size.links - len(self.adoptions):
            i = r.randrange(n)
            kind = partner_kinds[bisect(kind_cum, r.random() * kind_cum[-1])]
            org = r.choice(by_kind[kind])
            if org == owner[i] or (i, org) in pairs:
                continue
            pairs.add((i, org))
            self.partnerships.append((self.keys[owner[i]], self.keys[org]))

        self.region_of = dict(zip(self.keys, self.region, strict=True))
        self.size_class_of = {k: size_class(p) for k, p in zip(self.keys, self.population, strict=True) if p}


CPU: dict[str, list[float]] = defaultdict(
    list
)  # the process's CPU seconds per step: steadier than wall time under load


def timed(function: Callable[[], T], repeats: int, label: str) -> tuple[T, list[float]]:
    """The last result and the wall times of `repeats` runs; the CPU times go to CPU[label]."""
    times: list[float] = []
    for _ in range(repeats):
        started, cpu = time.perf_counter(), time.process_time()
        result = function()
        times.append(time.perf_counter() - started)
        CPU[label].append(time.process_time() - cpu)
    return result, times


def rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as handle:
        for line in handle:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def spid_cascades() -> dict[str, dict[str, float]]:
    cascades: dict[str, dict[str, float]] = defaultdict(dict)
    with open(REFERENCE / "spid" / "spid_v1_policies.csv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            cascades[row["policy"]][row["statenam"]] = float(row["adopt_year"])
    return dict(cascades)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", choices=sorted(SIZES), default="full")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--sample", type=int, default=1000, help="sampled sources for estimated betweenness (0: skip)")
    parser.add_argument("--spid-ties", type=int, default=200)
    args = parser.parse_args()
    load_before = os.getloadavg()
    started = time.perf_counter()
    results: dict[str, Any] = {"scale": args.scale, "repeats": args.repeats}

    registry = Registry(SIZES[args.scale])
    log(
        f"registry: {len(registry.keys):,} organisations, {len(registry.adoptions):,} adoptions, "
        f"{len(registry.partnerships):,} partnerships ({time.perf_counter() - started:.1f} s)"
    )
    results["registry"] = {
        "organisations": len(registry.keys),
        "adoptions": len(registry.adoptions),
        "partnerships": len(registry.partnerships),
    }
    rss_data = rss_mb()
    network, times = timed(
        lambda: build_network(registry.adoptions, registry.partnerships, now_year=2026, organisations=registry.keys),
        args.repeats,
        "build_network",
    )
    results["build_network_s"] = times
    results["ties"] = {"learning": len(network.learning), "partnership": len(network.partnerships)}
    log(f"build_network: median {statistics.median(times):.2f} s; ties {results['ties']}")

    exact, times = timed(lambda: organisation_metrics(network, seed=1), args.repeats, "metrics_exact")
    results["metrics_exact_s"] = times
    log(f"organisation_metrics, exact betweenness: median {statistics.median(times):.2f} s")
    if args.sample:
        sampled, times = timed(
            lambda: organisation_metrics(network, betweenness_sample=args.sample, seed=1), 1, "metrics_sampled"
        )
        results["metrics_sampled_s"] = times
        log(f"organisation_metrics, betweenness from {args.sample} sources: {times[0]:.2f} s")
        exact_b = [exact[k].betweenness for k in network.organisations]
        sampled_b = [sampled[k].betweenness for k in network.organisations]
        top = sorted(range(len(exact_b)), key=lambda i: -exact_b[i])[:100]
        top_sampled = set(sorted(range(len(sampled_b)), key=lambda i: -sampled_b[i])[:100])
        results["sampled_vs_exact"] = {
            "relative_l1_error": sum(abs(a - b) for a, b in zip(exact_b, sampled_b, strict=True)) / sum(exact_b),
            "top100_overlap": len(top_sampled & set(top)) / 100,
            "brokers_exact": sum(1 for m in exact.values() if m.role == "broker"),
            "brokers_sampled": sum(1 for m in sampled.values() if m.role == "broker"),
        }
        log(f"sampled vs exact: {results['sampled_vs_exact']}")
    roles: dict[str, int] = defaultdict(int)
    for m in exact.values():
        roles[m.role] += 1
    results["roles"] = dict(roles)
    results["communities"] = len({m.community for m in exact.values()})
    log(f"roles {results['roles']}, {results['communities']} communities")

    neighbours = load_region_adjacency(REFERENCE / "finland-regions-2020.topo.json")

    def flows_and_distances() -> tuple[dict[tuple[str, str], int], dict[str, int]]:
        return (
            region_flows(registry.adoptions, registry.region_of),
            travel_distances(registry.adoptions, registry.region_of, neighbours),
        )

    (flows, distances), times = timed(flows_and_distances, args.repeats, "flows_and_distances")
    results["flows_and_distances_s"] = times
    results["travel_distances"] = distances
    log(f"region flows ({len(flows)} region pairs) and travel distances: median {statistics.median(times):.2f} s")

    someone = [k for k in registry.keys if k in registry.size_class_of][:50]
    peer_times = []
    for key in someone:
        mark = time.perf_counter()
        peer_comparison(exact, key, size_class_of=registry.size_class_of, region_of=registry.region_of)
        peer_times.append(time.perf_counter() - mark)
    results["peer_comparison_s"] = peer_times
    log(f"peer comparison of one organisation: median {statistics.median(peer_times) * 1000:.1f} ms")
    _peers, times = timed(
        lambda: peer_comparisons(exact, size_class_of=registry.size_class_of, region_of=registry.region_of),
        args.repeats,
        "peer_comparisons_everyone",
    )
    results["peer_comparisons_everyone_s"] = times
    log(f"peer comparison of every organisation: median {statistics.median(times):.2f} s")
    peak_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    # tracemalloc slows every allocation several times, so it watches one more build and metrics run, untimed.
    tracemalloc.start()
    organisation_metrics(
        build_network(registry.adoptions, registry.partnerships, now_year=2026, organisations=registry.keys)
    )
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    results["memory_mb"] = {
        "rss_after_data": rss_data,
        "peak_rss": peak_rss,
        "tracemalloc_peak": peak / 2**20,
    }
    log(f"memory: {results['memory_mb']}")

    cascades = spid_cascades()
    ties, times = timed(lambda: infer_ties(cascades, k=args.spid_ties), args.repeats, "spid_netinf")
    results["spid"] = {
        "cascades": len(cascades),
        "adoptions": sum(len(c) for c in cascades.values()),
        "rate": default_rate(cascades),
        "k": args.spid_ties,
        "seconds": times,
        "significant_at_0_05": sum(1 for t in ties if t.p_value < 0.05),
        "top": [(t.source, t.target, round(t.score, 2), t.support, t.p_value) for t in ties[:15]],
    }
    log(f"NetInf on SPID, {args.spid_ties} ties: median {statistics.median(times):.2f} s")
    for tie in ties[:15]:
        log(f"  {tie.source} -> {tie.target}: score {tie.score:.1f}, support {tie.support}, p {tie.p_value:.2g}")
    results["cpu_s"] = dict(CPU)
    log("CPU seconds: " + ", ".join(f"{k} {statistics.median(v):.2f}" for k, v in CPU.items()))
    results["measured"] = measured(started, load_before)
    write_json(RESULTS, results)
    log(f"results in {RESULTS}")


if __name__ == "__main__":
    main()
