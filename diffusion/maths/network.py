"""Who learns from whom: the organisation network made from adoptions and partnerships. Plain Python + igraph.

Public interface
----------------
    build_network(adoptions: Iterable[tuple[str, str, int]], partnerships: Iterable[tuple[str, str]] = (), *,
                  now_year: int, half_life: float = 5.0, organisations: Iterable[str] = ()) -> Network
        adoptions are (source organisation, adopter organisation, year); partnerships are (organisation,
        organisation) pairs, one per shared innovation. A self-loop (an organisation adopting from itself, or in
        partnership with itself) raises NetworkError. `organisations` adds organisations without ties.
    organisation_metrics(network: Network, *, seed: int = 1, resolution: float = 1.0,
                         betweenness_sample: int | None = None, broker_quantile: float = 0.75)
        -> dict[str, OrgMetrics]
    region_flows(adoptions: Iterable[tuple[str, str, int]], region_of: Mapping[str, str])
        -> dict[tuple[str, str], int]                 # (source's region, adopter's region) -> adoptions
    flow_matrix(flows, regions: Sequence[str]) -> list[list[int]]   # rows: source region, columns: adopter region
    travel_distance(source_region: str | None, adopter_region: str | None,
                    neighbours: Mapping[str, Collection[str]]) -> str
        "same_region" | "neighbouring" | "across_country" | "unknown"
    travel_distances(adoptions, region_of, neighbours) -> dict[str, int]   # adoptions per distance code
    region_adjacency(topology: Mapping[str, Any], *, key: str = "maakunta") -> dict[str, frozenset[str]]
        regions that share a border (a shared TopoJSON arc); `load_region_adjacency(path)` reads the file
        (reference_data/finland-regions-2020.topo.json: Åland, 21, has no land border, so no neighbour).
    peer_comparison(metrics: Mapping[str, OrgMetrics], organisation: str, *, size_class_of: Mapping[str, str],
                    region_of: Mapping[str, str]) -> PeerComparison
    peer_comparisons(metrics, *, size_class_of, region_of) -> dict[str, PeerComparison]   # everyone, one pass

    Network(organisations, learning: tuple[Tie, ...], partnerships: tuple[Tie, ...], now_year, half_life)
    Tie(source, target, count, weight, first_year, last_year)
    OrgMetrics(organisation, learned_from, taught, adoptions_in, adoptions_out, partners, betweenness, influence,
               community, role)
    PeerComparison(organisation, groups: tuple[PeerRank(group, value, peers, percentiles: {metric: 0..100}), ...])

Definitions
-----------
* **Learning tie** source -> adopter, one per ordered pair of organisations, with `count` (adoptions) and
  `weight` = the sum over its adoptions of 0.5 ** (age / half_life), age = max(0, now_year - year) in years: an
  adoption this year counts 1, one `half_life` years ago (default 5) counts 1/2, two half-lives ago 1/4.
* **Partnership tie** between two organisations (undirected), `count` = shared innovations; not recency-weighted
  (a partnership has no single year in the registry).
* **learned_from / taught**: distinct organisations it adopted from / that adopted from it;
  **adoptions_in / adoptions_out**: the adoptions behind them; **partners**: distinct partnership organisations.
* **betweenness**: directed, on the learning ties (unweighted: hops), normalised by (n-1)(n-2) as networkx does,
  so 1 means every shortest path between two other organisations passes through it. Exact by default (igraph,
  C); with `betweenness_sample=k` it is estimated from k seeded random source organisations and scaled by n/k
  (Brandes & Pich 2007), for networks where the exact figure takes too long. At the bench registry's size (10,000
  organisations, 102,000 learning ties) exact betweenness costs about 0.5 s of CPU, so exact is what to use there;
  1,000 sampled sources were 37 % off in total (L1), see docs/benchmarks.md.
* **influence**: PageRank (damping 0.85) on the learning ties *reversed* and weighted by `weight`, i.e. influence
  flows from the adopter to the organisation it learned from: an organisation is influential when influential
  organisations learned from it, recently and often. Sums to 1 over the network.
* **community**: Leiden (modularity, run to convergence, seeded) on the undirected projection: learning-tie
  weights of both directions plus 1 per shared partnership. Numbered 0, 1, … by size, largest first (ties broken
  by the smallest organisation key), so a seed gives the same numbers every time. Organisations without any tie
  are their own communities.
* **role** (first rule that applies):
  "broker"   learned from ≥ 1 and taught ≥ 1 organisation, and its betweenness > 0 and at least the
             `broker_quantile` (default 0.75) quantile of the positive betweenness values in the network;
  "source"   taught ≥ 1 and taught ≥ learned_from;
  "adopter"  learned_from ≥ 1 (more than it taught);
  "isolated" no learning tie (partnerships only, or nothing).
* **travel distance** of an adoption: "same_region" (both in one region), "neighbouring" (regions share a
  border), "across_country" (otherwise), "unknown" (a region is missing).
* **peer comparison**: an organisation's percentile rank (scipy's `percentileofscore`, kind "mean": the share of
  peers below plus half the share equal, in per cent) on each metric among the organisations of its size class,
  and separately of its region (itself included).
"""

