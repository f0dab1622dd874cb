"""Estimates, standard errors and intervals against samplics' TaylorEstimator (strata, fpc, weights, domains)."""

from dataclasses import replace

import numpy as np
import pytest
from scipy import stats
from statsmodels.stats.proportion import proportion_confint

from barometer.statistics._types import BoolArray
from barometer.statistics.coding import groups
from barometer.statistics.estimation import Estimates, means, proportions
from barometer.statistics.tests.oracle import Survey, make_survey, samplics_estimate
from barometer.statistics.weighting import Design, post_stratify, unweighted, weighted

# samplics agrees to rounding; 1e-9 is the promise, atol only for figures that are 0.
RTOL, ATOL = 1e-9, 1e-12


def assert_matches_samplics(
    kind: str, estimates: Estimates, survey: Survey, design: Design, domains: BoolArray
) -> None:
    """Every figure of every column × domain equals samplics' for that column and domain."""
    checked = 0
    for d in range(domains.shape[1]):
        for j in range(survey.answers.shape[1]):
            if estimates.n[d, j] < 2:
                continue
            oracle = samplics_estimate(
                kind, survey.answers[:, j], design.weights, design.strata, design.fpc, domains[:, d]
            )
            ours = (estimates.estimate, estimates.se, estimates.ci_low, estimates.ci_high)
            for name, mine, theirs in zip(
                ("estimate", "se", "ci_low", "ci_high"), ours, vars(oracle).values(), strict=True
            ):
                np.testing.assert_allclose(
                    mine[d, j], theirs, rtol=RTOL, atol=ATOL, err_msg=f"{name}, domain {d}, column {j}"
                )
            checked += 1
    assert checked > 0.8 * estimates.estimate.size


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_weighted_proportions_with_strata_fpc_and_domains_equal_samplics(seed: int) -> None:
    survey = make_survey(seed, 600)
    design = weighted(survey.weights, strata=survey.strata, population=survey.population)
    everyone = np.ones(600, dtype=bool)
    domains = np.hstack([everyone[:, None], groups(survey.background[:, 0]), groups(survey.background[:, 1])])

    estimates = proportions(survey.answers, design, domains)

    assert estimates.shape == (1 + 3 + 5, survey.answers.shape[1])
    assert_matches_samplics("proportion", estimates, survey, design, domains)


def test_a_filter_is_a_domain_of_the_full_design() -> None:
    survey = make_survey(4, 500)
    design = weighted(survey.weights, strata=survey.strata, population=survey.population)
    # e.g. "organisations that have a Lab", crossed with kind
    has_lab = survey.background[:, 1] < 2
    domains = groups(survey.background[:, 0], where=has_lab)

    estimates = proportions(survey.answers, design, domains)

    assert_matches_samplics("proportion", estimates, survey, design, domains)
    # Cutting the design down to the filtered respondents would give other standard errors: the strata would
    # lose their real sizes.
    kept = weighted(survey.weights[has_lab], strata=survey.strata[has_lab], population=survey.population)
    subset = proportions(survey.answers[has_lab], kept, groups(survey.background[has_lab, 0], 3))
    np.testing.assert_allclose(subset.estimate, estimates.estimate, rtol=1e-12)
    assert not np.allclose(subset.se, estimates.se, rtol=1e-3)


@pytest.mark.parametrize("seed", [5, 6])
def test_weighted_means_equal_samplics(seed: int) -> None:
    survey = make_survey(seed, 500)
    # A 1–5 scale with a large offset, which the sums of squares must survive.
    scale = np.random.default_rng(seed).integers(1, 6, survey.answers.shape).astype(np.float64) + 1000
    scale[np.isnan(survey.answers)] = np.nan
    survey = replace(survey, answers=scale)
    design = weighted(survey.weights, strata=survey.strata, population=survey.population)
    domains = np.hstack([np.ones((500, 1), dtype=bool), groups(survey.background[:, 0])])

    estimates = means(survey.answers, design, domains)

    assert_matches_samplics("mean", estimates, survey, design, domains)


