"""The questionnaire file: one questionnaire version as JSON, its schema, a complete check and (de)serialisation.

Plain Python (only Django's translation helpers, for the messages): the import, the editor, the fixture loader
and the tests all check a questionnaire here, so they agree on what is valid. The format
(`"format": "innoverkko-questionnaire/1"`):

    {"format": "innoverkko-questionnaire/1",
     "questionnaire": {"code", "name", "description", "provenance_note"},
     "version": {"number", "introduction", "reference_period"},
     "definitions": [{"term", "text"}],
     "sections": [{"code", "title", "introduction", "show_if",
                   "questions": [{"code", "kind", "text", "help_text", "required", "show_if", "background",
                                  "definitions": ["<Finnish term>"], "min_value", "max_value", "unit_label",
                                  "choices": [{"code", "label", "excluded_from_percent", "exclusive"}],
                                  "items": [{"code", "label"}]}]}]}

Every text is {"fi": …, "sv": …, "en": …}; Finnish is required where a text is. A question refers to a definition
by its Finnish term (definitions have no code of their own). `show_if` is {} or
{"question": "<an earlier question's code>", "any_of": ["<its choice codes>"]} (see answers.condition_met).

`validate` reports every problem with its JSON path at once; `normalise` turns a valid file into the canonical
form (every key present, in this order), which is also what the export writes, so export → import → export is
identical.
"""

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext_lazy as _

FORMAT = "innoverkko-questionnaire/1"
LANGUAGES = ("fi", "sv", "en")
KINDS = ("single", "multiple", "scale", "grid", "number", "text")
CHOICE_KINDS = frozenset({"single", "multiple", "scale", "grid"})
ITEM_KINDS = frozenset({"scale", "grid"})
BACKGROUNDS = ("", "kind", "size_class", "region")
# The fewest answer options that make a question answerable (a multiple choice may be one box: "I agree").
MIN_CHOICES = {"single": 2, "multiple": 1, "scale": 2, "grid": 2}

# Questionnaire codes appear in addresses; section and question codes are variable names in files and the API;
# choice and item codes are values, and background questions' values mirror the sampling frame ("5k-10k", "100k+").
QUESTIONNAIRE_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")
VARIABLE_CODE = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
VALUE_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_+-]*")
QUESTIONNAIRE_CODE_LENGTH = 64
# Addresses under /barometer/questionnaires/ that are pages, not questionnaires.
RESERVED_CODES = frozenset({"new", "import"})
CODE_LENGTH = 32
# The columns' lengths (barometer.models), so that a valid file always fits the database.
TEXT_LIMITS = {"name": 200, "term": 100, "title": 200, "label": 300, "reference_period": 200, "unit_label": 40}
# Every other text (descriptions, introductions, questions, instructions): as core/text_limits.py's long texts.
LONG_TEXT_LIMIT = 20_000
# Question.min_value/max_value: 14 digits, 2 of them decimals.
NUMBER_LIMIT = Decimal("1e12")

