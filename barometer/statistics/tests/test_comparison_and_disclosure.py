"""Comparing two rounds; suppressing figures that rest on too few respondents."""

import math

import numpy as np

from barometer.statistics._types import FloatArray
from barometer.statistics.comparison import compare
from barometer.statistics.disclosure import Reason, suppress
from barometer.statistics.estimation import proportions
from barometer.statistics.weighting import weighted


def two_rounds() -> tuple[FloatArray, FloatArray]:
    rng = np.random.default_rng(11)
    return (rng.random((400, 3)) < [0.3, 0.5, 0.58]).astype(float), (rng.random((380, 3)) < [0.3, 0.62, 0.58]).astype(
        float
    )


def test_compare_is_a_z_test_for_independent_samples() -> None:
    first, second = two_rounds()
    a = proportions(first, weighted(np.full(400, 2.0)))
    b = proportions(second, weighted(np.full(380, 2.0)))

    change = compare(a, b)

    difference = b.estimate - a.estimate
    se = np.sqrt(a.se**2 + b.se**2)
    np.testing.assert_allclose(change.difference, difference)
    np.testing.assert_allclose(change.percentage_points, 100 * difference)
    np.testing.assert_allclose(change.se, se)
    expected_p = [math.erfc(abs(d / s) / math.sqrt(2)) for d, s in zip(difference[0], se[0], strict=True)]
    np.testing.assert_allclose(change.p_value[0], expected_p, rtol=1e-12)
    np.testing.assert_array_equal(change.significant, change.p_value < 0.05)


def test_compare_without_any_uncertainty() -> None:
    a = proportions(np.array([1.0, 0.0]), weighted([1.0, 1.0], population=2))  # a census: se 0
    change = compare(a, a)
    assert change.z[0, 0] == 0
    assert change.p_value[0, 0] == 1
    assert not change.significant[0, 0]


def test_suppress_hides_figures_on_fewer_than_five_respondents() -> None:
    answers = np.array([[1.0, 1.0, np.nan]] * 4 + [[0.0, 1.0, np.nan]] * 3)
    # domain 0: all 7; domain 1: the first 4
    domains = np.array([[True, i < 4] for i in range(7)])
    estimates = proportions(answers, weighted(np.ones(7)), domains)

    public = suppress(estimates)

    np.testing.assert_array_equal(
        public.reason,
        [
            ["", "", Reason.NO_RESPONDENTS],
            [Reason.TOO_FEW_RESPONDENTS, Reason.TOO_FEW_RESPONDENTS, Reason.NO_RESPONDENTS],
        ],
    )
    assert np.isnan(public.estimates.estimate[1]).all()
    assert np.isnan(public.estimates.count[1]).all()
    np.testing.assert_array_equal(public.estimates.estimate[0, :2], estimates.estimate[0, :2])
    np.testing.assert_array_equal(public.estimates.n, estimates.n)  # how many answered is not secret
    assert suppress(estimates, min_respondents=4).suppressed.tolist() == [[False, False, True], [False, False, True]]
