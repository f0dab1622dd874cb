"""Adopter categories (Rogers; Bass-based boundaries) and Walker's innovativeness score.

Public interface
----------------
``CATEGORIES``
    The category codes in order: innovator, early_adopter, early_majority, late_majority, laggard, and
    ``non_adopter`` apart.
``rogers_categories(times) -> dict[str, str]``
    organisation -> category code, from {organisation: adoption time, ``None`` for not adopted}.
``rogers_cut_points(times) -> dict[str, float] | None``
    The cut points μ−2σ, μ−σ, μ, μ+σ as ``{"early_adopter": …, "early_majority": …, "late_majority": …,
    "laggard": …}`` (each the time from which that category begins), ``None`` without adopters.
``bass_boundaries(fit) -> dict[str, float]``
    The Bass curve's own boundaries as years: ``"take_off"`` and ``"slow_down"`` (the inflection points of the
    adoption rate) and ``"peak"``; a boundary that falls before the start is left out.
``bass_categories(times, fit) -> dict[str, str]``
    organisation -> category by the Bass boundaries instead of μ and σ (see below), ``None`` -> ``non_adopter``.
``walker_scores(events, population, *, standardisation="rank", non_adopters="skip") -> dict[str, float]``
    organisation -> innovativeness in [0, 1] (1 = always first).
``walker_scores_by_year(events, population, *, standardisation="rank", non_adopters="skip", window=None)``
    year -> (organisation -> score) as it stood at the end of each year: the dynamic version.
``ranks_within(scores, group_of) -> dict[str, tuple[int, int]]``
    organisation -> (its rank, how many ranked) among the organisations of its group (e.g. size class) with a
    score: 1 for the highest, ties sharing the best rank ("1224" ranking).

Rogers (2003, ch. 7)
--------------------
Among the adopters, with μ the mean and σ the standard deviation (population form, divided by n: the adopters are
all the adopters, not a sample of them) of their adoption times: innovators adopted before μ−2σ, early adopters in
[μ−2σ, μ−σ), the early majority in [μ−σ, μ), the late majority in [μ, μ+σ) and laggards from μ+σ on (each
interval includes its lower end). Organisations that have not adopted are ``non_adopter``: they are censored — they
may still adopt — so they are not laggards and do not enter μ or σ. When σ = 0 (one adopter, or all in the same
period) there is no spread to divide: every adopter is an ``innovator`` (nobody adopted before them).

Bass-based boundaries (Mahajan, Muller & Srivastava 1990)
-------------------------------------------------------------
The Bass adoption rate rises fastest at T₁ = (ln(q/p) − ln(2+√3))/(p+q), peaks at T* = ln(q/p)/(p+q) and falls
fastest at T₂ = (ln(q/p) + ln(2+√3))/(p+q); Mahajan et al. use them as the boundaries early adopters | early
majority | late majority | laggards. They are returned as years (``first`` year of the fit + T); T₁ exists (is
after the start) only when q/p > 2+√3, the peak only when q > p and T₂ only when q/p > 1/(2+√3).
``bass_categories`` places an adoption in year y (the year [y, y+1), so at its middle y + ½) among them: before
T₁ ``early_adopter`` (the Bass boundaries do not split off innovators: Mahajan et al. count as innovators those
moved by external influence, p, who adopt throughout), T₁..T* ``early_majority``, T*..T₂ ``late_majority``, from
T₂ ``laggard``; a boundary that does not exist leaves its category empty (when q/p < 1/(2+√3), q = 0 included, the
rate falls ever more slowly from the start: every adopter is past all three points, a laggard by this reading —
Rogers' categories are the ones to show then).

Walker's innovativeness score (Walker 1969; Boehmke et al. 2020)
-----------------------------------------------------------------
For each innovation i, each of its adopters gets a standardised position z in [0, 1], 1 for the first and 0 for
the last, and an organisation's score is the mean of its z over the innovations it adopted (``non_adopters=
"skip"``; organisations that adopted nothing have no score and are left out of the result).

- ``standardisation="rank"`` (default): z = (n_i − r)/(n_i − 1), r the adopter's rank among the n_i adopters
  (1 = first; adopters of the same period share the mean of their ranks, so the z of an innovation's adopters
  always average ½); z = 1 when n_i = 1. Ranks are not stretched by one very late adopter.
- ``standardisation="time"`` is Walker's own: z = 1 − (t − first_i)/(last_i − first_i), the share of the
  innovation's adoption span still ahead when the organisation adopted (1 when all adopted in one period).

Walker (1969) scored 88 programmes among the 48 states by elapsed time; Boehmke et al. (2020) built SPID, the 728
policies this module is tested on, to compute such innovativeness scores (and their change over time) from far
more policies. The rank version is the default because SPID's adoption spans run up to three centuries: one
adopter a century late would squeeze every other adopter's time score towards 1.

``non_adopters="last"`` is Walker's original treatment: an organisation of the population that never adopted
innovation i counts z = 0 for it (placed last), and every organisation's mean runs over all innovations, so every
member of the population has a score. Events of organisations outside ``population`` are ignored; each
(organisation, innovation) counts once, at its first adoption.

The dynamic version: the score at year Y uses only the adoptions up to and including Y (ranks, n_i, first_i and
last_i as they stood then) — the score as it could have been computed at the end of Y; with ``window`` only
innovations whose first adoption lies in the ``window`` years up to Y count (recent innovativeness).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
import numpy.typing as npt

from diffusion.maths.adoption_table import AdoptionEvent, first_adoptions
from diffusion.maths.bass import BassFit

__all__ = [
    "CATEGORIES",
    "bass_boundaries",
    "bass_categories",
    "ranks_within",
    "rogers_categories",
    "rogers_cut_points",
    "walker_scores",
    "walker_scores_by_year",
]

CATEGORIES = ("innovator", "early_adopter", "early_majority", "late_majority", "laggard", "non_adopter")
STANDARDISATIONS = ("rank", "time")
NON_ADOPTERS = ("skip", "last")
LOG_2_PLUS_ROOT_3 = math.log(2.0 + math.sqrt(3.0))


def rogers_cut_points(times: Mapping[str, float | None]) -> dict[str, float] | None:
    """The times from which each category after innovators begins (μ−2σ, μ−σ, μ, μ+σ); None without adopters."""
    adopted = [float(value) for value in times.values() if value is not None]
    if not adopted:
        return None
    mean = math.fsum(adopted) / len(adopted)
    sd = math.sqrt(math.fsum((value - mean) ** 2 for value in adopted) / len(adopted))
    return {
        "early_adopter": mean - 2.0 * sd,
        "early_majority": mean - sd,
        "late_majority": mean,
        "laggard": mean + sd,
    }


def rogers_categories(times: Mapping[str, float | None]) -> dict[str, str]:
    """organisation -> Rogers category code; ``None`` (not adopted) -> ``non_adopter`` (censored, not laggard)."""
    cuts = rogers_cut_points(times)
    result: dict[str, str] = {}
    for organisation, value in times.items():
        if value is None or cuts is None:
            result[organisation] = "non_adopter"
        elif cuts["laggard"] == cuts["late_majority"]:
            result[organisation] = "innovator"  # σ = 0: nobody adopted before anybody else
        elif value >= cuts["laggard"]:
            result[organisation] = "laggard"
        elif value >= cuts["late_majority"]:
            result[organisation] = "late_majority"
        elif value >= cuts["early_majority"]:
            result[organisation] = "early_majority"
        elif value >= cuts["early_adopter"]:
            result[organisation] = "early_adopter"
        else:
            result[organisation] = "innovator"
    return result


def bass_boundaries(fit: BassFit) -> dict[str, float]:
    """Take-off (T₁), peak (T*) and slow-down (T₂) of the fitted Bass curve as years; those before the start omitted."""
    p, q = fit.p, fit.q
    if p <= 0.0 or q <= 0.0:
        return {}
    start = float(fit.periods[0])
    centre = math.log(q / p)
    times = {
        "take_off": (centre - LOG_2_PLUS_ROOT_3) / (p + q),
        "peak": centre / (p + q),
        "slow_down": (centre + LOG_2_PLUS_ROOT_3) / (p + q),
    }
    return {name: start + value for name, value in times.items() if value > 0.0}


def bass_categories(times: Mapping[str, float | None], fit: BassFit) -> dict[str, str]:
    """organisation -> category by the fitted curve's take-off, peak and slow-down; None -> ``non_adopter``."""
    boundaries = bass_boundaries(fit)
    # Each category begins at its boundary; a missing boundary is pushed past every other so its category is empty.
    start = float(fit.periods[0])
    take_off = boundaries.get("take_off", start)
    peak = boundaries.get("peak", take_off)
    slow_down = boundaries.get("slow_down", peak)
    result: dict[str, str] = {}
    for organisation, value in times.items():
        if value is None:
            result[organisation] = "non_adopter"
            continue
        middle = float(value) + 0.5
        if middle >= slow_down:
            result[organisation] = "laggard"
        elif middle >= peak:
            result[organisation] = "late_majority"
        elif middle >= take_off:
            result[organisation] = "early_majority"
        else:
            result[organisation] = "early_adopter"
    return result