MESSAGES = {
    "not_json": _("The file is not valid JSON: %(error)s"),
    "not_utf8": _("The file is not UTF-8 text."),
    "not_object": _("Expected an object ({…})."),
    "not_list": _("Expected a list ([…])."),
    "unknown_field": _("Unknown field “%(field)s”."),
    "missing_field": _("The field “%(field)s” is missing."),
    "wrong_format": _("This is not a questionnaire file that this service reads: “format” must be “%(expected)s”."),
    "not_text": _("Expected texts by language: {“fi”: “…”, “sv”: “…”, “en”: “…”}."),
    "unknown_language": _("Unknown language “%(language)s”: use fi, sv and en."),
    "missing_finnish": _("The Finnish text is missing."),
    "too_long": _("The text is too long: at most %(limit)s characters."),
    "nul_character": _("The text contains a NUL character (\\u0000), which cannot be stored."),
    "bad_questionnaire_code": _(
        "“%(code)s” is not a valid code: use at most %(limit)s letters, digits, hyphens and underscores."
    ),
    "bad_variable_code": _(
        "“%(code)s” is not a valid code: use at most %(limit)s letters, digits and underscores, starting with a letter."
    ),
    "bad_value_code": _(
        "“%(code)s” is not a valid code: use at most %(limit)s letters, digits, underscores, hyphens and plus signs."
    ),
    "reserved_code": _("The code “%(code)s” is reserved for the site's own pages: choose another one."),
    "duplicate_code": _("The code “%(code)s” is used twice."),
    "duplicate_term": _("The term “%(term)s” is defined twice."),
    "unknown_kind": _("Unknown question kind “%(kind)s”: use one of %(kinds)s."),
    "not_boolean": _("Expected true or false."),
    "not_number": _("Expected a number."),
    "bad_version_number": _("The version number must be a whole number, 1 or more."),
    "number_out_of_range": _("Use a number below a trillion with at most two decimals."),
    "min_over_max": _("The smallest value (%(min)s) is larger than the largest value (%(max)s)."),
    "limits_not_allowed": _("Only number questions have a smallest value, a largest value and a unit."),
    "choices_missing": _("This question needs at least %(count)s answer options."),
    "choices_not_allowed": _("Number and text questions have no answer options."),
    "items_missing": _("Scale and grid questions need at least one row."),
    "items_not_allowed": _("Only scale and grid questions have rows."),
    "exclusive_not_multiple": _("Only an option of a multiple-choice question can exclude the other options."),
    "unknown_background": _("Unknown background variable “%(value)s”: use one of %(values)s."),
    "background_not_single": _("A background variable must be asked as a single-choice question."),
    "duplicate_background": _("The background variable “%(value)s” is asked twice."),
    "unknown_definition": _("No definition has the Finnish term “%(term)s”."),
    "condition_shape": _(
        "A condition is {“question”: “<question code>”, “any_of”: [“<answer option code>”, …]}, or {} for none."
    ),
    "condition_unknown_question": _("The condition refers to “%(question)s”, which is not a question here."),
    "condition_not_earlier": _(
        "The condition refers to “%(question)s”, which does not come before it: a condition can only use "
        "answers given earlier."
    ),
    "condition_no_choices": _("The condition refers to “%(question)s”, which has no answer options."),
    "condition_unknown_choice": _("Question “%(question)s” has no answer option “%(choice)s”."),
    "condition_empty": _("The condition names no answer option."),
    "no_sections": _("The questionnaire has no sections."),
    "no_questions": _("The section has no questions."),
}

# Problems of a version that is still being written: the editor allows them, a round cannot use the version.
INCOMPLETE = frozenset(
    {"missing_finnish", "no_sections", "no_questions", "choices_missing", "items_missing", "condition_empty"}
)


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a file: where (a JSON path such as `sections[2].questions[0].code`) and what."""

    path: str
    code: str
    params: Mapping[str, Any] = field(default_factory=dict)

    @property
    def message(self) -> str:
        return str(MESSAGES[self.code]) % dict(self.params)

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


PLACES = {
    "definitions": _("definition “%(name)s”"),
    "sections": _("section “%(name)s”"),
    "questions": _("question “%(name)s”"),
    "choices": _("answer option “%(name)s”"),
    "items": _("row “%(name)s”"),
}
_STEP = re.compile(r"([a-z_]+)\[(\d+)\]")


def place(data: Any, path: str) -> str:
    """Where a path points, in words: "question “q_partners” › answer option “dont_know”" ("" at the top)."""
    names: list[str] = []
    node = data
    for step in path.split("."):
        match = _STEP.fullmatch(step)
        if match is None or not isinstance(node, Mapping):
            break
        key, index = match.group(1), int(match.group(2))
        rows = node.get(key)
        if (
            key not in PLACES
            or not isinstance(rows, list)
            or index >= len(rows)
            or not isinstance(rows[index], Mapping)
        ):
            break
        node = rows[index]
        name = _finnish(node.get("term")) if key == "definitions" else node.get("code")
        names.append(str(PLACES[key]) % {"name": name if isinstance(name, str) and name else index + 1})
    return " › ".join(names)


class FileError(ValueError):
    """The bytes are not a questionnaire file at all (not UTF-8, not JSON)."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.code)
        self.problem = problem


def loads(raw: bytes | str) -> Any:
    """The parsed JSON of an uploaded file, or FileError."""
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise FileError(Problem("", "not_utf8")) from None
    try:
        return json.loads(raw)
    except json.JSONDecodeError as error:
        raise FileError(Problem("", "not_json", {"error": f"{error.msg} ({error.lineno}:{error.colno})"})) from None
    except RecursionError:  # thousands of nested brackets: no questionnaire is that deep
        raise FileError(Problem("", "not_json", {"error": "nested too deeply"})) from None


def dumps(data: Mapping[str, Any]) -> str:
    """The file's text: readable (indented, non-ASCII letters as themselves), ending in a newline."""
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


