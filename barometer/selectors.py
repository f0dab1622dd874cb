"""Reads of questionnaires shared by the answering form, the import, the analysis and the API; and who sees which
questionnaire version, round and results (the pages and the API ask here)."""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from accounts import roles
from barometer.answers import QuestionSpec
from barometer.models import Question, QuestionnaireVersion, Round, Section
from barometer.vocabulary import RoundStatus, VersionStatus


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


# --- who sees what ------------------------------------------------------------------------------------------------


def _public_or_of(queryset: QuerySet[Any], public: Q, organiser: str, organisation_ids: Iterable[int]) -> QuerySet[Any]:
    ids = list(organisation_ids)
    return queryset.filter(public | Q(**{f"{organiser}__in": ids}) if ids else public)


def questionnaire_versions_open_to(organisation_ids: Iterable[int]) -> QuerySet[QuestionnaireVersion]:
    """Versions in use (frozen) for everyone, and the organisations' own drafts: what their people see, and what a
    round of theirs may use."""
    public = Q(status=VersionStatus.FROZEN)
    return _public_or_of(QuestionnaireVersion.objects.all(), public, "questionnaire__organiser_id", organisation_ids)


def rounds_open_to(organisation_ids: Iterable[int]) -> QuerySet[Round]:
    """Rounds with published results, and the organisations' own rounds in any state."""
    return _public_or_of(Round.objects.all(), Q(status=RoundStatus.PUBLISHED), "organiser_id", organisation_ids)


def questionnaire_versions_visible(user: Any) -> QuerySet[QuestionnaireVersion]:
    """Versions in use (frozen) for everyone; drafts for the questionnaire's team (all for a superuser)."""
    if getattr(user, "is_superuser", False):
        return QuestionnaireVersion.objects.all()
    return questionnaire_versions_open_to(roles.editable_organisation_ids(user))


def rounds_visible(user: Any) -> QuerySet[Round]:
    """Rounds with published results for everyone; the others for the organiser's team (as `view_results`)."""
    if getattr(user, "is_superuser", False):
        return Round.objects.all()
    return rounds_open_to(roles.editable_organisation_ids(user))


def results_round(*, user: Any, slug: str, rounds: QuerySet[Round] | None = None) -> Round | None:
    """The round if this person may see its results (`barometer.view_results`), else None: the caller answers 404,
    so that a round's existence is not revealed. `rounds`: rounds_visible(user) with what the caller reads."""
    found = (rounds if rounds is not None else rounds_visible(user)).filter(slug=slug).first()
    if found is None or not user.has_perm("barometer.view_results", found):
        return None
    return found


def is_team(*, user: Any, round: Round) -> bool:
    """The round's barometer team (the organiser's editors and administrators, platform administrators): it sees
    the round before it is published, and its figures unsuppressed."""
    return bool(user.has_perm("barometer.manage_round", round))


def sees_public_results(*, user: Any, round: Round, preview: bool = False) -> bool:
    """Whether this person sees the round's results with disclosure control: everyone but the team, and the team
    when it previews the public view. A round compared with takes `preview` from the round it is compared to, so
    that a team never sees another team's round unsuppressed."""
    return preview or not is_team(user=user, round=round)


def may_compare_with(*, user: Any, round: Round) -> bool:
    return bool(user.has_perm("barometer.view_results", round))
