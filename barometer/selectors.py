"""Reads of questionnaires shared by the answering form, the import, the analysis and the API."""

from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch

from barometer.answers import QuestionSpec
from barometer.models import Question, QuestionnaireVersion, Section


@dataclass(frozen=True)
class VersionSpec:
    """A questionnaire version as plain data: questions in order and each question's section condition."""

    questions: list[QuestionSpec]
    section_conditions: dict[str, Any]
    section_of: dict[str, str]

    def by_code(self) -> dict[str, QuestionSpec]:
        return {spec.code: spec for spec in self.questions}


def version_contents(version: QuestionnaireVersion) -> list[Section]:
    """Sections with their questions, choices, items and definitions, in order, in a fixed number of queries."""
    questions = Question.objects.order_by("order").prefetch_related("choices", "items", "definitions")
    return list(version.sections.order_by("order").prefetch_related(Prefetch("questions", queryset=questions)))


def question_spec(question: Question) -> QuestionSpec:
    choices = list(question.choices.all())
    return QuestionSpec(
        code=question.code,
        kind=question.kind,
        choices=tuple(c.code for c in choices),
        exclusive=frozenset(c.code for c in choices if c.exclusive),
        items=tuple(i.code for i in question.items.all()),
        required=question.required,
        min_value=question.min_value,
        max_value=question.max_value,
        show_if=question.show_if or {},
    )


def version_spec(version: QuestionnaireVersion) -> VersionSpec:
    questions: list[QuestionSpec] = []
    conditions: dict[str, Any] = {}
    section_of: dict[str, str] = {}
    for section in version_contents(version):
        for question in section.questions.all():
            questions.append(question_spec(question))
            conditions[question.code] = section.show_if or {}
            section_of[question.code] = section.code
    return VersionSpec(questions=questions, section_conditions=conditions, section_of=section_of)
