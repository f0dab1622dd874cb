"""The few distribution functions the estimates need, in plain Python: numpy has no quantile functions and the
module must not need scipy. Each is accurate to about 1e-13 (checked against scipy in the tests)."""

import math
from functools import lru_cache
from statistics import NormalDist

import numpy as np

from barometer.statistics._types import FloatArray

_EPSILON = 1e-16
_TINY = 1e-300


def normal_quantile(probability: float) -> float:
    """Φ⁻¹(probability); the standard library's implementation is Wichura's AS 241 (accurate to ~1e-16)."""
    return NormalDist().inv_cdf(probability)


def two_sided_p_value(z: FloatArray) -> FloatArray:
    """P(|Z| ≥ |z|) for a standard normal Z, i.e. erfc(|z|/√2); NaN stays NaN."""
    erfc = np.frompyfunc(math.erfc, 1, 1)
    with np.errstate(invalid="ignore"):
        return np.asarray(erfc(np.abs(z) / math.sqrt(2.0)), dtype=np.float64)


@lru_cache(maxsize=64)
def t_quantile(probability: float, df: float) -> float:
    """The `probability` quantile (> 0.5) of Student's t with `df` degrees of freedom; NaN when df ≤ 0.

    Newton's method on the upper tail, started at the normal quantile: the t quantile is always further out, and
    the tail is convex there, so the iterates approach the root from below without overshooting.
    """
    if not 0.5 < probability < 1.0:
        raise ValueError("probability must lie between 0.5 and 1")
    if not df > 0:
        return math.nan
    alpha = 1.0 - probability
    t = normal_quantile(probability)
    # log of the density's constant Γ((ν+1)/2) / (√(νπ) Γ(ν/2))
    log_constant = _log_gamma_ratio(df / 2, 0.5) - 0.5 * math.log(df * math.pi)
    for _ in range(200):
        density = math.exp(log_constant - (df + 1) / 2 * math.log1p(t * t / df))
        step = (_t_upper_tail(t, df) - alpha) / density
        t += step
        if abs(step) <= 1e-15 * t:
            break
    return t


def _t_upper_tail(t: float, df: float) -> float:
    """P(T > t) for t ≥ 0: ½ I_x(ν/2, ½) with x = ν/(ν + t²) (Abramowitz & Stegun 26.7.1 and 26.5.27)."""
    denominator = df + t * t
    return 0.5 * _regularised_beta(df / 2, 0.5, df / denominator, t * t / denominator)


def _regularised_beta(a: float, b: float, x: float, one_minus_x: float) -> float:
    """I_x(a, b), by its continued fraction on whichever side converges fast (Numerical Recipes, 3rd ed., §6.4).

    1 − x is passed in separately so that it keeps its precision when x is close to 1.
    """
    if x <= 0.0:
        return 0.0
    if one_minus_x <= 0.0:
        return 1.0
    # x^a (1−x)^b / B(a, b)
    log_front = (
        _log_gamma_ratio(max(a, b), min(a, b))
        - math.lgamma(min(a, b))
        + a * _log_of(x, one_minus_x)
        + b * _log_of(one_minus_x, x)
    )
    front = math.exp(log_front)
    # Numerical Recipes takes the side where the fraction converges fastest; but with a large a (many degrees of
    # freedom) the fraction in x is numerically unstable (it drifts by 1e-9), so it is kept for small a only.
    if x < (a + 1) / (a + b + 2) and a < 100:
        return front * _beta_continued_fraction(a, b, x) / a
    return 1.0 - front * _beta_continued_fraction(b, a, one_minus_x) / b


def _log_of(value: float, complement: float) -> float:
    """log(value), given 1 − value too: near 1 it is log1p(−complement), exact where log(value) would lose digits
    (they matter: the log is multiplied by a, which reaches 10⁵ and more)."""
    return math.log1p(-complement) if value > 0.5 else math.log(value)


def _log_gamma_ratio(a: float, b: float) -> float:
    """log Γ(a+b) − log Γ(a). For large a the two log-gammas are huge and nearly equal, so their difference is
    taken from Stirling's series instead (it would otherwise lose ~log10(a) digits, 1e-10 at a = 10⁵)."""
    if a < 10:
        return math.lgamma(a + b) - math.lgamma(a)
    return (a - 0.5) * math.log1p(b / a) + b * math.log(a + b) - b + _stirling_remainder(a + b) - _stirling_remainder(a)


def _stirling_remainder(a: float) -> float:
    """log Γ(a) − [(a − ½) log a − a + ½ log 2π], by its asymptotic series (Abramowitz & Stegun 6.1.41); ~1e-17
    for a ≥ 10."""
    inverse_square = 1.0 / (a * a)
    series = 0.0
    for coefficient in (1 / 156, -691 / 360360, 1 / 1188, -1 / 1680, 1 / 1260, -1 / 360, 1 / 12):
        series = series * inverse_square + coefficient
    return series / a


def _beta_continued_fraction(a: float, b: float, x: float) -> float:
    """The continued fraction of the incomplete beta function, by the modified Lentz method."""
    c = 1.0
    d = 1.0 - (a + b) * x / (a + 1)
    d = 1.0 / (d if abs(d) > _TINY else _TINY)
    result = d
    for m in range(1, 100_000):
        for numerator in (
            m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m)),
            -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1)),
        ):
            d = 1.0 + numerator * d
            d = 1.0 / (d if abs(d) > _TINY else _TINY)
            c = 1.0 + numerator / c
            c = c if abs(c) > _TINY else _TINY
            result *= c * d
        if abs(c * d - 1.0) < _EPSILON:
            break
    return result
