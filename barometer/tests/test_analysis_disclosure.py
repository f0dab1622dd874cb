"""Disclosure control of public outputs, as properties of its rules: groups of fewer than 5 respondents are
combined, hidden groups are safe together, and a public output takes no filters. That no hidden figure can be
worked out is tested by attacking the published results: test_disclosure_attack.py."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from barometer.models import Round
from barometer.results import analysis
from barometer.results.analysis import Options
from barometer.statistics import disclosure
from barometer.tests.test_analysis_support import analysed_round

__all__ = ["analysed_round"]  # a fixture used by name

THRESHOLD = analysis.SUPPRESSION_THRESHOLD


@given(st.lists(st.integers(min_value=0, max_value=40), min_size=1, max_size=12))
def test_small_groups_are_combined_until_the_combination_has_five_and_two_groups(sizes: list[int]) -> None:
    published = disclosure.collapse_small_groups(sizes)
    assert sorted(i for group in published for i in group) == [i for i, n in enumerate(sizes) if n > 0]
    for group in published:
        assert sum(sizes[i] for i in group) >= THRESHOLD or len(published) == 1
        if len(group) > 1:
            assert sum(1 for i in group if sizes[i] > 0) >= 2


@given(
    st.integers(2, 4).flatmap(
        lambda rows: st.lists(st.lists(st.integers(0, 6), min_size=rows, max_size=rows), min_size=1, max_size=8)
    ),
    st.lists(st.booleans(), min_size=1, max_size=8),
)
def test_hidden_groups_are_safe_together(columns: list[list[int]], forced: list[bool]) -> None:
    """Every hidden group of a table: two or more with respondents, and no answer that all of them gave — the
    conditions under which no hidden count follows from the whole and the shown groups (Fréchet bounds)."""
    table = np.array(columns).T
    rows, groups = table.shape[0], table.shape[1]
    counted = np.arange(rows) < rows - 1  # the last answer is "don't know"
    answered = table.sum(axis=0)
    n = table[counted].sum(axis=0)
    hidden = disclosure.protect_table(table, answered, n, counted, hidden=(forced + [False] * groups)[:groups])
    assert hidden[n < THRESHOLD].all()
    assert hidden[np.array((forced + [False] * groups)[:groups])].all()
    if hidden.all() or not (hidden & (answered > 0)).any():
        return
    assert np.count_nonzero(hidden & (answered > 0)) >= 2
    sums = table[:, hidden].sum(axis=1)
    for j in range(rows):
        if sums[j]:
            assert sums[j] < answered[hidden].sum()
            if counted[j]:
                assert sums[j] < n[hidden].sum()


@pytest.mark.django_db
def test_a_public_output_takes_no_filters_unless_the_answers_are_public(analysed_round: Round) -> None:
    data = analysis.round_data(analysed_round)
    question = data.questions["introduced"]
    with pytest.raises(analysis.DisclosureError):
        analysis.question_result(data, question, Options(filters=(("region", "01"),)))
    analysis.question_result(data, question, Options(public=False, filters=(("region", "01"),)))
    analysed_round.answers_public = True
    data = analysis.round_data(analysed_round)
    assert (analysis.question_result(data, question, Options(filters=(("region", "01"),))).n or 0) > 0
