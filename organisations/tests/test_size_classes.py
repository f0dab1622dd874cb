"""Population size classes (plain Python): boundaries, monotonicity, and agreement with the model's choices."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from organisations.models import SizeClass
from organisations.size_classes import BOUNDS, size_class

ORDER = [code for _upper, code in BOUNDS]
populations = st.integers(min_value=0, max_value=10_000_000)


@pytest.mark.parametrize(
    ("population", "code"),
    [
        (0, "lt5k"),
        (1, "lt5k"),
        (4_999, "lt5k"),
        (5_000, "5k-10k"),
        (9_999, "5k-10k"),
        (10_000, "10k-20k"),
        (19_999, "10k-20k"),
        (20_000, "20k-50k"),
        (49_999, "20k-50k"),
        (50_000, "50k-100k"),
        (99_999, "50k-100k"),
        (100_000, "100k+"),
        (674_500, "100k+"),  # Helsinki
        (10**9, "100k+"),
    ],
)
def test_boundaries(population, code):
    assert size_class(population) == code


def test_unknown_population_has_no_class():
    assert size_class(None) == ""


def test_the_classes_are_the_models_choices_in_order():
    assert list(SizeClass.values) == ORDER
    uppers = [upper for upper, _code in BOUNDS]
    assert uppers[-1] is None
    assert uppers[:-1] == sorted(uppers[:-1])


@given(populations, populations)
def test_monotone(a, b):
    low, high = sorted((a, b))
    assert ORDER.index(size_class(low)) <= ORDER.index(size_class(high))


@given(populations)
def test_a_population_lies_within_its_class(population):
    index = ORDER.index(size_class(population))
    lower = 0 if index == 0 else BOUNDS[index - 1][0]
    upper = BOUNDS[index][0]
    assert lower <= population
    assert upper is None or population < upper


@given(st.sampled_from([upper for upper, _code in BOUNDS if upper is not None]))
def test_each_boundary_starts_the_next_class(upper):
    assert ORDER.index(size_class(upper)) == ORDER.index(size_class(upper - 1)) + 1
