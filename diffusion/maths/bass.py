"""The Bass diffusion model fitted to an adoption curve, with honest flags where the data cannot support a fit.

Public interface
----------------
``adopters_per_year(years, first=None, last=None) -> (periods, counts)``
    The adoption years of the adopters (one year per adopter) as per-year counts over ``first..last`` (default: the
    first and last adoption year); years outside that range are an error.
``fit_bass(years, *, population=None, method="auto", estimate_m=None, first=None, last=None) -> BassFit``
    Fits the model to the adopters' years. ``method`` is ``"hazard_mle"``, ``"nls"``, ``"ols"`` or ``"auto"``
    (the hazard MLE). ``estimate_m`` (default: only when ``population`` is not given) estimates the market potential
    m instead of setting m = N. Raises ``ValueError`` for no adopters, more adopters than the population or years
    outside ``first..last``, and ``BassFitError`` when Bass's OLS has no valid solution (only with
    ``method="ols"``).
``fit_bass_many(series, *, population=None, method="auto", estimate_m=None, first=None, last=None)``
    ``fit_bass`` for a list of innovations (each a list of years) at once, with the same results: the NLS and the
    hazard MLE's search over m run batched over all of them, which is several times faster. Returns ``list[BassFit | None]`` (``None`` only for
    ``method="ols"`` without a solution).
``bass_ols(adopters_per_period, *, first_year=1) -> BassFit | None``
    Bass's (1969) original regression; ``None`` when it has no Bass solution (see below).
``BassFit``
    The result (frozen dataclass; fields below). ``FLAGS`` explains each flag code in a sentence.
``bass_cumulative(p, q, m, t)`` / ``bass_peak_time(p, q)``
    The continuous-time curve m·F(t) and the time of its peak.

The model
---------
Bass (1969): among m eventual adopters, the hazard of adopting at time t for one who has not adopted yet is
p + q·F(t), F the share of the m who have adopted: p is the coefficient of innovation (external influence), q of
imitation (influence of earlier adopters). In continuous time
F(t) = (1 − e^{−(p+q)t}) / (1 + (q/p)·e^{−(p+q)t}); the adoption rate peaks at t* = ln(q/p)/(p+q) when q > p (the
inflection point of the cumulative curve, where F = ½ − p/(2q)); when q ≤ p it is highest at the start.

Time: period 1 is the year ``first`` (the first adoption's year by default), t = 0 is the start of that year and
period k covers (k−1, k]. A year given as a float (``peak_year``) is ``first + t``: its integer part is the calendar
year. The clock starts at the first adoption unless ``first`` says when the innovation became available; starting
it at the first adoption conditions on that adoption and so overstates p somewhat.

Three estimators (``method``):

``hazard_mle`` (default)
    Discrete-time hazard maximum likelihood: with Y_{t−1} the adopters before period t and the population N known,
    x_t ~ Binomial(R_t, h_t), R_t = N − Y_{t−1}, h_t = p + q·Y_{t−1}/N. The log-likelihood is concave in (p, q), so
    its maximum is unique; it is found by Newton's method with an active set for q = 0 and for the edge h = 1 (met
    when everyone still at risk in a period adopted), hand-written: a general optimiser costs ten times more per
    fit, and all SPID fits must take under two seconds. Standard errors from the observed information (the inverse
    of minus the Hessian, analytic). With ``estimate_m`` the population N is replaced by the market
    potential m, estimated in [adopters observed, N] (or up to 10× the adopters observed when no N is given) by
    maximising the profile likelihood over m — where its slope, ∂ℓ/∂m at the best (p, q) for that m (the envelope
    theorem), changes sign, by Brent's root finder (R_t = m − Y_{t−1} is then continuous: the binomial coefficient
    is written with the gamma function); standard errors from the Hessian of the full likelihood in (p, q, m), by
    central differences of its analytic gradient. ``fit_bass_many`` with ``HAZARD_BATCH_MIN`` (12) series or more
    runs this search for all of them at once (``_hazard_m_many``: the same Newton and Brent steps as array
    operations, rows dropping out as they finish), with the same results to rounding; a series it cannot finish is
    searched alone, as ``fit_bass`` does.
    The fitted curve is the model's mean path y_t = y_{t−1} + (m − y_{t−1})(p + q·y_{t−1}/m), y_0 = 0.
``nls``
    Non-linear least squares on the period increments (Srinivasan & Mason 1986): x_t = m·(F(t) − F(t−1)) + e_t,
    with p > 0, 0 ≤ q ≤ 10, adopters observed ≤ m ≤ N (or ≤ 10× the adopters observed without N), by a bounded
    Levenberg–Marquardt (analytic Jacobian; ``_levenberg_marquardt`` says why it is not scipy's) from three starts:
    Bass's OLS solution (when it has one) and the two best points of a 12 × 15 grid over (p, q) with m solved in
    closed form for each; the start ending lowest wins. Standard errors
    σ̂²·(JᵀJ)⁻¹ with σ̂² = SSE/(T − k), J the Jacobian at the estimate, for the k parameters not on a bound.
``ols``
    Bass's own regression S_t = a + b·Y_{t−1} + c·Y_{t−1}² (Y_0 = 0), m the positive root of a + b·m + c·m² = 0,
    p = a/m, q = −c·m. It has no Bass solution when c ≥ 0, b² < 4ac or the root or p is not positive. Standard errors
    by the delta method from the regression's coefficient covariance. The fitted curve is the continuous one,
    m·(F(t) − F(t−1)), as in Bass (1969). Used mainly for start values.

The band (``cumulative_low``/``cumulative_high``) is a pointwise 95 % confidence band for the fitted *mean*
cumulative curve, by the delta method: var C_t = g_tᵀ Σ g_t, g_t the (analytic) derivative of the fitted cumulative
curve with respect to the estimated parameters and Σ their covariance; clipped to [0, N] (to [0, ∞) without N).
It shows the parameters' uncertainty, not the spread of future counts. It is empty when Σ cannot be computed.

Flags (``BassFit.flags``; ``FLAGS`` holds the same in words)
------------------------------------------------------------
``too_few``
    Fewer than ``MIN_ADOPTERS`` (10) adopters or fewer than ``MIN_PERIODS`` (4) periods. With fewer than ten
    adopters the yearly counts are mostly 0, 1 or 2, and the curve's shape cannot tell external influence (p) from
    imitation (q); with fewer than four periods a three-parameter curve has no degree of freedom left to judge it.
``before_inflection``
    The data end before the fitted inflection point t*. Fits of the first half of an S-curve are unstable and
    biased: m tends to be underestimated and q overestimated (Heeler & Hustad 1980; Van den Bulte & Lilien 1997).
``burst``
    More than half of all adoptions (and at least ``BURST_MIN`` = 3) fell in one period: a common deadline or
    mandate, not a spread by imitation, and a smooth curve describes it badly.
``two_waves``
    A clear trough between two waves. Let r_t be the adoptions per period averaged over t−1..t+1 (centred, over the
    periods that exist). A run of w ≥ 1 consecutive periods holding c adoptions is a trough between two waves when
    the periods before it and after it each hold at least ``WAVE_MIN_SHARE`` (20 %) of the adopters and at least
    ``WAVE_MIN`` (3), and a Poisson count with the smaller of the two waves' peak rates (max r_t within each wave)
    over w periods would be as low as c with probability below ``TROUGH_ALPHA`` (0.001): the lull is too empty to be
    chance at the pace of either wave. One Bass curve cannot describe two waves.
``no_convergence``
    The optimiser did not meet its convergence test, or m stopped at the search limit of 10× the adopters observed
    (without a population N, the data then do not determine m).

``BassFit`` fields
------------------
``method`` ("hazard_mle" | "nls" | "ols"), ``p``, ``q``, ``m`` and their standard errors ``se_p``, ``se_q``, ``se_m``
(``None`` when not estimable: m fixed at N, a parameter on a bound, a singular information matrix);
``periods`` (the years), ``observed`` (adopters per period), ``fitted`` (expected adopters per period),
``cumulative_low``/``cumulative_high`` (the band, one value per period, or empty), ``peak_year`` (``first + t*``,
or ``first`` when q ≤ p), ``past_inflection`` (the data reach t*), ``converged``, ``flags``, and ``population``
(N as given, or ``None``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import optimize, special

__all__ = [
    "FLAGS",
    "METHODS",
    "BassFit",
    "BassFitError",
    "adopters_per_year",
    "bass_cumulative",
    "bass_ols",
    "bass_peak_time",
    "fit_bass",
    "fit_bass_many",
]

Array = npt.NDArray[np.float64]

METHODS = ("auto", "hazard_mle", "nls", "ols")
MIN_ADOPTERS = 10
MIN_PERIODS = 4
BURST_SHARE = 0.5
BURST_MIN = 3
WAVE_MIN_SHARE = 0.2
WAVE_MIN = 3
TROUGH_ALPHA = 0.001
# Without a population, m is searched up to this multiple of the adopters observed.
M_CAP_FACTOR = 10.0
P_MIN = 1e-7
Q_MAX = 10.0
Z95 = 1.959963984540054
# Levenberg–Marquardt iterations per start; a start still moving after these is reported as not converged.
MAX_ITERATIONS = 100
# The m-estimated hazard MLE runs batched from this many series on: below it, the arrays' overhead costs more than
# the one-at-a-time loop saves (measured on 8–30-year series: 2.1 ms a fit one at a time; batched, 5.4 ms alone,
# 2.6 ms in batches of 8, 1.7 ms in batches of 16).
HAZARD_BATCH_MIN = 12

FLAGS: dict[str, str] = {
    "too_few": (
        f"Fewer than {MIN_ADOPTERS} adopters or {MIN_PERIODS} periods: too little to tell external influence from "
        "imitation."
    ),
    "before_inflection": (
        "The data end before the fitted inflection point: the estimates are unstable, m is likely underestimated "
        "and q overestimated."
    ),
    "burst": "More than half of the adoptions fell in one period: a burst, not a gradual spread.",
    "two_waves": "The adoptions came in two waves with a clear trough between them: one Bass curve cannot fit both.",
    "no_convergence": "The estimation did not converge, or the data do not determine the market potential m.",
}


class BassFitError(ValueError):
    """The requested estimator has no valid solution for these data."""


@dataclass(frozen=True)
class BassFit:
    """A fitted Bass model (see the module's docstring for every field)."""

    method: str
    p: float
    q: float
    m: float
    se_p: float | None
    se_q: float | None
    se_m: float | None
    periods: tuple[int, ...]
    observed: tuple[int, ...]
    fitted: tuple[float, ...]
    cumulative_low: tuple[float, ...]
    cumulative_high: tuple[float, ...]
    peak_year: float | None
    past_inflection: bool | None
    converged: bool
    flags: tuple[str, ...]
    population: int | None = None

    @property
    def adopters(self) -> int:
        """Adopters observed."""
        return sum(self.observed)

    @property
    def fitted_cumulative(self) -> tuple[float, ...]:
        """The fitted cumulative curve at the end of each period."""
        return tuple(float(value) for value in np.cumsum(self.fitted))


# --- the curve ---------------------------------------------------------------------------------------------------


def bass_peak_time(p: float, q: float) -> float:
    """t* = ln(q/p)/(p+q), the time of the highest adoption rate (0 when q ≤ p: it is highest at the start)."""
    if q <= p:
        return 0.0
    return math.log(q / p) / (p + q)


def _bass_f(p: float, q: float, t: Array) -> Array:
    decay = np.exp(-(p + q) * t)
    result: Array = (1.0 - decay) / (1.0 + (q / p) * decay)
    return result


def bass_cumulative(p: float, q: float, m: float, t: Sequence[float] | Array) -> Array:
    """m·F(t): the continuous-time Bass curve of cumulative adopters at times t (t = 0 at the start)."""
    return m * _bass_f(p, q, np.asarray(t, dtype=np.float64))


def _bass_f_gradient(p: float, q: float, t: Array) -> tuple[Array, Array, Array]:
    """F(t) and its derivatives with respect to p and q (analytic)."""
    decay = np.exp(-(p + q) * t)
    ratio = q / p
    numerator = 1.0 - decay
    denominator = 1.0 + ratio * decay
    f: Array = numerator / denominator
    d_p: Array = decay * (t * denominator + numerator * (q / p**2 + ratio * t)) / denominator**2
    d_q: Array = decay * (t * denominator - numerator * (1.0 / p - ratio * t)) / denominator**2
    return f, d_p, d_q


def _discrete_path(p: float, q: float, m: float, periods: int) -> tuple[Array, Array]:
    """The discrete model's mean path: increments x_t and their derivatives (T×3: p, q, m).

    x_t = min(p + q·y/m, 1)·(m − y) with y = y_{t−1}; the derivatives follow the recursion
    dx_t = ∂x/∂θ + (∂x/∂y)·dy_{t−1}. Plain floats: the loop is sequential and short, numpy would only add overhead.
    """
    increments = [0.0] * periods
    rows = [(0.0, 0.0, 0.0)] * periods
    y = dy_p = dy_q = dy_m = 0.0
    for t in range(periods):
        share = y / m
        if p + q * share >= 1.0:
            # The hazard cannot pass 1: everyone left adopts (the estimates keep h ≤ 1 only where data were seen).
            x = m - y
            dx_p, dx_q, dx_m = -dy_p, -dy_q, 1.0 - dy_m
        else:
            x = (p + q * share) * (m - y)
            slope = (q - p) - 2.0 * q * share
            dx_p = (m - y) + slope * dy_p
            dx_q = y * (1.0 - share) + slope * dy_q
            dx_m = p + q * share * share + slope * dy_m
        increments[t] = x
        rows[t] = (dx_p, dx_q, dx_m)
        y += x
        dy_p += dx_p
        dy_q += dx_q
        dy_m += dx_m
    return np.array(increments), np.array(rows).reshape(periods, 3)


# --- shared helpers ----------------------------------------------------------------------------------------------


def adopters_per_year(
    years: Iterable[int], first: int | None = None, last: int | None = None
) -> tuple[list[int], list[int]]:
    """Per-year adopter counts over first..last (defaults: the first and last adoption year).

    Returns (periods, counts); raises ValueError for no years and no range, or years outside first..last.
    """
    values = [int(year) for year in years]
    if not values and (first is None or last is None):
        raise ValueError("no adoption years and no range of periods")
    start = min(values) if first is None else first
    end = max(values) if last is None else last
    if end < start:
        raise ValueError(f"the last period {end} is before the first {start}")
    outside = [year for year in values if not start <= year <= end]
    if outside:
        raise ValueError(f"adoption years outside {start}–{end}: {sorted(set(outside))[:5]}")
    counts = np.bincount(np.asarray(values, dtype=np.int64) - start, minlength=end - start + 1)
    return list(range(start, end + 1)), [int(count) for count in counts]


def _covariance(information: Array, free: Sequence[bool]) -> Array | None:
    """Inverse of the information over the free parameters (None when singular or not positive definite)."""
    index = np.flatnonzero(np.asarray(free, dtype=bool))
    if index.size == 0:
        return None
    block = information[index][:, index]
    if not np.isfinite(block).all():
        return None
    try:
        covariance = np.linalg.inv(block)
    except np.linalg.LinAlgError:
        return None
    if not np.isfinite(covariance).all() or (np.diag(covariance) <= 0).any():
        return None
    full = np.zeros((len(free), len(free)))
    full[index[:, None], index[None, :]] = covariance
    return full


def _standard_errors(covariance: Array | None, free: Sequence[bool]) -> list[float | None]:
    if covariance is None:
        return [None] * len(free)
    return [float(math.sqrt(covariance[i, i])) if is_free else None for i, is_free in enumerate(free)]


def _band(
    cumulative: Array, gradient: Array, covariance: Array | None, upper: float | None
) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """Pointwise 95 % delta-method band of the cumulative curve; gradient is T×k, covariance k×k."""
    if covariance is None:
        return (), ()
    variance = np.einsum("ti,ij,tj->t", gradient, covariance, gradient)
    half = Z95 * np.sqrt(np.maximum(variance, 0.0))
    low = np.maximum(cumulative - half, 0.0)
    high = cumulative + half
    if upper is not None:
        high = np.minimum(high, upper)
        low = np.minimum(low, upper)
    return tuple(low.tolist()), tuple(high.tolist())


def _two_waves(counts: Array) -> bool:
    """The two-waves test of the module's docstring (vectorised over every trough run)."""
    total = counts.sum()
    periods = counts.size
    if periods < 3 or total < 2 * WAVE_MIN:
        return False
    padded = np.concatenate(([0.0], counts, [0.0]))
    sums = padded[:-2] + padded[1:-1] + padded[2:]
    widths = np.full(periods, 3.0)
    widths[0] -= 1.0
    widths[-1] -= 1.0
    if periods == 1:
        widths[0] = 1.0
    rate = sums / widths
    cumulative = np.concatenate(([0.0], np.cumsum(counts)))
    peak_before = np.maximum.accumulate(rate)  # max rate over periods ≤ i
    peak_after = np.maximum.accumulate(rate[::-1])[::-1]  # max rate over periods ≥ i
    need = max(WAVE_MIN, WAVE_MIN_SHARE * total)
    # Trough run a..b (inclusive): wave 1 is 0..a−1, wave 2 is b+1..T−1, each holding at least `need` adopters,
    # so a ≥ a_min (the first a with cumulative[a] ≥ need) and b ≤ b_max; only those pairs are tried.
    a_min = int(np.searchsorted(cumulative, need, side="left"))
    b_max = int(np.searchsorted(cumulative, total - need, side="right")) - 2
    if a_min > b_max:
        return False
    a, b = np.triu_indices(b_max - a_min + 1)
    a, b = a + a_min, b + a_min
    in_trough = cumulative[b + 1] - cumulative[a]
    smaller_peak = np.minimum(peak_before[a - 1], peak_after[b + 1])
    width = (b - a + 1).astype(np.float64)
    chance = special.pdtr(in_trough, smaller_peak * width)
    return bool((chance < TROUGH_ALPHA).any())


def _flags(counts: Array, past_inflection: bool | None, converged: bool, m_at_cap: bool) -> tuple[str, ...]:
    flags = []
    total = counts.sum()
    if total < MIN_ADOPTERS or counts.size < MIN_PERIODS:
        flags.append("too_few")
    if past_inflection is False:
        flags.append("before_inflection")
    largest = counts.max() if counts.size else 0.0
    if largest >= BURST_MIN and largest > BURST_SHARE * total:
        flags.append("burst")
    if _two_waves(counts):
        flags.append("two_waves")
    if not converged or m_at_cap:
        flags.append("no_convergence")
    return tuple(flags)


def _timing(p: float, q: float, first: int, periods: int) -> tuple[float, bool]:
    peak = bass_peak_time(p, q)
    return first + peak, periods >= peak


def _assemble(
    *,
    method: str,
    theta: Sequence[float] | Array,
    covariance: Array | None,
    free: Sequence[bool],
    periods: Sequence[int],
    counts: Array,
    increments: Array,
    increment_gradient: Array,
    converged: bool,
    m_at_cap: bool,
    population: int | None,
) -> BassFit:
    p, q, m = (float(value) for value in theta)
    se = _standard_errors(covariance, free)
    cumulative = np.cumsum(increments)
    low, high = _band(cumulative, np.cumsum(increment_gradient, axis=0), covariance, population)
    peak_year, past = _timing(p, q, periods[0], len(periods))
    return BassFit(
        method=method,
        p=p,
        q=q,
        m=m,
        se_p=se[0],
        se_q=se[1],
        se_m=se[2],
        periods=tuple(periods),
        observed=tuple(np.rint(counts).astype(np.int64).tolist()),
        fitted=tuple(increments.tolist()),
        cumulative_low=low,
        cumulative_high=high,
        peak_year=peak_year,
        past_inflection=past,
        converged=converged,
        flags=_flags(counts, past, converged, m_at_cap),
        population=population,
    )


# --- Bass's OLS ----------------------------------------------------------------------------------------------------


def _ols_solution(counts: Array, *, with_covariance: bool = True) -> tuple[Array, Array | None] | None:
    """(p, q, m) and their delta-method covariance from Bass's regression, or None without a Bass solution."""
    periods = counts.size
    if periods < 3:
        return None
    before = np.concatenate(([0.0], np.cumsum(counts)[:-1]))
    design = np.column_stack([np.ones(periods), before, before**2])
    coefficients, _, rank, _ = np.linalg.lstsq(design, counts, rcond=None)
    if rank < 3:
        return None

    def transform(abc: Array) -> Array | None:
        a, b, c = (float(v) for v in abc)
        discriminant = b * b - 4.0 * a * c
        if c >= 0.0 or discriminant < 0.0:
            return None
        m = (-b - math.sqrt(discriminant)) / (2.0 * c)
        if m <= 0.0 or a <= 0.0:
            return None
        return np.array([a / m, -c * m, m])

    theta = transform(coefficients)
    if theta is None:
        return None
    covariance: Array | None = None
    if with_covariance and periods > 3:
        residuals = counts - design @ coefficients
        sigma2 = float(residuals @ residuals) / (periods - 3)
        try:
            coefficient_cov = sigma2 * np.linalg.inv(design.T @ design)
        except np.linalg.LinAlgError:
            coefficient_cov = None
        if coefficient_cov is not None:
            jacobian = np.empty((3, 3))
            ok = True
            for j in range(3):
                step = 1e-6 * max(abs(float(coefficients[j])), 1e-8)
                shifted_up, shifted_down = coefficients.copy(), coefficients.copy()
                shifted_up[j] += step
                shifted_down[j] -= step
                up, down = transform(shifted_up), transform(shifted_down)
                if up is None or down is None:
                    ok = False
                    break
                jacobian[:, j] = (up - down) / (2.0 * step)
            if ok:
                covariance = jacobian @ coefficient_cov @ jacobian.T
    return theta, covariance


def _ols_fit(counts: Array, periods: Sequence[int], population: int | None) -> BassFit | None:
    solution = _ols_solution(counts)
    if solution is None:
        return None
    theta, covariance = solution
    if covariance is not None and not (np.all(np.isfinite(covariance)) and np.all(np.diag(covariance) > 0)):
        covariance = None
    # As Bass did: the regression's estimates drive the continuous curve (its discrete recursion overshoots m
    # when p + q is large).
    increments, gradient = (array[0] for array in _bass_increments(np.asarray(theta)[None, :], counts.size))
    return _assemble(
        method="ols",
        theta=theta,
        covariance=covariance,
        free=[True, True, True],
        periods=periods,
        counts=counts,
        increments=increments,
        increment_gradient=gradient,
        converged=True,
        m_at_cap=False,
        population=population,
    )


def bass_ols(adopters_per_period: Sequence[float], *, first_year: int = 1) -> BassFit | None:
    """Bass's (1969) OLS: S_t = a + b·Y_{t−1} + c·Y_{t−1}²; None when the regression has no Bass solution.

    ``first_year`` names period 1 (for ``periods`` and ``peak_year``). Counts may be fractional (sales in millions);
    ``observed`` holds them rounded.
    """
    counts = np.asarray(adopters_per_period, dtype=np.float64)
    return _ols_fit(counts, list(range(first_year, first_year + counts.size)), None)


# --- hazard maximum likelihood -----------------------------------------------------------------------------------


class _HazardData:
    """The periods that enter the hazard likelihood, split once: those with adopters, those with some left over.

    ℓ(p, q) = Σ_{x>0} x·log h + Σ_{R−x>0} (R − x)·log(1 − h), h = p + q·s (s = Y_{t−1}/m); the binomial
    coefficients do not depend on (p, q) and are left out. Since s ≥ 0, p > 0 and q ≥ 0, h > 0 always; the
    constraint h ≤ 1 (h < 1 where someone stays) depends only on the largest s of each group.
    """

    def __init__(self, counts: Array, at_risk: Array, share: Array) -> None:
        adopted = counts > 0
        stayed = (at_risk - counts) > 0
        self.x = counts[adopted]
        self.share_x = share[adopted]
        self.stay = (at_risk - counts)[stayed]
        self.share_stay = share[stayed]
        self._design: tuple[Array, Array] | None = None  # built on the first derivatives() only
        self.max_x = float(self.share_x.max()) if self.share_x.size else 0.0
        self.max_stay = float(self.share_stay.max()) if self.share_stay.size else 0.0

    @property
    def edge(self) -> bool:
        """Whether h ≤ 1 can bind: a period where everyone left adopted has the largest share."""
        return self.stay.size == 0 or self.max_x > self.max_stay

    def feasible(self, p: float, q: float) -> bool:
        return p > 0.0 and p + q * self.max_x <= 1.0 + 1e-12 and (self.stay.size == 0 or p + q * self.max_stay < 1.0)

    def loglik(self, p: float, q: float) -> float:
        if not self.feasible(p, q):
            return -math.inf
        hazard = np.minimum(p + q * self.share_x, 1.0)
        return float(self.x @ np.log(hazard) + self.stay @ np.log1p(-(p + q * self.share_stay)))

    def derivatives(self, p: float, q: float) -> tuple[Array, Array]:
        """Gradient and observed information (minus the Hessian) in (p, q)."""
        if self._design is None:
            self._design = (
                np.array([np.ones_like(self.share_x), self.share_x]),
                np.array([np.ones_like(self.share_stay), self.share_stay]),
            )
        design_x, design_stay = self._design
        first_x = self.x / (p + q * self.share_x)
        first_s = self.stay / (1.0 - (p + q * self.share_stay))
        gradient: Array = design_x @ first_x - design_stay @ first_s
        # x/h² = (x/h)²/x and (R−x)/(1−h)² likewise: the weights from the first derivatives.
        information: Array = (design_x * (first_x * first_x / self.x)) @ design_x.T + (
            design_stay * (first_s * first_s / self.stay)
        ) @ design_stay.T
        return gradient, information


def _hazard_loglik(p: float, q: float, counts: Array, at_risk: Array, share: Array) -> float:
    """Σ x log h + (R − x) log(1 − h) (the binomial coefficients left out); −inf outside 0 < h ≤ 1."""
    return _HazardData(counts, at_risk, share).loglik(p, q)


def _hazard_start(counts: Array, at_risk: Array, share: Array, data: _HazardData) -> tuple[float, float]:
    """Newton's start: the first period's hazard for p, then q by least squares of the period hazards on the share."""
    rates = np.divide(counts, at_risk, out=np.zeros_like(counts), where=at_risk > 0)
    p = max(float(rates[0]) if rates[0] > 0 else float(counts.sum() / max(at_risk.sum(), 1.0)), 1e-4)
    spread = share - share.mean()
    q = max(float(spread @ (rates - rates.mean()) / max(spread @ spread, 1e-12)), 0.0) if share.any() else 0.0
    if not data.feasible(p, q):
        p, q = min(p, 0.5), 0.0
    return p, q


def _hazard_newton(
    counts: Array, at_risk: Array, share: Array, start: tuple[float, float] | None = None
) -> tuple[float, float, float, bool, Array]:
    """Maximise the concave hazard log-likelihood over p > 0, q ≥ 0 by Newton's method with an active set.

    Returns (p, q, log-likelihood, converged, observed information in (p, q)).
    """
    data = _HazardData(counts, at_risk, share)
    if start is not None and not data.feasible(*start):
        start = None  # a warm start from another m may lie outside this m's feasible region
    p, q = _hazard_start(counts, at_risk, share, data) if start is None else start
    value = data.loglik(p, q)
    converged = False
    gradient, information = data.derivatives(p, q)
    for _ in range(100):
        q_fixed = q <= 0.0 and gradient[1] <= 0.0
        determinant = information[0, 0] * information[1, 1] - information[0, 1] ** 2
        if q_fixed or determinant <= 1e-300 * max(information[0, 0] * information[1, 1], 1e-300):
            step = np.array([gradient[0] / information[0, 0], 0.0])
        else:
            # Newton's step H⁻¹·g for the 2×2 information, written out.
            step = np.array(
                [
                    (information[1, 1] * gradient[0] - information[0, 1] * gradient[1]) / determinant,
                    (information[0, 0] * gradient[1] - information[0, 1] * gradient[0]) / determinant,
                ]
            )
        # The edge h = 1 binds when every organisation left in a period adopted (possible when m is estimated):
        # on the edge, a step pushing outwards moves along it instead, p = 1 − q·s_max.
        on_edge = data.edge and p + q * data.max_x >= 1.0 - 1e-12
        along_edge = on_edge and step[0] + step[1] * data.max_x > 0.0
        if along_edge:
            direction = np.array([-data.max_x, 1.0])
            slope = float(gradient @ direction)
            if q <= 0.0 and slope <= 0.0:
                converged = True
                break
            step = (slope / float(direction @ information @ direction)) * direction
        decrement = float(gradient @ step)  # Newton decrement g·I⁻¹·g ≥ 0
        if decrement < 1e-10:
            converged = True
            break
        alpha = 1.0
        if data.edge and not on_edge:
            outward = step[0] + step[1] * data.max_x
            room = 1.0 - p - q * data.max_x
            if outward > room:
                alpha = room / outward  # stop at the edge rather than halve towards it forever
        improved = False
        while alpha > 1e-12:
            new_q = max(q + alpha * step[1], 0.0)
            new_p = 1.0 - new_q * data.max_x if along_edge else max(p + alpha * step[0], P_MIN)
            if data.edge:
                new_p = min(new_p, 1.0 - new_q * data.max_x)
            new_value = data.loglik(new_p, new_q)
            if new_value >= value - 1e-12:
                improved = True
                break
            alpha *= 0.5
        if not improved:
            break
        change = abs(new_p - p) + abs(new_q - q)
        p, q, value = new_p, new_q, new_value
        gradient, information = data.derivatives(p, q)
        if change < 1e-13:
            converged = True
            break
    return p, q, value, converged, information


def _hazard_full_loglik(theta: Array, counts: Array, before: Array) -> float:
    """The full log-likelihood in (p, q, m), binomial coefficients by the gamma function (m continuous)."""
    p, q, m = (float(v) for v in theta)
    if p <= 0.0 or q < 0.0 or m < before[-1] + counts[-1]:
        return -math.inf
    at_risk = m - before
    value = _hazard_loglik(p, q, counts, at_risk, before / m)
    constant = special.gammaln(at_risk + 1.0) - special.gammaln(at_risk - counts + 1.0)
    return value + float(constant.sum())


def _hazard_full_gradient(theta: Array, counts: Array, before: Array) -> Array:
    """The gradient of the full log-likelihood in (p, q, m) (m continuous; digamma for the binomial coefficient)."""
    p, q, m = (float(v) for v in theta)
    at_risk = m - before
    share = before / m
    hazard = p + q * share
    stay = at_risk - counts
    d_hazard = -q * before / m**2  # ∂h/∂m
    adopted = counts > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        first_x = np.where(adopted, counts / hazard, 0.0)
        first_s = np.where(stay > 0, stay / (1.0 - hazard), 0.0)
        d_m = (
            special.digamma(at_risk + 1.0)
            - special.digamma(stay + 1.0)
            + first_x * d_hazard
            + np.where(stay > 0, np.log1p(-hazard), 0.0)
            - first_s * d_hazard
        )
        # Degenerate cases (one period, everyone adopted) give inf·0 here: NaN, read as "no information".
        return np.array([first_x.sum() - first_s.sum(), first_x @ share - first_s @ share, d_m.sum()])


def _hessian_from_gradient(gradient: Callable[[Array], Array], theta: Array, steps: Array) -> Array:
    """Central differences of an analytic gradient, symmetrised (for the m-estimated likelihood only)."""
    k = theta.size
    hessian = np.empty((k, k))
    for j in range(k):
        up, down = theta.copy(), theta.copy()
        up[j] += steps[j]
        down[j] -= steps[j]
        hessian[:, j] = (gradient(up) - gradient(down)) / (2.0 * steps[j])
    return 0.5 * (hessian + hessian.T)


@dataclass(frozen=True)
class _HazardPoint:
    """The hazard MLE's estimate before its standard errors: with m estimated, ``information`` is still to be
    computed, by central differences with ``steps`` (one series: ``_hazard_fit``; many: ``_hazard_information_many``)."""

    p: float
    q: float
    m: float
    converged: bool
    m_at_cap: bool
    free: list[bool]
    steps: Array | None
    information: Array | None


def _hazard_fit(
    counts: Array,
    periods: Sequence[int],
    population: int | None,
    estimate_m: bool,
    searched: tuple[float, tuple[float, float] | None] | None = None,
) -> BassFit:
    """The hazard MLE of one series. ``searched`` is (m, the last (p, q) of the search) when ``_hazard_m_many``
    has already found m for this series; without it m is searched here, one series at a time."""
    point = _hazard_point(counts, population, estimate_m, searched)
    information = point.information
    if information is None:
        assert point.steps is not None  # noqa: S101 - set whenever the information is not
        before = np.concatenate(([0.0], np.cumsum(counts)[:-1]))
        information = -_hessian_from_gradient(
            lambda t: _hazard_full_gradient(t, counts, before), np.array([point.p, point.q, point.m]), point.steps
        )
    return _hazard_finish(point, counts, periods, population, estimate_m, information)


def _hazard_point(
    counts: Array,
    population: int | None,
    estimate_m: bool,
    searched: tuple[float, tuple[float, float] | None] | None = None,
) -> _HazardPoint:
    """The estimate (p, q, m) of ``_hazard_fit``, with the information when m = N."""
    total = float(counts.sum())
    before = np.concatenate(([0.0], np.cumsum(counts)[:-1]))
    m_at_cap = False
    if not estimate_m:
        assert population is not None  # noqa: S101 - fit_bass guarantees it
        m = float(population)
        at_risk = m - before
        p, q, _, converged, information_pq = _hazard_newton(counts, at_risk, before / m)
        information = np.zeros((3, 3))
        information[:2, :2] = information_pq
        return _HazardPoint(p, q, m, converged, m_at_cap, [True, q > 0.0, False], None, information)
    else:
        upper = float(population) if population is not None else M_CAP_FACTOR * total
        lower = total

        warm: list[tuple[float, float] | None] = [None]
        seen: dict[float, float] = {}  # brentq evaluates the bracket's ends again: reuse them

        def slope(m_value: float) -> float:
            if m_value not in seen:
                seen[m_value] = _slope(m_value)
            return seen[m_value]

        def _slope(m_value: float) -> float:
            """d/dm of the profile log-likelihood: ∂ℓ/∂m at (p̂(m), q̂(m)), by the envelope theorem.

            Inside (adopters observed, upper) everyone's risk set R − x is positive, so every term is finite.
            """
            at_risk = m_value - before
            share = before / m_value
            p_m, q_m, value, _, _ = _hazard_newton(counts, at_risk, share, warm[0])
            warm[0] = (p_m, q_m) if math.isfinite(value) else None
            return float(_hazard_full_gradient(np.array([p_m, q_m, m_value]), counts, before)[2])

        if searched is not None:
            m, warm[0] = searched
        elif upper - lower < 1e-9:
            m = upper
        else:
            # The maximum over m: where the profile's slope changes sign (Brent's root finder, 1e-4 adopters),
            # or a bound when the slope keeps one sign. Much cheaper than maximising the profile itself.
            inside = lower + 1e-7 * max(lower, 1.0)
            at_lower, at_upper = slope(inside), slope(upper)
            if not at_lower > 0.0:
                m = lower
            elif at_upper >= 0.0:
                m = upper
            else:
                m = float(optimize.brentq(slope, inside, upper, xtol=1e-4))
        if population is None and m > upper - 1e-2:
            m_at_cap = True
        at_risk = m - before
        p, q, _, converged, _ = _hazard_newton(counts, at_risk, before / m, warm[0])
        theta = np.array([p, q, m])
        free = [True, q > 0.0, lower < m < upper - 1e-6]
        # Steps stay inside the bounds (p > 0, q ≥ 0, m ≥ adopters observed) so no difference leaves the domain.
        steps = np.minimum(1e-4 * np.maximum(np.abs(theta), 1e-6), [p / 2, q / 2 if q > 0 else 1e-6, (m - lower) / 2])
        return _HazardPoint(p, q, m, converged, m_at_cap, free, np.maximum(steps, 1e-12), None)


def _hazard_finish(
    point: _HazardPoint,
    counts: Array,
    periods: Sequence[int],
    population: int | None,
    estimate_m: bool,
    information: Array,
) -> BassFit:
    """The fit from the estimate and its information: standard errors, curve, band and flags."""
    p, q, m, free = point.p, point.q, point.m, point.free
    # A non-finite information (a degenerate curve) gives no covariance: no standard errors, no band.
    covariance = _covariance(information, free)
    increments, gradient = _discrete_path(p, q, m, counts.size)
    if not estimate_m:
        gradient = gradient.copy()
        gradient[:, 2] = 0.0
    return _assemble(
        method="hazard_mle",
        theta=(p, q, m),
        covariance=covariance,
        free=free,
        periods=periods,
        counts=counts,
        increments=increments,
        increment_gradient=gradient,
        converged=point.converged,
        m_at_cap=point.m_at_cap,
        population=population,
    )


# --- the m-estimated hazard MLE for many series at once ----------------------------------------------------------


class _HazardBatch:
    """The hazard likelihood of many series (rows, zero-padded to one width) at once, each at its own m.

    Only for m above each series' adopters observed (the search over m): then every period's R − x is positive,
    the largest share is the last period's, and the edge h = 1 of ``_HazardData`` cannot bind. Padded periods
    hold x = R = 0 and so add nothing to any sum.
    """

    def __init__(self, counts: Array, before: Array, valid: npt.NDArray[np.bool_], m: Array) -> None:
        self.x = counts
        self.before = before
        self.m = m
        self.share = before / m[:, None]
        self.at_risk = np.where(valid, m[:, None] - before, 0.0)
        self.stay = self.at_risk - counts
        self.adopted = counts > 0
        self.stayed = self.stay > 0
        self.max_x = np.where(self.adopted, self.share, 0.0).max(axis=1)
        self.max_stay = np.where(self.stayed, self.share, 0.0).max(axis=1)
        self.any_stay = np.asarray(self.stayed.any(axis=1), dtype=bool)

    def feasible(self, rows: npt.NDArray[np.intp], p: Array, q: Array) -> npt.NDArray[np.bool_]:
        result: npt.NDArray[np.bool_] = (
            (p > 0.0)
            & (p + q * self.max_x[rows] <= 1.0 + 1e-12)
            & (~self.any_stay[rows] | (p + q * self.max_stay[rows] < 1.0))
        )
        return result

    def loglik(self, rows: npt.NDArray[np.intp], p: Array, q: Array) -> Array:
        hazard = p[:, None] + q[:, None] * self.share[rows]
        with np.errstate(divide="ignore", invalid="ignore"):
            adopted = np.where(self.adopted[rows], self.x[rows] * np.log(np.minimum(hazard, 1.0)), 0.0)
            stayed = np.where(self.stayed[rows], self.stay[rows] * np.log1p(-hazard), 0.0)
        value: Array = np.where(self.feasible(rows, p, q), adopted.sum(axis=1) + stayed.sum(axis=1), -np.inf)
        return value

    def derivatives(self, rows: npt.NDArray[np.intp], p: Array, q: Array) -> tuple[Array, ...]:
        """Gradient (g_p, g_q) and observed information (I_pp, I_pq, I_qq), as ``_HazardData.derivatives``."""
        share = self.share[rows]
        hazard = p[:, None] + q[:, None] * share
        x, stay = self.x[rows], self.stay[rows]
        with np.errstate(divide="ignore", invalid="ignore"):
            first_x = np.where(self.adopted[rows], x / hazard, 0.0)
            first_s = np.where(self.stayed[rows], stay / (1.0 - hazard), 0.0)
            weight = np.where(self.adopted[rows], first_x * first_x / x, 0.0) + np.where(
                self.stayed[rows], first_s * first_s / stay, 0.0
            )
        first = first_x - first_s
        return (
            first.sum(axis=1),
            (first * share).sum(axis=1),
            weight.sum(axis=1),
            (weight * share).sum(axis=1),
            (weight * share * share).sum(axis=1),
        )

    def newton(self, rows: npt.NDArray[np.intp], p: Array, q: Array) -> tuple[Array, Array, Array]:
        """``_hazard_newton`` for every row at once (its steps, line search and tests, without the edge h = 1).

        Returns (p, q, log-likelihood); rows that have finished drop out of the arrays' work.
        """
        p, q = p.copy(), q.copy()
        value = self.loglik(rows, p, q)
        g_p, g_q, i_pp, i_pq, i_qq = self.derivatives(rows, p, q)
        live = np.arange(rows.size)
        for _ in range(100):
            if live.size == 0:
                break
            gp, gq, ipp, ipq, iqq = g_p[live], g_q[live], i_pp[live], i_pq[live], i_qq[live]
            determinant = ipp * iqq - ipq**2
            single = ((q[live] <= 0.0) & (gq <= 0.0)) | (determinant <= 1e-300 * np.maximum(ipp * iqq, 1e-300))
            with np.errstate(divide="ignore", invalid="ignore"):
                step_p = np.where(single, gp / ipp, (iqq * gp - ipq * gq) / determinant)
                step_q = np.where(single, 0.0, (ipp * gq - ipq * gp) / determinant)
            keep = ~(gp * step_p + gq * step_q < 1e-10)  # the Newton decrement; NaN carries on, as there
            live, step_p, step_q = live[keep], step_p[keep], step_q[keep]
            # Backtracking: halve until the log-likelihood does not fall, every row at once.
            alpha = np.ones(live.size)
            new_p, new_q, new_value = p[live], q[live], value[live]
            improved = np.zeros(live.size, dtype=bool)
            trying = np.arange(live.size)
            while trying.size:
                at = live[trying]
                try_q = np.maximum(q[at] + alpha[trying] * step_q[trying], 0.0)
                try_p = np.maximum(p[at] + alpha[trying] * step_p[trying], P_MIN)
                try_value = self.loglik(rows[at], try_p, try_q)
                good = try_value >= value[at] - 1e-12
                new_p[trying[good]], new_q[trying[good]], new_value[trying[good]] = (
                    try_p[good],
                    try_q[good],
                    try_value[good],
                )
                improved[trying[good]] = True
                alpha[trying[~good]] *= 0.5
                trying = trying[~good]
                trying = trying[alpha[trying] > 1e-12]
            live, new_p, new_q, new_value = live[improved], new_p[improved], new_q[improved], new_value[improved]
            change = np.abs(new_p - p[live]) + np.abs(new_q - q[live])
            p[live], q[live], value[live] = new_p, new_q, new_value
            if live.size:
                derivatives = self.derivatives(rows[live], new_p, new_q)
                for array, new in zip((g_p, g_q, i_pp, i_pq, i_qq), derivatives, strict=True):
                    array[live] = new
            live = live[~(change < 1e-13)]
        return p, q, value

    def slope(self, rows: npt.NDArray[np.intp], p: Array, q: Array) -> Array:
        """∂ℓ/∂m at (p, q, m) for every row: ``_hazard_full_gradient``'s last component."""
        before, m = self.before[rows], self.m[rows][:, None]
        share = self.share[rows]
        hazard = p[:, None] + q[:, None] * share
        stay, stayed = self.stay[rows], self.stayed[rows]
        d_hazard = -q[:, None] * before / m**2
        with np.errstate(divide="ignore", invalid="ignore"):
            first_x = np.where(self.adopted[rows], self.x[rows] / hazard, 0.0)
            first_s = np.where(stayed, stay / (1.0 - hazard), 0.0)
            d_m = (
                special.digamma(self.at_risk[rows] + 1.0)
                - special.digamma(stay + 1.0)
                + first_x * d_hazard
                + np.where(stayed, np.log1p(-hazard), 0.0)
                - first_s * d_hazard
            )
        result: Array = d_m.sum(axis=1)
        return result


def _hazard_m_many(
    series: Sequence[_Series], population: int | None
) -> list[tuple[float, tuple[float, float] | None] | None]:
    """The m-estimated hazard MLE's search over m for many series at once: what ``_hazard_fit`` does one series
    at a time (the profile's slope at both ends, then Brent's root finder, each slope by Newton's method warm-started
    from the previous one), with every series' Newton steps and Brent steps as array operations.

    Returns, per series, (m, the last (p, q)) for ``_hazard_fit(searched=...)``, or ``None`` where this path does
    not apply (a NaN slope, no convergence): ``_hazard_fit`` then searches for that series itself. The Brent
    iteration is scipy's ``brentq`` (Charles Harris's C code, rtol = 4ε) step for step, so with the same slopes it
    visits the same points; written out because ``brentq`` takes one scalar function.
    """
    results: list[tuple[float, tuple[float, float] | None] | None] = [None] * len(series)
    for index in _length_classes(series):
        counts, before, valid = _padded(series, index)
        total = counts.sum(axis=1)
        upper = np.full(index.size, float(population)) if population is not None else M_CAP_FACTOR * total
        lower = total
        fixed = upper - lower < 1e-9
        for k in np.flatnonzero(fixed).tolist():
            results[int(index[k])] = (float(upper[k]), None)
        searching = np.flatnonzero(~fixed)
        if searching.size:
            _search_class(
                counts[searching],
                before[searching],
                valid[searching],
                lower[searching],
                upper[searching],
                index[searching],
                results,
            )
    return results


def _search_class(
    counts: Array,
    before: Array,
    valid: npt.NDArray[np.bool_],
    lower: Array,
    upper: Array,
    index: npt.NDArray[np.intp],
    results: list[tuple[float, tuple[float, float] | None] | None],
) -> None:
    """``_hazard_m_many`` for the series of one length class whose m has room to move (results[index[k]])."""
    rows = counts.shape[0]
    warm_p, warm_q = np.zeros(rows), np.zeros(rows)
    has_warm = np.zeros(rows, dtype=bool)

    def slope(at: npt.NDArray[np.intp], m_value: Array) -> Array:
        """The profile's slope at m_value for rows ``at``, warm-started from each row's previous (p, q)."""
        batch = _HazardBatch(counts[at], before[at], valid[at], m_value)
        local = np.arange(at.size)
        p, q = warm_p[at].copy(), warm_q[at].copy()
        cold = ~has_warm[at] | ~batch.feasible(local, p, q)
        for k in np.flatnonzero(cold):
            size = int(valid[at[k]].sum())
            x, at_risk, share = counts[at[k], :size], batch.at_risk[k, :size], batch.share[k, :size]
            p[k], q[k] = _hazard_start(x, at_risk, share, _HazardData(x, at_risk, share))
        p, q, value = batch.newton(local, p, q)
        finite = np.isfinite(value)
        warm_p[at], warm_q[at], has_warm[at] = p, q, finite
        return batch.slope(local, p, q)

    everyone = np.arange(rows)
    inside = lower + 1e-7 * np.maximum(lower, 1.0)
    at_lower = slope(everyone, inside)
    at_upper = slope(everyone, upper)
    m = np.where(~(at_lower > 0.0), lower, upper)
    done = ~(at_lower > 0.0) | (at_upper >= 0.0)
    failed = np.isnan(at_upper) & ~done
    # Brent's method on the rows whose slope changes sign (brentq's variable names).
    xpre, xcur, fpre, fcur = inside.copy(), upper.copy(), at_lower.copy(), at_upper.copy()
    xblk, fblk, spre, scur = np.zeros(rows), np.zeros(rows), np.zeros(rows), np.zeros(rows)
    live = np.flatnonzero(~done & ~failed)
    for _ in range(100):
        if live.size == 0:
            break
        xp, xc, xb, fp, fc, fb, sp, sc = (a[live] for a in (xpre, xcur, xblk, fpre, fcur, fblk, spre, scur))
        sign_change = (fp != 0) & (fc != 0) & (np.signbit(fp) != np.signbit(fc))
        xb, fb = np.where(sign_change, xp, xb), np.where(sign_change, fp, fb)
        sp = np.where(sign_change, xc - xp, sp)
        sc = np.where(sign_change, xc - xp, sc)
        swap = np.abs(fb) < np.abs(fc)
        xp, xc, xb = np.where(swap, xc, xp), np.where(swap, xb, xc), np.where(swap, xc, xb)
        fp, fc, fb = np.where(swap, fc, fp), np.where(swap, fb, fc), np.where(swap, fc, fb)
        delta = (1e-4 + 4 * np.finfo(np.float64).eps * np.abs(xc)) / 2
        bisection = (xb - xc) / 2
        finished = (fc == 0) | (np.abs(bisection) < delta)
        with np.errstate(divide="ignore", invalid="ignore"):
            interpolate = -fc * (xc - xp) / (fc - fp)
            d_pre = (fp - fc) / (xp - xc)
            d_blk = (fb - fc) / (xb - xc)
            extrapolate = -fc * (fb * d_blk - fp * d_pre) / (d_blk * d_pre * (fb - fp))
        trial = np.where(xp == xb, interpolate, extrapolate)
        try_step = (np.abs(sp) > delta) & (np.abs(fc) < np.abs(fp))
        good = try_step & (2 * np.abs(trial) < np.minimum(np.abs(sp), 3 * np.abs(bisection) - delta))
        sp, sc = np.where(good, sc, bisection), np.where(good, trial, bisection)
        xp, fp = xc, fc
        xc = np.where(np.abs(sc) > delta, xc + sc, xc + np.where(bisection > 0, delta, -delta))
        # Rows that have finished keep xcur as it was at the test (xp here): brentq returns it.
        m[live[finished]] = xp[finished]
        done[live[finished]] = True
        for array, new in zip(
            (xpre, xcur, xblk, fpre, fcur, fblk, spre, scur), (xp, xc, xb, fp, fc, fb, sp, sc), strict=True
        ):
            array[live] = np.where(finished, array[live], new)
        live = live[~finished]
        if live.size:
            fcur[live] = slope(live, xcur[live])
    failed |= ~done
    for k in range(rows):
        if not failed[k]:
            results[int(index[k])] = (float(m[k]), (float(warm_p[k]), float(warm_q[k])) if has_warm[k] else None)


def _padded(series: Sequence[_Series], index: npt.NDArray[np.intp]) -> tuple[Array, Array, npt.NDArray[np.bool_]]:
    """Counts, adopters before each period and which periods exist, for the series ``index``, zero-padded."""
    lengths = [series[row].counts.size for row in index.tolist()]
    width = max(lengths)
    counts = np.zeros((index.size, width))
    before = np.zeros((index.size, width))
    valid = np.zeros((index.size, width), dtype=bool)
    for k, (row, size) in enumerate(zip(index.tolist(), lengths, strict=True)):
        counts[k, :size] = series[row].counts
        before[k, 1:size] = np.cumsum(series[row].counts)[:-1]
        valid[k, :size] = True
    return counts, before, valid


def _length_classes(series: Sequence[_Series]) -> list[npt.NDArray[np.intp]]:
    """Series of similar length (powers of two) share a batch, as in ``_nls_fits``."""
    lengths = np.array([item.counts.size for item in series])
    classes = np.ceil(np.log2(np.maximum(lengths, 1))).astype(int)
    return [np.flatnonzero(classes == length_class) for length_class in np.unique(classes)]


def _hazard_full_gradient_many(theta: Array, counts: Array, before: Array, valid: npt.NDArray[np.bool_]) -> Array:
    """``_hazard_full_gradient`` for many rows (theta R×3, padded R×T series) at once: R×3."""
    p, q, m = theta[:, 0:1], theta[:, 1:2], theta[:, 2:3]
    at_risk = np.where(valid, m - before, 0.0)
    share = before / m
    hazard = p + q * share
    stay = at_risk - counts
    d_hazard = -q * before / m**2
    stayed = valid & (stay > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        first_x = np.where(counts > 0, counts / hazard, 0.0)
        first_s = np.where(stayed, stay / (1.0 - hazard), 0.0)
        d_m = np.where(
            valid,
            special.digamma(at_risk + 1.0)
            - special.digamma(stay + 1.0)
            + first_x * d_hazard
            + np.where(stayed, np.log1p(-hazard), 0.0)
            - first_s * d_hazard,
            0.0,
        )
        return np.column_stack(
            [
                first_x.sum(axis=1) - first_s.sum(axis=1),
                (first_x * share).sum(axis=1) - (first_s * share).sum(axis=1),
                d_m.sum(axis=1),
            ]
        )


def _hazard_information_many(series: Sequence[_Series], points: Sequence[_HazardPoint]) -> list[Array]:
    """The m-estimated information of every series as ``_hazard_fit`` computes it (central differences of the
    gradient, symmetrised), all series' differences in one array operation per length class."""
    information: list[Array] = [np.zeros((3, 3))] * len(series)
    for index in _length_classes(series):
        counts, before, valid = _padded(series, index)
        theta = np.array([[points[row].p, points[row].q, points[row].m] for row in index.tolist()])
        steps = np.array([points[row].steps for row in index.tolist()])
        hessian = np.empty((index.size, 3, 3))
        for j in range(3):
            shift = np.zeros((index.size, 3))
            shift[:, j] = steps[:, j]
            up = _hazard_full_gradient_many(theta + shift, counts, before, valid)
            down = _hazard_full_gradient_many(theta - shift, counts, before, valid)
            hessian[:, :, j] = (up - down) / (2.0 * steps[:, j : j + 1])
        symmetric = -0.5 * (hessian + hessian.transpose(0, 2, 1))
        for k, row in enumerate(index.tolist()):
            information[row] = symmetric[k]
    return information


def _hazard_fits_batched(series: Sequence[_Series], population: int | None) -> list[BassFit]:
    """The m-estimated hazard MLE of many series: ``_hazard_fit`` for each, its search over m and its standard
    errors' differences batched (``_hazard_m_many``, ``_hazard_information_many``)."""
    searched = _hazard_m_many(series, population)
    points = [_hazard_point(item.counts, population, True, found) for item, found in zip(series, searched, strict=True)]
    information = _hazard_information_many(series, points)
    return [
        _hazard_finish(point, item.counts, item.periods, population, True, info)
        for point, item, info in zip(points, series, information, strict=True)
    ]


# --- non-linear least squares ---------------------------------------------------------------------------------------


def _bass_increments(theta: Array, size: int) -> tuple[Array, Array]:
    """m·(F(t) − F(t−1)) for t = 1..size and its Jacobian, for a batch of parameter rows theta (S×3).

    Returns increments (S×T) and the Jacobian (S×T×3: p, q, m).
    """
    p, q, m = theta[:, 0:1], theta[:, 1:2], theta[:, 2:3]
    t = np.arange(size + 1.0)[None, :]
    decay = np.exp(-(p + q) * t)
    ratio = q / p
    numerator = 1.0 - decay
    denominator = 1.0 + ratio * decay
    f = numerator / denominator
    d_p = decay * (t * denominator + numerator * (q / p**2 + ratio * t)) / denominator**2
    d_q = decay * (t * denominator - numerator * (1.0 / p - ratio * t)) / denominator**2
    shape = np.diff(f, axis=1)
    jacobian = np.stack([m * np.diff(d_p, axis=1), m * np.diff(d_q, axis=1), shape], axis=2)
    return m * shape, jacobian


def _levenberg_marquardt(
    counts: Array, weights: Array, starts: Array, lower: Array, upper: Array, free_m: npt.NDArray[np.bool_]
) -> tuple[Array, Array, npt.NDArray[np.bool_]]:
    """Bounded least squares of Bass increments for a batch of rows (series × starts), all at once.

    ``counts`` and ``weights`` are R×T (a row shorter than T is padded with weight 0), ``starts``, ``lower`` and
    ``upper`` R×3 in (p, q, m), ``free_m`` whether each row estimates m. Returns theta (R×3), the sums of
    squares (halved) and whether each row converged.

    Levenberg–Marquardt with Marquardt's diagonal scaling; a step is projected onto the bounds, and a parameter on
    a bound whose gradient points outwards is held there (an active set). p is searched on the log scale: near
    p → 0 the sum of squares has a long valley along which p shrinks by factors while q grows; in log p it is
    short. Hand-written rather than ``scipy.optimize.least_squares``, which finds the same minima (checked in the
    tests) but costs ~15 ms a fit in overhead, and all 728 SPID fits must take under two seconds: here every row
    of every series moves in one array operation, and rows that have converged drop out.
    A row has converged when a step lowers its sum of squares by less than 1e-10 of it, when its scale-free
    projected gradient is below 1e-9 of it, or when no step lowers it at all (λ > 1e12: a minimum to machine
    precision); a row still moving after ``MAX_ITERATIONS`` has not.
    """
    rows, size = counts.shape
    log_lower = np.column_stack([np.log(lower[:, 0]), lower[:, 1:]])
    log_upper = np.column_stack([np.log(upper[:, 0]), upper[:, 1:]])
    theta = np.clip(np.column_stack([np.log(np.maximum(starts[:, 0], 1e-300)), starts[:, 1:]]), log_lower, log_upper)
    held_m = ~free_m

    def evaluate(point: Array, index: npt.NDArray[np.intp]) -> tuple[Array, Array]:
        natural = np.column_stack([np.exp(point[:, 0]), point[:, 1], point[:, 2]])
        values, derivatives = _bass_increments(natural, size)
        derivatives[:, :, 0] *= natural[:, 0:1]  # d/d log p = p·d/dp
        w = weights[index]
        return (values - counts[index]) * w, derivatives * w[:, :, None]

    everything = np.arange(rows)
    residual, jacobian = evaluate(theta, everything)
    cost = 0.5 * (residual**2).sum(axis=1)
    damping = np.full(rows, 1e-3)
    converged = np.zeros(rows, dtype=bool)
    active = everything
    identity = np.eye(3)
    for _ in range(MAX_ITERATIONS):
        th, res, jac, cst, lam = theta[active], residual[active], jacobian[active], cost[active], damping[active]
        lo, hi = log_lower[active], log_upper[active]
        gradient = np.einsum("stk,st->sk", jac, res)
        normal = np.einsum("stk,stl->skl", jac, jac)
        held = ((th <= lo) & (gradient > 0)) | ((th >= hi) & (gradient < 0))
        held[:, 2] |= held_m[active]
        free = ~held
        mask = free[:, :, None] & free[:, None, :]
        diagonal = np.maximum(np.diagonal(normal, axis1=1, axis2=2), 1e-12 * normal.max(axis=(1, 2))[:, None] + 1e-300)
        system = np.where(mask, normal, 0.0) + identity * (lam[:, None] * diagonal * free + held)[:, None, :]
        step = -np.linalg.solve(system, (gradient * free)[:, :, None])[:, :, 0]
        trial = np.clip(th + step, lo, hi)
        new_residual, new_jacobian = evaluate(trial, active)
        new_cost = 0.5 * (new_residual**2).sum(axis=1)
        better = new_cost < cst
        flat = (np.abs(gradient * free * np.maximum(np.abs(th), 1.0)) <= 1e-9 * (cst[:, None] + 1e-12)).all(axis=1)
        small = (better & (cst - new_cost <= 1e-10 * cst)) | flat
        theta[active] = np.where(better[:, None], trial, th)
        residual[active] = np.where(better[:, None], new_residual, res)
        jacobian[active] = np.where(better[:, None, None], new_jacobian, jac)
        cost[active] = np.where(better, new_cost, cst)
        lam = np.where(better, np.maximum(lam / 3.0, 1e-12), lam * 4.0)
        damping[active] = lam
        finished = small | (lam > 1e12)
        converged[active[finished]] = True
        active = active[~finished]
        if active.size == 0:
            break
    natural = np.column_stack([np.exp(theta[:, 0]), theta[:, 1], theta[:, 2]])
    return natural, cost, converged


@dataclass(frozen=True)
class _Series:
    """One innovation's curve, ready to fit."""

    periods: list[int]
    counts: Array


def _nls_fits(series: Sequence[_Series], population: int | None) -> list[BassFit]:
    """NLS for many series: every start of every series in one batched Levenberg–Marquardt per length class."""
    rows_of: list[list[int]] = []
    counts_rows: list[Array] = []
    starts_rows: list[Array] = []
    bounds_rows: list[tuple[Array, Array]] = []
    grid = _Grid(max(item.counts.size for item in series))
    for item in series:
        total = float(item.counts.sum())
        upper_m = float(population) if population is not None else M_CAP_FACTOR * total
        starts = _nls_starts(item.counts, total, upper_m, grid)
        first_row = len(counts_rows)
        rows_of.append(list(range(first_row, first_row + len(starts))))
        for start in starts:
            counts_rows.append(item.counts)
            starts_rows.append(start)
            bounds_rows.append((np.array([P_MIN, 0.0, total]), np.array([1.0, Q_MAX, upper_m])))
    count = len(counts_rows)
    theta = np.empty((count, 3))
    cost = np.empty(count)
    converged = np.zeros(count, dtype=bool)
    lengths = np.array([row.size for row in counts_rows])
    # Rows of similar length share a batch (padded to the longest of the class, powers of two), so a 300-year
    # series does not make every 20-year one carry 280 empty periods.
    classes = np.ceil(np.log2(np.maximum(lengths, 1))).astype(int)
    for length_class in np.unique(classes):
        index = np.flatnonzero(classes == length_class)
        width = int(lengths[index].max())
        counts = np.zeros((index.size, width))
        weights = np.zeros((index.size, width))
        for k, row in enumerate(index):
            counts[k, : lengths[row]] = counts_rows[row]
            weights[k, : lengths[row]] = 1.0
        lower = np.array([bounds_rows[row][0] for row in index])
        upper = np.array([bounds_rows[row][1] for row in index])
        free_m = upper[:, 2] - lower[:, 2] > 1e-9
        theta[index], cost[index], converged[index] = _levenberg_marquardt(
            counts, weights, np.array([starts_rows[row] for row in index]), lower, upper, free_m
        )
    fits = []
    for item, rows in zip(series, rows_of, strict=True):
        best = rows[int(np.argmin(cost[rows]))]
        lower, upper = bounds_rows[best]
        fits.append(_nls_result(item, population, theta[best], float(cost[best]), bool(converged[best]), lower, upper))
    return fits


def _nls_result(
    item: _Series, population: int | None, theta: Array, cost: float, converged: bool, lower: Array, upper: Array
) -> BassFit:
    size = item.counts.size
    total = float(item.counts.sum())
    free_m = upper[2] - lower[2] > 1e-9
    increments, jacobian = (array[0] for array in _bass_increments(theta[None, :], size))
    on_bound = (theta <= lower * (1.0 + 1e-6) + 1e-12) | (theta >= upper * (1.0 - 1e-9))
    free = [not on_bound[0], not on_bound[1], bool(free_m and not on_bound[2])]
    k = sum(free)
    covariance = None
    if size > k and k > 0:
        sigma2 = 2.0 * cost / (size - k)
        covariance = _covariance(jacobian.T @ jacobian / max(sigma2, 1e-300), free)
    m_at_cap = population is None and bool(on_bound[2]) and theta[2] > total
    return _assemble(
        method="nls",
        theta=theta,
        covariance=covariance,
        free=free,
        periods=item.periods,
        counts=item.counts,
        increments=increments,
        increment_gradient=jacobian,
        converged=converged,
        m_at_cap=m_at_cap,
        population=population,
    )


GRID_P = np.geomspace(1e-3, 0.5, 12)
GRID_Q = np.concatenate(([0.0], np.geomspace(0.02, 3.0, 14)))


class _Grid:
    """The grid's curve shapes F(t) − F(t−1) for t = 1..T, computed once for the longest series and sliced."""

    def __init__(self, periods: int) -> None:
        p_grid, q_grid = np.meshgrid(GRID_P, GRID_Q, indexing="ij")
        self.p, self.q = p_grid.ravel(), q_grid.ravel()
        t = np.arange(periods + 1.0)[None, :]
        decay = np.exp(-(self.p + self.q)[:, None] * t)
        self.shape = np.diff((1.0 - decay) / (1.0 + (self.q / self.p)[:, None] * decay), axis=1)
        # Σ shape² over the first T periods, for every T at once.
        self.power = np.cumsum(self.shape**2, axis=1)


def _nls_starts(counts: Array, total: float, upper_m: float, grid: _Grid | None = None) -> list[Array]:
    """Start values: Bass's OLS (when it has a solution) and the two best grid points, m in closed form."""
    starts: list[Array] = []
    solution = _ols_solution(counts, with_covariance=False)
    if solution is not None:
        starts.append(solution[0].copy())
    size = counts.size
    if grid is None or grid.shape.shape[1] < size:
        grid = _Grid(size)
    shape = grid.shape[:, :size]
    # For fixed (p, q) the sum of squares is quadratic in m: its minimiser, clipped to the bounds.
    m_best = np.clip((shape @ counts) / np.maximum(grid.power[:, size - 1], 1e-300), total, upper_m)
    sse = ((m_best[:, None] * shape - counts[None, :]) ** 2).sum(axis=1)
    for index in np.argsort(sse)[:2]:
        starts.append(np.array([grid.p[index], grid.q[index], m_best[index]]))
    return starts


# --- the entry point ---------------------------------------------------------------------------------------------


def _series(years: Sequence[int], population: int | None, first: int | None, last: int | None) -> _Series:
    if not years:
        raise ValueError("no adopters: nothing to fit")
    if population is not None and population <= 0:
        raise ValueError("the population must be positive")
    if population is not None and len(years) > population:
        raise ValueError(f"{len(years)} adopters is more than the population of {population}")
    periods, count_list = adopters_per_year(years, first, last)
    return _Series(periods, np.asarray(count_list, dtype=np.float64))


def fit_bass_many(
    series: Sequence[Sequence[int]],
    *,
    population: int | None = None,
    method: str = "auto",
    estimate_m: bool | None = None,
    first: int | None = None,
    last: int | None = None,
) -> list[BassFit | None]:
    """``fit_bass`` for many innovations at once (the same results; NLS runs batched, much faster).

    One entry per series, in order; ``None`` only for ``method="ols"`` where Bass's OLS has no solution.
    """
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}; one of {', '.join(METHODS)}")
    items = [_series(years, population, first, last) for years in series]
    if method == "nls":
        return list(_nls_fits(items, population))
    if method == "ols":
        return [_ols_fit(item.counts, item.periods, population) for item in items]
    use_m = population is None if estimate_m is None else estimate_m
    if population is None and not use_m:
        raise ValueError("m = N needs the population N")
    if not use_m:
        return [_hazard_fit(item.counts, item.periods, population, False) for item in items]
    if len(items) < HAZARD_BATCH_MIN:
        return [_hazard_fit(item.counts, item.periods, population, True) for item in items]
    return list(_hazard_fits_batched(items, population))


def fit_bass(
    years: Sequence[int],
    *,
    population: int | None = None,
    method: str = "auto",
    estimate_m: bool | None = None,
    first: int | None = None,
    last: int | None = None,
) -> BassFit:
    """Fit the Bass model to adopters' years (one per adopter); see the module's docstring for the methods.

    ``population`` is N, the organisations that could adopt. ``estimate_m`` (default: when N is not given) lets the
    hazard MLE estimate the market potential m ≤ N instead of m = N; NLS and OLS always estimate m.
    ``first``/``last`` set the periods observed (default: the first and last adoption year).
    """
    fit = fit_bass_many([years], population=population, method=method, estimate_m=estimate_m, first=first, last=last)[0]
    if fit is None:
        raise BassFitError("Bass's OLS has no valid solution for these data (c ≥ 0, no real root or p ≤ 0)")
    return fit
