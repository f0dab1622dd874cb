"""Rogers' categories, the Bass-based boundaries and Walker's score, on small cases computed by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from diffusion.maths.adoption_table import AdoptionEvent
from diffusion.maths.bass import BassFit, bass_cumulative, fit_bass
from diffusion.maths.categories import (
    CATEGORIES,
    bass_boundaries,
    bass_categories,
    rogers_categories,
    rogers_cut_points,
    walker_scores,
    walker_scores_by_year,
)


def test_rogers_categories_by_hand():
    # Adopters 2000, 2002, 2003, 2003, 2004, 2004, 2005, 2009: mean 2003.75, Σ(t−μ)² = 47.5, σ = √(47.5/8) = 2.4367.
    times: dict[str, float | None] = {
        "a": 2000,
        "b": 2002,
        "c": 2003,
        "d": 2003,
        "e": 2004,
        "f": 2004,
        "g": 2005,
        "h": 2009,
        "i": None,
    }
    sd = math.sqrt(47.5 / 8)
    cuts = rogers_cut_points(times)
    assert cuts == pytest.approx(
        {
            "early_adopter": 2003.75 - 2 * sd,
            "early_majority": 2003.75 - sd,
            "late_majority": 2003.75,
            "laggard": 2003.75 + sd,
        }
    )
    assert rogers_categories(times) == {
        "a": "early_adopter",
        "b": "early_majority",
        "c": "early_majority",
        "d": "early_majority",
        "e": "late_majority",
        "f": "late_majority",
        "g": "late_majority",
        "h": "laggard",
        "i": "non_adopter",  # censored: not a laggard
    }


def test_rogers_innovator_and_the_lower_end_of_each_interval():
    # 1 then nine 5s: mean 4.6, σ = 1.2; μ−2σ = 2.2, so 1 is an innovator and 5 ∈ [μ, μ+σ) the late majority.
    times: dict[str, float | None] = {"first": 1, **{f"o{i}": 5 for i in range(9)}}
    categories = rogers_categories(times)
    assert categories["first"] == "innovator"
    assert {categories[f"o{i}"] for i in range(9)} == {"late_majority"}
    # A time exactly at the mean begins the late majority (each interval includes its lower end).
    assert rogers_categories({"x": 1, "y": 2, "z": 3})["y"] == "late_majority"


def test_rogers_without_spread_or_adopters():
    assert rogers_categories({"a": 2020, "b": 2020, "c": None}) == {
        "a": "innovator",
        "b": "innovator",
        "c": "non_adopter",
    }
    assert rogers_categories({"a": None}) == {"a": "non_adopter"}
    assert rogers_cut_points({"a": None}) is None
    assert rogers_categories({}) == {}


def bass_fit(p: float, q: float, first: int = 2000) -> BassFit:
    return BassFit(
        method="nls",
        p=p,
        q=q,
        m=100.0,
        se_p=None,
        se_q=None,
        se_m=None,
        periods=tuple(range(first, first + 10)),
        observed=(1,) * 10,
        fitted=(1.0,) * 10,
        cumulative_low=(),
        cumulative_high=(),
        peak_year=None,
        past_inflection=None,
        converged=True,
        flags=(),
    )


def test_bass_boundaries_are_where_the_rate_peaks_and_turns():
    p, q = 0.03, 0.38
    boundaries = bass_boundaries(bass_fit(p, q))
    # Independently: on a fine grid, the rate m·F'(t) peaks at the peak, and its slope (F'') is largest at
    # take-off and smallest at slow-down.
    grid = np.linspace(0, 20, 200_001)
    rate = np.gradient(bass_cumulative(p, q, 100, grid), grid)
    slope = np.gradient(rate, grid)
    assert boundaries["peak"] == pytest.approx(2000 + grid[np.argmax(rate)], abs=1e-3)
    assert boundaries["take_off"] == pytest.approx(2000 + grid[np.argmax(slope)], abs=1e-3)
    assert boundaries["slow_down"] == pytest.approx(2000 + grid[np.argmin(slope)], abs=1e-3)
    # q/p = 2 < 2 + √3: the rate is already rising most steeply at the start; no take-off point after it.
    assert set(bass_boundaries(bass_fit(0.1, 0.2))) == {"peak", "slow_down"}
    # q < p: the rate is highest at the start; it still falls fastest at a later point when q/p > 1/(2+√3).
    falling = bass_boundaries(bass_fit(0.3, 0.1))
    assert set(falling) == {"slow_down"}
    slope = np.gradient(np.gradient(bass_cumulative(0.3, 0.1, 100, grid), grid), grid)
    assert falling["slow_down"] == pytest.approx(2000 + grid[np.argmin(slope)], abs=1e-3)
    assert bass_boundaries(bass_fit(0.3, 0.05)) == {}


def test_bass_categories_by_the_boundaries():
    # p = 0.03, q = 0.38 from 2000: take-off 2002.98, peak 2006.19, slow-down 2009.40 (checked above).
    fit = bass_fit(0.03, 0.38)
    times: dict[str, float | None] = {"a": 2001, "b": 2002, "c": 2003, "d": 2005, "e": 2006, "f": 2009, "g": None}
    # Years are compared at their middle: 2002 + ½ is before take-off, 2005 + ½ before the peak, 2009 + ½ after T₂.
    assert bass_categories(times, fit) == {
        "a": "early_adopter",
        "b": "early_adopter",
        "c": "early_majority",
        "d": "early_majority",
        "e": "late_majority",
        "f": "laggard",
        "g": "non_adopter",
    }
    # q/p = 2: no take-off point, so nobody is an early adopter by the Bass boundaries.
    assert "early_adopter" not in bass_categories({"a": 2000, "b": 2001}, bass_fit(0.1, 0.2)).values()


def test_bass_boundaries_of_a_real_fit_bracket_its_peak_year():
    fit = fit_bass([2000 + t for t, n in enumerate([1, 2, 4, 8, 12, 14, 12, 8, 5, 3, 1]) for _ in range(n)])
    boundaries = bass_boundaries(fit)
    assert boundaries["peak"] == pytest.approx(fit.peak_year)
    assert boundaries["take_off"] < boundaries["peak"] < boundaries["slow_down"]


EVENTS = [
    AdoptionEvent("A", "x", 2000),
    AdoptionEvent("B", "x", 2001),
    AdoptionEvent("C", "x", 2001),
    AdoptionEvent("D", "x", 2005),
    AdoptionEvent("B", "y", 2010),
    AdoptionEvent("D", "y", 2012),
    AdoptionEvent("C", "w", 2003),
    AdoptionEvent("Z", "x", 1999),  # outside the population: ignored
    AdoptionEvent("D", "x", 2007),  # a repeated adoption: the first counts
]
POPULATION = ["A", "B", "C", "D", "E"]


def test_walker_rank_scores_by_hand():
    # x: ranks A 1, B 2.5, C 2.5, D 4 → z = (4 − r)/3 = 1, ½, ½, 0; y: B 1, D 0; w: C 1.
    assert walker_scores(EVENTS, POPULATION) == pytest.approx({"A": 1.0, "B": 0.75, "C": 0.75, "D": 0.0})


def test_walker_time_scores_by_hand():
    # x spans 2000–2005: z = 1 − (t − 2000)/5 → A 1, B 0.8, C 0.8, D 0; y spans 2010–2012: B 1, D 0; w: C 1.
    assert walker_scores(EVENTS, POPULATION, standardisation="time") == pytest.approx(
        {"A": 1.0, "B": 0.9, "C": 0.9, "D": 0.0}
    )


def test_walker_non_adopters_last_is_walkers_original():
    # Every organisation averages over all three innovations, 0 for those it did not adopt.
    assert walker_scores(EVENTS, POPULATION, non_adopters="last") == pytest.approx(
        {"A": 1 / 3, "B": 0.5, "C": 0.5, "D": 0.0, "E": 0.0}
    )


def test_walker_dynamic_scores_by_hand():
    by_year = walker_scores_by_year(EVENTS, POPULATION)
    assert list(by_year) == list(range(2000, 2013))
    assert by_year[2000] == {"A": 1.0}
    # 2001: x has A, B, C: ranks 1, 2.5, 2.5 → z = 1, ¼, ¼.
    assert by_year[2001] == pytest.approx({"A": 1.0, "B": 0.25, "C": 0.25})
    assert by_year[2002] == by_year[2001]
    assert by_year[2003] == pytest.approx({"A": 1.0, "B": 0.25, "C": 0.625})
    assert by_year[2005] == pytest.approx({"A": 1.0, "B": 0.5, "C": 0.75, "D": 0.0})
    assert by_year[2012] == pytest.approx(walker_scores(EVENTS, POPULATION))
    # Only innovations first adopted 2010–2012 count in a three-year window.
    assert walker_scores_by_year(EVENTS, POPULATION, window=3)[2012] == pytest.approx({"B": 1.0, "D": 0.0})


def test_walker_refuses_unknown_options():
    with pytest.raises(ValueError, match="standardisation"):
        walker_scores(EVENTS, POPULATION, standardisation="z")
    with pytest.raises(ValueError, match="non_adopters"):
        walker_scores(EVENTS, POPULATION, non_adopters="first")
    with pytest.raises(ValueError, match="window"):
        walker_scores_by_year(EVENTS, POPULATION, window=0)
    assert walker_scores_by_year([], POPULATION) == {}


@settings(max_examples=50, deadline=None)
@given(st.lists(st.integers(min_value=1990, max_value=2000), min_size=2, max_size=30))
def test_walker_rank_scores_of_one_innovation_average_one_half(years):
    events = [AdoptionEvent(f"o{i}", "x", year) for i, year in enumerate(years)]
    scores = walker_scores(events, [f"o{i}" for i in range(len(years))])
    assert sum(scores.values()) / len(scores) == pytest.approx(0.5)
    assert all(0.0 <= score <= 1.0 for score in scores.values())
    # Earlier never scores lower.
    for i, a in enumerate(years):
        for j, b in enumerate(years):
            if a < b:
                assert scores[f"o{i}"] > scores[f"o{j}"]


@settings(max_examples=50, deadline=None)
@given(st.dictionaries(st.text(min_size=1, max_size=3), st.one_of(st.none(), st.integers(1990, 2030)), max_size=30))
def test_rogers_categories_are_complete_and_ordered(times):
    categories = rogers_categories(times)
    assert set(categories) == set(times)
    assert set(categories.values()) <= set(CATEGORIES)
    for name, value in times.items():
        assert (categories[name] == "non_adopter") == (value is None)
    order = {code: i for i, code in enumerate(CATEGORIES)}
    adopters = sorted((value, order[categories[name]]) for name, value in times.items() if value is not None)
    assert [rank for _, rank in adopters] == sorted(rank for _, rank in adopters)
