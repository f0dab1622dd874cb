"""Design-based estimates for every column of an answer matrix and every domain at once: proportions (the "% of
respondents" of the reports) and means, with standard errors, confidence intervals and the counts beside them.

Answers are an n × k float matrix, one row per respondent. For a proportion each column is an indicator: 1 if
the respondent chose the answer, 0 if not, NaN if the respondent is not in that column's denominator (was not
asked, or gave an answer the question leaves out, such as "don't know"). `coding.py` builds such columns.

Domains — the groups of a breakdown, or a filter — are an n × D boolean matrix: column d says who belongs to
domain d. Domains may overlap (an "everyone" column beside a breakdown by kind and one by region), so a whole
report is one call. Each domain is estimated as a domain of the full design, never by cutting the design down to
its members: respondents outside the domain (or outside a column's denominator) stay in their strata with a zero
contribution, so the strata keep their real sizes n_h and the variance stays right (Lohr, *Sampling: Design and
Analysis*, 2nd ed., §4.5 "Estimation in domains").

The estimator is a ratio of two weighted totals, p̂ = Σ w·y / Σ w over the domain's denominator, and its variance
comes from Taylor linearisation (Lohr ch. 9; Wolter, *Introduction to Variance Estimation*, ch. 6): with the
linearised values z_i = w_i (y_i − p̂) / Σw (zero outside),

    V(p̂) = Σ_h fpc_h · n_h/(n_h − 1) · Σ_{i∈h} (z_i − z̄_h)²,

the formula samplics' TaylorEstimator uses, so the two agree to rounding (see the tests). A stratum with a single
respondent has no estimable variance and adds nothing (samplics' and R survey's "skip"/"remove").

Speed: the sums behind every figure are one matrix product per block of respondents, [1, w, w²]·domains against
[values, who is in the denominator], so a round's 500 columns × 40 domains take a few tenths of a second. Columns
with the same denominator (the categories of one question) share their denominator sums.
"""

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt

from barometer.statistics._distributions import normal_quantile, t_quantile
from barometer.statistics._types import BoolArray, FloatArray, IntArray
from barometer.statistics.weighting import Design

# Respondents are summed in blocks of about this many matrix cells, which bounds the temporary memory (~16 MB).
_BLOCK_CELLS = 2_000_000


@dataclass(frozen=True, eq=False)
class Estimates:
    """One figure per domain (row) and column (column): every array has shape (domains, columns).

    - `estimate`: the proportion (0–1) or mean; NaN where the denominator is empty.
    - `se`: its standard error (Taylor linearisation over the design's strata, with their fpc).
    - `ci_low`, `ci_high`: the `confidence` interval (`proportions` and `means` say which kind).
    - `n`: respondents in the denominator; `count`: of them, how many chose the answer (for means, the sum).
    - `weighted_total`: Σw over the denominator, the number of organisations of the frame it stands for.
    - `n_eff`: Kish's effective sample size (Σw)²/Σw² (Kish, *Survey Sampling*, 1965): what the weighted figure
      is worth in unweighted respondents.
    """

    estimate: FloatArray
    se: FloatArray
    ci_low: FloatArray
    ci_high: FloatArray
    n: IntArray
    count: FloatArray
    weighted_total: FloatArray
    n_eff: FloatArray
    confidence: float

    @property
    def shape(self) -> tuple[int, int]:
        rows, columns = self.estimate.shape
        return rows, columns

    def rows(self, domains: slice | Sequence[int]) -> "Estimates":
        """The estimates of some domains only, e.g. one breakdown out of a stacked call."""
        pick = domains if isinstance(domains, slice) else np.asarray(domains, dtype=np.intp)
        arrays = {name: getattr(self, name)[pick] for name in _ARRAY_FIELDS}
        return replace(self, **arrays)


_ARRAY_FIELDS = ("estimate", "se", "ci_low", "ci_high", "n", "count", "weighted_total", "n_eff")


