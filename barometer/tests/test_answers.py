"""The answer shapes and routing (plain Python), and the version spec read from the database."""

from decimal import Decimal

import pytest

from barometer.answers import AnswerError, QuestionSpec, asked, clean, missing_required
from barometer.selectors import version_spec

MULTI = QuestionSpec(code="types", kind="multiple", choices=("a", "b", "none"), exclusive=frozenset({"none"}))
SCALE = QuestionSpec(code="s", kind="scale", choices=("large", "little"), items=("x", "y"))
NUMBER = QuestionSpec(code="n", kind="number", min_value=Decimal(0), max_value=Decimal(10))


def test_multiple_choice_is_canonical_and_exclusive_option_stands_alone() -> None:
    assert clean(MULTI, ["b", "a", "b"]) == ["a", "b"]
    assert clean(MULTI, "a") == ["a"]
    with pytest.raises(AnswerError) as err:
        clean(MULTI, ["a", "none"])
    assert err.value.code == "exclusive_choice"
    with pytest.raises(AnswerError):
        clean(MULTI, ["c"])


def test_scale_keeps_answered_items_and_refuses_unknown_ones() -> None:
    assert clean(SCALE, {"x": "large", "y": ""}) == {"x": "large"}
    assert clean(SCALE, {"x": ""}) is None
    with pytest.raises(AnswerError) as err:
        clean(SCALE, {"z": "large"})
    assert err.value.code == "unknown_item"


@pytest.mark.parametrize(("given", "expected"), [("3,5", 3.5), ("7", 7), (" 1 0 ", 10), (2.0, 2)])
def test_number_accepts_decimal_comma(given: object, expected: float) -> None:
    assert clean(NUMBER, given) == expected


@pytest.mark.parametrize(
    ("given", "code"),
    [("11", "too_large"), ("-1", "too_small"), ("x", "not_a_number"), (True, "not_a_number"), ("nan", "not_a_number")],
)
def test_number_refuses(given: object, code: str) -> None:
    with pytest.raises(AnswerError) as err:
        clean(NUMBER, given)
    assert err.value.code == code


def test_empty_answers_are_none() -> None:
    for spec, value in ((MULTI, []), (SCALE, {}), (NUMBER, ""), (QuestionSpec(code="t", kind="text"), "  ")):
        assert clean(spec, value) is None


def test_routing_follows_answers_and_chains(small_version) -> None:
    spec = version_spec(small_version)
    codes = [q.code for q in spec.questions]
    assert codes == ["kind", "introduced", "types", "enablers", "staff", "comments"]
    shown_yes = asked(spec.questions, {"introduced": "yes"}, spec.section_conditions)
    shown_no = asked(spec.questions, {"introduced": "no"}, spec.section_conditions)
    assert "types" in shown_yes
    assert "types" not in shown_no
    assert missing_required(spec.questions, {"introduced": "no"}, spec.section_conditions) == ["kind"]


def test_a_required_grid_answered_in_part_is_missing() -> None:
    """A grid of 5 rows with 3 answered is not an answer to a required question (it once let a survey through)."""
    grid = QuestionSpec(code="g", kind="grid", choices=("yes", "no"), items=("a", "b", "c", "d", "e"), required=True)
    three = {"a": "yes", "b": "no", "c": "yes"}
    assert missing_required([grid], {"g": three}, {}) == ["g"]
    assert missing_required([grid], {"g": {**three, "d": "no", "e": "no"}}, {}) == []
    assert missing_required([grid], {}, {}) == ["g"]
    optional = QuestionSpec(code="o", kind="scale", choices=("yes",), items=("a", "b"))
    assert missing_required([optional], {"o": {"a": "yes"}}, {}) == []
