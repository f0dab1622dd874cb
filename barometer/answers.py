"""What a valid answer looks like, and which questions a respondent is asked. Plain Python, no Django.

One answer is one JSON value, by question kind:

    single     "choice"                          multiple  ["choice", …]
    scale/grid {"item": "choice", …}             number    12.5
    text       "free text"

The answering form, the file import and the API all check answers here, so they agree on what is valid. Routing
("only organisations that introduced an innovation answer this block") is a condition on an earlier answer:
{"question": "<code>", "any_of": ["<choice code>", …]}; a multiple choice or grid meets it when any of its
chosen values is listed.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

TEXT_MAX_LENGTH = 10_000


class AnswerError(ValueError):
    """The answer does not fit the question. `code` is machine-readable; `params` fill the message."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


@dataclass(frozen=True)
class QuestionSpec:
    code: str
    kind: str
    choices: tuple[str, ...] = ()
    exclusive: frozenset[str] = frozenset()
    items: tuple[str, ...] = ()
    required: bool = False
    min_value: Decimal | None = None
    max_value: Decimal | None = None
    show_if: Mapping[str, Any] = field(default_factory=dict)


def is_empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def clean(spec: QuestionSpec, value: Any) -> Any:
    """The answer in its canonical shape, or AnswerError. An empty answer is None (it removes the answer)."""
    if is_empty(value):
        return None
    if spec.kind == "single":
        return _choice(spec, value)
    if spec.kind == "multiple":
        if not isinstance(value, list):
            value = [value]
        chosen = [_choice(spec, v) for v in value]
        if len(set(chosen)) > 1 and spec.exclusive & set(chosen):
            raise AnswerError("exclusive_choice", choice=sorted(spec.exclusive & set(chosen))[0])
        # Canonical order: the questionnaire's, duplicates dropped.
        return [c for c in spec.choices if c in chosen]
    if spec.kind in ("scale", "grid"):
        if not isinstance(value, Mapping):
            raise AnswerError("not_a_grid")
        unknown = [item for item in value if item not in spec.items]
        if unknown:
            raise AnswerError("unknown_item", item=str(unknown[0]))
        cleaned = {item: _choice(spec, value[item]) for item in spec.items if not is_empty(value.get(item))}
        return cleaned or None
    if spec.kind == "number":
        return _number(spec, value)
    if spec.kind == "text":
        if not isinstance(value, str):
            raise AnswerError("not_text")
        text = value.strip()
        if len(text) > TEXT_MAX_LENGTH:
            raise AnswerError("text_too_long", limit=TEXT_MAX_LENGTH)
        return text or None
    raise AnswerError("unknown_kind", kind=spec.kind)


def _choice(spec: QuestionSpec, value: Any) -> str:
    if not isinstance(value, str) or value not in spec.choices:
        raise AnswerError("unknown_choice", choice=str(value))
    return value


def _number(spec: QuestionSpec, value: Any) -> int | float:
    if isinstance(value, bool):
        raise AnswerError("not_a_number", value=str(value))
    try:
        # Finnish and Swedish write a decimal comma; spaces group thousands.
        number = Decimal(str(value).replace("\u00a0", "").replace(" ", "").replace(",", "."))
    except InvalidOperation:
        raise AnswerError("not_a_number", value=str(value)) from None
    if not number.is_finite():
        raise AnswerError("not_a_number", value=str(value))
    if spec.min_value is not None and number < spec.min_value:
        raise AnswerError("too_small", limit=spec.min_value)
    if spec.max_value is not None and number > spec.max_value:
        raise AnswerError("too_large", limit=spec.max_value)
    return int(number) if number == number.to_integral_value() else float(number)


def condition_met(condition: Mapping[str, Any], answers: Mapping[str, Any]) -> bool:
    """Whether a routing condition holds for the answers given so far (an empty condition always holds)."""
    if not condition:
        return True
    given = answers.get(condition.get("question", ""))
    wanted = set(condition.get("any_of", ()))
    if isinstance(given, str):
        return given in wanted
    if isinstance(given, list):
        return bool(wanted & set(given))
    if isinstance(given, Mapping):
        return bool(wanted & set(given.values()))
    return False


def asked(specs: list[QuestionSpec], answers: Mapping[str, Any], section_conditions: Mapping[str, Any]) -> set[str]:
    """Codes of the questions a respondent with these answers is asked.

    `section_conditions` maps a question code to its section's condition. A question routed on an unasked
    question is not asked either, so routing chains work in questionnaire order.
    """
    shown: set[str] = set()
    visible_answers: dict[str, Any] = {}
    for spec in specs:
        if condition_met(section_conditions.get(spec.code, {}), visible_answers) and condition_met(
            spec.show_if, visible_answers
        ):
            shown.add(spec.code)
            if spec.code in answers:
                visible_answers[spec.code] = answers[spec.code]
    return shown


def is_complete(spec: QuestionSpec, value: Any) -> bool:
    """Whether the answer answers the whole question: a scale or grid every one of its rows, others any value."""
    if is_empty(value):
        return False
    if spec.kind in ("scale", "grid"):
        return isinstance(value, Mapping) and all(not is_empty(value.get(item)) for item in spec.items)
    return True


def missing_required(
    specs: list[QuestionSpec], answers: Mapping[str, Any], section_conditions: Mapping[str, Any]
) -> list[str]:
    """Required questions that are asked but not answered in full, in questionnaire order.

    A required grid with 3 of its 5 rows answered is missing too: its rows are each a required answer."""
    shown = asked(specs, answers, section_conditions)
    return [s.code for s in specs if s.required and s.code in shown and not is_complete(s, answers.get(s.code))]
