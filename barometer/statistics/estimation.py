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

Speed: the sums behind every figure are one matrix product per block of respondents, [1, w, w²] × domains against
[values, who is in the denominator]; columns with the same denominator (the categories of one question) share
their denominator sums, and a domain that holds a whole stratum takes the stratum's sums. 100,000 respondents ×
530 columns × 37 domains cost about 0.4 s of CPU (docs/benchmarks.md, "Barometer: weighted analysis of a round").
"""

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt

from barometer.statistics._distributions import normal_quantile, t_quantile
from barometer.statistics._types import AnswerMatrix, BoolArray, FloatArray, IntArray
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
    or a scale gives one column per category (a stacked distribution that adds up to 100 %). A float32 matrix is
    used as it is: half the memory for a large round, the same results.

    Intervals: for a weighted design the logit interval of samplics (and of Stata's `svy: proportion`):
    logit(p̂) ± t·se/(p̂(1 − p̂)) transformed back, with t on the design's degrees of freedom (respondents −
    strata); it stays within 0–1. At p̂ = 0 or 1 it would be the point [p̂, p̂], as if nine organisations all
    answering "yes" proved that every organisation would: there the interval is Korn and Graubard's
    Clopper–Pearson interval on the effective sample size (`_korn_graubard`). Unweighted, the Wilson score
    interval (Wilson 1927; Agresti & Coull 1998), which behaves well for the small counts of a breakdown and is
    never a point.
    """
    values = _answer_matrix(indicators, design.n)
    sums = _linearised(values, design, _domain_matrix(domains, design.n), binary=True)
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
        edge_low, edge_high = _korn_graubard(sums.estimate, sums.n, sums.n_eff, design.degrees_of_freedom, confidence)
        edge = unanimous & np.isfinite(edge_low)
        low, high = np.where(edge, edge_low, low), np.where(edge, edge_high, high)
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
    sums = _linearised(matrix, design, _domain_matrix(domains, design.n), binary=False)
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


