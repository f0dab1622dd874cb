"""The questionnaire file's check (no database): every kind of problem is found, with its JSON path, all at once."""

import copy
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import translation

from barometer.questionnaires import file as qf


def t(fi: str, sv: str = "", en: str = "") -> dict[str, str]:
    return {"fi": fi, "sv": sv, "en": en}


def minimal() -> dict[str, Any]:
    """A small valid file: a routed section, every question kind, a definition."""
    yes_no = [{"code": "yes", "label": t("Kyllä")}, {"code": "no", "label": t("Ei")}]
    return {
        "format": qf.FORMAT,
        "questionnaire": {"code": "test", "name": t("Testi", "Test", "Test")},
        "version": {"number": 1, "reference_period": t("kaksi viimeistä vuotta")},
        "definitions": [{"term": t("innovaatio"), "text": t("Käyttöön otettu idea.")}],
        "sections": [
            {
                "code": "first",
                "title": t("Ensimmäinen"),
                "questions": [
                    {"code": "kind", "kind": "single", "text": t("Laji?"), "background": "kind", "choices": yes_no},
                    {
                        "code": "types",
                        "kind": "grid",
                        "text": t("Tyypit?"),
                        "definitions": ["innovaatio"],
                        "choices": yes_no,
                        "items": [{"code": "service", "label": t("Palvelu")}],
                    },
                ],
            },
            {
                "code": "second",
                "title": t("Toinen"),
                "show_if": {"question": "types", "any_of": ["yes"]},
                "questions": [
                    {
                        "code": "channels",
                        "kind": "multiple",
                        "text": t("Kanavat?"),
                        "show_if": {"question": "kind", "any_of": ["yes", "no"]},
                        "choices": [
                            {"code": "web", "label": t("Verkko")},
                            {"code": "none", "label": t("Ei mikään"), "exclusive": True},
                            {"code": "dont_know", "label": t("EOS"), "excluded_from_percent": True},
                        ],
                    },
                    {"code": "staff", "kind": "number", "text": t("Montako?"), "min_value": 0, "max_value": 99.5},
                    {"code": "comments", "kind": "text", "text": t("Kommentit")},
                ],
            },
        ],
    }


def problems(data: Any) -> set[tuple[str, str]]:
    return {(problem.path, problem.code) for problem in qf.validate(data)}


def changed(change: Callable[[dict[str, Any]], Any]) -> dict[str, Any]:
    data = minimal()
    change(data)
    return data


def first(data: dict[str, Any]) -> list[dict[str, Any]]:
    return data["sections"][0]["questions"]


def second(data: dict[str, Any]) -> list[dict[str, Any]]:
    return data["sections"][1]["questions"]


def test_a_valid_file_has_no_problems() -> None:
    assert qf.validate(minimal()) == []


def test_normalise_fills_every_key_and_is_stable() -> None:
    normal = qf.normalise(minimal())
    question = normal["sections"][1]["questions"][1]
    assert question == {
        "code": "staff",
        "kind": "number",
        "text": t("Montako?"),
        "help_text": t(""),
        "required": False,
        "show_if": {},
        "background": "",
        "definitions": [],
        "min_value": 0,
        "max_value": 99.5,
        "unit_label": t(""),
        "choices": [],
        "items": [],
    }
    assert qf.validate(normal) == []
    assert qf.normalise(normal) == normal
    assert json.loads(qf.dumps(normal)) == normal


