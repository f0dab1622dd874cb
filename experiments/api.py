"""REST API v1 for experiments: list and search, read, create, update (with the version you read), publish,
record the decision and scale up into an innovation. Permissions, validation, locking and the change log live in
experiments.services; visibility (drafts only inside the owning organisation) in experiments.selectors."""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from accounts.api_auth import AUTH_OPTIONAL, AUTH_REQUIRED, OPTIONAL_SECURITY, actor
from core.api_types import MAX_ID, Body, ObjectId, OptionalSlug, OutText, Pagination, Text, Text200, Text500, page_url
from experiments import selectors, services
from experiments.models import Decision, Experiment
from innovations.api import InnovationOut
from innovations.api import _detail as innovation_detail
from innovations.selectors import innovation_visible
from innovations.vocabulary import PartnerRole
from innovations.vocabulary import Status as ExperimentStatus
from organisations.api import OrganisationRef, OrganisationRefIn, organisation_from_ref
from organisations.models import Organisation
from records import api as record_api
from records.api import Version, VersionIn

Budget = Annotated[Decimal, Field(ge=0, max_digits=12, decimal_places=2, description="Euros.")]

# --- output schemas ---------------------------------------------------------------------------------------------


class InnovationLink(Schema):
    id: int
    title: OutText


class ExperimentPartnerOut(Schema):
    organisation: OrganisationRef
    role: PartnerRole


class ExperimentListItem(Schema):
    id: int
    owner: OrganisationRef
    title: OutText
    title_fi: OutText
    title_sv: OutText
    title_en: OutText
    summary_fi: OutText
    summary_sv: OutText
    summary_en: OutText
    starts_on: date | None
    ends_on: date | None
    finished: bool = Field(..., description="The end date has passed.")
    decision: Decision | Literal[""]
    status: ExperimentStatus
    updated_at: datetime
    version: int
    url: str | None

    @staticmethod
    def resolve_finished(obj: Experiment) -> bool:
        return obj.is_finished

    @staticmethod
    def resolve_url(obj: Experiment, context: dict[str, Any]) -> str | None:
        return page_url(context["request"], obj)


class ExperimentOut(ExperimentListItem):
    hypothesis_fi: OutText
    hypothesis_sv: OutText
    hypothesis_en: OutText
    measures_fi: OutText
    measures_sv: OutText
    measures_en: OutText
    places_fi: OutText
    places_sv: OutText
    places_en: OutText
    participants_fi: OutText
    participants_sv: OutText
    participants_en: OutText
    results_fi: OutText
    results_sv: OutText
    results_en: OutText
    decision_reasons_fi: OutText
    decision_reasons_sv: OutText
    decision_reasons_en: OutText
    budget: Decimal | None
    partners: list[ExperimentPartnerOut]
    source_innovation: InnovationLink | None
    resulting_innovation: InnovationLink | None
    created_at: datetime

    @staticmethod
    def resolve_partners(obj: Experiment) -> list[Any]:
        return list(obj.partnerships.all())

    @staticmethod
    def resolve_source_innovation(obj: Experiment, context: dict[str, Any]) -> Any:
        return _visible_innovation(context["request"], obj.source_innovation)

    @staticmethod
    def resolve_resulting_innovation(obj: Experiment, context: dict[str, Any]) -> Any:
        return _visible_innovation(context["request"], obj.resulting_innovation)


def _visible_innovation(request: HttpRequest, innovation: Any) -> Any:
    if innovation is None or not actor(request).has_perm("innovations.view_innovation", innovation):
        return None
    return innovation


# --- input schemas ----------------------------------------------------------------------------------------------


class PartnerIn(Body):
    organisation: OrganisationRefIn = Field(..., description="The partner's id or slug.", examples=["tampere"])
    role: PartnerRole = PartnerRole.CO_DEVELOPER


class ExperimentFields(Body):
    title_fi: Text200 | None = Field(None, examples=["Liikuntakokeilu kouluissa"])
    title_sv: Text200 | None = None
    title_en: Text200 | None = None
    summary_fi: Text500 | None = None
    summary_sv: Text500 | None = None
    summary_en: Text500 | None = None
    hypothesis_fi: Text | None = Field(None, description="Plain text; any HTML is removed.")
    hypothesis_sv: Text | None = None
    hypothesis_en: Text | None = None
    measures_fi: Text | None = None
    measures_sv: Text | None = None
    measures_en: Text | None = None
    places_fi: Text | None = None
    places_sv: Text | None = None
    places_en: Text | None = None
    participants_fi: Text | None = None
    participants_sv: Text | None = None
    participants_en: Text | None = None
    results_fi: Text | None = None
    results_sv: Text | None = None
    results_en: Text | None = None
    starts_on: date | None = None
    ends_on: date | None = None
    budget: Budget | None = None
    partners: list[PartnerIn] | None = Field(
        None, max_length=100, description="The partner organisations with their roles; replaces the partners."
    )


class ExperimentCreateIn(ExperimentFields):
    owner: OrganisationRefIn = Field(..., description="Owner organisation's id or slug; you must be its editor.")
    status: ExperimentStatus = ExperimentStatus.DRAFT
    source_innovation: int | None = Field(
        None, ge=1, le=MAX_ID, description="Id of the innovation the experiment tries out (one you may see)."
    )


