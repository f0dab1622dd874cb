"""The Bass fits: Bass's published OLS example, recovery of simulated parameters within their standard errors,
agreement with independent optimisers, analytic derivatives, flags on constructed series, and invariants."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy import optimize, special, stats
from statsmodels.base.model import GenericLikelihoodModel

from diffusion.maths import bass
from diffusion.maths.bass import FLAGS, BassFitError, adopters_per_year, bass_ols, fit_bass


def years_of(counts: list[int] | np.ndarray, first: int = 2000) -> list[int]:
    return [first + t for t, count in enumerate(counts) for _ in range(int(count))]


def simulate_hazard(p: float, q: float, population: int, periods: int, rng: np.random.Generator) -> list[int]:
    """The discrete-time Bass process: x_t ~ Binomial(N − Y, p + q·Y/N)."""
    adopted, counts = 0, []
    for _ in range(periods):
        count = int(rng.binomial(population - adopted, min(p + q * adopted / population, 1.0)))
        counts.append(count)
        adopted += count
    return counts


def simulate_continuous(p: float, q: float, m: float, periods: int, rng: np.random.Generator) -> list[int]:
    """Poisson counts around the continuous Bass increments m·(F(t) − F(t−1))."""
    t = np.arange(periods + 1.0)
    curve = m * (1 - np.exp(-(p + q) * t)) / (1 + (q / p) * np.exp(-(p + q) * t))
    return [int(v) for v in rng.poisson(np.diff(curve))]


# --- Bass's OLS ------------------------------------------------------------------------------------------------


def test_ols_reproduces_the_published_example():
    fit = bass_ols([0.517, 1.169, 1.604, 2.044, 2.286])
    assert fit is not None
    assert fit.m == pytest.approx(10.5036768, abs=1e-6)
    assert fit.p == pytest.approx(0.0626032, abs=1e-6)
    assert fit.q == pytest.approx(0.7376636, abs=1e-6)
    assert fit.method == "ols"


def test_ols_against_statsmodels_regression():
    import statsmodels.api as sm

    counts = np.array([3.0, 7, 14, 22, 30, 31, 25, 17, 9, 5])
    before = np.concatenate(([0.0], np.cumsum(counts)[:-1]))
    model = sm.OLS(counts, sm.add_constant(np.column_stack([before, before**2]))).fit()
    a, b, c = model.params
    m = (-b - math.sqrt(b * b - 4 * a * c)) / (2 * c)
    fit = bass_ols(list(counts))
    assert fit is not None
    assert (fit.p, fit.q, fit.m) == pytest.approx((a / m, -c * m, m), rel=1e-9)
    assert fit.se_p is not None
    assert fit.se_q is not None
    assert fit.se_m is not None


def test_ols_curve_is_the_continuous_one_and_never_negative():
    fit = bass_ols([1, 1, 2, 27, 16, 1])  # AMBER Alert: p + q > 1, where the discrete recursion overshoots m
    assert fit is not None
    t = np.arange(7.0)
    curve = fit.m * (1 - np.exp(-(fit.p + fit.q) * t)) / (1 + (fit.q / fit.p) * np.exp(-(fit.p + fit.q) * t))
    assert fit.fitted == pytest.approx(tuple(np.diff(curve)))
    assert min(fit.fitted) >= 0


def test_the_hazard_models_mean_path_never_overshoots():
    increments, _ = bass._discrete_path(0.3, 1.5, 50.0, 12)
    assert (increments >= 0).all()
    assert increments.sum() == pytest.approx(50.0)


def test_ols_without_a_bass_solution_is_none():
    # Steadily accelerating adoption: c ≥ 0, no saturation in sight.
    assert bass_ols([1, 2, 4, 8, 16, 32]) is None
    assert bass_ols([1, 2]) is None
    with pytest.raises(BassFitError):
        fit_bass(years_of([1, 2, 4, 8, 16, 32]), method="ols")


# --- the curve and its derivatives -----------------------------------------------------------------------------


def test_peak_time_and_inflection_share():
    p, q, m = 0.03, 0.38, 100.0
    peak = bass.bass_peak_time(p, q)
    assert peak == pytest.approx(math.log(q / p) / (p + q))
    # At the peak the cumulative share is ½ − p/(2q) (Bass 1969).
    assert bass.bass_cumulative(p, q, m, [peak])[0] / m == pytest.approx(0.5 - p / (2 * q))
    # The rate m·F'(t) is highest there.
    grid = np.linspace(peak - 1, peak + 1, 201)
    rate = np.gradient(bass.bass_cumulative(p, q, m, grid), grid)
    assert grid[int(np.argmax(rate))] == pytest.approx(peak, abs=0.02)
    assert bass.bass_peak_time(0.4, 0.1) == 0.0


@pytest.mark.parametrize(("p", "q", "m"), [(0.03, 0.38, 100.0), (0.001, 1.5, 40.0), (0.2, 0.05, 12.0)])
def test_analytic_derivatives_match_finite_differences(p, q, m):
    theta = np.array([[p, q, m]])
    _, jacobian = bass._bass_increments(theta, 15)
    _, path_jacobian = bass._discrete_path(p, q, m, 15)
    for k in range(3):
        step = 1e-6 * theta[0, k]
        up, down = theta.copy(), theta.copy()
        up[0, k] += step
        down[0, k] -= step
        numeric = (bass._bass_increments(up, 15)[0] - bass._bass_increments(down, 15)[0])[0] / (2 * step)
        assert jacobian[0, :, k] == pytest.approx(numeric, rel=1e-5, abs=1e-7)
        path_up = bass._discrete_path(*up[0], 15)[0]
        path_down = bass._discrete_path(*down[0], 15)[0]
        assert path_jacobian[:, k] == pytest.approx((path_up - path_down) / (2 * step), rel=1e-5, abs=1e-7)


@pytest.mark.parametrize(("p", "q", "m"), [(0.02, 0.5, 190.0), (0.1, 0.05, 175.0)])
def test_hazard_gradient_in_p_q_m_matches_finite_differences(p, q, m):
    counts = np.array([3.0, 8, 20, 41, 50, 30, 12, 5])
    before = np.concatenate(([0.0], np.cumsum(counts)[:-1]))
    theta = np.array([p, q, m])
    analytic = bass._hazard_full_gradient(theta, counts, before)
    for k in range(3):
        step = 1e-6 * theta[k]
        up, down = theta.copy(), theta.copy()
        up[k] += step
        down[k] -= step
        numeric = (bass._hazard_full_loglik(up, counts, before) - bass._hazard_full_loglik(down, counts, before)) / (
            2 * step
        )
        assert analytic[k] == pytest.approx(numeric, rel=1e-5)


def test_adopters_per_year():
    assert adopters_per_year([2003, 2001, 2003]) == ([2001, 2002, 2003], [1, 0, 2])
    assert adopters_per_year([2003], first=2000, last=2004) == ([2000, 2001, 2002, 2003, 2004], [0, 0, 0, 1, 0])
    with pytest.raises(ValueError, match="outside"):
        adopters_per_year([1999, 2003], first=2000)
    with pytest.raises(ValueError, match="no adoption years"):
        adopters_per_year([])


def test_bad_calls_are_refused():
    with pytest.raises(ValueError, match="no adopters"):
        fit_bass([])
    with pytest.raises(ValueError, match="more than the population"):
        fit_bass([2000, 2001, 2002], population=2)
    with pytest.raises(ValueError, match="unknown method"):
        fit_bass([2000, 2001], method="magic")


# --- hazard MLE ------------------------------------------------------------------------------------------------


def hazard_negative_loglik(theta: np.ndarray, counts: np.ndarray, population: float) -> float:
    """Written independently of the module: scipy's binomial log-pmf, summed."""
    p, q = theta
    before = np.concatenate(([0.0], np.cumsum(counts)[:-1]))
    hazard = p + q * before / population
    if np.any(hazard <= 0) or np.any(hazard > 1):
        return 1e12
    return -float(stats.binom.logpmf(counts, population - before, hazard).sum())


