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
