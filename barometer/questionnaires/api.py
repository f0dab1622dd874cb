"""REST API v1 for the barometer's questionnaires: the questionnaires, their versions in full, and a version's
questionnaire file. A version in use (frozen) is open to everyone; drafts only to their barometer team.
"""

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Field, P, PathEx, Router, Schema
from ninja.pagination import paginate

from accounts.api_auth import AUTH_OPTIONAL, OPTIONAL_SECURITY, actor
from barometer import selectors
from barometer.models import Choice, Definition, Item, Question, Questionnaire, QuestionnaireVersion, Section
from barometer.questionnaires import file as questionnaire_file
from barometer.questionnaires.services import questionnaire_export
from barometer.vocabulary import Background, QuestionKind, VersionStatus
from core.api_types import MAX_INT, SLUG_PATTERN, OutText, Pagination
from organisations.api import OrganisationRef

QuestionnaireCode = PathEx[str, P(pattern=SLUG_PATTERN, max_length=64, example="municipal-barometer")]
VersionNumber = PathEx[int, P(ge=1, le=MAX_INT, example=1)]


class Condition(Schema):
    """Routing: shown only when the answer to `question` is one of `any_of` (for several answers: any of them)."""

    question: str
    any_of: list[str]


class ChoiceOut(Schema):
    code: str
    label: OutText
    excluded_from_percent: bool = Field(..., description="Counted, but left out of the percentage's denominator.")
    exclusive: bool = Field(..., description="Cannot be chosen together with other options.")


class ItemOut(Schema):
    code: str
    label: OutText


class DefinitionOut(Schema):
    id: int
    term: OutText
    text: OutText


class QuestionOut(Schema):
    code: str
    kind: QuestionKind
    text: OutText
    help_text: OutText
    required: bool
    show_if: Condition | None
    background: Background = Field(..., description="The sampling frame's variable this question asks, if any.")
    definitions: list[int] = Field(..., description="Ids of the definitions shown with the question.")
    min_value: Decimal | None
    max_value: Decimal | None
    unit_label: OutText
    choices: list[ChoiceOut] = Field(..., description="Answer options; for scales and grids, the columns.")
    items: list[ItemOut] = Field(..., description="Rows of a scale or grid, each answered with one choice.")

    @staticmethod
    def resolve_show_if(obj: Question) -> dict[str, Any] | None:
        return _condition(obj.show_if)

    @staticmethod
    def resolve_definitions(obj: Question) -> list[int]:
        return sorted(d.pk for d in obj.definitions.all())

    @staticmethod
    def resolve_choices(obj: Question) -> list[Choice]:
        return list(obj.choices.all())

    @staticmethod
    def resolve_items(obj: Question) -> list[Item]:
        return list(obj.items.all())


class SectionOut(Schema):
    code: str
    title: OutText
    introduction: OutText
    show_if: Condition | None
    questions: list[QuestionOut]

    @staticmethod
    def resolve_show_if(obj: Section) -> dict[str, Any] | None:
        return _condition(obj.show_if)

    @staticmethod
    def resolve_questions(obj: Section) -> list[Question]:
        return list(obj.questions.all())


def _condition(value: Any) -> dict[str, Any] | None:
    if not value or not isinstance(value, dict):
        return None
    return {"question": str(value.get("question", "")), "any_of": [str(v) for v in value.get("any_of", ())]}


class QuestionnaireRef(Schema):
    code: str
    name: OutText


class VersionRef(Schema):
    number: int
    status: VersionStatus
    created_at: datetime


class QuestionnaireOut(QuestionnaireRef):
    name_fi: OutText
    name_sv: OutText
    name_en: OutText
    description: OutText
    provenance_note: OutText = Field(..., description="Where the questionnaire comes from, e.g. a reconstruction.")
    organiser: OrganisationRef
    versions: list[VersionRef] = Field(..., description="The versions you may see, newest first.")

    @staticmethod
    def resolve_versions(obj: Questionnaire) -> list[QuestionnaireVersion]:
        versions: list[QuestionnaireVersion] = obj.visible_versions  # type: ignore[attr-defined]  # prefetched by _questionnaires
        return versions


class VersionOut(Schema):
    questionnaire: QuestionnaireRef
    number: int
    status: VersionStatus
    introduction: OutText
    reference_period: OutText
    created_at: datetime
    definitions: list[DefinitionOut]
    sections: list[SectionOut]

    @staticmethod
    def resolve_definitions(obj: QuestionnaireVersion) -> list[Definition]:
        return list(obj.definitions.order_by("term"))

    @staticmethod
    def resolve_sections(obj: QuestionnaireVersion) -> list[Section]:
        return selectors.version_contents(obj)


router = Router()


def _questionnaires(user: Any) -> QuerySet[Questionnaire]:
    versions = selectors.questionnaire_versions_visible(user).order_by("-number")
    return (
        Questionnaire.objects.filter(versions__in=versions)
        .distinct()
        .select_related("organiser")
        .prefetch_related(Prefetch("versions", queryset=versions, to_attr="visible_versions"))
        .order_by("code")
    )


@router.get(
    "/questionnaires",
    response=list[QuestionnaireOut],
    auth=AUTH_OPTIONAL,
    openapi_extra=OPTIONAL_SECURITY,
    summary="List questionnaires",
)
@paginate(Pagination)
def questionnaire_list(request: HttpRequest) -> Any:
    """Questionnaires with a version in use, and your own team's drafts when you are signed in."""
    return _questionnaires(actor(request))


@router.get(
    "/questionnaires/{code}",
    response=QuestionnaireOut,
    auth=AUTH_OPTIONAL,
    openapi_extra=OPTIONAL_SECURITY,
    summary="Read a questionnaire and its versions",
)
def questionnaire_read(request: HttpRequest, code: QuestionnaireCode) -> Any:
    return get_object_or_404(_questionnaires(actor(request)), code=code)


def _version(request: HttpRequest, code: str, number: int) -> QuestionnaireVersion:
    versions = selectors.questionnaire_versions_visible(actor(request)).select_related("questionnaire")
    return get_object_or_404(versions, questionnaire__code=code, number=number)


@router.get(
    "/questionnaires/{code}/versions/{number}",
    response=VersionOut,
    auth=AUTH_OPTIONAL,
    openapi_extra=OPTIONAL_SECURITY,
    summary="Read a questionnaire version in full",
)
def questionnaire_version_read(request: HttpRequest, code: QuestionnaireCode, number: VersionNumber) -> Any:
    """Sections in order with their questions, answer options, rows (items), definitions and routing."""
    return _version(request, code, number)


@router.get(
    "/questionnaires/{code}/versions/{number}/export",
    auth=AUTH_OPTIONAL,
    openapi_extra={
        **OPTIONAL_SECURITY,
        "responses": {
            200: {
                "description": f"The questionnaire file (`{questionnaire_file.FORMAT}`), all three languages.",
                "content": {"application/json": {"schema": {"type": "object"}}},
            }
        },
    },
    summary="Export a questionnaire version as a file",
)
def questionnaire_version_export(request: HttpRequest, code: QuestionnaireCode, number: VersionNumber) -> HttpResponse:
    """The questionnaire file that the barometer's import reads: a copy of the questionnaire for another tool,
    another organisation or a new version."""
    version = _version(request, code, number)
    text = questionnaire_file.dumps(questionnaire_export(version))
    response = HttpResponse(text, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{version.questionnaire.code}-v{version.number}.json"'
    return response
