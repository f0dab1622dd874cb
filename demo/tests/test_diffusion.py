"""The demo's diffusion process (demo/diffusion.py): reproducible, shaped as designed, and, with the country as
its only imitation channel, the discrete Bass model (checked against the deterministic recursion written here)."""

import math
import random
from collections import Counter
from collections.abc import Sequence

import pytest

from demo.diffusion import (
    LAST_YEAR,
    FamilySpec,
    History,
    Member,
    Root,
    design_families,
    partner_ties,
    simulate_family,
)

MUNICIPALITY, COUNTY, AGENCY = "municipality", "wellbeing_county", "state_agency"
REGIONS = [f"{i:02d}" for i in range(1, 20)]
NEIGHBOURS = {code: [REGIONS[(i + 1) % 19], REGIONS[i - 1]] for i, code in enumerate(REGIONS)}
SEEDS = range(8)


def population() -> list[Member]:
    """309 municipalities in 19 regions (19 of them in a network), 21 counties from 2023, 20 agencies."""
    rng = random.Random(0)
    members = [
        Member(
            f"m{i}",
            MUNICIPALITY,
            REGIONS[i % 19],
            int(rng.lognormvariate(8.8, 1.1)),
            frozenset({"network:cities"}) if i < 19 else frozenset(),
        )
        for i in range(309)
    ]
    members += [Member(f"wc{i}", COUNTY, REGIONS[i % 19], 200_000, first_year=2023) for i in range(21)]
    members += [Member(f"ag{i}", AGENCY) for i in range(20)]
    return members


MEMBERS = population()
ROOTS = [
    *(Root(f"r{i}", f"m{i % 19}", frozenset({MUNICIPALITY})) for i in range(40)),
    Root("counties", "ag0", frozenset({COUNTY}), earliest=2022),
    Root("agencies", "ag1", frozenset({AGENCY})),
    Root("mixed", "m0", frozenset({MUNICIPALITY, COUNTY})),
]


def run(seed: int, budget: int = 1800) -> list[History]:
    rng = random.Random(seed)
    ties = partner_ties(rng, [m for m in MEMBERS if m.kind == MUNICIPALITY], NEIGHBOURS)
    specs = design_families(rng, ROOTS, MEMBERS, budget)
    return [simulate_family(spec, MEMBERS, ties, rng) for spec in specs]


@pytest.fixture(scope="module")
def runs() -> list[list[History]]:
    return [run(seed) for seed in SEEDS]


def of(runs: Sequence[Sequence[History]], pattern: str) -> list[History]:
    return [history for histories in runs for history in histories if history.spec.pattern == pattern]


def summary(histories: Sequence[History]) -> list[object]:
    return [(h.spec, h.adopters) for h in histories]


def test_the_same_seed_gives_the_same_histories_and_another_seed_others() -> None:
    assert summary(run(5)) == summary(run(5))
    assert summary(run(5)) != summary(run(6))


def test_every_pattern_occurs_and_the_budget_is_roughly_met(runs: list[list[History]]) -> None:
    for histories in runs:
        patterns = Counter(history.spec.pattern for history in histories)
        assert patterns["burst"] >= 1
        assert 1 <= patterns["two_waves"] <= 2
        assert patterns["failed"] >= 3
        assert patterns["s_curve"] >= 20
        assert 1000 <= sum(len(history.adopters) for history in histories) <= 2400


def test_s_curves_peak_inside_the_window(runs: list[list[History]]) -> None:
    checked = 0
    for history in of(runs, "s_curve"):
        if len(history.adopters) < 20:
            continue
        years = history.per_year(history.spec.start_year + 1, LAST_YEAR)
        smoothed = [sum(years[max(0, i - 1) : i + 2]) for i in range(len(years))]  # 3-year moving sums
        peak = smoothed.index(max(smoothed))
        assert 0 < peak < len(smoothed) - 1, (history.spec, years)
        assert max(smoothed[0], smoothed[-1]) < max(smoothed), (history.spec, years)
        checked += 1
    assert checked >= 5 * len(SEEDS)