# --- the check ----------------------------------------------------------------------------------------------------

ROOT_FIELDS = ("format", "questionnaire", "version", "definitions", "sections")
QUESTIONNAIRE_FIELDS = ("code", "name", "description", "provenance_note")
VERSION_FIELDS = ("number", "introduction", "reference_period")
DEFINITION_FIELDS = ("term", "text")
SECTION_FIELDS = ("code", "title", "introduction", "show_if", "questions")
QUESTION_FIELDS = (
    "code",
    "kind",
    "text",
    "help_text",
    "required",
    "show_if",
    "background",
    "definitions",
    "min_value",
    "max_value",
    "unit_label",
    "choices",
    "items",
)
CHOICE_FIELDS = ("code", "label", "excluded_from_percent", "exclusive")
ITEM_FIELDS = ("code", "label")


class _Checker:
    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, path: str, problem: str, **params: Any) -> None:
        self.problems.append(Problem(path, problem, params))

    def fields(self, value: Any, path: str, allowed: tuple[str, ...], required: tuple[str, ...]) -> bool:
        """Whether `value` is an object; reports unknown and missing fields."""
        if not isinstance(value, Mapping):
            self.add(path, "not_object")
            return False
        for name in value:
            if name not in allowed:
                self.add(_join(path, str(name)), "unknown_field", field=name)
        for name in required:
            if name not in value:
                self.add(path, "missing_field", field=name)
        return True

    def items(self, value: Any, path: str) -> list[Any]:
        if value is None:
            return []
        if not isinstance(value, list):
            self.add(path, "not_list")
            return []
        return value

    def text(self, value: Any, path: str, *, required: bool = False, limit: int | None = None) -> None:
        if value is None and not required:
            return
        if not isinstance(value, Mapping):
            self.add(path, "not_text")
            return
        for language, text in value.items():
            if language not in LANGUAGES:
                self.add(_join(path, str(language)), "unknown_language", language=language)
            elif not isinstance(text, str):
                self.add(_join(path, language), "not_text")
            elif "\x00" in text:  # JSON allows it, a database column does not
                self.add(_join(path, language), "nul_character")
            elif len(text.strip()) > (limit if limit is not None else LONG_TEXT_LIMIT):
                self.add(_join(path, language), "too_long", limit=limit if limit is not None else LONG_TEXT_LIMIT)
        finnish = value.get("fi")
        if required and not (isinstance(finnish, str) and finnish.strip()):
            self.add(_join(path, "fi"), "missing_finnish")

    def boolean(self, value: Any, path: str) -> None:
        if value is not None and not isinstance(value, bool):
            self.add(path, "not_boolean")

    def code(self, value: Any, path: str, pattern: re.Pattern[str], limit: int, problem: str) -> str | None:
        if isinstance(value, str) and pattern.fullmatch(value) and len(value) <= limit:
            return value
        self.add(path, problem, code=value if isinstance(value, str) else json.dumps(value), limit=limit)
        return None


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _number(value: Any) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:  # pragma: no cover - every int or float has a decimal form
        return None
    return number if number.is_finite() else None


@dataclass
class _QuestionSeen:
    position: int
    kind: str | None
    choices: set[str]