HAZARD_CASES = [(0.01, 0.5, 300, 20), (0.03, 0.3, 309, 25), (0.005, 0.8, 1000, 15)]


@pytest.mark.parametrize(("p", "q", "population", "periods"), HAZARD_CASES)
def test_hazard_mle_agrees_with_an_independent_optimiser(p, q, population, periods):
    rng = np.random.default_rng(13)
    counts = np.array(simulate_hazard(p, q, population, periods, rng), dtype=float)
    fit = fit_bass(years_of(counts), population=population, first=2000, last=2000 + periods - 1)
    assert fit.method == "hazard_mle"
    assert fit.converged
    assert fit.m == population
    result = optimize.minimize(
        hazard_negative_loglik,
        x0=[0.05, 0.1],
        args=(counts, float(population)),
        method="Nelder-Mead",
        options={"xatol": 1e-10, "fatol": 1e-12, "maxiter": 10_000},
    )
    assert (fit.p, fit.q) == pytest.approx(tuple(result.x), rel=1e-4)
    assert hazard_negative_loglik(np.array([fit.p, fit.q]), counts, population) <= result.fun + 1e-8


# statsmodels is asked only for the Hessian at our estimate (maxiter=0), and warns that it did not optimise.
@pytest.mark.filterwarnings("ignore::statsmodels.tools.sm_exceptions.ConvergenceWarning", "ignore::UserWarning")
def test_hazard_standard_errors_agree_with_statsmodels():
    rng = np.random.default_rng(7)
    counts = np.array(simulate_hazard(0.02, 0.45, 309, 18, rng), dtype=float)
    fit = fit_bass(years_of(counts), population=309, first=2000, last=2017)

    class Hazard(GenericLikelihoodModel):
        def loglike(self, params: np.ndarray) -> float:
            return -hazard_negative_loglik(params, counts, 309.0)

    model = Hazard(counts, np.ones_like(counts))
    result = model.fit(start_params=[fit.p, fit.q], method="nm", maxiter=0, disp=False)
    assert (fit.se_p, fit.se_q) == pytest.approx(tuple(result.bse), rel=1e-3)
    assert fit.se_m is None  # m = N is fixed, not estimated