def test_normalise_trims_texts_and_orders_a_questions_definitions_like_the_file() -> None:
    data = minimal()
    data["definitions"].append({"term": t("palvelu"), "text": t("…")})
    first(data)[1]["definitions"] = ["palvelu", " innovaatio "]
    first(data)[1]["text"] = {"fi": "  Tyypit?  "}
    normal = qf.normalise(data)
    assert normal["sections"][0]["questions"][1]["definitions"] == ["innovaatio", "palvelu"]
    assert normal["sections"][0]["questions"][1]["text"] == t("Tyypit?")


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        # the file as a whole
        (lambda d: d.update(format="other/2"), ("format", "wrong_format")),
        (lambda d: d.pop("questionnaire"), ("", "missing_field")),
        (lambda d: d.update(extra=1), ("extra", "unknown_field")),
        (lambda d: d.update(sections={}), ("sections", "not_list")),
        (lambda d: d.update(sections=[]), ("sections", "no_sections")),
        (lambda d: d["questionnaire"].update(code="with space"), ("questionnaire.code", "bad_questionnaire_code")),
        (lambda d: d["questionnaire"].update(code="x" * 65), ("questionnaire.code", "bad_questionnaire_code")),
        (lambda d: d["questionnaire"].update(name={"sv": "Test"}), ("questionnaire.name.fi", "missing_finnish")),
        (lambda d: d["questionnaire"].update(name="Testi"), ("questionnaire.name", "not_text")),
        (
            lambda d: d["questionnaire"].update(name={"fi": "x", "de": "y"}),
            ("questionnaire.name.de", "unknown_language"),
        ),
        (lambda d: d["questionnaire"].update(name={"fi": 5}), ("questionnaire.name.fi", "not_text")),
        (lambda d: d["questionnaire"].update(name=t("x" * 201)), ("questionnaire.name.fi", "too_long")),
        (lambda d: d["questionnaire"].update(name=t("a\x00b")), ("questionnaire.name.fi", "nul_character")),
        (lambda d: d["version"].update(number=0), ("version.number", "bad_version_number")),
        (lambda d: d["version"].update(number=True), ("version.number", "bad_version_number")),
        # definitions
        (
            lambda d: d["definitions"].append(copy.deepcopy(d["definitions"][0])),
            ("definitions[1].term.fi", "duplicate_term"),
        ),
        (lambda d: d["definitions"][0].pop("text"), ("definitions[0]", "missing_field")),
        (lambda d: d["definitions"][0].update(term=t("")), ("definitions[0].term.fi", "missing_finnish")),
        # sections
        (lambda d: d["sections"][1].update(code="first"), ("sections[1].code", "duplicate_code")),
        (lambda d: d["sections"][1].update(code="2nd"), ("sections[1].code", "bad_variable_code")),
        (lambda d: d["sections"][1].update(questions=[]), ("sections[1].questions", "no_questions")),
        (lambda d: d["sections"][1].update(title=t(" ")), ("sections[1].title.fi", "missing_finnish")),
        # questions
        (lambda d: first(d)[1].update(kind="ranking"), ("sections[0].questions[1].kind", "unknown_kind")),
        (lambda d: second(d)[0].update(code="kind"), ("sections[1].questions[0].code", "duplicate_code")),
        (lambda d: second(d)[0].update(code="q-1"), ("sections[1].questions[0].code", "bad_variable_code")),
        (lambda d: second(d)[0].update(code="q" * 33), ("sections[1].questions[0].code", "bad_variable_code")),
        (
            lambda d: second(d)[0].update(text={"en": "Channels?"}),
            ("sections[1].questions[0].text.fi", "missing_finnish"),
        ),
        (lambda d: second(d)[0].update(required="yes"), ("sections[1].questions[0].required", "not_boolean")),
        (lambda d: second(d)[0].update(typo=1), ("sections[1].questions[0].typo", "unknown_field")),
        (lambda d: first(d)[0].update(choices=[]), ("sections[0].questions[0].choices", "choices_missing")),
        (
            lambda d: first(d)[0].update(choices=first(d)[0]["choices"][:1]),
            ("sections[0].questions[0].choices", "choices_missing"),
        ),
        (lambda d: first(d)[1].update(items=[]), ("sections[0].questions[1].items", "items_missing")),
        (
            lambda d: second(d)[0].update(items=[{"code": "a", "label": t("A")}]),
            ("sections[1].questions[0].items", "items_not_allowed"),
        ),
        (
            lambda d: second(d)[2].update(choices=[{"code": "a", "label": t("A")}]),
            ("sections[1].questions[2].choices", "choices_not_allowed"),
        ),
        (lambda d: second(d)[1].update(min_value=100), ("sections[1].questions[1].min_value", "min_over_max")),
        (lambda d: second(d)[1].update(min_value="0"), ("sections[1].questions[1].min_value", "not_number")),
        (lambda d: second(d)[1].update(max_value=0.001), ("sections[1].questions[1].max_value", "number_out_of_range")),
        (lambda d: second(d)[1].update(max_value=1e12), ("sections[1].questions[1].max_value", "number_out_of_range")),
        (lambda d: second(d)[2].update(max_value=5), ("sections[1].questions[2].min_value", "limits_not_allowed")),
        (
            lambda d: second(d)[2].update(unit_label=t("kpl")),
            ("sections[1].questions[2].unit_label", "limits_not_allowed"),
        ),
        (
            lambda d: first(d)[1].update(definitions=["keksintö"]),
            ("sections[0].questions[1].definitions[0]", "unknown_definition"),
        ),
        (lambda d: first(d)[1].update(background="age"), ("sections[0].questions[1].background", "unknown_background")),
        (
            lambda d: first(d)[1].update(background="region"),
            ("sections[0].questions[1].background", "background_not_single"),
        ),
        (
            lambda d: first(d)[1].update(kind="single", items=[], background="kind"),
            ("sections[0].questions[1].background", "duplicate_background"),
        ),
        # choices and items
        (
            lambda d: first(d)[0]["choices"].append({"code": "yes", "label": t("Taas")}),
            ("sections[0].questions[0].choices[2].code", "duplicate_code"),
        ),
        (
            lambda d: first(d)[0]["choices"][0].update(code="kyllä"),
            ("sections[0].questions[0].choices[0].code", "bad_value_code"),
        ),
        (
            lambda d: first(d)[0]["choices"][0].update(code=1),
            ("sections[0].questions[0].choices[0].code", "bad_value_code"),
        ),
        (
            lambda d: first(d)[0]["choices"][0].update(label=t("")),
            ("sections[0].questions[0].choices[0].label.fi", "missing_finnish"),
        ),
        (
            lambda d: first(d)[0]["choices"][0].update(exclusive=True),
            ("sections[0].questions[0].choices[0].exclusive", "exclusive_not_multiple"),
        ),
        (
            lambda d: second(d)[0]["choices"][2].update(excluded_from_percent=1),
            ("sections[1].questions[0].choices[2].excluded_from_percent", "not_boolean"),
        ),
        (
            lambda d: first(d)[1]["items"].append({"code": "service", "label": t("X")}),
            ("sections[0].questions[1].items[1].code", "duplicate_code"),
        ),
        (lambda d: first(d)[1]["items"][0].pop("label"), ("sections[0].questions[1].items[0]", "missing_field")),
        # routing
        (
            lambda d: second(d)[0].update(show_if={"question": "nope", "any_of": ["yes"]}),
            ("sections[1].questions[0].show_if.question", "condition_unknown_question"),
        ),
        (
            lambda d: second(d)[0].update(show_if={"question": "comments", "any_of": ["yes"]}),
            ("sections[1].questions[0].show_if.question", "condition_not_earlier"),
        ),
        (
            lambda d: second(d)[0].update(show_if={"question": "channels", "any_of": ["web"]}),
            ("sections[1].questions[0].show_if.question", "condition_not_earlier"),
        ),
        (
            lambda d: d["sections"][1].update(show_if={"question": "channels", "any_of": ["web"]}),
            ("sections[1].show_if.question", "condition_not_earlier"),
        ),
        (
            lambda d: second(d)[2].update(show_if={"question": "staff", "any_of": ["1"]}),
            ("sections[1].questions[2].show_if.question", "condition_no_choices"),
        ),
        (
            lambda d: second(d)[0].update(show_if={"question": "kind", "any_of": ["maybe"]}),
            ("sections[1].questions[0].show_if.any_of[0]", "condition_unknown_choice"),
        ),
        (
            lambda d: second(d)[0].update(show_if={"question": "kind", "any_of": []}),
            ("sections[1].questions[0].show_if.any_of", "condition_empty"),
        ),
        (
            lambda d: second(d)[0].update(show_if={"question": "kind"}),
            ("sections[1].questions[0].show_if", "condition_shape"),
        ),
        (lambda d: second(d)[0].update(show_if="kind=yes"), ("sections[1].questions[0].show_if", "condition_shape")),
    ],
)
def test_each_problem_is_found_with_its_path(
    change: Callable[[dict[str, Any]], Any], expected: tuple[str, str]
) -> None:
    found = problems(changed(change))
    assert expected in found, found


