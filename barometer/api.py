"""REST API v1 for the innovation barometer: questionnaires, survey rounds and their published results.

Read-only, with the pages' rules (barometer/rules.py): a questionnaire version in use (frozen) and a round whose
results are published are open to everyone; drafts and running rounds only to their barometer team (the
organiser's editors and administrators) and platform administrators, and to anyone else they answer 404, so
their existence is not revealed. Texts are in the language of `Accept-Language` (fi, sv, en).
"""

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, P, PathEx, Query, Router, Schema
from ninja.pagination import paginate

from accounts import roles
from accounts.api_auth import AUTH_OPTIONAL, OPTIONAL_SECURITY, actor
from barometer import selectors
from barometer.models import (
    Choice,
    Definition,
    FrameUnit,
    Item,
    Question,
    Questionnaire,
    QuestionnaireVersion,
    Response,
    Round,
    Section,
)
from barometer.vocabulary import (
    Background,
    QuestionKind,
    ResponseStatus,
    RoundStatus,
    Sector,
    Unit,
    VersionStatus,
)
from organisations.api import MAX_INT, OrganisationRef, OutText, Pagination, SlugPath

CODE_PATTERN = r"^[A-Za-z0-9_]+$"
QuestionCode = PathEx[str, P(pattern=CODE_PATTERN, max_length=32)]
VersionNumber = PathEx[int, P(ge=1, le=MAX_INT)]

# --- who sees what ----------------------------------------------------------------------------------------------


def _visible(queryset: QuerySet[Any], user: Any, public: Q, organiser: str) -> QuerySet[Any]:
    """The public rows, and all rows of the organisations the person edits for; everything for a superuser."""
    if getattr(user, "is_superuser", False):
        return queryset
    own = roles.editable_organisation_ids(user)
    return queryset.filter(public | Q(**{f"{organiser}__in": own}) if own else public)


def questionnaire_versions_visible(user: Any) -> QuerySet[QuestionnaireVersion]:
    """Versions in use (frozen) for everyone; drafts for the questionnaire's team."""
    public = Q(status=VersionStatus.FROZEN)
    return _visible(QuestionnaireVersion.objects.all(), user, public, "questionnaire__organiser_id")


def rounds_visible(user: Any) -> QuerySet[Round]:
    """Rounds with published results for everyone; the others for the organiser's team (as `view_results`)."""
    return _visible(Round.objects.all(), user, Q(status=RoundStatus.PUBLISHED), "organiser_id")


# --- output schemas ---------------------------------------------------------------------------------------------


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
        return obj.visible_versions  # type: ignore[attr-defined]  # prefetched by _questionnaires


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


class RoundRef(Schema):
    slug: str
    name: OutText
    year: int


class QuestionnaireVersionRef(Schema):
    code: str
    name: OutText
    number: int

    @staticmethod
    def resolve_code(obj: QuestionnaireVersion) -> str:
        return obj.questionnaire.code

    @staticmethod
    def resolve_name(obj: QuestionnaireVersion) -> str:
        return str(obj.questionnaire.name or "")


class RoundListItem(RoundRef):
    name_fi: OutText
    name_sv: OutText
    name_en: OutText
    sector: Sector
    status: RoundStatus
    questionnaire: QuestionnaireVersionRef
    organiser: OrganisationRef
    reference_period_start: date
    reference_period_end: date
    opens_on: date
    closes_on: date
    unit: Unit = Field(..., description="What one row of the analysis is: an organisation or a respondent.")
    answers_public: bool = Field(..., description="Whether answers may be traced to organisations.")
    is_synthetic: bool = Field(..., description="Made-up demo data: not real survey results.")
    previous_round: RoundRef | None = Field(..., description="The earlier round it is compared with by default.")
    frame_size: int = Field(..., description="Organisations in the sampling frame.")
    responding_organisations: int = Field(..., description="Organisations with a submitted response.")
    submitted_responses: int
    response_rate: float | None = Field(..., description="Responding organisations / frame size, 0–1.")

    @staticmethod
    def resolve_questionnaire(obj: Round) -> QuestionnaireVersion:
        return obj.questionnaire_version

    @staticmethod
    def resolve_response_rate(obj: Round) -> float | None:
        frame: int = obj.frame_size  # type: ignore[attr-defined]
        return round(obj.responding_organisations / frame, 4) if frame else None  # type: ignore[attr-defined]


