"""The plain-Python quantiles against scipy."""

import numpy as np
import pytest
from scipy import stats

from barometer.statistics._distributions import normal_quantile, t_quantile, two_sided_p_value

DEGREES_OF_FREEDOM = [1, 2, 3, 4, 5, 7, 10, 17, 30, 100, 181, 1_000, 10_000, 99_990, 1_000_000, 100_000_000]


@pytest.mark.parametrize("df", DEGREES_OF_FREEDOM)
@pytest.mark.parametrize("probability", [0.9, 0.95, 0.975, 0.995, 0.9995])
def test_t_quantile_equals_scipy(df: int, probability: float) -> None:
    assert t_quantile(probability, df) == pytest.approx(stats.t.ppf(probability, df), rel=1e-11)


def test_t_quantile_without_degrees_of_freedom_is_nan() -> None:
    assert np.isnan(t_quantile(0.975, 0))


def test_normal_quantile_and_p_value_equal_scipy() -> None:
    for probability in (0.9, 0.95, 0.975, 0.995):
        assert normal_quantile(probability) == pytest.approx(stats.norm.ppf(probability), rel=1e-14)
    z = np.array([0.0, 0.5, -1.96, 3.0, 8.0, np.nan])
    np.testing.assert_allclose(two_sided_p_value(z), 2 * stats.norm.sf(np.abs(z)), rtol=1e-12)