def _check(standardisation: str, non_adopters: str) -> None:
    if standardisation not in STANDARDISATIONS:
        raise ValueError(f"standardisation must be one of {', '.join(STANDARDISATIONS)}")
    if non_adopters not in NON_ADOPTERS:
        raise ValueError(f"non_adopters must be one of {', '.join(NON_ADOPTERS)}")


class _Table:
    """The first adoptions of the population as arrays: organisation, innovation, year, mid-rank within innovation."""

    def __init__(self, events: Sequence[AdoptionEvent], population: Sequence[str]) -> None:
        self.organisations = list(dict.fromkeys(population))
        index = {name: i for i, name in enumerate(self.organisations)}
        kept = [event for event in first_adoptions(events) if event.organisation in index]
        innovations = sorted({event.innovation for event in kept})
        innovation_index = {name: i for i, name in enumerate(innovations)}
        self.innovation_count = len(innovations)
        self.org: npt.NDArray[np.int64] = np.array([index[e.organisation] for e in kept], dtype=np.int64)
        self.innovation: npt.NDArray[np.int64] = np.array(
            [innovation_index[e.innovation] for e in kept], dtype=np.int64
        )
        self.year: npt.NDArray[np.float64] = np.array([e.year for e in kept], dtype=np.float64)
        # Mid-ranks within each innovation: a period's adopters share the mean of their ranks. They do not change
        # when later adopters arrive, which is what makes the dynamic version a matter of counting.
        # Vectorised (a loop of rankdata per innovation took half a minute at 200,000 innovations): in the order by
        # innovation and year, a record's position within its innovation, and each run of the same (innovation,
        # year) gets the mean of its first and last positions.
        self.rank = np.empty(len(kept))
        order = np.lexsort((self.year, self.innovation))
        innovation_sorted, year_sorted = self.innovation[order], self.year[order]
        at = np.arange(order.size)
        new_innovation = np.ones(order.size, dtype=bool)
        new_innovation[1:] = innovation_sorted[1:] != innovation_sorted[:-1]
        position = at - np.maximum.accumulate(np.where(new_innovation, at, 0)) + 1
        new_run = new_innovation.copy()
        new_run[1:] |= year_sorted[1:] != year_sorted[:-1]
        run = np.cumsum(new_run) - 1
        run_first = position[new_run]
        run_end = np.ones(order.size, dtype=bool)  # a run ends where the next begins, or at the end
        run_end[:-1] = new_run[1:]
        run_last = position[run_end]
        self.rank[order] = (run_first[run] + run_last[run]) / 2.0

    def scores(
        self, until: float, standardisation: str, non_adopters: str, window: int | None = None
    ) -> dict[str, float]:
        mask = self.year <= until
        innovation = self.innovation[mask]
        if window is not None:
            first_year = np.full(self.innovation_count, np.inf)
            np.minimum.at(first_year, innovation, self.year[mask])
            recent = first_year > until - window
            mask &= recent[self.innovation]
            innovation = self.innovation[mask]
        org, year, rank = self.org[mask], self.year[mask], self.rank[mask]
        size = len(self.organisations)
        if standardisation == "rank":
            n = np.bincount(innovation, minlength=self.innovation_count).astype(np.float64)[innovation]
            z = np.divide(n - rank, n - 1.0, out=np.ones_like(rank), where=n > 1.0)
        else:
            first = np.full(self.innovation_count, np.inf)
            last = np.full(self.innovation_count, -np.inf)
            np.minimum.at(first, innovation, year)
            np.maximum.at(last, innovation, year)
            span = (last - first)[innovation]
            z = np.divide(last[innovation] - year, span, out=np.ones_like(year), where=span > 0)
        total = np.bincount(org, weights=z, minlength=size)
        if non_adopters == "last":
            counted = np.unique(innovation).size
            if counted == 0:
                return {}
            return {name: float(total[i] / counted) for i, name in enumerate(self.organisations)}
        adopted = np.bincount(org, minlength=size)
        return {name: float(total[i] / adopted[i]) for i, name in enumerate(self.organisations) if adopted[i] > 0}