def test_every_problem_is_reported_at_once() -> None:
    data = minimal()
    first(data)[1]["items"] = []
    second(data)[0]["code"] = "kind"
    second(data)[1]["min_value"] = 1000
    data["questionnaire"]["name"] = {}
    assert problems(data) == {
        ("questionnaire.name.fi", "missing_finnish"),
        ("sections[0].questions[1].items", "items_missing"),
        ("sections[1].questions[0].code", "duplicate_code"),
        ("sections[1].questions[1].min_value", "min_over_max"),
    }


def test_not_an_object_at_the_top() -> None:
    assert problems([1, 2]) == {("", "not_object")}


def test_background_values_may_mirror_the_frame() -> None:
    data = minimal()
    first(data)[0]["choices"] += [
        {"code": "5k-10k", "label": t("5 000–9 999")},
        {"code": "100k+", "label": t("100 000+")},
    ]
    assert qf.validate(data) == []


def test_messages_are_in_the_users_language() -> None:
    problem = qf.Problem("sections[0].questions[0].code", "duplicate_code", {"code": "q1"})
    with translation.override("en"):
        assert str(problem) == "sections[0].questions[0].code: The code “q1” is used twice."


def test_loads_reports_bytes_that_are_no_file() -> None:
    with pytest.raises(qf.FileError) as caught:
        qf.loads(b"\xff\xfe{")
    assert caught.value.problem.code == "not_utf8"
    with pytest.raises(qf.FileError) as caught:
        qf.loads(b'{"format": ')
    assert caught.value.problem.code == "not_json"
    with pytest.raises(qf.FileError) as caught:
        qf.loads(b"[" * 100_000 + b"]" * 100_000)
    assert caught.value.problem.code == "not_json"
    # A byte-order mark (as some Windows editors write) is fine.
    assert qf.loads("\ufeff{}".encode()) == {}
