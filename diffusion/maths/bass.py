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
    its maximum is unique; it is found by Newton's method with an active set for q = 0 (hand-written: a general
    optimiser costs ten times more per fit, and all SPID fits must take under two seconds). Standard errors from
    the observed information (the inverse Hessian). With ``estimate_m`` the population N is replaced by the market
    potential m, estimated in [adopters observed, N] (or up to 10× the adopters observed when no N is given) by
    maximising the profile likelihood over m (R_t = m − Y_{t−1} is then continuous: the binomial coefficient is
    written with the gamma function); standard errors from a numerical Hessian of the full likelihood.
    The fitted curve is the model's mean path y_t = y_{t−1} + (m − y_{t−1})(p + q·y_{t−1}/m), y_0 = 0.
``nls``
    Non-linear least squares on the period increments (Srinivasan & Mason 1986): x_t = m·(F(t) − F(t−1)) + e_t,
    with p > 0, 0 ≤ q ≤ 10, adopters observed ≤ m ≤ N (or ≤ 10× the adopters observed without N), by
    ``scipy.optimize.least_squares`` (trust-region reflective, analytic Jacobian) from several starts: Bass's OLS
    solution and the best points of a grid over (p, q) with m solved in closed form. Standard errors
    σ̂²·(JᵀJ)⁻¹ with σ̂² = SSE/(T − k), J the Jacobian at the estimate, for the k parameters not on a bound.
``ols``
    Bass's own regression S_t = a + b·Y_{t−1} + c·Y_{t−1}² (Y_0 = 0), m the positive root of a + b·m + c·m² = 0,
    p = a/m, q = −c·m. It has no Bass solution when c ≥ 0, b² < 4ac or the root or p is not positive. Standard errors
    by the delta method from the regression's coefficient covariance. Used mainly for start values.

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
from dataclasses import dataclass, replace

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
    """The discrete model's mean path: increments x_t and their derivatives (T×3: p, q, m)."""
    increments = np.empty(periods)
    jacobian = np.empty((periods, 3))
    y = 0.0
    dy = np.zeros(3)
    for t in range(periods):
        x = (p + q * y / m) * (m - y)
        slope = (q - p) - 2.0 * q * y / m  # d x_t / d y_{t-1}
        explicit = np.array([m - y, y - y * y / m, p + q * y * y / (m * m)])
        dx = explicit + slope * dy
        increments[t] = x
        jacobian[t] = dx
        y += x
        dy = dy + dx
    return increments, jacobian


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
    index = [i for i, is_free in enumerate(free) if is_free]
    if not index:
        return None
    block = information[np.ix_(index, index)]
    if not np.all(np.isfinite(block)):
        return None
    try:
        covariance = np.linalg.inv(block)
    except np.linalg.LinAlgError:
        return None
    if not np.all(np.isfinite(covariance)) or np.any(np.diag(covariance) <= 0):
        return None
    full = np.zeros((len(free), len(free)))
    full[np.ix_(index, index)] = covariance
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
    return tuple(float(v) for v in low), tuple(float(v) for v in high)


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
    # Trough run a..b (inclusive), 1 ≤ a ≤ b ≤ T−2: wave 1 is 0..a−1, wave 2 is b+1..T−1.
    a, b = np.triu_indices(periods)
    keep = (a >= 1) & (b <= periods - 2)
    a, b = a[keep], b[keep]
    if a.size == 0:
        return False
    before = cumulative[a]
    after = total - cumulative[b + 1]
    in_trough = cumulative[b + 1] - cumulative[a]
    sized = (before >= need) & (after >= need)
    if not np.any(sized):
        return False
    smaller_peak = np.minimum(peak_before[a - 1], peak_after[b + 1])
    width = (b - a + 1).astype(np.float64)
    chance = special.pdtr(in_trough, smaller_peak * width)
    return bool(np.any(sized & (chance < TROUGH_ALPHA)))


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
        observed=tuple(int(v) for v in np.rint(counts)),
        fitted=tuple(float(v) for v in increments),
        cumulative_low=low,
        cumulative_high=high,
        peak_year=peak_year,
        past_inflection=past,
        converged=converged,
        flags=_flags(counts, past, converged, m_at_cap),
        population=population,
    )


# --- Bass's OLS ----------------------------------------------------------------------------------------------------