class RoundOut(RoundListItem):
    description: OutText
    description_fi: OutText
    description_sv: OutText
    description_en: OutText
    version: int


# --- input schemas ----------------------------------------------------------------------------------------------


class RoundFilters(Schema):
    year: int | None = Field(None, ge=1, le=9999)
    sector: Sector | None = None
    status: RoundStatus | None = Field(None, description="Other than `published`: your own team's rounds only.")
    questionnaire: str = Field("", max_length=64, pattern=r"^[-a-zA-Z0-9_]*$", description="Questionnaire code.")
    synthetic: bool | None = Field(None, description="true: demo rounds only; false: real rounds only.")


# --- questionnaires ---------------------------------------------------------------------------------------------

router = Router(tags=["barometer"])


def _questionnaires(user: Any) -> QuerySet[Questionnaire]:
    versions = questionnaire_versions_visible(user).order_by("-number")
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
def questionnaire_read(request: HttpRequest, code: SlugPath) -> Any:
    return get_object_or_404(_questionnaires(actor(request)), code=code)


def _version(request: HttpRequest, code: str, number: int) -> QuestionnaireVersion:
    versions = questionnaire_versions_visible(actor(request)).select_related("questionnaire")
    return get_object_or_404(versions, questionnaire__code=code, number=number)


@router.get(
    "/questionnaires/{code}/versions/{number}",
    response=VersionOut,
    auth=AUTH_OPTIONAL,
    openapi_extra=OPTIONAL_SECURITY,
    summary="Read a questionnaire version in full",
)
def questionnaire_version_read(request: HttpRequest, code: SlugPath, number: VersionNumber) -> Any:
    """Sections in order with their questions, answer options, rows (items), definitions and routing."""
    return _version(request, code, number)


# --- rounds -----------------------------------------------------------------------------------------------------


def _count(queryset: QuerySet[Any], expression: Any) -> Coalesce:
    """A correlated COUNT per round: one query for the whole list, whatever its length."""
    counted = queryset.order_by().values("round_id").annotate(n=expression).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def _rounds(user: Any) -> QuerySet[Round]:
    submitted = Response.objects.filter(round_id=OuterRef("pk"), status=ResponseStatus.SUBMITTED)
    return (
        rounds_visible(user)
        .select_related("organiser", "questionnaire_version__questionnaire", "previous_round")
        .annotate(
            frame_size=_count(FrameUnit.objects.filter(round_id=OuterRef("pk")), Count("pk")),
            submitted_responses=_count(submitted, Count("pk")),
            responding_organisations=_count(submitted, Count("frame_unit_id", distinct=True)),
        )
    )


@router.get(
    "/rounds",
    response=list[RoundListItem],
    auth=AUTH_OPTIONAL,
    openapi_extra=OPTIONAL_SECURITY,
    summary="List survey rounds",
)
@paginate(Pagination)
def round_list(request: HttpRequest, filters: Query[RoundFilters]) -> Any:
    """Rounds with published results, newest first; signed in, also your own team's rounds in any state."""
    rounds = _rounds(actor(request))
    if filters.year is not None:
        rounds = rounds.filter(year=filters.year)
    if filters.sector:
        rounds = rounds.filter(sector=filters.sector)
    if filters.status:
        rounds = rounds.filter(status=filters.status)
    if filters.questionnaire:
        rounds = rounds.filter(questionnaire_version__questionnaire__code=filters.questionnaire)
    if filters.synthetic is not None:
        rounds = rounds.filter(is_synthetic=filters.synthetic)
    return rounds.order_by("-year", "slug")


def _round(request: HttpRequest, slug: str) -> Round:
    return get_object_or_404(_rounds(actor(request)), slug=slug)


@router.get(
    "/rounds/{slug}",
    response=RoundOut,
    auth=AUTH_OPTIONAL,
    openapi_extra=OPTIONAL_SECURITY,
    summary="Read a survey round",
)
def round_read(request: HttpRequest, slug: SlugPath) -> Any:
    """Dates, unit of analysis, frame size and response counts; `is_synthetic` marks made-up demo rounds."""
    return _round(request, slug)