def test_a_burst_puts_most_adoptions_in_one_year(runs: list[list[History]]) -> None:
    bursts = [history for history in of(runs, "burst") if len(history.adopters) >= 10]
    assert len(bursts) >= len(SEEDS)
    for history in bursts:
        years = Counter(adopter.year for adopter in history.adopters)
        year, most = years.most_common(1)[0]
        assert most / len(history.adopters) > 0.5, (history.spec, years)
        assert year == history.spec.event_year


def test_two_waves_have_two_peaks(runs: list[list[History]]) -> None:
    waves = of(runs, "two_waves")
    assert len(waves) >= len(SEEDS)
    for history in waves:
        years = history.per_year(history.spec.start_year + 1, LAST_YEAR)
        # Some year b is a trough: the highest year before it and the highest after it are both at least twice it.
        troughs = [
            b
            for b in range(1, len(years) - 1)
            if max(years[:b]) >= max(5, 2 * years[b]) and max(years[b + 1 :]) >= max(5, 2 * years[b])
        ]
        assert troughs, (history.spec, years)


def test_failed_innovations_stay_small(runs: list[list[History]]) -> None:
    failed = of(runs, "failed")
    assert len(failed) >= 3 * len(SEEDS)
    for history in failed:
        eligible = sum(m.kind in history.spec.kinds for m in MEMBERS)
        assert len(history.adopters) <= min(8, 0.1 * eligible), history


def test_adopters_respect_kinds_start_dates_and_lineage(runs: list[list[History]]) -> None:
    by_key = {member.key: member for member in MEMBERS}
    deep = unrecorded = 0
    for history in (h for histories in runs for h in histories):
        spec, seen = history.spec, {history.spec.originator: history.spec.start_year}
        for adopter in sorted(history.adopters, key=lambda a: a.year):
            member = by_key[adopter.organisation]
            assert member.kind in spec.kinds
            assert member.first_year <= adopter.year <= min(member.last_year, LAST_YEAR)
            assert adopter.year > spec.start_year
            assert adopter.organisation not in seen  # once each, never the originator
            if adopter.source is None:
                unrecorded += 1
            else:
                assert seen[adopter.source] < adopter.year  # learnt from someone who had adopted before
                deep += adopter.source != spec.originator
            seen[adopter.organisation] = adopter.year
    assert deep > 0.2 * sum(len(h.adopters) for histories in runs for h in histories)  # lineage has depth
    assert unrecorded > 0
    counties = [h for histories in runs for h in histories if h.spec.key == "counties"]
    assert all(a.year >= 2023 for h in counties for a in h.adopters)
    assert sum(len(h.adopters) for h in counties) > 0


def test_with_the_country_only_the_process_is_the_discrete_bass_model() -> None:
    """No regions, networks or partners: each year x_t ~ Binomial(R_t, h_t) with h_t = p + q·Y_{t−1}/N, for N
    potential adopters, R_t of them still waiting and Y_{t−1} adopters so far (the originator among them: it is one
    of each waiting one's N peers). Checked year by year on the simulated paths: the standardised residuals of the
    counts against that binomial are small, one by one and pooled."""
    n, p, q, start = 1500, 0.01, 0.5, 2008
    members = [Member(f"x{i}", MUNICIPALITY) for i in range(n)] + [Member("origin", "other")]
    spec = FamilySpec("f", "s_curve", "origin", frozenset({MUNICIPALITY}), start, p, q, n)
    residual = variance = 0.0
    for seed in range(5):
        years = simulate_family(spec, members, (), random.Random(seed)).per_year(start + 1, LAST_YEAR)
        adopters = 1  # the originator
        for count in years:
            waiting = n + 1 - adopters
            hazard = p + q * adopters / n
            mean, var = waiting * hazard, waiting * hazard * (1 - hazard)
            if var > 1:
                assert abs(count - mean) / math.sqrt(var) < 4.5, (seed, years)
            residual, variance = residual + count - mean, variance + var
            adopters += count
        assert adopters > 0.95 * n  # and it saturates
    assert abs(residual) / math.sqrt(variance) < 3.5