def validate(data: Any) -> list[Problem]:
    """Every problem of a questionnaire file, in file order; an empty list means it can be imported."""
    check = _Checker()
    if not check.fields(data, "", ROOT_FIELDS, ("format", "questionnaire", "sections")):
        return check.problems
    if data.get("format") != FORMAT:
        # Another format's fields mean something else: checking them as this one would only mislead.
        return [Problem("format", "wrong_format", {"expected": FORMAT})]

    questionnaire = data.get("questionnaire")
    if check.fields(questionnaire, "questionnaire", QUESTIONNAIRE_FIELDS, ("code", "name")):
        if "code" in questionnaire:
            code = check.code(
                questionnaire["code"],
                "questionnaire.code",
                QUESTIONNAIRE_CODE,
                QUESTIONNAIRE_CODE_LENGTH,
                "bad_questionnaire_code",
            )
            if code in RESERVED_CODES:
                check.add("questionnaire.code", "reserved_code", code=code)
        check.text(questionnaire.get("name"), "questionnaire.name", required=True, limit=TEXT_LIMITS["name"])
        check.text(questionnaire.get("description"), "questionnaire.description")
        check.text(questionnaire.get("provenance_note"), "questionnaire.provenance_note")

    version = data.get("version", {})
    if check.fields(version, "version", VERSION_FIELDS, ()):
        number = version.get("number", 1)
        if isinstance(number, bool) or not isinstance(number, int) or number < 1:
            check.add("version.number", "bad_version_number")
        check.text(version.get("introduction"), "version.introduction")
        check.text(version.get("reference_period"), "version.reference_period", limit=TEXT_LIMITS["reference_period"])

    terms: set[str] = set()
    for index, definition in enumerate(check.items(data.get("definitions"), "definitions")):
        path = f"definitions[{index}]"
        if not check.fields(definition, path, DEFINITION_FIELDS, DEFINITION_FIELDS):
            continue
        check.text(definition.get("term"), f"{path}.term", required=True, limit=TEXT_LIMITS["term"])
        check.text(definition.get("text"), f"{path}.text", required=True)
        term = _finnish(definition.get("term"))
        if term:
            if term in terms:
                check.add(f"{path}.term.fi", "duplicate_term", term=term)
            terms.add(term)

    sections = check.items(data.get("sections"), "sections")
    if isinstance(data.get("sections"), list) and not sections:
        check.add("sections", "no_sections")
    # Routing needs to know every question first: a condition may name a question that is checked later, and
    # must then be told it is "not earlier" rather than "unknown".
    seen = _questions_in_order(sections)
    section_codes: set[str] = set()
    backgrounds: set[str] = set()
    question_codes: set[str] = set()
    position = 0
    for s_index, section in enumerate(sections):
        s_path = f"sections[{s_index}]"
        if not check.fields(section, s_path, SECTION_FIELDS, ("code", "title", "questions")):
            continue
        code = check.code(section.get("code"), f"{s_path}.code", VARIABLE_CODE, CODE_LENGTH, "bad_variable_code")
        if code is not None:
            if code in section_codes:
                check.add(f"{s_path}.code", "duplicate_code", code=code)
            section_codes.add(code)
        check.text(section.get("title"), f"{s_path}.title", required=True, limit=TEXT_LIMITS["title"])
        check.text(section.get("introduction"), f"{s_path}.introduction")
        # A section's condition is read before any of its questions is answered.
        _condition(check, section.get("show_if"), f"{s_path}.show_if", seen, before=position)
        questions = check.items(section.get("questions"), f"{s_path}.questions")
        if isinstance(section.get("questions"), list) and not questions:
            check.add(f"{s_path}.questions", "no_questions")
        for q_index, question in enumerate(questions):
            _question(
                check, question, f"{s_path}.questions[{q_index}]", position, seen, terms, question_codes, backgrounds
            )
            position += 1
    return check.problems


def _finnish(text: Any) -> str:
    value = text.get("fi") if isinstance(text, Mapping) else None
    return value.strip() if isinstance(value, str) else ""


def _questions_in_order(sections: list[Any]) -> dict[str, _QuestionSeen]:
    """{code: where it is, its kind and choice codes} of every question, first occurrence of a code."""
    seen: dict[str, _QuestionSeen] = {}
    position = 0
    for section in sections:
        questions = section.get("questions") if isinstance(section, Mapping) else None
        for question in questions if isinstance(questions, list) else []:
            if isinstance(question, Mapping) and isinstance(question.get("code"), str):
                choices = question.get("choices")
                codes = {
                    c["code"]
                    for c in (choices if isinstance(choices, list) else [])
                    if isinstance(c, Mapping) and isinstance(c.get("code"), str)
                }
                kind = question.get("kind")
                seen.setdefault(
                    question["code"], _QuestionSeen(position, kind if isinstance(kind, str) else None, codes)
                )
            position += 1
    return seen


def _condition(check: _Checker, condition: Any, path: str, seen: dict[str, _QuestionSeen], *, before: int) -> None:
    """A routing condition may only use a choice question that comes before position `before`."""
    if condition is None or condition == {}:
        return
    if (
        not isinstance(condition, Mapping)
        or set(condition) != {"question", "any_of"}
        or not isinstance(condition["question"], str)
        or not isinstance(condition["any_of"], list)
        or not all(isinstance(choice, str) for choice in condition["any_of"])
    ):
        check.add(path, "condition_shape")
        return
    code = condition["question"]
    target = seen.get(code)
    if target is None:
        check.add(f"{path}.question", "condition_unknown_question", question=code)
        return
    if target.position >= before:
        check.add(f"{path}.question", "condition_not_earlier", question=code)
        return
    if target.kind not in CHOICE_KINDS:
        check.add(f"{path}.question", "condition_no_choices", question=code)
        return
    if not condition["any_of"]:
        check.add(f"{path}.any_of", "condition_empty")
    for index, choice in enumerate(condition["any_of"]):
        if choice not in target.choices:
            check.add(f"{path}.any_of[{index}]", "condition_unknown_choice", question=code, choice=choice)


