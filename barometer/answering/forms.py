"""The answering form's fields: how a page's questions are named in HTML, read back from a POST, and shown —
as inputs with their saved (or just posted) values and errors, and read-only as the respondent's answers.

The questions' shapes differ too much for Django's form fields (a scale is a group of radio groups), so the form is
built from the questionnaire here and every answer is checked by `barometer.answers.clean`, like the autosave.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.http import QueryDict
from django.utils import formats

from barometer.models import Definition, Question
from barometer.vocabulary import ITEM_KINDS, QuestionKind


def field_name(code: str) -> str:
    return f"q-{code}"


def item_field_name(code: str, item: str) -> str:
    return f"q-{code}.{item}"


def page_values(data: QueryDict, questions: Iterable[Question]) -> dict[str, Any]:
    """{question code: raw value} for every question of the page; an unanswered one is empty (and removed)."""
    values: dict[str, Any] = {}
    for question in questions:
        name = field_name(question.code)
        if question.kind == QuestionKind.MULTIPLE:
            values[question.code] = data.getlist(name)
        elif question.kind in ITEM_KINDS:
            values[question.code] = {
                item.code: data.get(item_field_name(question.code, item.code), "") for item in question.items.all()
            }
        else:
            values[question.code] = data.get(name, "")
    return values


# --- the inputs ------------------------------------------------------------------------------------------------


@dataclass
class Option:
    code: str
    label: str
    id: str
    checked: bool
    exclusive: bool = False


@dataclass
class Row:
    """One row of a scale or grid: its own radio group."""

    code: str
    label: str
    name: str
    legend_id: str
    options: list[Option]


@dataclass
class QuestionField:
    question: Question
    name: str
    # Where a link to the question (error summary, list of missing answers) takes the focus: its first input.
    anchor: str
    hidden: bool = False
    error: str = ""
    options: list[Option] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    text: str = ""
    definitions: list[Definition] = field(default_factory=list)

    @property
    def code(self) -> str:
        return self.question.code

    @property
    def kind(self) -> str:
        return self.question.kind

    @property
    def error_id(self) -> str:
        return f"q-{self.code}-error"

    @property
    def hint_id(self) -> str:
        return f"q-{self.code}-hint" if self.question.help_text else ""

    @property
    def choose_all_id(self) -> str:
        return f"q-{self.code}-all" if self.kind == QuestionKind.MULTIPLE else ""

    @property
    def unit_id(self) -> str:
        return f"q-{self.code}-unit" if self.kind == QuestionKind.NUMBER and self.question.unit_label else ""

    @property
    def described_by(self) -> str:
        """The ids of the texts that describe the question's input or group: hints, unit, the error if any."""
        ids = (self.hint_id, self.choose_all_id, self.unit_id, self.error_id if self.error else "")
        return " ".join(i for i in ids if i)

    @property
    def is_group(self) -> bool:
        return self.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE, QuestionKind.SCALE, QuestionKind.GRID)


def _shown_value(question: Question, value: Any) -> str:
    """A saved number in the respondent's notation (decimal comma in Finnish and Swedish), text as it is."""
    if value is None:
        return ""
    if question.kind == QuestionKind.NUMBER and isinstance(value, int | float):
        return str(formats.number_format(value))
    return str(value)


def question_field(question: Question, value: Any, *, hidden: bool = False, error: str = "") -> QuestionField:
    """The inputs of one question holding `value` (a saved answer, or the raw posted value after an error)."""
    code = question.code
    result = QuestionField(question=question, name=field_name(code), anchor=f"q-{code}", hidden=hidden, error=error)
    result.definitions = list(question.definitions.all())
    choices = list(question.choices.all())
    if question.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        chosen = set(value) if isinstance(value, list) else {value}
        result.options = [
            Option(c.code, str(c.label), f"q-{code}-{n}", c.code in chosen, c.exclusive) for n, c in enumerate(choices)
        ]
        result.anchor = f"q-{code}-0"
    elif question.kind in ITEM_KINDS:
        given = value if isinstance(value, Mapping) else {}
        for item in question.items.all():
            result.rows.append(
                Row(
                    code=item.code,
                    label=str(item.label),
                    name=item_field_name(code, item.code),
                    legend_id=f"q-{code}-{item.code}-legend",
                    options=[
                        Option(c.code, str(c.label), f"q-{code}-{item.code}-{n}", given.get(item.code) == c.code)
                        for n, c in enumerate(choices)
                    ],
                )
            )
        if result.rows:
            result.anchor = f"q-{code}-{result.rows[0].code}-0"
    else:
        result.text = _shown_value(question, value)
    return result


# --- the answers, read-only -------------------------------------------------------------------------------------


@dataclass
class ShownAnswer:
    question: Question
    # One of these is filled, by kind: choice labels, (row, choice) pairs, or the text.
    labels: list[str] = field(default_factory=list)
    rows: list[tuple[str, str]] = field(default_factory=list)
    text: str = ""

    @property
    def is_empty(self) -> bool:
        return not (self.labels or self.rows or self.text)


def shown_answer(question: Question, value: Any) -> ShownAnswer:
    """An answer as the respondent reads it: choice labels and row labels in the active language."""
    shown = ShownAnswer(question)
    if value is None:
        return shown
    labels = {c.code: str(c.label) for c in question.choices.all()}
    if question.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        codes = value if isinstance(value, list) else [value]
        shown.labels = [labels.get(code, str(code)) for code in codes]
    elif question.kind in ITEM_KINDS and isinstance(value, Mapping):
        shown.rows = [
            (str(item.label), labels.get(value[item.code], str(value[item.code])))
            for item in question.items.all()
            if item.code in value
        ]
    elif question.kind == QuestionKind.NUMBER:
        shown.text = _shown_value(question, value)
        if question.unit_label:
            shown.text = f"{shown.text} {question.unit_label}"
    else:
        shown.text = str(value)
    return shown