from __future__ import annotations

import json
import math
import random
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import igraph
import numpy as np
from scipy.stats import percentileofscore, rankdata

ROLES = ("broker", "source", "adopter", "isolated")
DISTANCES = ("same_region", "neighbouring", "across_country", "unknown")
PEER_METRICS = ("learned_from", "taught", "adoptions_in", "adoptions_out", "partners", "betweenness", "influence")


class NetworkError(ValueError):
    """Input that cannot make a network (a self-loop, a bad half-life)."""


@dataclass(frozen=True, slots=True)
class Tie:
    source: str  # learning ties: the organisation learned from; partnership ties: the smaller key
    target: str  # learning ties: the adopter
    count: int
    weight: float  # recency-weighted count (learning); equal to count for partnerships
    first_year: int | None = None
    last_year: int | None = None


@dataclass(frozen=True)
class Network:
    organisations: tuple[str, ...]  # sorted keys, every organisation with a tie plus those given
    learning: tuple[Tie, ...]  # directed, sorted by (source, target)
    partnerships: tuple[Tie, ...]  # undirected (source < target), sorted
    now_year: int
    half_life: float


@dataclass(frozen=True)
class OrgMetrics:
    organisation: str
    learned_from: int
    taught: int
    adoptions_in: int
    adoptions_out: int
    partners: int
    betweenness: float
    influence: float
    community: int
    role: str


@dataclass(frozen=True)
class PeerRank:
    group: str  # "size_class" | "region"
    value: str  # the size class or region code
    peers: int  # organisations in the group, itself included
    percentiles: dict[str, float]  # metric -> percentile rank 0..100


@dataclass(frozen=True)
class PeerComparison:
    organisation: str
    groups: tuple[PeerRank, ...]  # size class first, then region; a group is left out when its code is unknown


def recency_weight(year: int, now_year: int, half_life: float) -> float:
    """0.5 ** (age / half_life), age in whole years, never negative (a future year counts as this year)."""
    return float(0.5 ** (max(0, now_year - year) / half_life))


