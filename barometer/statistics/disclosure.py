"""Disclosure control for published figures: a figure resting on too few respondents is not shown.

With a handful of respondents in a breakdown's group (say the three wellbeing services counties of one region),
a percentage tells what individual organisations answered. Public outputs pass their estimates through
`suppress` and show the reason instead of the figure.
"""

from dataclasses import dataclass, replace
from enum import StrEnum

import numpy as np
import numpy.typing as npt

from barometer.statistics._types import BoolArray
from barometer.statistics.estimation import Estimates

#: Figures based on fewer respondents than this are suppressed by default.
MIN_RESPONDENTS = 5


class Reason(StrEnum):
    """Why a figure is suppressed (the user interface words it in the reader's language)."""

    PUBLISHED = ""
    NO_RESPONDENTS = "no_respondents"
    TOO_FEW_RESPONDENTS = "too_few_respondents"


@dataclass(frozen=True, eq=False)
class Suppressed:
    """Estimates fit for publication: `estimates` with the suppressed figures (estimate, interval, se, count) set
    to NaN, and `reason` — a `Reason` value per figure, "" for those published."""

    estimates: Estimates
    reason: npt.NDArray[np.str_]
    min_respondents: int

    @property
    def suppressed(self) -> BoolArray:
        return np.asarray(self.reason != Reason.PUBLISHED.value)


def suppress(estimates: Estimates, *, min_respondents: int = MIN_RESPONDENTS) -> Suppressed:
    """Hide every figure whose denominator has fewer than `min_respondents` respondents."""
    reason = np.where(
        estimates.n == 0,
        Reason.NO_RESPONDENTS.value,
        np.where(estimates.n < min_respondents, Reason.TOO_FEW_RESPONDENTS.value, Reason.PUBLISHED.value),
    )
    hidden = reason != Reason.PUBLISHED.value
    blanked = replace(
        estimates,
        estimate=np.where(hidden, np.nan, estimates.estimate),
        se=np.where(hidden, np.nan, estimates.se),
        ci_low=np.where(hidden, np.nan, estimates.ci_low),
        ci_high=np.where(hidden, np.nan, estimates.ci_high),
        count=np.where(hidden, np.nan, estimates.count),
    )
    return Suppressed(blanked, reason, min_respondents)


# --- tables: the groups of a breakdown protected together ------------------------------------------------------
#
# A breakdown is a table: one column per group, one row per answer, and the whole (the question's result among
# everyone) is published beside it. Hiding a column is not enough when the rest of the table gives it back: the
# whole minus the shown groups is the hidden groups' sum, and with one hidden group, or hidden groups whose
# respondents all gave the same answer, that sum is the hidden figures themselves. In a table whose margins are
# known, a hidden count is pinned down exactly only when a single hidden column holds all the hidden respondents
# or all of them gave that answer (the Fréchet bounds max(0, r + c − N) ≤ x ≤ min(r, c) are sharp for two-way
# tables). `protect_table` therefore hides further groups until neither is so, and `collapse_small_groups`
# combines the groups of too few respondents into one group before anything is published.


def collapse_small_groups(sizes: npt.ArrayLike, *, min_respondents: int = MIN_RESPONDENTS) -> list[list[int]]:
    """The groups of a breakdown as they may be published: lists of indices into `sizes` (respondents per group).

    Groups without respondents are left out. Groups of fewer than `min_respondents` are combined into one group;
    while that group has fewer than `min_respondents` respondents, or only one group with respondents, the
    smallest of the other groups joins it (the first of equals). The combined group comes last. When every group
    ends up combined, there is one group, everyone, and the breakdown says nothing a reader may be shown.
    """
    size = np.asarray(sizes, dtype=np.intp)
    present = [i for i in range(size.size) if size[i] > 0]
    small = [i for i in present if size[i] < min_respondents]
    if not small:
        return [[i] for i in present]
    combined = set(small)
    while sum(int(size[i]) for i in combined) < min_respondents or len(combined) < 2:
        rest = [i for i in present if i not in combined]
        if not rest:
            break
        combined.add(min(rest, key=lambda i: (int(size[i]), i)))
    return [[i] for i in present if i not in combined] + [sorted(combined)]


def protect_table(
    counts: npt.ArrayLike,
    answered: npt.ArrayLike,
    denominators: npt.ArrayLike,
    counted: npt.ArrayLike,
    *,
    hidden: npt.ArrayLike | None = None,
    min_respondents: int = MIN_RESPONDENTS,
) -> BoolArray:
    """The columns (groups) of a table to hide: those whose denominator has fewer than `min_respondents`, those in
    `hidden` already (e.g. where the question a routed question follows is hidden), and as many more as make the
    hidden ones safe together.

    `counts[j, g]` is how many in group g gave answer j; `answered[g]` how many answered at all (answers left out
    of percentages included), `denominators[g]` how many are in the percentages; `counted[j]` says whether answer
    j is in the percentages. Hidden groups are safe together when at least two of them have respondents (in the
    percentages, and answering at all), and no answer was given by all of their respondents (all those in the
    percentages, for an answer in them): then no hidden count follows from the whole and the shown groups. The
    smallest shown group is added until that holds; if it cannot hold, every group is hidden.
    """
    table = np.asarray(counts, dtype=np.int64)
    total = np.asarray(answered, dtype=np.int64)
    n = np.asarray(denominators, dtype=np.int64)
    in_percent = np.asarray(counted, dtype=np.bool_)
    hide = np.zeros(n.size, dtype=np.bool_) if hidden is None else np.array(hidden, dtype=np.bool_)
    hide |= n < min_respondents
    if not (hide & (total > 0)).any():
        return hide
    while not _safe_together(table, total, n, in_percent, hide):
        shown = np.flatnonzero(~hide & (total > 0))
        if shown.size == 0:
            return np.ones(n.size, dtype=np.bool_)
        hide[shown[np.argmin(n[shown])]] = True
    return hide


def _safe_together(
    table: npt.NDArray[np.int64],
    total: npt.NDArray[np.int64],
    n: npt.NDArray[np.int64],
    counted: BoolArray,
    hide: BoolArray,
) -> bool:
    answered_sum, counted_sum = int(total[hide].sum()), int(n[hide].sum())
    if answered_sum == 0:
        return True
    if np.count_nonzero(total[hide] > 0) < 2 or (counted_sum > 0 and np.count_nonzero(n[hide] > 0) < 2):
        return False
    sums = table[:, hide].sum(axis=1)
    given = sums > 0
    return not bool(np.any(given & (sums >= answered_sum)) or np.any(given & counted & (sums >= counted_sum)))
