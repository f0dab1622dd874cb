"""Time to an event with censoring: the Kaplan–Meier estimate and its quartiles (plain Python, no Django).

Used for the time from an innovation's introduction to its first adoption by another organisation: an innovation
nobody has adopted yet is *censored* at its present age — we know only that its first adoption, if any, comes later.
Dropping such innovations would make the spread look fast; counting them as never adopted would make it look slow.
Kaplan and Meier's product-limit estimate uses each for as long as it was observed:

    S(t) = ∏_{t_i ≤ t} (1 − d_i / n_i)

with d_i the first adoptions at time t_i and n_i the innovations still unadopted and observed just before t_i.
An event and a censoring at the same time: the event comes first (the censored one was still at risk), as in
lifelines, statsmodels and SAS.

The q-quantile is the first time at which S(t) ≤ 1 − q (Klein & Moeschberger 2003, §4.5; lifelines' convention):
the median is the time by which half of the innovations had been adopted. When the curve never falls that far,
the quantile is unknown (None), not the last time observed.
"""

from collections.abc import Sequence
from dataclasses import dataclass

# A floating-point margin for "S(t) ≤ 1 − q": products of fractions that are exactly 0.5 on paper.
EPSILON = 1e-12


@dataclass(frozen=True)
class KaplanMeier:
    times: tuple[float, ...]  # the distinct event times, ascending
    survival: tuple[float, ...]  # S(t) just after each of them
    at_risk: tuple[int, ...]  # n_i
    events: tuple[int, ...]  # d_i
    total: int  # everyone observed
    observed: int  # events seen (the others are censored)

    def at(self, t: float) -> float:
        """S(t): the estimated share still without the event at time t."""
        value = 1.0
        for time, surv in zip(self.times, self.survival, strict=True):
            if time > t:
                break
            value = surv
        return value

    def quantile(self, q: float) -> float | None:
        """The first time by which a share q had the event (S(t) ≤ 1 − q); None when the curve never gets there."""
        for time, surv in zip(self.times, self.survival, strict=True):
            if surv <= 1.0 - q + EPSILON:
                return time
        return None

    @property
    def remaining(self) -> float:
        """S at the last event time: the estimated share that had not had the event by then (1.0 with none)."""
        return self.survival[-1] if self.survival else 1.0


def kaplan_meier(durations: Sequence[float], observed: Sequence[bool]) -> KaplanMeier:
    """The product-limit estimate from each one's time and whether the event was seen (False: censored then)."""
    if len(durations) != len(observed):
        raise ValueError("durations and observed differ in length")
    if any(d < 0 for d in durations):
        raise ValueError("a duration is negative")
    pairs = sorted(zip(durations, observed, strict=True), key=lambda p: p[0])
    at_risk = len(pairs)
    times: list[float] = []
    survival: list[float] = []
    risks: list[int] = []
    events: list[int] = []
    current = 1.0
    index = 0
    while index < len(pairs):
        time = pairs[index][0]
        deaths = censored = 0
        while index < len(pairs) and pairs[index][0] == time:
            if pairs[index][1]:
                deaths += 1
            else:
                censored += 1
            index += 1
        if deaths:
            current *= 1.0 - deaths / at_risk
            times.append(float(time))
            survival.append(current)
            risks.append(at_risk)
            events.append(deaths)
        at_risk -= deaths + censored
    return KaplanMeier(
        tuple(times), tuple(survival), tuple(risks), tuple(events), len(pairs), sum(1 for o in observed if o)
    )


@dataclass(frozen=True)
class TimeSummary:
    """What a page says of a group: how many, how many had the event, the quartiles of the time to it (None when
    the estimate does not reach them) and the share that had not had it (observed, and Kaplan–Meier's)."""

    total: int
    observed: int
    q1: float | None
    median: float | None
    q3: float | None
    unobserved_share: float | None  # share still without the event (censored), of all
    remaining: float | None  # Kaplan–Meier's S at the last event time


def summarise(durations: Sequence[float], observed: Sequence[bool]) -> TimeSummary:
    if not durations:
        return TimeSummary(0, 0, None, None, None, None, None)
    fit = kaplan_meier(durations, observed)
    return TimeSummary(
        total=fit.total,
        observed=fit.observed,
        q1=fit.quantile(0.25),
        median=fit.quantile(0.5),
        q3=fit.quantile(0.75),
        unobserved_share=(fit.total - fit.observed) / fit.total,
        remaining=fit.remaining,
    )