def build_network(
    adoptions: Iterable[tuple[str, str, int]],
    partnerships: Iterable[tuple[str, str]] = (),
    *,
    now_year: int,
    half_life: float = 5.0,
    organisations: Iterable[str] = (),
) -> Network:
    if not (half_life > 0 and math.isfinite(half_life)):
        raise NetworkError(f"half_life must be a positive number of years, not {half_life!r}")
    # One list per ordered pair: [count, weight, first year, last year]; a weight per distinct age is computed once.
    pairs: dict[tuple[str, str], list[float]] = {}
    weight_of_age: dict[int, float] = {}
    for source, adopter, year in adoptions:
        if source == adopter:
            raise NetworkError(f"an organisation cannot learn from itself: {source!r} ({year})")
        age = max(0, now_year - year)
        weight = weight_of_age.get(age)
        if weight is None:
            weight = weight_of_age[age] = recency_weight(year, now_year, half_life)
        entry = pairs.get((source, adopter))
        if entry is None:
            pairs[(source, adopter)] = [1, weight, year, year]
        else:
            entry[0] += 1
            entry[1] += weight
            if year < entry[2]:
                entry[2] = year
            if year > entry[3]:
                entry[3] = year
    shared: Counter[tuple[str, str]] = Counter()
    for a, b in partnerships:
        if a == b:
            raise NetworkError(f"an organisation cannot be its own partner: {a!r}")
        shared[(a, b) if a < b else (b, a)] += 1
    keys = set(organisations)
    for a, b in pairs:
        keys.add(a)
        keys.add(b)
    for a, b in shared:
        keys.add(a)
        keys.add(b)
    learning = tuple(
        Tie(s, t, int(entry[0]), entry[1], int(entry[2]), int(entry[3])) for (s, t), entry in sorted(pairs.items())
    )
    partner_ties = tuple(Tie(a, b, n, float(n)) for (a, b), n in sorted(shared.items()))
    return Network(tuple(sorted(keys)), learning, partner_ties, now_year, float(half_life))


def _seeded_communities(graph: igraph.Graph, weights: list[float], *, seed: int, resolution: float) -> list[int]:
    # igraph draws from a process-wide generator; a private seeded one is set for the call and the default put
    # back, so two runs with one seed give one partition. Process-wide: run one recompute at a time per process
    # (a background job), not from concurrent threads.
    igraph.set_random_number_generator(random.Random(seed))  # noqa: S311 - not for security
    try:
        partition = graph.community_leiden(
            objective_function="modularity",
            weights=weights if weights else None,
            resolution=resolution,
            n_iterations=-1,
        )
    finally:
        igraph.set_random_number_generator(random)
    return list(partition.membership)


def _renumber(membership: Sequence[int], keys: Sequence[str]) -> list[int]:
    """Communities numbered by size (largest first), ties by their smallest key: independent of the algorithm's ids."""
    members: defaultdict[int, list[int]] = defaultdict(list)
    for index, label in enumerate(membership):
        members[label].append(index)
    order = sorted(members.values(), key=lambda group: (-len(group), keys[group[0]]))
    result = [0] * len(membership)
    for number, group in enumerate(order):
        for index in group:
            result[index] = number
    return result