@pytest.mark.parametrize(("p", "q", "population", "periods"), HAZARD_CASES)
def test_hazard_mle_recovers_simulated_parameters_within_their_standard_errors(p, q, population, periods):
    rng = np.random.default_rng(2026)
    inside_p = inside_q = 0
    replications = 40
    for _ in range(replications):
        counts = simulate_hazard(p, q, population, periods, rng)
        fit = fit_bass(years_of(counts), population=population, first=2000, last=2000 + periods - 1)
        assert fit.se_p is not None
        assert fit.se_q is not None
        inside_p += abs(fit.p - p) <= 1.96 * fit.se_p
        inside_q += abs(fit.q - q) <= 1.96 * fit.se_q
    # 95 % intervals: with 40 replications, fewer than 32 inside would be far outside binomial chance.
    assert inside_p >= 32
    assert inside_q >= 32


def test_hazard_mle_with_m_estimated_agrees_with_an_independent_optimiser():
    rng = np.random.default_rng(11)
    # Only 180 of the 309 ever adopt: m is the market potential, below N.
    counts = np.array(simulate_hazard(0.02, 0.5, 180, 12, rng), dtype=float)
    fit = fit_bass(years_of(counts), population=309, estimate_m=True, first=2000, last=2011)
    assert counts.sum() < fit.m < 309
    before = np.concatenate(([0.0], np.cumsum(counts)[:-1]))

    def negative(theta: np.ndarray) -> float:
        p, q, m = theta
        at_risk = m - before
        hazard = p + q * before / m
        if p <= 0 or q < 0 or m < counts.sum() or np.any(hazard >= 1):
            return 1e12
        log_choose = special.gammaln(at_risk + 1) - special.gammaln(counts + 1) - special.gammaln(at_risk - counts + 1)
        return -float(np.sum(log_choose + counts * np.log(hazard) + (at_risk - counts) * np.log1p(-hazard)))

    total = counts.sum()
    # Nelder–Mead from three feasible starts (it handles the likelihood's edge, where it returns 1e12).
    result = min(
        (
            optimize.minimize(
                negative, x0=start, method="Nelder-Mead", options={"xatol": 1e-10, "fatol": 1e-12, "maxiter": 20_000}
            )
            for start in ([0.02, 0.4, 200.0], [0.01, 0.6, total + 5], [0.015, 0.3, 300.0])
        ),
        key=lambda result: result.fun,
    )
    assert (fit.p, fit.q, fit.m) == pytest.approx(tuple(result.x), rel=2e-3)
    assert negative(np.array([fit.p, fit.q, fit.m])) <= result.fun + 1e-6
    assert fit.se_m is not None
    assert abs(fit.m - 180) <= 3 * fit.se_m


# --- NLS -------------------------------------------------------------------------------------------------------

# The series end while the curve still rises (about 80 % of m adopted): with all m observed, m sits on its
# lower bound (the adopters observed) and has no standard error.
NLS_CASES = [(0.02, 0.4, 200.0, 12), (0.01, 0.6, 500.0, 11), (0.04, 0.25, 150.0, 13)]