def _question(
    check: _Checker,
    question: Any,
    path: str,
    position: int,
    seen: dict[str, _QuestionSeen],
    terms: set[str],
    codes: set[str],
    backgrounds: set[str],
) -> None:
    if not check.fields(question, path, QUESTION_FIELDS, ("code", "kind", "text")):
        return
    code = check.code(question.get("code"), f"{path}.code", VARIABLE_CODE, CODE_LENGTH, "bad_variable_code")
    if code is not None:
        if code in codes:
            check.add(f"{path}.code", "duplicate_code", code=code)
        codes.add(code)
    kind = question.get("kind")
    if kind not in KINDS:
        check.add(f"{path}.kind", "unknown_kind", kind=kind, kinds=", ".join(KINDS))
        kind = None
    check.text(question.get("text"), f"{path}.text", required=True)
    check.text(question.get("help_text"), f"{path}.help_text")
    check.boolean(question.get("required"), f"{path}.required")
    _condition(check, question.get("show_if"), f"{path}.show_if", seen, before=position)

    background = question.get("background") or ""
    if background not in BACKGROUNDS:
        check.add(f"{path}.background", "unknown_background", value=background, values=", ".join(BACKGROUNDS[1:]))
    elif background:
        if kind is not None and kind != "single":
            check.add(f"{path}.background", "background_not_single")
        if background in backgrounds:
            check.add(f"{path}.background", "duplicate_background", value=background)
        backgrounds.add(background)

    for index, term in enumerate(check.items(question.get("definitions"), f"{path}.definitions")):
        if not isinstance(term, str) or term.strip() not in terms:
            check.add(f"{path}.definitions[{index}]", "unknown_definition", term=term)

    _limits(check, question, path, kind)
    _choices(check, question, path, kind)
    _items(check, question, path, kind)


def _limits(check: _Checker, question: Mapping[str, Any], path: str, kind: str | None) -> None:
    limits: dict[str, Decimal] = {}
    for name in ("min_value", "max_value"):
        value = question.get(name)
        if value is None:
            continue
        number = _number(value)
        if number is None:
            check.add(f"{path}.{name}", "not_number")
        elif abs(number) >= NUMBER_LIMIT or number != number.quantize(Decimal("0.01")):
            check.add(f"{path}.{name}", "number_out_of_range")
        else:
            limits[name] = number
    check.text(question.get("unit_label"), f"{path}.unit_label", limit=TEXT_LIMITS["unit_label"])
    has_unit = any(_text_values(question.get("unit_label")))
    if kind is not None and kind != "number" and (limits or has_unit):
        check.add(f"{path}.min_value" if limits else f"{path}.unit_label", "limits_not_allowed")
    if "min_value" in limits and "max_value" in limits and limits["min_value"] > limits["max_value"]:
        check.add(f"{path}.min_value", "min_over_max", min=limits["min_value"], max=limits["max_value"])


def _text_values(text: Any) -> list[str]:
    if not isinstance(text, Mapping):
        return []
    return [value.strip() for value in text.values() if isinstance(value, str) and value.strip()]


def _choices(check: _Checker, question: Mapping[str, Any], path: str, kind: str | None) -> None:
    choices = check.items(question.get("choices"), f"{path}.choices")
    if kind in ("number", "text") and choices:
        check.add(f"{path}.choices", "choices_not_allowed")
        return
    if kind in CHOICE_KINDS and len(choices) < MIN_CHOICES[kind]:
        check.add(f"{path}.choices", "choices_missing", count=MIN_CHOICES[kind])
    codes: set[str] = set()
    for index, choice in enumerate(choices):
        c_path = f"{path}.choices[{index}]"
        if not check.fields(choice, c_path, CHOICE_FIELDS, ("code", "label")):
            continue
        code = check.code(choice.get("code"), f"{c_path}.code", VALUE_CODE, CODE_LENGTH, "bad_value_code")
        if code is not None:
            if code in codes:
                check.add(f"{c_path}.code", "duplicate_code", code=code)
            codes.add(code)
        check.text(choice.get("label"), f"{c_path}.label", required=True, limit=TEXT_LIMITS["label"])
        check.boolean(choice.get("excluded_from_percent"), f"{c_path}.excluded_from_percent")
        check.boolean(choice.get("exclusive"), f"{c_path}.exclusive")
        if choice.get("exclusive") is True and kind is not None and kind != "multiple":
            check.add(f"{c_path}.exclusive", "exclusive_not_multiple")