def _ols_solution(counts: Array) -> tuple[Array, Array | None] | None:
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
    if periods > 3:
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
    p, q, m = (float(v) for v in theta)
    increments, gradient = _discrete_path(p, q, m, counts.size)
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


def _hazard_loglik(p: float, q: float, counts: Array, at_risk: Array, share: Array) -> float:
    """Σ x log h + (R − x) log(1 − h) (the binomial coefficients left out); −inf outside 0 < h ≤ 1."""
    hazard = p + q * share
    stay = at_risk - counts
    if np.any(hazard <= 0.0) or np.any(hazard > 1.0) or np.any((hazard >= 1.0) & (stay > 0)):
        return -math.inf
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = counts * np.log(hazard) + np.where(stay > 0, stay * np.log1p(-hazard), 0.0)
    return float(terms.sum())


def _hazard_newton(
    counts: Array, at_risk: Array, share: Array, start: tuple[float, float] | None = None
) -> tuple[float, float, float, bool]:
    """Maximise the concave hazard log-likelihood over p > 0, q ≥ 0 by Newton's method with an active set.

    Returns (p, q, log-likelihood, converged).
    """
    stay = at_risk - counts
    if start is None:
        # Start: the first period's hazard for p, then q by least squares of the period hazards on the share.
        rates = np.divide(counts, at_risk, out=np.zeros_like(counts), where=at_risk > 0)
        p = max(float(rates[0]) if rates[0] > 0 else float(counts.sum() / max(at_risk.sum(), 1.0)), 1e-4)
        spread = share - share.mean()
        q = max(float(spread @ (rates - rates.mean()) / max(spread @ spread, 1e-12)), 0.0) if share.any() else 0.0
        if _hazard_loglik(p, q, counts, at_risk, share) == -math.inf:
            q = 0.0
            p = min(p, 0.5)
    else:
        p, q = start
    value = _hazard_loglik(p, q, counts, at_risk, share)
    converged = False
    for _ in range(100):
        hazard = p + q * share
        with np.errstate(divide="ignore", invalid="ignore"):
            first = np.where(counts > 0, counts / hazard, 0.0) - np.where(stay > 0, stay / (1.0 - hazard), 0.0)
            weight = np.where(counts > 0, counts / hazard**2, 0.0) + np.where(stay > 0, stay / (1.0 - hazard) ** 2, 0.0)
        gradient = np.array([first.sum(), first @ share])
        hessian = -np.array([[weight.sum(), weight @ share], [weight @ share, weight @ share**2]])
        q_fixed = q <= 0.0 and gradient[1] <= 0.0
        if q_fixed or hessian[1, 1] == 0.0:
            step = np.array([-gradient[0] / hessian[0, 0], 0.0])
        else:
            try:
                step = -np.linalg.solve(hessian, gradient)
            except np.linalg.LinAlgError:
                step = np.array([-gradient[0] / hessian[0, 0], 0.0])
        decrement = -float(gradient @ step)
        if decrement < 1e-10:
            converged = True
            break
        alpha = 1.0
        improved = False
        while alpha > 1e-12:
            new_p = max(p + alpha * step[0], P_MIN)
            new_q = max(q + alpha * step[1], 0.0)
            new_value = _hazard_loglik(new_p, new_q, counts, at_risk, share)
            if new_value >= value - 1e-12:
                improved = True
                break
            alpha *= 0.5
        if not improved:
            break
        change = abs(new_p - p) + abs(new_q - q)
        p, q, value = new_p, new_q, new_value
        if change < 1e-13:
            converged = True
            break
    return p, q, value, converged


def _hazard_full_loglik(theta: Array, counts: Array, before: Array) -> float:
    """The full log-likelihood in (p, q, m), binomial coefficients by the gamma function (m continuous)."""
    p, q, m = (float(v) for v in theta)
    if p <= 0.0 or q < 0.0 or m < before[-1] + counts[-1]:
        return -math.inf
    at_risk = m - before
    value = _hazard_loglik(p, q, counts, at_risk, before / m)
    constant = special.gammaln(at_risk + 1.0) - special.gammaln(at_risk - counts + 1.0)
    return value + float(constant.sum())


