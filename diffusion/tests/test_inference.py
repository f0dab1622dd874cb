"""NetInf on simulated cascades with known ties, and its greedy steps against a brute-force likelihood."""

import heapq
import math
import random
from collections import Counter

import pytest

from diffusion.maths.inference import (
    InferenceError,
    cascades_from_events,
    default_rate,
    infer_ties,
    suggest_sources,
)

Cascades = dict[str, dict[str, float]]


def simulate(
    seed: int, *, n: int = 30, m: int = 60, p: float = 0.5, rate: float = 1.0, cascades: int = 300
) -> tuple[set[tuple[str, str]], Cascades]:
    """Independent cascades on a known random directed network, exponential delays, observed up to time 10."""
    edges, result, _parents = simulate_with_parents(seed, n=n, m=m, p=p, rate=rate, cascades=cascades)
    return edges, result


def simulate_with_parents(
    seed: int, *, n: int = 30, m: int = 60, p: float = 0.5, rate: float = 1.0, cascades: int = 300
) -> tuple[set[tuple[str, str]], Cascades, dict[str, dict[str, str]]]:
    """`simulate`, and who infected whom in each cascade."""
    rng = random.Random(seed)
    nodes = [f"n{i:02d}" for i in range(n)]
    edges: set[tuple[str, str]] = set()
    while len(edges) < m:
        a, b = rng.sample(nodes, 2)
        edges.add((a, b))
    out: dict[str, list[str]] = {}
    for a, b in sorted(edges):
        out.setdefault(a, []).append(b)
    result: Cascades = {}
    parents: dict[str, dict[str, str]] = {}
    for c in range(cascades):
        start = rng.choice(nodes)
        times = {start: 0.0}
        parent: dict[str, str] = {}
        heap = [(0.0, start)]
        done: set[str] = set()
        while heap:
            t, u = heapq.heappop(heap)
            if u in done:
                continue
            done.add(u)
            for v in out.get(u, []):
                if rng.random() < p:  # each tie gets one chance to transmit
                    tv = t + rng.expovariate(rate)
                    if tv < 10.0 and tv < times.get(v, math.inf):
                        times[v] = tv
                        parent[v] = u
                        heapq.heappush(heap, (tv, v))
        result[f"c{c}"] = times
        parents[f"c{c}"] = parent
    return edges, result, parents


def timing_baseline(cascades: Cascades, k: int) -> set[tuple[str, str]]:
    """The k pairs most often in the order u before v: timing alone, no likelihood."""
    count: Counter[tuple[str, str]] = Counter()
    for times in cascades.values():
        for u, tu in times.items():
            for v, tv in times.items():
                if tu < tv:
                    count[(u, v)] += 1
    return {pair for pair, _ in sorted(count.items(), key=lambda item: (-item[1], item[0]))[:k]}


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_recovers_known_ties_far_better_than_timing_alone(seed):
    truth, cascades = simulate(seed)
    k = len(truth)
    ties = infer_ties(cascades, k=k)
    found = {(t.source, t.target) for t in ties}
    precision = len(found & truth) / len(found)
    recall = len(found & truth) / len(truth)
    baseline = len(timing_baseline(cascades, k) & truth) / k  # precision = recall at k = |truth|
    report = f"precision {precision:.2f}, recall {recall:.2f}, timing-only baseline {baseline:.2f}"
    assert precision >= 0.9, report
    assert recall >= 0.9, report
    assert baseline < 0.7, report
    assert precision - baseline > 0.25, report


def test_power_law_model_also_recovers_ties():
    truth, cascades = simulate(5)
    ties = infer_ties(cascades, k=len(truth), model="power_law", alpha=2.5, scale=1.0)
    found = {(t.source, t.target) for t in ties}
    assert len(found & truth) / len(truth) >= 0.8


def brute_force_loglik(cascades: Cascades, network: set[tuple[str, str]], rate: float) -> float:
    """Σ over cascades and non-first adopters of the best parent's log-likelihood, from the definition."""
    total = 0.0
    for times in cascades.values():
        for v, tv in times.items():
            options = [
                math.log((0.5 if (u, v) in network else 1e-9) * rate * math.exp(-rate * (tv - tu)))
                for u, tu in times.items()
                if tu < tv
            ]
            if options:
                total += max(options)
    return total


