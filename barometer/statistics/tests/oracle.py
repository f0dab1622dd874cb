"""samplics as the independent oracle for the tests and the benchmark (it is never imported by the module), and
the synthetic surveys both use."""

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from barometer.statistics._types import BoolArray, FloatArray, IntArray

with warnings.catch_warnings():
    warnings.simplefilter("ignore", FutureWarning)  # "samplics is archived": it is still a sound oracle
    from samplics.estimation import TaylorEstimator
    from samplics.utils.types import PopParam
    from samplics.weighting import SampleWeight


@dataclass(frozen=True)
class OracleFigure:
    estimate: float
    se: float
    ci_low: float
    ci_high: float


def samplics_estimate(
    kind: str,
    y: FloatArray,
    weights: FloatArray,
    strata: IntArray,
    fpc: FloatArray,
    members: BoolArray,
) -> OracleFigure:
    """samplics' TaylorEstimator for one column and one domain: the domain's members with an answer (y not NaN)
    form samplics domain 1, everyone else domain 0 — the full design stays in place."""
    domain = (members & np.isfinite(y)).astype(np.int64)
    estimator = TaylorEstimator(PopParam.prop if kind == "proportion" else PopParam.mean)
    # Values outside the domain do not count; a mean's are set to 1 only because samplics divides by the other
    # domain's estimate (for its coefficient of variation).
    estimator.estimate(
        y=np.where(np.isfinite(y), y, 0.0 if kind == "proportion" else 1.0),
        samp_weight=weights,
        stratum=strata,
        domain=domain,
        fpc={int(h): float(fpc[h]) for h in np.unique(strata)},
    )
    figures: list[Any] = [estimator.point_est, estimator.stderror, estimator.lower_ci, estimator.upper_ci]
    if kind == "proportion":
        # A proportion is estimated per level of y; the figure is level 1's.
        return OracleFigure(*(float(f[1][1.0]) for f in figures))
    return OracleFigure(*(float(f[1]) for f in figures))


def samplics_poststratify(base: FloatArray, cells: IntArray, totals: dict[int, float]) -> FloatArray:
    control: Any = totals  # samplics' annotations are narrower than what it accepts
    return np.asarray(SampleWeight().poststratify(samp_weight=base, control=control, domain=cells), dtype=np.float64)


def samplics_rake(base: FloatArray, margins: Sequence[IntArray], totals: Sequence[FloatArray]) -> FloatArray:
    names = [f"m{index}" for index in range(len(margins))]
    by_name: Any = dict(zip(names, margins, strict=True))  # samplics' annotations are narrower than it accepts
    control: Any = {name: dict(enumerate(t.tolist())) for name, t in zip(names, totals, strict=True)}
    weights = SampleWeight().rake(
        samp_weight=base,
        margins=by_name,
        control=control,
        tol=1e-14,
        ctrl_tol=1e-14,
        max_iter=5000,
    )
    return np.asarray(weights, dtype=np.float64)


@dataclass(frozen=True)
class Survey:
    """A synthetic round: respondents with stratum, background variables, weights and answers."""

    strata: IntArray
    population: FloatArray  # frame size of each stratum
    weights: FloatArray
    background: IntArray  # respondents × variables, codes
    answers: FloatArray  # respondents × columns: 0/1 indicators with NaN outside the denominators


def make_survey(seed: int, n: int, *, strata: int = 4, columns: int = 6, groups: Sequence[int] = (3, 5)) -> Survey:
    rng = np.random.default_rng(seed)
    stratum = rng.integers(0, strata, n)
    stratum[:strata] = np.arange(strata)  # every stratum answered, at least twice
    stratum[strata : 2 * strata] = np.arange(strata)
    in_stratum = np.bincount(stratum, minlength=strata)
    population = np.floor(in_stratum * rng.uniform(1.05, 3.0, strata)).astype(np.float64)
    weights = rng.lognormal(0.0, 0.4, n) * (population / in_stratum)[stratum]
    background = np.column_stack([rng.integers(0, g, n) for g in groups])
    share = rng.uniform(0.05, 0.9, columns)
    answers = (rng.random((n, columns)) < share).astype(np.float64)
    # Some are not asked (routing), some answered "don't know": out of the denominator.
    answers[rng.random((n, columns)) < rng.uniform(0.0, 0.3, columns)] = np.nan
    return Survey(stratum, population, weights, background, answers)