def proportions(
    indicators: npt.ArrayLike,
    design: Design,
    domains: npt.ArrayLike | None = None,
    *,
    confidence: float = 0.95,
) -> Estimates:
    """Proportions of each indicator column (1/0, NaN = not in the denominator) in each domain.

    A multiple choice question gives one column per choice (they may add up to more than 100 %); a single choice
    or a scale gives one column per category (a stacked distribution that adds up to 100 %).

    Intervals: for a weighted design the logit interval of samplics (and of Stata's `svy: proportion`):
    logit(p̂) ± t·se/(p̂(1 − p̂)) transformed back, with t on the design's degrees of freedom (respondents −
    strata); it stays within 0–1 and is [p̂, p̂] at p̂ = 0 or 1. Unweighted, the Wilson score interval (Wilson 1927;
    Agresti & Coull 1998), which behaves well for the small counts of a breakdown.
    """
    values = _answer_matrix(indicators, design.n)
    given = values[np.isfinite(values)]
    if np.any((given != 0) & (given != 1)):
        raise ValueError("indicators must be 1, 0 or NaN")
    sums = _linearised(values, design, _domain_matrix(domains, design.n), centre=False)
    # When nobody or everybody in a denominator chose the answer, p̂ is exactly 0 or 1 and has no variance; the
    # counts are exact, the weighted sums may be an ulp off, which would blow the logit interval up to [0, 1].
    unanimous = (sums.n > 0) & ((sums.count == 0) | (sums.count == sums.n))
    sums = replace(
        sums,
        estimate=np.where(unanimous, sums.count > 0, sums.estimate),
        se=np.where(unanimous, 0.0, sums.se),
    )
    if design.is_weighted:
        low, high = _logit_interval(sums.estimate, sums.se, t_quantile(_upper(confidence), design.degrees_of_freedom))
    else:
        low, high = _wilson_interval(sums.estimate, sums.n, normal_quantile(_upper(confidence)))
    return sums.with_interval(low, high, confidence)


def means(
    values: npt.ArrayLike,
    design: Design,
    domains: npt.ArrayLike | None = None,
    *,
    confidence: float = 0.95,
) -> Estimates:
    """Means of each column (NaN = not in the denominator) in each domain, e.g. the average position on a scale.

    Interval: mean ± t·se with t on the design's degrees of freedom, as samplics.
    """
    matrix = _answer_matrix(values, design.n)
    sums = _linearised(matrix, design, _domain_matrix(domains, design.n), centre=True)
    half = t_quantile(_upper(confidence), design.degrees_of_freedom) * sums.se
    return sums.with_interval(sums.estimate - half, sums.estimate + half, confidence)


@dataclass(frozen=True)
class _Sums:
    estimate: FloatArray
    se: FloatArray
    n: IntArray
    count: FloatArray
    weighted_total: FloatArray
    n_eff: FloatArray

    def with_interval(self, low: FloatArray, high: FloatArray, confidence: float) -> Estimates:
        return Estimates(
            self.estimate, self.se, low, high, self.n, self.count, self.weighted_total, self.n_eff, confidence
        )