def test_each_step_is_the_best_tie_by_brute_force():
    _truth, cascades = simulate(9, n=8, m=12, cascades=25)
    rate = default_rate(cascades)
    ties = infer_ties(cascades, k=6, rate=rate)
    network: set[tuple[str, str]] = set()
    pairs = {(u, v) for times in cascades.values() for u in times for v in times if times[u] < times[v]}
    for tie in ties:
        base = brute_force_loglik(cascades, network, rate)
        gains = {pair: brute_force_loglik(cascades, network | {pair}, rate) - base for pair in pairs - network}
        assert tie.score == pytest.approx(gains[(tie.source, tie.target)], rel=1e-9)
        assert tie.score == pytest.approx(max(gains.values()), rel=1e-9)
        network.add((tie.source, tie.target))
        support = sum(
            1
            for times in cascades.values()
            if tie.source in times and tie.target in times and times[tie.source] < times[tie.target]
        )
        assert 1 <= tie.support <= support
    assert [t.score for t in ties] == sorted((t.score for t in ties), reverse=True)  # submodular: gains shrink


def test_candidates_restrict_the_ties():
    truth, cascades = simulate(3)
    allowed = [*sorted(truth)[:10], ("n00", "n00")]
    ties = infer_ties(cascades, k=50, candidates=allowed)
    assert {(t.source, t.target) for t in ties} <= set(allowed[:10])
    assert len(ties) <= 10


def test_simultaneous_adoptions_never_transmit_and_edge_cases():
    cascades = {"x": {"a": 2000, "b": 2000, "c": 2003}, "y": {"a": 2001, "b": 2001}}
    ties = infer_ties(cascades, k=10, rate=0.5)
    assert {(t.source, t.target) for t in ties} <= {("a", "c"), ("b", "c")}
    assert len(ties) == 1  # once c has a parent in its only cascade, the other tie adds nothing
    assert ties[0].support == 1
    assert infer_ties({}, k=5) == []
    assert infer_ties({"x": {"a": 1.0}}, k=5) == []
    assert infer_ties(cascades, k=0) == []
    with pytest.raises(InferenceError):
        infer_ties(cascades, k=-1)
    with pytest.raises(InferenceError):
        infer_ties(cascades, k=1, model="gaussian")
    with pytest.raises(InferenceError):
        infer_ties(cascades, k=1, model="power_law", alpha=1.0)
    with pytest.raises(InferenceError):
        infer_ties(cascades, k=1, epsilon=0.9)


def test_default_rate_is_the_exponential_mle_of_delays_from_the_first_adopter():
    assert default_rate({"x": {"a": 0.0, "b": 1.0, "c": 3.0}, "y": {"d": 5.0}}) == pytest.approx(2 / 4)
    assert default_rate({}) == 1.0


def test_suggested_sources_are_mostly_the_true_infectors():
    _truth, cascades, parents = simulate_with_parents(4)
    ties = infer_ties(cascades, k=60)
    suggestions = suggest_sources(cascades, ties)
    right = total = 0
    latest_right = 0
    for innovation, chosen in suggestions.items():
        for adopter, suggestion in chosen.items():
            total += 1
            right += suggestion.source == parents[innovation][adopter]
            assert suggestion.delay == cascades[innovation][adopter] - cascades[innovation][suggestion.source] > 0
            times = cascades[innovation]
            latest = max((u for u in times if times[u] < times[adopter]), key=lambda u: times[u])
            latest_right += latest == parents[innovation][adopter]
    infected = sum(len(p) for p in parents.values())
    assert total >= 0.8 * infected  # most adopters get a suggestion
    assert right / total >= 0.85, (right / total, latest_right / total)
    assert right / total > latest_right / total + 0.1  # better than "the latest earlier adopter"


def test_suggest_sources_hand_case_and_events():
    cascades = {"x": {"a": 2000.0, "b": 2003.0, "c": 2004.0}, "y": {"c": 2001.0, "b": 2001.0}}
    ties = infer_ties(cascades, k=5, rate=0.5)
    assert {(t.source, t.target) for t in ties} == {("a", "b"), ("b", "c")}
    suggestions = suggest_sources(cascades, ties, rate=0.5)
    assert {k: {a: s.source for a, s in v.items()} for k, v in suggestions.items()} == {"x": {"b": "a", "c": "b"}}
    assert suggestions["x"]["c"].delay == 1.0

    class Event:
        def __init__(self, organisation: str, innovation: str, year: int) -> None:
            self.organisation, self.innovation, self.year = organisation, innovation, year

    events = [Event("a", "x", 2005), Event("a", "x", 2003), Event("b", "x", 2004), Event("b", "y", 2010)]
    assert cascades_from_events(events) == {"x": {"a": 2003.0, "b": 2004.0}, "y": {"b": 2010.0}}
