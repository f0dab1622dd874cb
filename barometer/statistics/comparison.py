"""Comparing two rounds (or any two independent sets of estimates) figure by figure."""

from dataclasses import dataclass

import numpy as np

from barometer.statistics._distributions import two_sided_p_value
from barometer.statistics._types import BoolArray, FloatArray
from barometer.statistics.estimation import Estimates


@dataclass(frozen=True, eq=False)
class Comparison:
    """Change from `a` to `b` for every figure (arrays shaped like the estimates).

    `difference` is b − a in the estimates' own unit: for proportions, × 100 gives percentage points. `se` assumes
    the two samples independent (two rounds of the survey): √(se_a² + se_b²). `p_value` is the two-sided z test's,
    and `significant` says p < `level`.
    """

    difference: FloatArray
    se: FloatArray
    z: FloatArray
    p_value: FloatArray
    significant: BoolArray
    level: float

    @property
    def percentage_points(self) -> FloatArray:
        return 100 * self.difference


def compare(a: Estimates, b: Estimates, *, level: float = 0.05) -> Comparison:
    """The difference b − a, its standard error, z test and significance at `level` (default 5 %)."""
    if a.shape != b.shape:
        raise ValueError(f"cannot compare estimates of shapes {a.shape} and {b.shape}")
    difference = b.estimate - a.estimate
    se = np.hypot(a.se, b.se)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(se > 0, difference / se, np.where(difference == 0, 0.0, np.nan))
    p_value = two_sided_p_value(z)
    return Comparison(difference, se, z, p_value, np.asarray(p_value < level), level)