def walker_scores(
    events: Sequence[AdoptionEvent],
    population: Sequence[str],
    *,
    standardisation: str = "rank",
    non_adopters: str = "skip",
) -> dict[str, float]:
    """Walker's innovativeness score of each organisation of the population (see the module's docstring)."""
    _check(standardisation, non_adopters)
    return _Table(events, population).scores(math.inf, standardisation, non_adopters)


def walker_scores_by_year(
    events: Sequence[AdoptionEvent],
    population: Sequence[str],
    *,
    standardisation: str = "rank",
    non_adopters: str = "skip",
    window: int | None = None,
) -> dict[int, dict[str, float]]:
    """The dynamic score: for every year from the first adoption to the last, the score as it stood then."""
    _check(standardisation, non_adopters)
    if window is not None and window < 1:
        raise ValueError("the window must be at least one year")
    table = _Table(events, population)
    if table.year.size == 0:
        return {}
    first, last = int(table.year.min()), int(table.year.max())
    return {year: table.scores(float(year), standardisation, non_adopters, window) for year in range(first, last + 1)}


def ranks_within(scores: Mapping[str, float], group_of: Mapping[str, str]) -> dict[str, tuple[int, int]]:
    """organisation -> (1 + how many of its group scored higher, how many of its group have a score); organisations
    without a group are left out."""
    groups: dict[str, list[float]] = {}
    for organisation, score in scores.items():
        if group := group_of.get(organisation):
            groups.setdefault(group, []).append(score)
    ordered = {group: np.sort(np.asarray(values)) for group, values in groups.items()}
    result = {}
    for organisation, score in scores.items():
        if group := group_of.get(organisation):
            values = ordered[group]
            higher = values.size - int(np.searchsorted(values, score, side="right"))
            result[organisation] = (higher + 1, int(values.size))
    return result