class ExperimentUpdateIn(ExperimentFields):
    version: Version


class DecisionIn(Body):
    version: Version
    decision: Decision
    reasons_fi: Text | None = None
    reasons_sv: Text | None = None
    reasons_en: Text | None = None


class ExperimentQuery(Schema):
    q: Text200 = Field("", description="Search words; Finnish, Swedish and English inflections match.")
    phase: Literal["running", "finished"] | None = None
    decision: Decision | Literal["none"] | None = Field(None, description="`none`: not decided yet.")
    owner: OptionalSlug = Field("", description="Owner organisation's slug.")


# --- helpers ----------------------------------------------------------------------------------------------------


def _input(payload: ExperimentFields) -> tuple[dict[str, Any], list[tuple[Organisation, str]] | None]:
    data = payload.dict(exclude_unset=True)
    for key in ("owner", "status", "version", "partners", "source_innovation"):
        data.pop(key, None)
    partners = (
        [(organisation_from_ref(p.organisation, field="partners"), str(p.role)) for p in payload.partners]
        if payload.partners is not None
        else None
    )
    return data, partners


def _detail(request: HttpRequest, pk: int) -> Experiment:
    experiment = selectors.experiment_detail(user=actor(request), pk=pk)
    if experiment is None:
        raise Experiment.DoesNotExist
    return experiment


# --- endpoints --------------------------------------------------------------------------------------------------

router = Router(tags=["experiments"])


@router.get(
    "",
    response=list[ExperimentListItem],
    auth=AUTH_OPTIONAL,
    openapi_extra=OPTIONAL_SECURITY,
    summary="List and search experiments",
)
@paginate(Pagination)
def experiment_list(request: HttpRequest, filters: Query[ExperimentQuery]) -> Any:
    """Published experiments (running and finished, whatever the decision), and your own organisations' drafts."""
    return selectors.experiment_list(
        user=actor(request),
        filters=selectors.ExperimentFilters(
            q=filters.q,
            phase=filters.phase or "",
            decision=str(filters.decision or ""),
            owner=filters.owner,
        ),
    )


@router.post("", response={201: ExperimentOut}, auth=AUTH_REQUIRED, summary="Create an experiment")
def experiment_create(request: HttpRequest, payload: ExperimentCreateIn) -> Any:
    """For editors of the owner organisation. Starts as a draft unless `status` says published."""
    owner = organisation_from_ref(payload.owner, field="owner")
    data, partners = _input(payload)
    source = None
    if payload.source_innovation is not None:
        source = innovation_visible(user=actor(request)).filter(pk=payload.source_innovation).first()
        if source is None:
            raise ValidationError(
                {"source_innovation": _("There is no innovation “%(value)s”.") % {"value": payload.source_innovation}}
            )
    experiment = services.experiment_create(
        actor=actor(request),
        owner=owner,
        data=data,
        partners=partners or (),
        source_innovation=source,
        status=payload.status,
    )
    return Status(201, _detail(request, experiment.pk))


@router.get(
    "/{id}", response=ExperimentOut, auth=AUTH_OPTIONAL, openapi_extra=OPTIONAL_SECURITY, summary="Read an experiment"
)
def experiment_read(request: HttpRequest, id: ObjectId) -> Any:
    return _detail(request, id)


@router.patch("/{id}", response=ExperimentOut, auth=AUTH_REQUIRED, summary="Update an experiment")
def experiment_update(request: HttpRequest, id: ObjectId, payload: ExperimentUpdateIn) -> Any:
    """Editors of the owner. Send only what changes, with the `version` you read: 409 if someone saved since."""
    data, partners = _input(payload)
    services.experiment_update(
        actor=actor(request),
        experiment=_detail(request, id),
        expected_version=payload.version,
        data=data,
        partners=partners,
    )
    return _detail(request, id)


@router.post("/{id}/decision", response=ExperimentOut, auth=AUTH_REQUIRED, summary="Record the decision")
def experiment_decide(request: HttpRequest, id: ObjectId, payload: DecisionIn) -> Any:
    """Scale up, continue, change or stop, with the reasons in at least one language."""
    reasons = {
        lang: value
        for lang, value in (("fi", payload.reasons_fi), ("sv", payload.reasons_sv), ("en", payload.reasons_en))
        if value is not None
    }
    services.experiment_decide(
        actor=actor(request),
        experiment=_detail(request, id),
        expected_version=payload.version,
        decision=payload.decision,
        reasons=reasons,
    )
    return _detail(request, id)


@router.post("/{id}/scale-up", response={201: InnovationOut}, auth=AUTH_REQUIRED, summary="Scale up into an innovation")
def experiment_scale_up(request: HttpRequest, id: ObjectId, payload: VersionIn) -> Any:
    """A finished experiment decided "scale up" becomes the owner's innovation in use (422 otherwise).
    Answers with the new innovation."""
    innovation = services.experiment_scale_up(
        actor=actor(request), experiment=_detail(request, id), expected_version=payload.version
    )
    return Status(201, innovation_detail(request, innovation.pk))


record_api.add_status_endpoints(
    router,
    services.RECORD,
    name="experiment",
    response=ExperimentOut,
    load=_detail,
    detail=_detail,
    summaries=("Publish an experiment", "Return an experiment to draft", "Delete an experiment"),
    delete_description="Administrators of the owner.",
)
