"""Lineage nobody recorded: who-learned-from-whom ties inferred from adoption timing (NetInf). Plain Python + numpy.

Public interface
----------------
    infer_ties(cascades: Mapping[str, Mapping[str, float]], *, k: int,
               candidates: Iterable[tuple[str, str]] | None = None, model: str = "exponential",
               rate: float | None = None, alpha: float = 2.0, scale: float = 1.0,
               beta: float = 0.5, epsilon: float = 1e-9) -> list[InferredTie]
        cascades: innovation -> {organisation: adoption time (years, days, any one unit)}. Returns at most k ties in
        the order they were chosen; fewer when no further tie raises the likelihood.
    InferredTie(source, target, score, support, p_value)
    transmission_log_density(delays, *, model, rate, alpha, scale) -> numpy array
    default_rate(cascades) -> float
    suggest_sources(cascades, ties: Iterable[InferredTie], *, model="exponential", rate=None, alpha=2.0,
                    scale=1.0) -> dict[str, dict[str, SuggestedSource]]
        per innovation, per adopter: the likeliest earlier adopter joined to it by an inferred tie (the cascade's
        most likely tree under the inferred network); adopters no inferred tie explains are left out.
    SuggestedSource(source, delay, tie_score, tie_support)
    cascades_from_events(events: Iterable[HasAdoption]) -> dict[str, dict[str, float]]
        adoption events (anything with .organisation, .innovation, .year, e.g. AdoptionEvent) to cascades: the
        first year an organisation adopted the innovation.

The method (Gomez-Rodriguez, Leskovec & Krause, "Inferring networks of diffusion and influence", KDD 2010), as the
R package NetworkInference (Linder & Desmarais; used by the SPID authors, Desmarais, Harden & Boehmke 2015) runs it:

* A cascade is one innovation's adopters and times. Each adopter but the first was "infected" by one earlier
  adopter (a tree per cascade). A tie u -> v of the network transmits with density beta * f(t_v - t_u); any other
  earlier adopter can only be blamed at epsilon * f(t_v - t_u) (epsilon tiny: influence from outside the network).
  Simultaneous adoptions (equal times) cannot transmit.
* f is the transmission model: "exponential" f(d) = rate * exp(-rate * d), or "power_law" (Lomax)
  f(d) = (alpha - 1) / scale * (1 + d / scale) ** -alpha, alpha > 1.
* The score of a network is the sum over cascades of the log-likelihood of each cascade's most likely tree. Greedy:
  start with no ties (every adopter's parent is its epsilon-best earlier adopter), then k times add the tie with the
  largest improvement of the score; an adopter's parent switches to the new tie in a cascade when that raises the
  cascade's likelihood. The objective is submodular, so greedy is within (1 - 1/e) of the best k-tie network.
* A tie's `score` is its improvement when chosen (log-likelihood units), its `support` the number of cascades whose
  tree it entered (where it became the likeliest explanation of the adopter's adoption), its `p_value` the
  one-sided Vuong test of the network with the tie against without it (as NetworkInference reports: per-cascade
  log-likelihood differences, each cascade penalised 1/n_cascades); small means the tie is worth keeping.

`rate=None` takes 1 / the mean delay from each cascade's first adopter to its later adopters (the maximum-likelihood
rate of an exponential for those delays): our choice of default; pass a rate to fix it. Inferred ties are
suggestions to confirm, never recorded lineage.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import numpy.typing as npt
from scipy.stats import norm

MODELS = ("exponential", "power_law")


class InferenceError(ValueError):
    """Parameters or cascades the inference cannot use."""


@dataclass(frozen=True)
class InferredTie:
    source: str  # the organisation learned from (earlier)
    target: str  # the adopter
    score: float  # improvement of the log-likelihood when the tie was added (>= 0)
    support: int  # cascades whose most likely tree used the tie when it was added
    p_value: float  # Vuong test, network with the tie against without; small: keep it


def transmission_log_density(
    delays: npt.NDArray[np.float64], *, model: str, rate: float, alpha: float, scale: float
) -> npt.NDArray[np.float64]:
    """log f(delay) of the transmission model, for positive delays."""
    result: npt.NDArray[np.float64]
    if model == "exponential":
        result = math.log(rate) - rate * delays
        return result
    if model == "power_law":
        result = math.log((alpha - 1.0) / scale) - alpha * np.log1p(delays / scale)
        return result
    raise InferenceError(f"unknown transmission model {model!r}; use one of {MODELS}")


def default_rate(cascades: Mapping[str, Mapping[str, float]]) -> float:
    total, count = 0.0, 0
    for times in cascades.values():
        if len(times) < 2:
            continue
        first = min(times.values())
        for t in times.values():
            if t > first:
                total += t - first
                count += 1
    if count == 0:
        return 1.0
    return count / total


def infer_ties(
    cascades: Mapping[str, Mapping[str, float]],
    *,
    k: int,
    candidates: Iterable[tuple[str, str]] | None = None,
    model: str = "exponential",
    rate: float | None = None,
    alpha: float = 2.0,
    scale: float = 1.0,
    beta: float = 0.5,
    epsilon: float = 1e-9,
) -> list[InferredTie]:
    if k < 0:
        raise InferenceError("k must not be negative")
    if model not in MODELS:
        raise InferenceError(f"unknown transmission model {model!r}; use one of {MODELS}")
    if not (0 < epsilon < beta <= 1):
        raise InferenceError("need 0 < epsilon < beta <= 1")
    if model == "power_law" and not (alpha > 1 and scale > 0):
        raise InferenceError("the power law needs alpha > 1 and scale > 0")
    if rate is None:
        rate = default_rate(cascades)
    if not (rate > 0 and math.isfinite(rate)):
        raise InferenceError("rate must be a positive number")
    allowed = None if candidates is None else {(s, t) for s, t in candidates if s != t}

    # Every (earlier u, later v, cascade) triple is one "entry"; a "slot" is one adopter in one cascade that has an
    # earlier adopter (only those have a parent to explain). Arrays, so that a greedy step is a few numpy calls.
    names: dict[str, int] = {}
    entry_u: list[int] = []
    entry_v: list[int] = []
    entry_slot: list[int] = []
    entry_delay: list[float] = []
    slot_cascade: list[int] = []
    for c, times in enumerate(cascades.values()):
        ordered = sorted(times.items(), key=lambda item: (item[1], item[0]))
        for j, (v, tv) in enumerate(ordered):
            slot = -1
            for u, tu in ordered[:j]:
                if tu >= tv:
                    break  # sorted: the rest are simultaneous
                if slot < 0:
                    slot = len(slot_cascade)
                    slot_cascade.append(c)
                entry_u.append(names.setdefault(u, len(names)))
                entry_v.append(names.setdefault(v, len(names)))
                entry_slot.append(slot)
                entry_delay.append(tv - tu)
    if not entry_u or k == 0:
        return []
    keys = list(names)
    us = np.asarray(entry_u, dtype=np.int64)
    vs = np.asarray(entry_v, dtype=np.int64)
    slots = np.asarray(entry_slot, dtype=np.int64)
    logf = transmission_log_density(
        np.asarray(entry_delay, dtype=np.float64), model=model, rate=rate, alpha=alpha, scale=scale
    )
    n_slots = len(slot_cascade)
    cascade_of_slot = np.asarray(slot_cascade, dtype=np.int64)
    n_cascades = len(cascades)

    # Without ties every adopter's parent is its epsilon-best earlier adopter.
    current = np.full(n_slots, -np.inf)
    np.maximum.at(current, slots, math.log(epsilon) + logf)
    with_tie = math.log(beta) + logf  # an entry's log-likelihood were its tie in the network

    # Candidate ties: the (u, v) pairs seen in some cascade, restricted when asked.
    pair_code = us * len(keys) + vs
    codes, edge_of_entry = np.unique(pair_code, return_inverse=True)
    edge_source = codes // len(keys)
    edge_target = codes % len(keys)
    usable = np.ones(len(codes), dtype=bool)
    if allowed is not None:
        usable = np.array(
            [(keys[int(s)], keys[int(t)]) in allowed for s, t in zip(edge_source, edge_target, strict=True)],
            dtype=bool,
        )
    # Entries grouped by edge and by target, for the updates after each choice.
    by_edge = np.argsort(edge_of_entry, kind="stable")
    edge_start = np.searchsorted(edge_of_entry[by_edge], np.arange(len(codes) + 1))
    by_target = np.argsort(vs, kind="stable")
    target_start = np.searchsorted(vs[by_target], np.arange(len(keys) + 1))

    gains = np.bincount(edge_of_entry, weights=np.maximum(0.0, with_tie - current[slots]), minlength=len(codes))
    gains[~usable] = -np.inf
    tree_loglik = np.bincount(cascade_of_slot, weights=current, minlength=n_cascades).astype(np.float64)

    result: list[InferredTie] = []
    for _ in range(k):
        best = int(np.argmax(gains))
        if not gains[best] > 0:
            break
        entries = by_edge[edge_start[best] : edge_start[best + 1]]
        improved = entries[with_tie[entries] > current[slots[entries]]]
        improved_slots = slots[improved]
        delta = with_tie[improved] - current[improved_slots]
        before = tree_loglik.copy()
        current[improved_slots] = with_tie[improved]
        np.add.at(tree_loglik, cascade_of_slot[improved_slots], delta)
        result.append(
            InferredTie(
                source=keys[int(edge_source[best])],
                target=keys[int(edge_target[best])],
                score=float(gains[best]),
                support=len(improved),
                p_value=_vuong(before, tree_loglik),
            )
        )
        gains[best] = -np.inf
        usable[best] = False
        # Only ties into this target can have changed: their adopter's current parent did.
        target = int(edge_target[best])
        touched = by_target[target_start[target] : target_start[target + 1]]
        touched_edges = edge_of_entry[touched]
        fresh = np.bincount(
            touched_edges,
            weights=np.maximum(0.0, with_tie[touched] - current[slots[touched]]),
            minlength=len(codes),
        )
        changed = np.unique(touched_edges)
        changed = changed[usable[changed]]
        gains[changed] = fresh[changed]
    return result


def _vuong(before: npt.NDArray[np.float64], after: npt.NDArray[np.float64]) -> float:
    n = len(before)
    differences = (after - 1.0 / n) - before
    spread = float(np.std(differences, ddof=1)) if n > 1 else 0.0
    if spread == 0.0:
        return 0.0 if float(differences.sum()) > 0 else 1.0
    return float(norm.sf(float(differences.sum()) / (spread * math.sqrt(n))))


@dataclass(frozen=True)
class SuggestedSource:
    source: str  # the organisation the adopter likely learned from
    delay: float  # adoption time of the adopter minus the source's
    tie_score: float  # the inferred tie's score and support, for the suggestion's reason
    tie_support: int


def suggest_sources(
    cascades: Mapping[str, Mapping[str, float]],
    ties: Iterable[InferredTie],
    *,
    model: str = "exponential",
    rate: float | None = None,
    alpha: float = 2.0,
    scale: float = 1.0,
) -> dict[str, dict[str, SuggestedSource]]:
    """Each adopter's likeliest source in each cascade among the inferred ties (suggestions, never lineage).

    Among the earlier adopters u with an inferred tie u -> v, the one with the largest transmission density
    f(t_v - t_u) (beta is the same for every tie, so it does not change the choice); ties of equal density go to
    the higher-scored tie.
    """
    if rate is None:
        rate = default_rate(cascades)
    into: dict[str, list[InferredTie]] = {}
    for tie in ties:
        into.setdefault(tie.target, []).append(tie)
    result: dict[str, dict[str, SuggestedSource]] = {}
    for innovation, times in cascades.items():
        chosen: dict[str, SuggestedSource] = {}
        for adopter, t in times.items():
            options = [tie for tie in into.get(adopter, ()) if tie.source in times and times[tie.source] < t]
            if not options:
                continue
            delays = np.asarray([t - times[tie.source] for tie in options], dtype=np.float64)
            logf = transmission_log_density(delays, model=model, rate=rate, alpha=alpha, scale=scale)
            best = max(range(len(options)), key=lambda i: (float(logf[i]), options[i].score))
            tie = options[best]
            chosen[adopter] = SuggestedSource(tie.source, float(delays[best]), tie.score, tie.support)
        if chosen:
            result[innovation] = chosen
    return result


class HasAdoption(Protocol):
    @property
    def organisation(self) -> str: ...
    @property
    def innovation(self) -> str: ...
    @property
    def year(self) -> int: ...


def cascades_from_events(events: Iterable[HasAdoption]) -> dict[str, dict[str, float]]:
    """innovation -> {organisation: first year it adopted}: a repeated adoption keeps the earliest."""
    cascades: dict[str, dict[str, float]] = {}
    for event in events:
        times = cascades.setdefault(event.innovation, {})
        year = float(event.year)
        if event.organisation not in times or year < times[event.organisation]:
            times[event.organisation] = year
    return cascades
