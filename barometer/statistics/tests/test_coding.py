"""Answers to indicator columns and domains."""

import numpy as np

from barometer.statistics.coding import choices, groups, indicators

nan = np.nan


def test_indicators_leave_excluded_answers_out_of_the_denominator() -> None:
    # Scale 0–3 reported; 8 = "don't know", −1 = not asked.
    columns = indicators(np.array([0, 3, 8, -1, 1]), categories=[0, 1, 2, 3])
    np.testing.assert_array_equal(
        columns,
        [[1, 0, 0, 0], [0, 0, 0, 1], [nan, nan, nan, nan], [nan, nan, nan, nan], [0, 1, 0, 0]],
    )


def test_choices_are_one_indicator_each() -> None:
    chosen = np.array([[True, True, False], [False, False, False], [True, False, True]])
    np.testing.assert_array_equal(
        choices(chosen, asked=np.array([True, True, False])), [[1, 1, 0], [0, 0, 0], [nan, nan, nan]]
    )


def test_groups_with_unknown_codes_and_a_filter() -> None:
    np.testing.assert_array_equal(
        groups(np.array([0, 2, -1, 1]), where=np.array([True, True, True, False])),
        [[True, False, False], [False, False, True], [False, False, False], [False, False, False]],
    )
    assert groups(np.array([0, 0]), n_groups=3).shape == (2, 3)