@pytest.mark.parametrize(("p", "q", "m", "periods"), NLS_CASES)
def test_nls_agrees_with_scipy_least_squares(p, q, m, periods):
    rng = np.random.default_rng(5)
    counts = np.array(simulate_continuous(p, q, m, periods, rng), dtype=float)
    fit = fit_bass(years_of(counts), method="nls", first=2000, last=2000 + periods - 1)
    t = np.arange(periods + 1.0)

    def residuals(theta: np.ndarray) -> np.ndarray:
        pp, qq, mm = theta
        curve = mm * (1 - np.exp(-(pp + qq) * t)) / (1 + (qq / pp) * np.exp(-(pp + qq) * t))
        return np.diff(curve) - counts

    total = counts.sum()
    result = optimize.least_squares(
        residuals, x0=[0.03, 0.3, 1.5 * total], bounds=([1e-7, 0, total], [1, 10, 10 * total]), xtol=1e-14, ftol=1e-14
    )
    ours = 0.5 * float(np.sum((np.array(fit.fitted) - counts) ** 2))
    assert ours <= result.cost * (1 + 1e-8) + 1e-10
    assert (fit.p, fit.q, fit.m) == pytest.approx(tuple(result.x), rel=1e-4)
    # The standard errors: σ̂²(JᵀJ)⁻¹ from scipy's own Jacobian at the optimum.
    sigma2 = 2 * result.cost / (periods - 3)
    covariance = sigma2 * np.linalg.inv(result.jac.T @ result.jac)
    assert (fit.se_p, fit.se_q, fit.se_m) == pytest.approx(tuple(np.sqrt(np.diag(covariance))), rel=1e-3)


@pytest.mark.parametrize(("p", "q", "m", "periods"), NLS_CASES)
def test_nls_recovers_simulated_parameters_within_their_standard_errors(p, q, m, periods):
    rng = np.random.default_rng(99)
    inside = np.zeros(3)
    replications = 40
    for _ in range(replications):
        counts = simulate_continuous(p, q, m, periods, rng)
        fit = fit_bass(years_of(counts), method="nls", first=2000, last=2000 + periods - 1)
        errors = [fit.se_p, fit.se_q, fit.se_m]
        assert all(error is not None for error in errors)
        inside += [abs(a - b) <= 1.96 * e for a, b, e in zip((fit.p, fit.q, fit.m), (p, q, m), errors, strict=True)]
    # Poisson counts are not homoscedastic, so the NLS intervals are approximate: still at least 75 % inside.
    assert (inside >= 0.75 * replications).all(), inside


def test_band_contains_the_fitted_curve_and_widens_with_less_data():
    rng = np.random.default_rng(3)
    counts = simulate_hazard(0.02, 0.5, 309, 20, rng)
    fit = fit_bass(years_of(counts), population=309, first=2000, last=2019)
    cumulative = np.array(fit.fitted_cumulative)
    assert len(fit.cumulative_low) == len(fit.periods)
    assert (np.array(fit.cumulative_low) <= cumulative + 1e-9).all()
    assert (np.array(fit.cumulative_high) >= cumulative - 1e-9).all()
    assert max(fit.cumulative_high) <= 309
    small = fit_bass(years_of(counts[:8]), population=309, first=2000, last=2007)
    wide_small = small.cumulative_high[-1] - small.cumulative_low[-1]
    wide_full = fit.cumulative_high[7] - fit.cumulative_low[7]
    assert wide_small > wide_full


# --- flags -----------------------------------------------------------------------------------------------------


def test_flags_too_few():
    fit = fit_bass(years_of([2, 1, 3, 2]), population=50)
    assert "too_few" in fit.flags
    assert "too_few" not in fit_bass(years_of([1, 2, 4, 6, 5, 3, 2]), population=50).flags
    # Many adopters but only three periods: too few periods.
    assert "too_few" in fit_bass(years_of([5, 20, 10]), population=50).flags


def test_flags_burst():
    # AMBER Alert-like: 27 of 48 in one year.
    fit = fit_bass(years_of([1, 1, 2, 27, 16, 1]), population=50)
    assert "burst" in fit.flags
    assert "burst" not in fit_bass(years_of([2, 5, 9, 12, 9, 6, 3]), population=50).flags
    # Exactly half is not "more than half".
    assert "burst" not in fit_bass(years_of([3, 10, 4, 3]), population=50).flags