def _numerical_hessian(function: Callable[[Array], float], theta: Array) -> Array:
    """Central second differences with relative steps (for the m-estimated likelihood only)."""
    k = theta.size
    steps = 1e-4 * np.maximum(np.abs(theta), 1e-6)
    hessian = np.empty((k, k))
    center = function(theta)
    for i in range(k):
        for j in range(i, k):
            if i == j:
                up, down = theta.copy(), theta.copy()
                up[i] += steps[i]
                down[i] -= steps[i]
                value = (function(up) - 2.0 * center + function(down)) / steps[i] ** 2
            else:
                corners = []
                for si, sj in ((1, 1), (1, -1), (-1, 1), (-1, -1)):
                    point = theta.copy()
                    point[i] += si * steps[i]
                    point[j] += sj * steps[j]
                    corners.append(function(point))
                value = (corners[0] - corners[1] - corners[2] + corners[3]) / (4.0 * steps[i] * steps[j])
            hessian[i, j] = hessian[j, i] = value
    return hessian


def _hazard_fit(counts: Array, periods: Sequence[int], population: int | None, estimate_m: bool) -> BassFit:
    total = float(counts.sum())
    before = np.concatenate(([0.0], np.cumsum(counts)[:-1]))
    m_at_cap = False
    if not estimate_m:
        assert population is not None  # noqa: S101 - fit_bass guarantees it
        m = float(population)
        at_risk = m - before
        p, q, _, converged = _hazard_newton(counts, at_risk, before / m)
        hazard = p + q * before / m
        stay = at_risk - counts
        with np.errstate(divide="ignore", invalid="ignore"):
            weight = np.where(counts > 0, counts / hazard**2, 0.0) + np.where(stay > 0, stay / (1.0 - hazard) ** 2, 0.0)
        share = before / m
        information = np.zeros((3, 3))
        information[:2, :2] = [[weight.sum(), weight @ share], [weight @ share, weight @ share**2]]
        free = [True, q > 0.0, False]
    else:
        upper = float(population) if population is not None else M_CAP_FACTOR * total
        lower = total

        def profile(m_value: float) -> float:
            at_risk = m_value - before
            value = _hazard_newton(counts, at_risk, before / m_value)[2]
            constant = special.gammaln(at_risk + 1.0) - special.gammaln(at_risk - counts + 1.0)
            return -(value + float(constant.sum()))

        if upper - lower < 1e-9:
            m = upper
        else:
            # The profile likelihood in m is smooth; bounded Brent's method on it (tolerance 1e-3 adopters).
            result = optimize.minimize_scalar(profile, bounds=(lower, upper), method="bounded", options={"xatol": 1e-3})
            m = float(result.x)
            if profile(lower) <= float(result.fun):
                m = lower
            if population is None and m > upper - 1e-2:
                m_at_cap = True
        at_risk = m - before
        p, q, _, converged = _hazard_newton(counts, at_risk, before / m)
        theta = np.array([p, q, m])
        free = [True, q > 0.0, lower < m < upper - 1e-6]
        information = -_numerical_hessian(lambda t: _hazard_full_loglik(t, counts, before), theta)
        # a free parameter's step off a bound makes the likelihood -inf; then no information there
        if not np.all(np.isfinite(information)):
            information = np.where(np.isfinite(information), information, 0.0)
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
        converged=converged,
        m_at_cap=m_at_cap,
        population=population,
    )


# --- non-linear least squares ---------------------------------------------------------------------------------------


