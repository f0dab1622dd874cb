"""Disclosure control of public outputs, as properties: whatever the group sizes of a breakdown, no group of fewer
than 5 respondents is shown, and never exactly one group is hidden (it would be the whole minus the others);
and a public output takes no filters."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from barometer import analysis
from barometer.analysis import Block, Group, NumberSummary, Options, QuestionResult, Row
from barometer.models import Round
from barometer.tests.test_analysis_support import analysed_round

__all__ = ["analysed_round"]  # a fixture used by name

THRESHOLD = analysis.SUPPRESSION_THRESHOLD


def _group(index: int, n: int) -> Group:
    """A group as the analysis leaves it after the per-result rule: hidden when under 5."""
    rows = [Row("yes", "Yes", n // 2, 50.0), Row("no", "No", n - n // 2, 50.0)]
    block = Block("", "", n, rows)
    number = NumberSummary(n, 1.0, 0.5, 1.5)
    result = QuestionResult("q", "Q?", "single", "", "", n, n, False, [], False, n, [block], number)
    if n < THRESHOLD:
        analysis._hide_block(block)
        analysis._hide_number(number)
    return Group(f"g{index}", f"Group {index}", result)


@given(st.lists(st.integers(min_value=0, max_value=40), min_size=1, max_size=12))
def test_no_small_group_is_shown_and_no_group_is_hidden_alone(sizes: list[int]) -> None:
    groups = [_group(index, n) for index, n in enumerate(sizes)]
    analysis._protect_groups(groups)
    hidden = [g for g in groups if g.result.blocks[0].suppressed and g.result.n > 0]
    shown = [g for g in groups if not g.result.blocks[0].suppressed and g.result.n > 0]
    assert all(g.result.n >= THRESHOLD for g in shown)
    assert len(hidden) != 1 or not shown  # one hidden group beside shown ones could be subtracted
    for group in hidden:
        assert all(row.percent is None and row.count is None for row in group.result.blocks[0].rows)
        number = group.result.number
        assert number is not None
        assert number.suppressed
        assert number.mean is None
    # Only what the rule needs: groups of 5 or more are hidden only as the one partner of a single small one.
    small = [n for n in sizes if 0 < n < THRESHOLD]
    extra = [g for g in hidden if g.result.n >= THRESHOLD]
    assert len(extra) == (1 if len(small) == 1 and len(hidden) > 1 else 0)


@pytest.mark.django_db
def test_a_public_output_takes_no_filters_unless_the_answers_are_public(analysed_round: Round) -> None:
    data = analysis.round_data(analysed_round)
    question = data.questions["introduced"]
    with pytest.raises(analysis.DisclosureError):
        analysis.question_result(data, question, Options(filters=(("region", "01"),)))
    analysis.question_result(data, question, Options(public=False, filters=(("region", "01"),)))
    analysed_round.answers_public = True
    data = analysis.round_data(analysed_round)
    assert analysis.question_result(data, question, Options(filters=(("region", "01"),))).n > 0