def _linearised(values: AnswerMatrix, design: Design, domains: BoolArray, *, binary: bool) -> _Sums:
    """Estimates and Taylor standard errors of all columns in all domains (see the module docstring).

    The variance, V = Σ_h c_h [Σ_{i∈h} z_i² − (Σ_{i∈h} z_i)²/n_h] with c_h = fpc_h·n_h/(n_h − 1), is a quadratic
    in p̂ whose coefficients are sums over the respondents; the loop collects them stratum by stratum.
    """
    k, d = values.shape[1], domains.shape[1]
    # Means are computed about each column's plain mean: the variance does not change, and the sums of squares
    # then lose no digits to a large mean. Proportions are 0/1 (y² = y) and need neither.
    shift = np.zeros(k) if binary else _column_means(values)
    first, run_of = _shared_denominators(values)
    u = first.size
    width = k + u + (0 if binary else k)
    total = np.zeros((3, d, width))  # [1, w, w²] × domains × [y, answered (per run of columns), y²]
    scaled = np.zeros((d, width))  # Σ_h c_h Σ_{i∈h} w²·[y, answered, y²]
    wy_wy, wy_w, w_w = np.zeros((d, k)), np.zeros((d, k)), np.zeros((d, u))  # Σ_h b_h (Σ_{i∈h} w·y)², …

    block = max(64, _BLOCK_CELLS // width)
    order = np.argsort(design.strata, kind="stable")
    ends = np.cumsum(np.bincount(design.strata, minlength=design.fpc.size))
    for h, rows in enumerate(np.split(order, ends[:-1])):
        n_h = rows.size
        sums = _stratum_sums(values, shift, first, design.weights, domains[rows], rows, binary, block)
        total += sums
        if n_h > 1:  # a single respondent gives no variance estimate: the stratum adds nothing
            c_h = design.fpc[h] * n_h / (n_h - 1)
            b_h = c_h / n_h
            scaled += c_h * sums[2]
            wy_h, w_h = sums[1, :, :k], sums[1, :, k : k + u]
            wy_wy += b_h * wy_h * wy_h
            wy_w += b_h * wy_h * w_h[:, run_of]
            w_w += b_h * w_h * w_h

    # Back from runs of columns to columns.
    count, answered = total[0, :, :k], total[0, :, k : k + u][:, run_of]
    wy, w = total[1, :, :k], total[1, :, k : k + u][:, run_of]
    w2 = total[2, :, k : k + u][:, run_of]
    c_w2y, c_w2 = scaled[:, :k], scaled[:, k : k + u][:, run_of]
    c_w2y2 = c_w2y if binary else scaled[:, k + u :]
    with np.errstate(divide="ignore", invalid="ignore"):
        p = wy / w
        # W²·V = Σ_h c_h Σ_{i∈h} w²(y − p)² − Σ_h b_h (Σ_{i∈h} w(y − p))², b_h = c_h/n_h, expanded in p. That
        # costs a few digits only when p is close to 0 or 1; samplics, which sums residuals, agrees to ~1e-11.
        squares = c_w2y2 - 2 * p * c_w2y + p * p * c_w2
        stratum_totals = wy_wy - 2 * p * wy_w + p * p * w_w[:, run_of]
        variance = np.maximum(squares - stratum_totals, 0.0) / (w * w)
        n_eff = w * w / w2
    return _Sums(
        estimate=p + shift,
        se=np.where(w > 0, np.sqrt(variance), np.nan),
        n=np.rint(answered).astype(np.intp),
        count=count + shift * answered,
        weighted_total=w,
        n_eff=n_eff,
    )


def _stratum_sums(
    values: AnswerMatrix,
    shift: FloatArray,
    first: IntArray,
    weights: FloatArray,
    member: BoolArray,
    rows: IntArray,
    binary: bool,
    block: int,
) -> FloatArray:
    """Σ over one stratum's respondents of [1, w, w²] × membership of each domain, against [y, answered, y²].

    A domain that holds the whole stratum (a breakdown by a variable the strata are made of, such as kind when
    the strata are kind × size × region cells) takes the stratum's own sums, and one that holds none of it
    zeros: only the domains that cut through the stratum need a product of their own.
    """
    whole = member.all(axis=0)
    cut = member.any(axis=0) & ~whole
    parts = np.column_stack([np.ones(rows.size, dtype=np.bool_), member[:, cut]])  # the stratum, then the cuts
    part = np.zeros((3, parts.shape[1], len(first) + values.shape[1] * (1 if binary else 2)))
    for start in range(0, rows.size, block):
        chunk = slice(start, start + block)
        part += _block_sums(values, shift, first, weights, parts[chunk], rows[chunk], binary)
    sums = np.zeros((3, member.shape[1], part.shape[2]))
    sums[:, whole] = part[:, :1]
    sums[:, cut] = part[:, 1:]
    return sums


def _block_sums(
    values: AnswerMatrix,
    shift: FloatArray,
    first: IntArray,
    weights: FloatArray,
    member: BoolArray,
    rows: IntArray,
    binary: bool,
) -> FloatArray:
    """The sums of `_stratum_sums` over a block of its respondents, as one matrix product."""
    k, u, g = values.shape[1], first.size, member.shape[1]
    right = np.empty((rows.size, k + u + (0 if binary else k)))
    block = values[rows]
    if binary:  # comparisons on the input's own type, which is also the check that it holds only 1, 0 and NaN
        ones = block == 1
        answered = ones | (block == 0)
        if not np.array_equal(answered, ~np.isnan(block)):
            raise ValueError("indicators must be 1, 0 or NaN")
        right[:, :k] = ones
    else:
        answered = np.isfinite(block)
        y = right[:, :k]
        np.subtract(block, shift, out=y, where=answered)
        np.copyto(y, 0.0, where=~answered)
        np.multiply(y, y, out=right[:, k + u :])
    right[:, k : k + u] = answered[:, first]
    left = np.empty((rows.size, 3, g))
    w = weights[rows, None]
    left[:, 0] = member
    np.multiply(member, w, out=left[:, 1])
    np.multiply(member, w * w, out=left[:, 2])
    sums: FloatArray = (left.reshape(rows.size, 3 * g).T @ right).reshape(3, g, -1)
    return sums


def _shared_denominators(values: AnswerMatrix) -> tuple[IntArray, IntArray]:
    """Runs of neighbouring columns with the same denominator — the categories of one question, as `coding` lays
    them out — so that the denominator sums are computed once per run: the first column of each run, and each
    column's run."""
    n, k = values.shape
    same = np.ones(max(k - 1, 0), dtype=np.bool_)
    step = max(1, _BLOCK_CELLS // max(k, 1))
    for start in range(0, n, step):
        answered = np.isfinite(values[start : start + step])
        same &= (answered[:, 1:] == answered[:, :-1]).all(axis=0)
    starts = np.concatenate([[True], ~same]) if k else np.zeros(0, dtype=np.bool_)
    return np.flatnonzero(starts).astype(np.intp), (np.cumsum(starts) - 1).astype(np.intp)


def _column_means(values: AnswerMatrix) -> FloatArray:
    answered = np.isfinite(values)
    given = answered.sum(axis=0)
    totals = np.where(answered, values, 0.0).sum(axis=0, dtype=np.float64)
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


def _korn_graubard(
    p: FloatArray, n: IntArray, n_eff: FloatArray, df: int, confidence: float
) -> tuple[FloatArray, FloatArray]:
    """The Clopper–Pearson interval of p̂ = 0 or 1 on the effective sample size, with Korn and Graubard's
    degrees-of-freedom adjustment (Korn & Graubard, "Confidence intervals for proportions with small expected
    number of positive counts estimated from survey data", Survey Methodology 24(2), 1998; R survey's
    `svyciprop(method = "beta")`): n* = n_eff · (t_{n−1} / t_df)², at most n. At p̂ = 0 the beta quantile has
    the closed form [0, 1 − (α/2)^(1/n*)], and at p̂ = 1 [(α/2)^(1/n*), 1]. The effective sample size is Kish's,
    (Σw)²/Σw², since p̂(1 − p̂)/V̂ is 0/0 there. NaN for other p̂ and where n* is not positive."""
    alpha = 1 - confidence
    upper = _upper(confidence)
    t_design = t_quantile(upper, df)
    with np.errstate(divide="ignore", invalid="ignore"):
        # t_{n−1} for the few distinct n of unanimous figures only (each quantile costs a Newton iteration)
        wanted = ((p == 0) | (p == 1)) & (n > 1)
        t_of = {int(k): t_quantile(upper, float(k - 1)) for k in np.unique(n[wanted])}
        t_domain = np.array([t_of.get(int(k), np.nan) for k in n.ravel()], dtype=np.float64).reshape(n.shape)
        adjusted = np.where(np.isfinite(t_domain) & np.isfinite(t_design), n_eff * (t_domain / t_design) ** 2, n_eff)
        n_star = np.minimum(adjusted, n)
        reach = np.where(n_star > 0, (alpha / 2) ** (1 / n_star), np.nan)
    low = np.where(p == 0, 0.0, np.where(p == 1, reach, np.nan))
    high = np.where(p == 0, 1 - reach, np.where(p == 1, 1.0, np.nan))
    return low, high


def _wilson_interval(p: FloatArray, n: IntArray, z: float) -> tuple[FloatArray, FloatArray]:
    """The Wilson score interval: the p whose score test |p̂ − p| / √(p(1−p)/n) ≤ z does not reject."""
    with np.errstate(divide="ignore", invalid="ignore"):
        z2n = z * z / n
        centre = (p + z2n / 2) / (1 + z2n)
        half = z * np.sqrt(p * (1 - p) / n + z2n / (4 * n)) / (1 + z2n)
    return np.clip(centre - half, 0, 1), np.clip(centre + half, 0, 1)


def _answer_matrix(values: npt.ArrayLike, n: int) -> AnswerMatrix:
    matrix = np.asarray(values)
    # float32 is kept as it is (0, 1 and NaN are exact in it, and a large round's matrix takes half the memory);
    # the sums are always taken in float64.
    if not np.issubdtype(matrix.dtype, np.floating):
        matrix = matrix.astype(np.float64)
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