def test_unweighted_standard_errors_equal_samplics_and_intervals_are_wilson() -> None:
    from statsmodels.stats.proportion import proportion_confint

    survey = make_survey(7, 300, strata=1)
    design = unweighted(300)
    domains = groups(survey.background[:, 0])

    estimates = proportions(survey.answers, design, domains)

    for d in range(3):
        for j in range(survey.answers.shape[1]):
            oracle = samplics_estimate(
                "proportion", survey.answers[:, j], design.weights, design.strata, design.fpc, domains[:, d]
            )
            np.testing.assert_allclose(estimates.estimate[d, j], oracle.estimate, rtol=RTOL, atol=ATOL)
            np.testing.assert_allclose(estimates.se[d, j], oracle.se, rtol=RTOL, atol=ATOL)
    low, high = proportion_confint(estimates.count, estimates.n, alpha=0.05, method="wilson")
    np.testing.assert_allclose(estimates.ci_low, low, rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(estimates.ci_high, high, rtol=RTOL, atol=ATOL)


def test_wilson_by_hand() -> None:
    # 7 of 20: p̂ = 0.35, z = 1.959964; Wilson (1927) centre (p̂ + z²/2n)/(1 + z²/n), half-width
    # z·√(p̂(1−p̂)/n + z²/4n²)/(1 + z²/n).
    answers = np.array([1.0] * 7 + [0.0] * 13)
    estimates = proportions(answers, unweighted(20))
    z = 1.959963984540054
    centre = (0.35 + z * z / 40) / (1 + z * z / 20)
    half = z * np.sqrt(0.35 * 0.65 / 20 + z * z / 1600) / (1 + z * z / 20)
    np.testing.assert_allclose([estimates.ci_low[0, 0], estimates.ci_high[0, 0]], [centre - half, centre + half])


def test_counts_totals_and_kish_effective_sample_size() -> None:
    answers = np.array([[1.0, np.nan], [0.0, 1.0], [1.0, 0.0], [np.nan, 1.0], [1.0, 1.0]])
    w = np.array([1.0, 2.0, 3.0, 4.0, 2.0])
    estimates = proportions(answers, weighted(w))

    np.testing.assert_array_equal(estimates.n, [[4, 4]])
    np.testing.assert_array_equal(estimates.count, [[3, 3]])
    np.testing.assert_allclose(estimates.weighted_total, [[8.0, 11.0]])
    np.testing.assert_allclose(estimates.estimate, [[6 / 8, 8 / 11]])
    # Kish: (Σw)²/Σw² over each column's denominator
    np.testing.assert_allclose(estimates.n_eff, [[64 / 18, 121 / 33]])


def test_columns_of_one_question_share_their_denominator_sums() -> None:
    # A single choice question as a stacked distribution: the shares add up to 1 in every domain.
    rng = np.random.default_rng(8)
    answer = rng.integers(-1, 4, 400)  # −1: not asked
    stacked = np.where(answer[:, None] >= 0, answer[:, None] == np.arange(4), np.nan)
    design = weighted(rng.uniform(1, 5, 400))
    estimates = proportions(stacked, design, groups(rng.integers(0, 3, 400)))
    np.testing.assert_allclose(estimates.estimate.sum(axis=1), 1.0, rtol=1e-12)
    assert (estimates.n == estimates.n[:, :1]).all()


def test_empty_domain_and_empty_column_give_nan_not_errors() -> None:
    answers = np.array([[1.0, np.nan], [0.0, np.nan], [1.0, np.nan]])
    domains = np.array([[True, False], [True, False], [True, False]])
    estimates = proportions(answers, weighted([1.0, 2.0, 3.0]), domains)
    assert np.isnan(estimates.estimate[1]).all()
    assert np.isnan(estimates.estimate[0, 1])
    assert np.isnan(estimates.se[1]).all()
    assert (estimates.n[1] == 0).all()


def test_a_stratum_with_one_respondent_adds_no_variance() -> None:
    answers = np.array([1.0, 0.0, 1.0, 1.0, 0.0])
    alone = weighted([1.0, 1.0, 1.0, 1.0, 7.0], strata=[0, 0, 0, 0, 1])
    without = weighted([1.0, 1.0, 1.0, 1.0], strata=[0, 0, 0, 0])
    # The singleton's residual is not in the variance: only the four others' sums, against the pooled estimate.
    p = 3 / 11
    z = (np.array([1.0, 0.0, 1.0, 1.0]) - p) / 11
    expected = 4 / 3 * ((z - z.mean()) ** 2).sum()
    np.testing.assert_allclose(proportions(answers, alone).se[0, 0] ** 2, expected, rtol=1e-12)
    assert proportions(answers[:4], without).se[0, 0] > 0


def test_a_census_stratum_has_no_sampling_variance() -> None:
    answers = np.array([1.0, 0.0, 1.0, 0.0])
    census = weighted(np.ones(4), strata=[0, 0, 1, 1], population=[2, 2])
    estimates = proportions(answers, census)
    assert estimates.se[0, 0] == 0
    assert estimates.ci_low[0, 0] == estimates.ci_high[0, 0] == 0.5


def test_interval_at_zero_and_one_is_korn_graubard_not_the_point() -> None:
    """Nine organisations all answering "yes" do not prove that all would: the interval at 0 % and 100 % is
    Clopper–Pearson's on Korn and Graubard's effective sample size, checked against statsmodels' beta interval."""
    rng = np.random.default_rng(8)
    weights = rng.uniform(1, 4, 30)
    answers = np.column_stack([np.zeros(30), np.ones(30), rng.random(30) < 0.5])
    domains = np.column_stack([np.ones(30, dtype=bool), np.arange(30) < 9])  # everyone, and a group of 9
    design = weighted(weights, strata=np.arange(30) % 3, population=[40, 40, 40])
    estimates = proportions(answers, design, domains)

    for d, n in ((0, 30), (1, 9)):
        w = weights[domains[:, d]]
        n_eff = w.sum() ** 2 / (w * w).sum()
        # Korn & Graubard's degrees-of-freedom adjustment, with scipy's t quantiles
        n_star = min(n, n_eff * (stats.t.ppf(0.975, n - 1) / stats.t.ppf(0.975, design.degrees_of_freedom)) ** 2)
        for column, count in ((0, 0.0), (1, n_star)):
            low, high = proportion_confint(count, n_star, alpha=0.05, method="beta")
            np.testing.assert_allclose(
                [estimates.ci_low[d, column], estimates.ci_high[d, column]], [low, high], rtol=1e-10, atol=1e-12
            )
        assert estimates.ci_high[d, 0] > 0.05
        assert estimates.ci_low[d, 1] < 0.95
    # Between 0 and 1 the interval is still samplics' logit interval (test_weighted_..._equal_samplics).
    assert 0 < estimates.ci_low[0, 2] < estimates.estimate[0, 2] < estimates.ci_high[0, 2] < 1


def test_unweighted_interval_at_zero_and_one_is_wilson_and_not_a_point() -> None:
    estimates = proportions(np.column_stack([np.zeros(9), np.ones(9)]), unweighted(9))
    low, high = proportion_confint([0, 9], 9, alpha=0.05, method="wilson")
    np.testing.assert_allclose(estimates.ci_low[0], low, atol=1e-15)
    np.testing.assert_allclose(estimates.ci_high[0], high, atol=1e-15)
    assert estimates.ci_high[0, 0] > 0.25


def test_rows_picks_one_breakdown_out_of_a_stacked_call() -> None:
    survey = make_survey(9, 200)
    design = weighted(survey.weights)
    kind = groups(survey.background[:, 0])
    stacked = proportions(survey.answers, design, np.hstack([np.ones((200, 1), dtype=bool), kind]))
    alone = proportions(survey.answers, design, kind)
    np.testing.assert_array_equal(stacked.rows(slice(1, 4)).estimate, alone.estimate)
    np.testing.assert_array_equal(stacked.rows([0]).n, proportions(survey.answers, design).n)


def test_bad_input_is_refused() -> None:
    with pytest.raises(ValueError, match="1, 0 or NaN"):
        proportions(np.array([0.0, 2.0]), unweighted(2))
    with pytest.raises(ValueError, match="one row per respondent"):
        proportions(np.zeros((3, 2)), unweighted(4))
    with pytest.raises(ValueError, match="boolean"):
        proportions(np.zeros(3), unweighted(3), np.array([0, 1, 1]))


def test_unanimous_answers_are_exactly_zero_or_one_however_the_sums_round() -> None:
    rng = np.random.default_rng(12)
    weights = rng.lognormal(0, 1, 5000)
    answers = np.column_stack([np.ones(5000), np.zeros(5000), rng.random(5000) < 0.5]).astype(np.float64)
    estimates = proportions(answers, weighted(weights, strata=rng.integers(0, 7, 5000)))
    np.testing.assert_array_equal(estimates.estimate[0, :2], [1.0, 0.0])
    np.testing.assert_array_equal(estimates.se[0, :2], [0.0, 0.0])
    assert estimates.ci_high[0, 0] == 1.0
    assert 0.99 < estimates.ci_low[0, 0] < 1.0
    assert estimates.ci_low[0, 1] == 0.0
    assert 0.0 < estimates.ci_high[0, 1] < 0.01


def test_float32_answers_give_the_same_figures() -> None:
    survey = make_survey(13, 400)
    design = weighted(survey.weights, strata=survey.strata, population=survey.population)
    domains = groups(survey.background[:, 1])
    wide, narrow = (proportions(survey.answers.astype(t), design, domains) for t in (np.float64, np.float32))
    for name in ("estimate", "se", "ci_low", "ci_high", "n_eff"):
        np.testing.assert_array_equal(getattr(wide, name), getattr(narrow, name))


def test_post_strata_with_breakdowns_by_their_own_variables_equal_samplics() -> None:
    # The barometer's case: strata are the kind × size cells, and a breakdown by kind holds each stratum whole
    # (or not at all), while one by language cuts through them.
    survey = make_survey(14, 800, strata=1, groups=(3, 4, 3))
    kind, size, language = survey.background.T
    table = np.zeros((3, 4))
    np.add.at(table, (kind, size), 1)
    design = post_stratify([kind, size], table * 2.5, min_respondents=2)
    assert design.method == "post-stratification"
    domains = np.hstack([np.ones((800, 1), dtype=bool), groups(kind), groups(size), groups(language)])

    estimates = proportions(survey.answers, design, domains)

    assert_matches_samplics("proportion", estimates, survey, design, domains)