def organisation_metrics(
    network: Network,
    *,
    seed: int = 1,
    resolution: float = 1.0,
    betweenness_sample: int | None = None,
    broker_quantile: float = 0.75,
) -> dict[str, OrgMetrics]:
    keys = network.organisations
    n = len(keys)
    if n == 0:
        return {}
    index = {key: i for i, key in enumerate(keys)}
    # Counts and weights as numpy arrays: per-tie Python arithmetic cost seconds at the registry's size.
    src = np.fromiter((index[t.source] for t in network.learning), dtype=np.int64, count=len(network.learning))
    tgt = np.fromiter((index[t.target] for t in network.learning), dtype=np.int64, count=len(network.learning))
    counts = np.fromiter((t.count for t in network.learning), dtype=np.float64, count=len(network.learning))
    weights = np.fromiter((t.weight for t in network.learning), dtype=np.float64, count=len(network.learning))
    pa = np.fromiter((index[t.source] for t in network.partnerships), dtype=np.int64, count=len(network.partnerships))
    pb = np.fromiter((index[t.target] for t in network.partnerships), dtype=np.int64, count=len(network.partnerships))
    pw = np.fromiter((t.weight for t in network.partnerships), dtype=np.float64, count=len(network.partnerships))

    taught = np.bincount(src, minlength=n)
    learned_from = np.bincount(tgt, minlength=n)
    adoptions_out = np.bincount(src, weights=counts, minlength=n)
    adoptions_in = np.bincount(tgt, weights=counts, minlength=n)
    partners = np.bincount(pa, minlength=n) + np.bincount(pb, minlength=n)

    directed = igraph.Graph(n=n, edges=list(zip(src.tolist(), tgt.tolist(), strict=True)), directed=True)
    betweenness = _betweenness(directed, betweenness_sample, seed)

    # Influence flows from adopter to source: PageRank on the reversed ties.
    reversed_graph = igraph.Graph(n=n, edges=list(zip(tgt.tolist(), src.tolist(), strict=True)), directed=True)
    influence = reversed_graph.pagerank(weights=weights.tolist() if len(weights) else None, damping=0.85)

    # The undirected projection: both directions' weights and the partnerships summed per unordered pair.
    low = np.concatenate((np.minimum(src, tgt), np.minimum(pa, pb)))
    high = np.concatenate((np.maximum(src, tgt), np.maximum(pa, pb)))
    codes, pair_of = np.unique(low * n + high, return_inverse=True)
    pair_weight = np.bincount(pair_of, weights=np.concatenate((weights, pw)), minlength=len(codes))
    projection = igraph.Graph(
        n=n, edges=list(zip((codes // n).tolist(), (codes % n).tolist(), strict=True)), directed=False
    )
    membership = _seeded_communities(projection, pair_weight.tolist(), seed=seed, resolution=resolution)
    community = _renumber(membership, keys)

    positive = [value for value in betweenness if value > 0]
    threshold = float(np.quantile(positive, broker_quantile)) if positive else math.inf

    result: dict[str, OrgMetrics] = {}
    for i, key in enumerate(keys):
        lf, tg = int(learned_from[i]), int(taught[i])
        between = betweenness[i]
        if lf >= 1 and tg >= 1 and between > 0 and between >= threshold:
            role = "broker"
        elif tg >= 1 and tg >= lf:
            role = "source"
        elif lf >= 1:
            role = "adopter"
        else:
            role = "isolated"
        result[key] = OrgMetrics(
            organisation=key,
            learned_from=lf,
            taught=tg,
            adoptions_in=round(adoptions_in[i]),
            adoptions_out=round(adoptions_out[i]),
            partners=int(partners[i]),
            betweenness=between,
            influence=float(influence[i]),
            community=community[i],
            role=role,
        )
    return result


def _betweenness(graph: igraph.Graph, sample: int | None, seed: int) -> list[float]:
    n = graph.vcount()
    if n < 3:
        return [0.0] * n
    scale = 1.0 / ((n - 1) * (n - 2))  # directed normalisation, as networkx's normalized=True
    if sample is None or sample >= n:
        raw = graph.betweenness(directed=True)
    else:
        if sample < 1:
            raise NetworkError("betweenness_sample must be at least 1")
        sources = sorted(random.Random(seed).sample(range(n), sample))  # noqa: S311 - not for security
        raw = graph.betweenness(directed=True, sources=sources)
        scale *= n / sample
    return [float(value) * scale for value in raw]


# --- regions ----------------------------------------------------------------------------------------------------


def region_flows(adoptions: Iterable[tuple[str, str, int]], region_of: Mapping[str, str]) -> dict[tuple[str, str], int]:
    """Adoptions from the source's region to the adopter's; an adoption with either region unknown is left out."""
    flows: Counter[tuple[str, str]] = Counter()
    for source, adopter, _year in adoptions:
        a, b = region_of.get(source), region_of.get(adopter)
        if a and b:
            flows[(a, b)] += 1
    return dict(flows)


def flow_matrix(flows: Mapping[tuple[str, str], int], regions: Sequence[str]) -> list[list[int]]:
    """The flows as a square matrix in the order of `regions`: row = source's region, column = adopter's."""
    position = {code: i for i, code in enumerate(regions)}
    matrix = [[0] * len(regions) for _ in regions]
    for (a, b), count in flows.items():
        if a in position and b in position:
            matrix[position[a]][position[b]] += count
    return matrix


def travel_distance(
    source_region: str | None, adopter_region: str | None, neighbours: Mapping[str, Collection[str]]
) -> str:
    if not source_region or not adopter_region:
        return "unknown"
    if source_region == adopter_region:
        return "same_region"
    if adopter_region in neighbours.get(source_region, ()) or source_region in neighbours.get(adopter_region, ()):
        return "neighbouring"
    return "across_country"


def travel_distances(
    adoptions: Iterable[tuple[str, str, int]],
    region_of: Mapping[str, str],
    neighbours: Mapping[str, Collection[str]],
) -> dict[str, int]:
    counts = dict.fromkeys(DISTANCES, 0)
    for source, adopter, _year in adoptions:
        counts[travel_distance(region_of.get(source), region_of.get(adopter), neighbours)] += 1
    return counts


def region_adjacency(topology: Mapping[str, Any], *, key: str = "maakunta") -> dict[str, frozenset[str]]:
    """Regions that share a border, from a TopoJSON topology: two shapes are neighbours when they use one arc.

    Written by hand (a few lines) rather than with a GIS library: in TopoJSON a shared border is literally one
    arc referenced by both shapes (~i, i.e. -i-1, is arc i reversed). Every GeometryCollection in `objects` is
    read; a shape's code is its property `key`.
    """
    users: defaultdict[int, set[str]] = defaultdict(set)
    codes: set[str] = set()

    def walk(arcs: Any, code: str) -> None:
        if isinstance(arcs, int):
            users[arcs if arcs >= 0 else ~arcs].add(code)
        else:
            for item in arcs:
                walk(item, code)

    for obj in topology.get("objects", {}).values():
        for geometry in obj.get("geometries", ()):
            code = str(geometry.get("properties", {}).get(key, ""))
            if not code:
                continue
            codes.add(code)
            walk(geometry.get("arcs", ()), code)
    adjacent: dict[str, set[str]] = {code: set() for code in codes}
    for sharing in users.values():
        for code in sharing:
            adjacent[code] |= sharing - {code}
    return {code: frozenset(others) for code, others in sorted(adjacent.items())}


def load_region_adjacency(path: str | Path, *, key: str = "maakunta") -> dict[str, frozenset[str]]:
    with open(path, encoding="utf-8") as handle:
        return region_adjacency(json.load(handle), key=key)


# --- peers ------------------------------------------------------------------------------------------------------


def peer_comparison(
    metrics: Mapping[str, OrgMetrics],
    organisation: str,
    *,
    size_class_of: Mapping[str, str],
    region_of: Mapping[str, str],
) -> PeerComparison:
    """Percentile ranks of an organisation's metrics among its size class, then among its region."""
    if organisation not in metrics:
        raise KeyError(organisation)
    own = metrics[organisation]
    groups: list[PeerRank] = []
    for group, code_of in (("size_class", size_class_of), ("region", region_of)):
        code = code_of.get(organisation)
        if not code:
            continue
        peers = [m for key, m in metrics.items() if code_of.get(key) == code]
        percentiles = {
            name: float(percentileofscore([getattr(m, name) for m in peers], getattr(own, name), kind="mean"))
            for name in PEER_METRICS
        }
        groups.append(PeerRank(group, code, len(peers), percentiles))
    return PeerComparison(organisation, tuple(groups))


def peer_comparisons(
    metrics: Mapping[str, OrgMetrics], *, size_class_of: Mapping[str, str], region_of: Mapping[str, str]
) -> dict[str, PeerComparison]:
    """`peer_comparison` of every organisation at once (for the background job): one ranking per group.

    The "mean" percentile of a value among n is (average rank - 1/2) / n * 100 (average ranks of ties), the same
    figure as `percentileofscore(kind="mean")`.
    """
    keys = list(metrics)
    ranks: dict[str, list[PeerRank]] = {key: [] for key in keys}
    for group, code_of in (("size_class", size_class_of), ("region", region_of)):
        members: defaultdict[str, list[str]] = defaultdict(list)
        for key in keys:
            code = code_of.get(key)
            if code:
                members[code].append(key)
        for code, group_keys in sorted(members.items()):
            n = len(group_keys)
            columns = {
                name: (rankdata([getattr(metrics[k], name) for k in group_keys], method="average") - 0.5) / n * 100
                for name in PEER_METRICS
            }
            for i, key in enumerate(group_keys):
                percentiles = {name: float(column[i]) for name, column in columns.items()}
                ranks[key].append(PeerRank(group, code, n, percentiles))
    return {key: PeerComparison(key, tuple(ranks[key])) for key in keys}