def _linearised(values: FloatArray, design: Design, domains: BoolArray, *, centre: bool) -> _Sums:
    """Estimates and Taylor standard errors of all columns in all domains (see the module docstring)."""
    k = values.shape[1]
    d = domains.shape[1]
    answered = np.isfinite(values)
    pattern_columns, pattern_of = _distinct_columns(answered)
    u = pattern_columns.size
    # Means are computed about each column's plain mean: the variance does not change, and the sums of squares
    # below then lose no digits to a large mean (proportions are 0/1 and need no such care).
    shift = _column_means(values, answered) if centre else np.zeros(k)
    widths = (k, u, k) if centre else (k, u)

    # The variance, V = Σ_h c_h [Σ_{i∈h} z_i² − (Σ_{i∈h} z_i)²/n_h] with c_h = fpc_h·n_h/(n_h − 1), is a
    # quadratic in p̂; these sums are its coefficients (b_h = c_h/n_h). Per domain × column: Σy, Σw·y, Σ c_h·w²·y,
    # Σ c_h·w²·y², Σ b_h·(Σ_h w·y)², Σ b_h·(Σ_h w·y)(Σ_h w). Per domain × denominator pattern: n, Σw, Σw², Σ c_h·w²,
    # Σ b_h·(Σ_h w)².
    count, wy, cw2y, cw2y2, b_wy2, b_wy_w = (np.zeros((d, k)) for _ in range(6))
    n_in, w_in, w2_in, cw2, b_w2 = (np.zeros((d, u)) for _ in range(5))

    block = max(64, _BLOCK_CELLS // max(1, sum(widths)))
    order = np.argsort(design.strata, kind="stable")
    ends = np.cumsum(np.bincount(design.strata, minlength=design.fpc.size))
    for h, rows in enumerate(np.split(order, ends[:-1])):
        n_h = rows.size
        if n_h == 0:
            continue
        c_h = design.fpc[h] * n_h / (n_h - 1) if n_h > 1 else 0.0
        sums = np.zeros((3 * d, sum(widths)))
        for start in range(0, n_h, block):
            chunk = rows[start : start + block]
            given = answered[chunk]
            y = np.where(given, values[chunk] - shift, 0.0)
            right = [y, given[:, pattern_columns].astype(np.float64)] + ([y * y] if centre else [])
            member = domains[chunk].astype(np.float64)
            w = design.weights[chunk, None]
            left = np.hstack([member, member * w, member * (w * w)]).T
            sums += left @ np.hstack(right)
        ones, by_w, by_w2 = np.split(sums, 3)
        s_y, s_in = ones[:, :k], ones[:, k : k + u]
        s_wy, s_w = by_w[:, :k], by_w[:, k : k + u]
        s_w2y, s_w2 = by_w2[:, :k], by_w2[:, k : k + u]
        s_w2y2 = by_w2[:, k + u :] if centre else s_w2y  # y² = y for 0/1
        count += s_y
        n_in += s_in
        wy += s_wy
        w_in += s_w
        w2_in += s_w2
        cw2y += c_h * s_w2y
        cw2y2 += c_h * s_w2y2
        cw2 += c_h * s_w2
        if c_h:
            b_h = c_h / n_h
            b_wy2 += b_h * s_wy * s_wy
            b_wy_w += b_h * s_wy * s_w[:, pattern_of]
            b_w2 += b_h * s_w * s_w

    total_w = w_in[:, pattern_of]
    with np.errstate(divide="ignore", invalid="ignore"):
        p = wy / total_w
        # W²·V = Σ_h c_h Σ_{i∈h} w²(y − p)² − Σ_h b_h (Σ_{i∈h} w(y − p))². Expanding the squares costs a few
        # digits when p is close to 0 or 1; samplics, which sums the residuals, agrees to ~1e-11.
        squares = cw2y2 - 2 * p * cw2y + p * p * cw2[:, pattern_of]
        stratum_totals = b_wy2 - 2 * p * b_wy_w + p * p * b_w2[:, pattern_of]
        variance = np.maximum(squares - stratum_totals, 0.0) / (total_w * total_w)
        n_eff = total_w * total_w / w2_in[:, pattern_of]
    denominators = n_in[:, pattern_of]
    return _Sums(
        estimate=p + shift,
        se=np.where(total_w > 0, np.sqrt(variance), np.nan),
        n=np.rint(denominators).astype(np.intp),
        count=count + shift * denominators,
        weighted_total=total_w,
        n_eff=n_eff,
    )


def _distinct_columns(answered: BoolArray) -> tuple[IntArray, IntArray]:
    """The columns with distinct denominators (first of each) and, for every column, which of them it shares."""
    packed = np.ascontiguousarray(np.packbits(answered, axis=0).T)
    first: dict[bytes, int] = {}
    pattern_of = np.array([first.setdefault(column.tobytes(), j) for j, column in enumerate(packed)], dtype=np.intp)
    columns, pattern_of = np.unique(pattern_of, return_inverse=True)
    return columns.astype(np.intp), pattern_of.astype(np.intp).reshape(-1)


def _column_means(values: FloatArray, answered: BoolArray) -> FloatArray:
    given = answered.sum(axis=0)
    totals = np.where(answered, values, 0.0).sum(axis=0)
    averages: FloatArray = np.divide(totals, given, out=np.zeros(values.shape[1]), where=given > 0)
    return averages


def _logit_interval(p: FloatArray, se: FloatArray, t: float) -> tuple[FloatArray, FloatArray]:
    """logit(p) ± t·se/(p(1−p)), back-transformed; [p, p] at 0 and 1 (as samplics' TaylorEstimator)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        centre = np.log(p / (1 - p))
        half = t * se / (p * (1 - p))
        low = 1 / (1 + np.exp(half - centre))
        high = 1 / (1 + np.exp(-centre - half))
    edge = (p == 0) | (p == 1)
    return np.where(edge, p, low), np.where(edge, p, high)


def _wilson_interval(p: FloatArray, n: IntArray, z: float) -> tuple[FloatArray, FloatArray]:
    """The Wilson score interval: the p whose score test |p̂ − p| / √(p(1−p)/n) ≤ z does not reject."""
    with np.errstate(divide="ignore", invalid="ignore"):
        z2n = z * z / n
        centre = (p + z2n / 2) / (1 + z2n)
        half = z * np.sqrt(p * (1 - p) / n + z2n / (4 * n)) / (1 + z2n)
    return np.clip(centre - half, 0, 1), np.clip(centre + half, 0, 1)


def _answer_matrix(values: npt.ArrayLike, n: int) -> FloatArray:
    matrix = np.asarray(values, dtype=np.float64)
    if matrix.ndim == 1:
        matrix = matrix[:, None]
    if matrix.ndim != 2 or matrix.shape[0] != n:
        raise ValueError(f"answers must be a matrix with one row per respondent ({n})")
    return matrix


def _domain_matrix(domains: npt.ArrayLike | None, n: int) -> BoolArray:
    if domains is None:
        return np.ones((n, 1), dtype=np.bool_)
    matrix = np.asarray(domains)
    if matrix.dtype != np.bool_:
        raise ValueError("domains must be boolean: who belongs to each domain (see coding.groups)")
    if matrix.ndim == 1:
        matrix = matrix[:, None]
    if matrix.ndim != 2 or matrix.shape[0] != n:
        raise ValueError(f"domains must have one row per respondent ({n})")
    return matrix


def _upper(confidence: float) -> float:
    if not 0 < confidence < 1:
        raise ValueError("confidence must lie between 0 and 1")
    return 1 - (1 - confidence) / 2