def _nls_fit(counts: Array, periods: Sequence[int], population: int | None) -> BassFit:
    total = float(counts.sum())
    size = counts.size
    ends = np.arange(1.0, size + 1.0)
    starts = ends - 1.0
    upper_m = float(population) if population is not None else M_CAP_FACTOR * total
    m_free = upper_m - total > 1e-9

    def increments_and_jacobian(theta: Array) -> tuple[Array, Array]:
        p, q, m = (float(v) for v in theta)
        f1, dp1, dq1 = _bass_f_gradient(p, q, ends)
        f0, dp0, dq0 = _bass_f_gradient(p, q, starts)
        jacobian = np.column_stack([m * (dp1 - dp0), m * (dq1 - dq0), f1 - f0])
        return m * (f1 - f0), jacobian

    def residuals(free_theta: Array) -> Array:
        theta = free_theta if m_free else np.append(free_theta, upper_m)
        p, q, m = (float(v) for v in theta)
        increments: Array = m * (_bass_f(p, q, ends) - _bass_f(p, q, starts))
        return increments - counts

    def jacobian(free_theta: Array) -> Array:
        theta = free_theta if m_free else np.append(free_theta, upper_m)
        matrix = increments_and_jacobian(theta)[1]
        return matrix if m_free else matrix[:, :2]

    lower = np.array([P_MIN, 0.0, total])
    upper = np.array([1.0, Q_MAX, upper_m])
    candidates = _nls_starts(counts, total, upper_m)
    best: tuple[float, Array, bool] | None = None
    for start in candidates:
        x0 = np.clip(start, lower + 1e-9 * (upper - lower), upper - 1e-9 * (upper - lower))
        if not m_free:
            x0 = x0[:2]
        result = optimize.least_squares(
            residuals,
            x0,
            jac=jacobian,
            bounds=(lower, upper) if m_free else (lower[:2], upper[:2]),
            method="trf",
            x_scale="jac",
            xtol=1e-10,
            ftol=1e-10,
            gtol=1e-10,
            max_nfev=200,
        )
        cost = float(result.cost)
        theta = result.x if m_free else np.append(result.x, upper_m)
        if best is None or cost < best[0] - 1e-12:
            best = (cost, theta, bool(result.success))
    assert best is not None  # noqa: S101 - there is always at least one start
    cost, theta, converged = best
    increments, jacobian_full = increments_and_jacobian(theta)
    on_bound = (theta <= lower + 1e-7 * np.maximum(np.abs(lower), 1.0)) | (
        theta >= upper - 1e-7 * np.maximum(np.abs(upper), 1.0)
    )
    free = [not on_bound[0], not on_bound[1], m_free and not on_bound[2]]
    k = sum(free)
    covariance = None
    if size > k and k > 0:
        sigma2 = 2.0 * cost / (size - k)
        covariance = _covariance(jacobian_full.T @ jacobian_full / max(sigma2, 1e-300), free)
    m_at_cap = population is None and bool(on_bound[2]) and theta[2] > total
    return _assemble(
        method="nls",
        theta=theta,
        covariance=covariance,
        free=free,
        periods=periods,
        counts=counts,
        increments=increments,
        increment_gradient=jacobian_full,
        converged=converged,
        m_at_cap=m_at_cap,
        population=population,
    )


GRID_P = np.geomspace(1e-3, 0.5, 12)
GRID_Q = np.concatenate(([0.0], np.geomspace(0.02, 3.0, 14)))


def _nls_starts(counts: Array, total: float, upper_m: float) -> list[Array]:
    """Start values: Bass's OLS (when it has a solution) and the two best grid points, m in closed form."""
    starts: list[Array] = []
    solution = _ols_solution(counts)
    if solution is not None:
        starts.append(solution[0].copy())
    size = counts.size
    ends = np.arange(1.0, size + 1.0)
    p_grid, q_grid = np.meshgrid(GRID_P, GRID_Q, indexing="ij")
    p_flat, q_flat = p_grid.ravel()[:, None], q_grid.ravel()[:, None]
    decay = np.exp(-(p_flat + q_flat) * np.concatenate(([0.0], ends))[None, :])
    curve = (1.0 - decay) / (1.0 + (q_flat / p_flat) * decay)
    shape = np.diff(curve, axis=1)
    # For fixed (p, q) the sum of squares is quadratic in m: its minimiser, clipped to the bounds.
    m_best = np.clip((shape @ counts) / np.maximum((shape**2).sum(axis=1), 1e-300), total, upper_m)
    sse = ((m_best[:, None] * shape - counts[None, :]) ** 2).sum(axis=1)
    order = np.argsort(sse)
    for index in order[:2]:
        starts.append(np.array([p_flat[index, 0], q_flat[index, 0], m_best[index]]))
    return starts


# --- the entry point ---------------------------------------------------------------------------------------------


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
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}; one of {', '.join(METHODS)}")
    if not years:
        raise ValueError("no adopters: nothing to fit")
    if population is not None and len(years) > population:
        raise ValueError(f"{len(years)} adopters is more than the population of {population}")
    if population is not None and population <= 0:
        raise ValueError("the population must be positive")
    periods, count_list = adopters_per_year(years, first, last)
    counts = np.asarray(count_list, dtype=np.float64)
    if method == "ols":
        fit = _ols_fit(counts, periods, population)
        if fit is None:
            raise BassFitError("Bass's OLS has no valid solution for these data (c ≥ 0, no real root or p ≤ 0)")
        return replace(fit, population=population)
    if method == "nls":
        return _nls_fit(counts, periods, population)
    if estimate_m is None:
        estimate_m = population is None
    return _hazard_fit(counts, periods, population, estimate_m)