def test_flags_two_waves():
    waves = [2, 4, 4, 4, 0, 0, 0, 0, 0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 2, 0, 3, 1, 2, 1, 0, 1, 2, 0, 1, 1, 1]
    assert "two_waves" in fit_bass(years_of(waves), population=50).flags
    one_wave = [1, 2, 3, 5, 7, 8, 7, 5, 3, 2, 1]
    assert "two_waves" not in fit_bass(years_of(one_wave), population=100).flags
    # A single lull of one quiet year inside a wave is chance, not a trough.
    assert "two_waves" not in fit_bass(years_of([1, 2, 3, 4, 0, 4, 3, 2, 1]), population=100).flags
    # A second wave too small to count (below 20 % of the adopters).
    assert "two_waves" not in fit_bass(years_of([3, 6, 9, 6, 3, 0, 0, 0, 0, 0, 0, 1, 1]), population=100).flags


def two_waves_by_the_definition(counts: list[int]) -> bool:
    """The docstring's definition, literally: every trough run a..b, loops and scipy's Poisson CDF."""
    total, size = sum(counts), len(counts)
    rate = [np.mean(counts[max(t - 1, 0) : t + 2]) for t in range(size)]
    need = max(bass.WAVE_MIN, bass.WAVE_MIN_SHARE * total)
    for a in range(1, size):
        for b in range(a, size - 1):
            before, after, trough = sum(counts[:a]), sum(counts[b + 1 :]), sum(counts[a : b + 1])
            if before < need or after < need:
                continue
            smaller_peak = min(max(rate[:a]), max(rate[b + 1 :]))
            if stats.poisson.cdf(trough, smaller_peak * (b - a + 1)) < bass.TROUGH_ALPHA:
                return True
    return False


@settings(max_examples=150, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=9), min_size=1, max_size=30))
def test_two_waves_matches_its_definition(counts):
    assert bass._two_waves(np.array(counts, dtype=float)) == two_waves_by_the_definition(counts)


def test_flags_before_inflection():
    # The first years of a slow S-curve in a large population: the peak is far ahead.
    rng = np.random.default_rng(1)
    counts = simulate_hazard(0.005, 0.6, 1000, 6, rng)
    fit = fit_bass(years_of(counts), population=1000, first=2000, last=2005)
    assert "before_inflection" in fit.flags
    assert fit.past_inflection is False
    assert fit.peak_year is not None
    assert fit.peak_year > 2006
    later = fit_bass(years_of(simulate_hazard(0.005, 0.6, 1000, 25, rng)), population=1000, first=2000, last=2024)
    assert "before_inflection" not in later.flags


def test_flags_no_convergence_when_m_is_not_determined():
    # Accelerating without a sign of saturation and no population: m runs to its search limit.
    fit = fit_bass(years_of([1, 2, 3, 5, 8, 13, 21, 34]), method="nls")
    assert "no_convergence" in fit.flags
    assert fit.m == pytest.approx(10 * 87)


def test_every_flag_is_explained():
    assert set(FLAGS) == {"too_few", "before_inflection", "burst", "two_waves", "no_convergence"}


# --- invariants ------------------------------------------------------------------------------------------------


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    counts=st.lists(st.integers(min_value=0, max_value=12), min_size=1, max_size=25).filter(lambda c: sum(c) > 0),
    extra=st.one_of(st.none(), st.integers(min_value=0, max_value=200)),
    method=st.sampled_from(["hazard_mle", "nls"]),
    estimate_m=st.booleans(),
)
def test_fits_are_always_finite_and_within_bounds(counts, extra, method, estimate_m):
    # extra None: no population; m is then estimated up to 10× the adopters observed.
    population = None if extra is None else sum(counts) + extra
    upper = 10 * sum(counts) if population is None else population
    fit = fit_bass(years_of(counts), population=population, method=method, estimate_m=estimate_m or population is None)
    values = [fit.p, fit.q, fit.m, *fit.fitted, *fit.cumulative_low, *fit.cumulative_high]
    assert all(math.isfinite(value) for value in values)
    assert fit.p > 0
    assert fit.q >= 0
    assert sum(counts) - 1e-6 <= fit.m <= upper + 1e-6
    assert all(value >= -1e-9 for value in fit.fitted)
    assert all(low <= high + 1e-9 for low, high in zip(fit.cumulative_low, fit.cumulative_high, strict=True))
    assert set(fit.flags) <= set(FLAGS)
    for error in (fit.se_p, fit.se_q, fit.se_m):
        assert error is None or (math.isfinite(error) and error > 0)
    assert fit.peak_year is not None
    assert fit.peak_year >= fit.periods[0]


