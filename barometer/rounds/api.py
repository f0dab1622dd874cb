"""REST API v1 for the barometer's survey rounds: dates, unit of analysis, frame size and response counts. A round
whose results are published is open to everyone; other rounds only to their barometer team.
"""

from datetime import date
from typing import Any

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import NoReverseMatch, reverse
from ninja import Field, P, PathEx, Query, Router, Schema
from ninja.pagination import paginate

from accounts.api_auth import AUTH_OPTIONAL, OPTIONAL_SECURITY, actor
from barometer import selectors
from barometer.models import FrameUnit, QuestionnaireVersion, Response, Round
from barometer.vocabulary import ResponseStatus, RoundStatus, Sector, Unit
from core.api_types import SLUG_PATTERN, OutText, Pagination
from organisations.api import OrganisationRef

# Examples name the synthetic demo data (`make demo`), so that the documentation's examples answer.
DEMO_ROUND = "innovaatiobarometri-2022-kuntasektori-synteettinen"
RoundSlug = PathEx[str, P(pattern=SLUG_PATTERN, max_length=64, example=DEMO_ROUND)]


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
    url: str | None = Field(..., description="The round's results on the web: the report and its charts.")
    downloads: dict[str, str] = Field(
        ..., description="The round report as `pdf` and `xlsx` (one sheet per question), and `csv` (every figure)."
    )

    @staticmethod
    def resolve_questionnaire(obj: Round) -> QuestionnaireVersion:
        return obj.questionnaire_version

    @staticmethod
    def resolve_url(obj: Round, context: dict[str, Any]) -> str | None:
        return _page(context["request"], "barometer:report", obj.slug)

    @staticmethod
    def resolve_downloads(obj: Round, context: dict[str, Any]) -> dict[str, str]:
        names = {"pdf": "barometer:report_pdf", "xlsx": "barometer:report_xlsx", "csv": "barometer:report_csv"}
        found = {key: _page(context["request"], name, obj.slug) for key, name in names.items()}
        return {key: url for key, url in found.items() if url}

    @staticmethod
    def resolve_response_rate(obj: Round) -> float | None:
        frame: int = obj.frame_size  # type: ignore[attr-defined]
        return round(obj.responding_organisations / frame, 4) if frame else None  # type: ignore[attr-defined]


def _page(request: HttpRequest, name: str, slug: str) -> str | None:
    """The absolute address of a results page, in the request's language; None while the page does not exist."""
    try:
        return request.build_absolute_uri(reverse(name, kwargs={"slug": slug}))
    except NoReverseMatch:
        return None


class RoundOut(RoundListItem):
    description: OutText
    description_fi: OutText
    description_sv: OutText
    description_en: OutText
    version: int


class RoundFilters(Schema):
    year: int | None = Field(None, ge=1, le=9999)
    sector: Sector | None = None
    status: RoundStatus | None = Field(None, description="Other than `published`: your own team's rounds only.")
    questionnaire: str = Field("", max_length=64, pattern=r"^[-a-zA-Z0-9_]*$", description="Questionnaire code.")
    synthetic: bool | None = Field(None, description="true: demo rounds only; false: real rounds only.")


router = Router()


def _count(queryset: QuerySet[Any], expression: Any) -> Coalesce:
    """A correlated COUNT per round: one query for the whole list, whatever its length."""
    counted = queryset.order_by().values("round_id").annotate(n=expression).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def _rounds(user: Any) -> QuerySet[Round]:
    submitted = Response.objects.filter(round_id=OuterRef("pk"), status=ResponseStatus.SUBMITTED)
    return (
        selectors.rounds_visible(user)
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
def round_read(request: HttpRequest, slug: RoundSlug) -> Any:
    """Dates, unit of analysis, frame size and response counts; `is_synthetic` marks made-up demo rounds."""
    return _round(request, slug)