def _items(check: _Checker, question: Mapping[str, Any], path: str, kind: str | None) -> None:
    items = check.items(question.get("items"), f"{path}.items")
    if kind is not None and kind not in ITEM_KINDS and items:
        check.add(f"{path}.items", "items_not_allowed")
        return
    if kind in ITEM_KINDS and not items:
        check.add(f"{path}.items", "items_missing")
    codes: set[str] = set()
    for index, item in enumerate(items):
        i_path = f"{path}.items[{index}]"
        if not check.fields(item, i_path, ITEM_FIELDS, ITEM_FIELDS):
            continue
        code = check.code(item.get("code"), f"{i_path}.code", VALUE_CODE, CODE_LENGTH, "bad_value_code")
        if code is not None:
            if code in codes:
                check.add(f"{i_path}.code", "duplicate_code", code=code)
            codes.add(code)
        check.text(item.get("label"), f"{i_path}.label", required=True, limit=TEXT_LIMITS["label"])


# --- the canonical form -------------------------------------------------------------------------------------------


def text(value: Any) -> dict[str, str]:
    """A text in canonical form: all three languages, trimmed, "" where missing."""
    value = value if isinstance(value, Mapping) else {}
    return {language: (value.get(language) or "").strip() for language in LANGUAGES}


def number(value: Decimal | float | int | None) -> int | float | None:
    """A limit as JSON writes it: whole numbers without a decimal point."""
    if value is None:
        return None
    decimal = Decimal(str(value))
    return int(decimal) if decimal == decimal.to_integral_value() else float(decimal)


def normalise(data: Mapping[str, Any]) -> dict[str, Any]:
    """A valid file in canonical form. Call `validate` first: this assumes the shapes are right."""
    questionnaire = data["questionnaire"]
    version = data.get("version") or {}
    # A question lists its definitions in the order of the file's definitions (as the export writes them).
    order = {text(d["term"])["fi"]: index for index, d in enumerate(data.get("definitions") or [])}
    return {
        "format": FORMAT,
        "questionnaire": {
            "code": questionnaire["code"],
            "name": text(questionnaire.get("name")),
            "description": text(questionnaire.get("description")),
            "provenance_note": text(questionnaire.get("provenance_note")),
        },
        "version": {
            "number": version.get("number", 1),
            "introduction": text(version.get("introduction")),
            "reference_period": text(version.get("reference_period")),
        },
        "definitions": [{"term": text(d["term"]), "text": text(d["text"])} for d in data.get("definitions") or []],
        "sections": [
            {
                "code": section["code"],
                "title": text(section["title"]),
                "introduction": text(section.get("introduction")),
                "show_if": condition(section.get("show_if")),
                "questions": [_normal_question(q, order) for q in section["questions"]],
            }
            for section in data["sections"]
        ],
    }


def condition(value: Any) -> dict[str, Any]:
    if not value:
        return {}
    return {"question": value["question"], "any_of": list(value["any_of"])}


def _normal_question(question: Mapping[str, Any], definition_order: Mapping[str, int]) -> dict[str, Any]:
    terms = {term.strip() for term in question.get("definitions") or []}
    return {
        "code": question["code"],
        "kind": question["kind"],
        "text": text(question["text"]),
        "help_text": text(question.get("help_text")),
        "required": bool(question.get("required", False)),
        "show_if": condition(question.get("show_if")),
        "background": question.get("background") or "",
        "definitions": sorted(terms, key=definition_order.__getitem__),
        "min_value": number(question.get("min_value")),
        "max_value": number(question.get("max_value")),
        "unit_label": text(question.get("unit_label")),
        "choices": [
            {
                "code": choice["code"],
                "label": text(choice["label"]),
                "excluded_from_percent": bool(choice.get("excluded_from_percent", False)),
                "exclusive": bool(choice.get("exclusive", False)),
            }
            for choice in question.get("choices") or []
        ],
        "items": [{"code": item["code"], "label": text(item["label"])} for item in question.get("items") or []],
    }