# --- the batched m-estimated hazard MLE against the one-at-a-time path ------------------------------------------

# p, q and m agree to rounding (the batched Newton and Brent steps are the one-at-a-time ones, only their sums run in
# another order); the standard errors come from central differences of the gradient with steps of 1e-4 of each
# parameter, which magnify a 1e-12 difference in the estimates to ~1e-8: 1e-6 leaves room for that.
ESTIMATE_RTOL = 1e-9
SE_RTOL = 1e-6


def assert_same_fits(series: list[list[int]], population: int | None, **options) -> None:
    assert len(series) >= bass.HAZARD_BATCH_MIN  # so that fit_bass_many takes the batched path
    batched = bass.fit_bass_many(series, population=population, method="hazard_mle", estimate_m=True, **options)
    items = [bass._series(years, population, options.get("first"), options.get("last")) for years in series]
    # The batched search must have run for (almost) every series, not handed them all back to the slow path.
    searched = bass._hazard_m_many(items, population)
    assert sum(found is not None for found in searched) >= 0.95 * len(series)
    for fit, item in zip(batched, items, strict=True):
        alone = bass._hazard_fit(item.counts, item.periods, population, True)  # the one-at-a-time search
        assert fit is not None
        assert (fit.p, fit.q, fit.m) == pytest.approx((alone.p, alone.q, alone.m), rel=ESTIMATE_RTOL, abs=1e-12)
        for mine, theirs in ((fit.se_p, alone.se_p), (fit.se_q, alone.se_q), (fit.se_m, alone.se_m)):
            assert (mine is None) == (theirs is None)
            if mine is not None:
                assert mine == pytest.approx(theirs, rel=SE_RTOL)
        assert fit.flags == alone.flags
        assert fit.converged == alone.converged
        assert fit.fitted == pytest.approx(alone.fitted, rel=ESTIMATE_RTOL, abs=1e-9)


def test_batched_m_estimated_hazard_mle_equals_one_at_a_time_on_spid(settings):
    from diffusion.maths.adoption_table import events_by_innovation, read_adoption_csv

    events = read_adoption_csv(settings.BASE_DIR / "reference_data" / "spid" / "spid_v1_policies.csv")
    series = [[event.year for event in group] for group in events_by_innovation(events).values()]
    assert len(series) == 728
    assert_same_fits(series, 50)


def test_batched_m_estimated_hazard_mle_equals_one_at_a_time_on_simulated_series():
    rng = np.random.default_rng(13)
    series = []
    for _ in range(40):
        population = int(rng.integers(20, 400))
        ever = int(rng.integers(max(population // 3, 5), population + 1))
        periods = int(rng.integers(3, 70))  # several length classes in one batch
        counts = simulate_hazard(float(rng.uniform(0.002, 0.1)), float(rng.uniform(0.0, 1.2)), ever, periods, rng)
        if sum(counts):
            series.append(years_of(counts))
    for _ in range(10):
        counts = simulate_continuous(0.01, 0.6, 60.0, int(rng.integers(5, 30)), rng)
        if sum(counts):
            series.append(years_of(counts))
    assert_same_fits(series, 400)
    assert_same_fits(series, None)  # m up to 10× the adopters observed
    assert_same_fits(series, 400, first=1990, last=2080)  # leading and trailing empty periods


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.lists(st.integers(min_value=0, max_value=12), min_size=1, max_size=25).filter(lambda c: sum(c) > 0),
        min_size=1,
        max_size=6,
    ),
    st.one_of(st.none(), st.integers(min_value=0, max_value=200)),
)
def test_batched_m_estimated_hazard_mle_equals_one_at_a_time_on_any_counts(count_lists, extra):
    population = None if extra is None else max(sum(counts) for counts in count_lists) + extra
    items = [bass._series(years_of(counts), population, None, None) for counts in count_lists]
    batched = bass._hazard_fits_batched(items, population)  # directly: fit_bass_many batches 12 series or more
    for fit, item in zip(batched, items, strict=True):
        alone = bass._hazard_fit(item.counts, item.periods, population, True)
        assert fit is not None
        assert (fit.p, fit.q, fit.m) == pytest.approx((alone.p, alone.q, alone.m), rel=ESTIMATE_RTOL, abs=1e-12)
        assert fit.flags == alone.flags
