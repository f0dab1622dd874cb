"""REST API v1 for innovations, their partners and lineage, adoptions, the vocabularies and the open-data
downloads. Endpoints parse, call a selector or a service, and return: permissions, validation, locking and the
change log live in innovations.services, visibility (drafts only inside the owning organisation) in the
selectors."""

from datetime import date, datetime
from typing import Any, Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from accounts.api_auth import AUTH_OPTIONAL, AUTH_REQUIRED, OPTIONAL_SECURITY, actor
from audit.models import ChangeRecord
from audit.selectors import change_list
from core.api_types import (
    Body,
    ObjectId,
    OptionalSlug,
    OutText,
    Pagination,
    Slug,
    Text,
    Text200,
    Text254,
    Text300,
    Text500,
    Text1000,
    Text2000,
    Text4000,
    page_url,
)
from core.models import Theme
from innovations import selectors, services
from innovations.models import Adoption, Innovation, LineageProposal, Partnership
from innovations.vocabulary import (
    CHOICES_BY_DIMENSION,
    Channel,
    Dimension,
    IdeaSource,
    InnovationType,
    Motivation,
    Novelty,
    Outcome,
    PartnerRole,
    Phase,
    Stage,
    StrategyLink,
)
from innovations.vocabulary import (
    Status as InnovationStatus,
)
from organisations.api import (
    Code2,
    OrganisationRef,
    OrganisationRefIn,
    RegionRef,
    ThemeOut,
    organisation_from_ref,
    themes_from_slugs,
)
from organisations.models import OrganisationKind
from records import api as record_api
from records.api import Version

# --- output schemas ---------------------------------------------------------------------------------------------


class ClassificationsOut(Schema):
    """The codes of each classification dimension (see GET /vocabulary for the labels)."""

    type: list[str] = Field(default_factory=list)
    idea_source: list[str] = Field(default_factory=list)
    motivation: list[str] = Field(default_factory=list)
    strategy: list[str] = Field(default_factory=list)
    channel: list[str] = Field(default_factory=list)
    outcome_achieved: list[str] = Field(default_factory=list)
    outcome_expected: list[str] = Field(default_factory=list)


class InnovationRef(Schema):
    id: int
    title: OutText
    owner: OrganisationRef
    status: InnovationStatus


class LineageEdgeOut(Schema):
    """One adoption seen from one side: the other innovation (None when it is not visible to you)."""

    innovation: int | None
    title: str | None
    owner: OrganisationRef
    mode: Literal["adapted", "copied"]
    adopted_on: date


class StageEventOut(Schema):
    stage: Stage
    date: date


class PartnerOut(Schema):
    id: int
    organisation: OrganisationRef
    role: PartnerRole
    in_idea_phase: bool
    in_development_phase: bool
    in_implementation_phase: bool


class LinkOut(Schema):
    id: int
    title: str
    url: str


class AttachmentOut(Schema):
    id: int
    title: str
    content_type: str
    size: int
    uploaded_at: datetime
    url: str | None

    @staticmethod
    def resolve_url(obj: Any, context: dict[str, Any]) -> str | None:
        # The permission-checked download view, never the file's place in MEDIA_ROOT.
        path = reverse("innovations:attachment", kwargs={"pk": obj.innovation_id, "attachment_pk": obj.pk})
        request: HttpRequest = context["request"]
        return request.build_absolute_uri(path) if obj.file else None


class ImageOut(Schema):
    id: int
    alt_text_fi: str
    alt_text_sv: str
    alt_text_en: str
    width: int
    height: int
    url: str

    @staticmethod
    def resolve_url(obj: Any, context: dict[str, Any]) -> str:
        # The permission-checked view, never the file's place in MEDIA_ROOT (a draft's images stay private).
        path = reverse("innovations:image", kwargs={"pk": obj.innovation_id, "image_pk": obj.pk})
        request: HttpRequest = context["request"]
        return request.build_absolute_uri(path)

    @staticmethod
    def resolve_alt_text_fi(obj: Any) -> str:
        return obj.alt_text_fi or ""

    @staticmethod
    def resolve_alt_text_sv(obj: Any) -> str:
        return obj.alt_text_sv or ""

    @staticmethod
    def resolve_alt_text_en(obj: Any) -> str:
        return obj.alt_text_en or ""


class InnovationListItem(Schema):
    id: int
    owner: OrganisationRef
    region: RegionRef | None = Field(None, description="The owner's region.")
    title: OutText
    title_fi: OutText
    title_sv: OutText
    title_en: OutText
    summary_fi: OutText
    summary_sv: OutText
    summary_en: OutText
    stage: Stage
    novelty: Novelty
    status: InnovationStatus
    types: list[str]
    themes: list[str] = Field(..., description="Theme slugs.")
    introduced_on: date | None
    updated_at: datetime
    version: int
    url: str | None

    @staticmethod
    def resolve_region(obj: Innovation) -> Any:
        return obj.owner.region

    @staticmethod
    def resolve_types(obj: Innovation) -> list[str]:
        return sorted(c.code for c in obj.classifications.all() if c.dimension == Dimension.TYPE)

    @staticmethod
    def resolve_themes(obj: Innovation) -> list[str]:
        return sorted(theme.slug for theme in obj.themes.all())

    @staticmethod
    def resolve_url(obj: Innovation, context: dict[str, Any]) -> str | None:
        return page_url(context["request"], obj)


class InnovationOut(Schema):
    id: int
    owner: OrganisationRef
    title: OutText
    title_fi: OutText
    title_sv: OutText
    title_en: OutText
    summary_fi: OutText
    summary_sv: OutText
    summary_en: OutText
    description_fi: OutText = Field(..., description="Sanitised HTML.")
    description_sv: OutText = Field(..., description="Sanitised HTML.")
    description_en: OutText = Field(..., description="Sanitised HTML.")
    target_group_fi: OutText = Field(..., description="Whom the innovation is for (plain text).")
    target_group_sv: OutText
    target_group_en: OutText
    resources_fi: OutText = Field(..., description="What taking it into use takes: people, skills, money (plain text).")
    resources_sv: OutText
    resources_en: OutText
    evidence_fi: OutText = Field(..., description="What is known of its effects and how (plain text).")
    evidence_sv: OutText
    evidence_en: OutText
    is_social: bool
    is_systemic: bool
    stage: Stage
    novelty: Novelty
    status: InnovationStatus
    external_source: str
    external_source_url: str
    introduced_on: date | None
    contact_name: str | None = Field(..., description="Shown to signed-in people only.")
    contact_email: str | None = Field(..., description="Shown to signed-in people only.")
    classifications: ClassificationsOut
    themes: list[ThemeOut]
    stage_history: list[StageEventOut]
    adopted_from: LineageEdgeOut | None = Field(..., description="The innovation this one was adopted from.")
    adoptions: list[LineageEdgeOut] = Field(..., description="Who adopted this innovation (visible ones).")
    partners: list[PartnerOut]
    links: list[LinkOut]
    attachments: list[AttachmentOut]
    images: list[ImageOut] = Field(..., description="Pictures with their text alternatives.")
    version: int
    created_at: datetime
    updated_at: datetime
    url: str | None

    @staticmethod
    def resolve_contact_name(obj: Innovation, context: dict[str, Any]) -> str | None:
        # Names and addresses are personal data: not handed to anonymous scrapers.
        return obj.contact_name if actor(context["request"]).is_authenticated else None

    @staticmethod
    def resolve_contact_email(obj: Innovation, context: dict[str, Any]) -> str | None:
        return obj.contact_email if actor(context["request"]).is_authenticated else None

    @staticmethod
    def resolve_classifications(obj: Innovation) -> dict[str, list[str]]:
        grouped: dict[str, list[str]] = {dimension: [] for dimension in Dimension.values}
        for classification in obj.classifications.all():
            grouped[classification.dimension].append(classification.code)
        return {dimension: sorted(codes) for dimension, codes in grouped.items()}

    @staticmethod
    def resolve_stage_history(obj: Innovation) -> Any:
        return obj.stage_events.all()

    @staticmethod
    def resolve_adopted_from(obj: Innovation, context: dict[str, Any]) -> dict[str, Any] | None:
        adoption = getattr(obj, "adopted_from", None)
        if adoption is None:
            return None
        source = adoption.source
        visible = actor(context["request"]).has_perm("innovations.view_innovation", source)
        return _edge(source, adoption, visible)

    @staticmethod
    def resolve_adoptions(obj: Innovation) -> list[dict[str, Any]]:
        return [_edge(adoption.result, adoption, True) for adoption in obj.visible_adoptions]  # type: ignore[attr-defined]

    @staticmethod
    def resolve_partners(obj: Innovation) -> Any:
        return obj.partnerships.all()

    @staticmethod
    def resolve_url(obj: Innovation, context: dict[str, Any]) -> str | None:
        return page_url(context["request"], obj)


def _edge(other: Innovation, adoption: Adoption, visible: bool) -> dict[str, Any]:
    return {
        "innovation": other.pk if visible else None,
        "title": str(other.title) if visible else None,
        "owner": other.owner,
        "mode": adoption.mode,
        "adopted_on": adoption.adopted_on,
    }


class LineageNodeOut(Schema):
    innovation: InnovationRef
    depth: int = Field(..., description="Negative: sources (ancestors); 0: this innovation; positive: adopters.")
    mode: str = Field(..., description="How this node came from its parent: adapted, copied, or empty.")
    parent: int | None = Field(..., description="The innovation this node was adopted from.")


class LineageOut(Schema):
    count: int
    items: list[LineageNodeOut]


class ChangeOut(Schema):
    id: int
    at: datetime
    action: str
    actor: str | None
    changes: dict[str, Any]

    @staticmethod
    def resolve_actor(obj: ChangeRecord) -> str | None:
        return (obj.actor.get_full_name() or obj.actor.get_username()) if obj.actor else None


class PartnerList(Schema):
    count: int
    items: list[PartnerOut]


class AdoptionOut(Schema):
    id: int
    source: InnovationRef
    result: InnovationRef = Field(..., description="The adopter's own innovation record.")
    adopter: OrganisationRef
    mode: Literal["adapted", "copied"]
    adopted_on: date
    created_at: datetime

    @staticmethod
    def resolve_adopter(obj: Adoption) -> Any:
        return obj.result.owner


class SourceProposalOut(Schema):
    id: int
    source: InnovationRef
    result: InnovationRef = Field(..., description="The record that says it was adopted from the source.")
    mode: Literal["adapted", "copied"]
    adopted_on: date
    message: str
    state: Literal["pending", "confirmed", "declined", "withdrawn"]
    proposed_at: datetime
    decided_at: datetime | None


class ThemeList(Schema):
    count: int
    items: list[ThemeOut]


class VocabularyValue(Schema):
    code: str
    label: str


class VocabularyDimension(Schema):
    code: str
    label: str
    values: list[VocabularyValue]


class VocabularyOut(Schema):
    classifications: list[VocabularyDimension]
    stages: list[VocabularyValue]
    novelty: list[VocabularyValue]
    statuses: list[VocabularyValue]
    partner_roles: list[VocabularyValue]
    phases: list[VocabularyValue]
    organisation_kinds: list[VocabularyValue]


# --- input schemas ----------------------------------------------------------------------------------------------


class ClassificationsIn(Body):
    """Codes per dimension. A dimension left out keeps its codes; a list replaces them."""

    type: list[InnovationType] | None = None
    idea_source: list[IdeaSource] | None = None
    motivation: list[Motivation] | None = None
    strategy: list[StrategyLink] | None = None
    channel: list[Channel] | None = None
    outcome_achieved: list[Outcome] | None = None
    outcome_expected: list[Outcome] | None = None


class InnovationFields(Body):
    title_fi: Text200 | None = Field(None, examples=["Kotihoidon etäpalvelu"])
    title_sv: Text200 | None = None
    title_en: Text200 | None = None
    summary_fi: Text500 | None = None
    summary_sv: Text500 | None = None
    summary_en: Text500 | None = None
    description_fi: Text | None = Field(None, description="HTML; sanitised on save.")
    description_sv: Text | None = Field(None, description="HTML; sanitised on save.")
    description_en: Text | None = Field(None, description="HTML; sanitised on save.")
    target_group_fi: Text2000 | None = Field(None, description="Whom the innovation is for.")
    target_group_sv: Text2000 | None = None
    target_group_en: Text2000 | None = None
    resources_fi: Text4000 | None = Field(None, description="Resources and costs of taking it into use.")
    resources_sv: Text4000 | None = None
    resources_en: Text4000 | None = None
    evidence_fi: Text4000 | None = Field(None, description="Evidence of effect.")
    evidence_sv: Text4000 | None = None
    evidence_en: Text4000 | None = None
    is_social: bool | None = None
    is_systemic: bool | None = None
    stage: Stage | None = None
    novelty: Novelty | None = None
    external_source: Text300 | None = None
    external_source_url: Text200 | None = None
    introduced_on: date | None = None
    contact_name: Text200 | None = None
    contact_email: Text254 | None = None
    classifications: ClassificationsIn | None = None
    themes: list[Slug] | None = Field(None, description="Theme slugs; replaces the innovation's themes.")


class InnovationCreateIn(InnovationFields):
    owner: OrganisationRefIn = Field(
        ..., description="Owner organisation's id or slug; you must be its editor.", examples=["espoo"]
    )
    status: InnovationStatus = InnovationStatus.DRAFT


class InnovationUpdateIn(InnovationFields):
    version: Version


class AdoptIn(Body):
    adopter: OrganisationRefIn = Field(..., description="The adopting organisation's id or slug.", examples=["vantaa"])
    mode: Literal["adapted", "copied"]
    adopted_on: date | None = Field(None, description="Default: today.")
    publish: bool = True


class SourceProposalIn(Body):
    source: ObjectId = Field(..., description="The published innovation this record was adopted from.")
    mode: Literal["adapted", "copied"]
    adopted_on: date | None = Field(None, description="Default: the record's date taken into use, or today.")
    message: Text1000 = Field("", description="To the source's owner: what you took and what you changed.")


class PartnerFields(Body):
    role: PartnerRole | None = None
    in_idea_phase: bool | None = None
    in_development_phase: bool | None = None
    in_implementation_phase: bool | None = None


class PartnerAddIn(PartnerFields):
    organisation: OrganisationRefIn = Field(
        ..., description="The partner organisation's id or slug.", examples=["aalto-yliopisto"]
    )


class CatalogueQuery(Schema):
    """The catalogue's filters; repeat a parameter for several values (they combine with OR)."""

    q: Text200 = Field("", description="Search words; Finnish, Swedish and English inflections match.")
    type: list[InnovationType] = Field(default_factory=list)
    stage: list[Stage] = Field(default_factory=list)
    novelty: list[Novelty] = Field(default_factory=list)
    org_kind: list[OrganisationKind] = Field(default_factory=list)
    region: list[Code2] = Field(default_factory=list, description="Region codes of the owner.")
    theme: list[Slug] = Field(default_factory=list)
    partner_kind: list[OrganisationKind] = Field(default_factory=list)
    owner: OptionalSlug = Field("", description="Owner organisation's slug.")
    status: InnovationStatus | None = None
    sort: Literal["updated", "newest", "title", "introduced"] = "updated"


class AdoptionQuery(Schema):
    source_org: OptionalSlug = Field("", description="Slug of the organisation whose innovation was adopted.")
    adopter_org: OptionalSlug = Field("", description="Slug of the adopting organisation.")
    mode: Literal["adapted", "copied"] | None = None
    year_from: int | None = Field(None, ge=1, le=9999)
    year_to: int | None = Field(None, ge=1, le=9999)


# --- parsing helpers --------------------------------------------------------------------------------------------


def _innovation_input(payload: InnovationFields) -> tuple[dict[str, Any], dict[str, list[str]], list[Theme] | None]:
    """The service's (data, classifications, themes) from a request body: only what the client sent."""
    data = payload.dict(exclude_unset=True)
    for key in ("owner", "status", "version", "classifications", "themes"):
        data.pop(key, None)
    classifications = {
        dimension: [str(code) for code in codes]
        for dimension, codes in (
            payload.classifications.dict(exclude_unset=True) if payload.classifications else {}
        ).items()
        if codes is not None
    }
    themes = themes_from_slugs(payload.themes) if payload.themes is not None else None
    return data, classifications, themes


def _visible(request: HttpRequest, pk: int) -> Innovation:
    """The innovation if this person may see it; 404 otherwise (a draft's existence is not revealed)."""
    innovation = selectors.innovation_visible(user=actor(request)).select_related("owner").filter(pk=pk).first()
    if innovation is None:
        raise Innovation.DoesNotExist
    return innovation


def _detail(request: HttpRequest, pk: int) -> Innovation:
    user = actor(request)
    innovation = selectors.innovation_detail(user=user, pk=pk)
    if innovation is None:
        raise Innovation.DoesNotExist
    innovation.visible_adoptions = list(  # type: ignore[attr-defined]
        selectors.innovation_adoptions(user=user, innovation=innovation)
    )
    return innovation


def _partnership(innovation: Innovation, partner_id: int) -> Partnership:
    return get_object_or_404(
        Partnership.objects.select_related("organisation", "innovation"), pk=partner_id, innovation=innovation
    )


# --- innovations ------------------------------------------------------------------------------------------------

router = Router(tags=["innovations"])


@router.get(
    "",
    response=list[InnovationListItem],
    auth=AUTH_OPTIONAL,
    openapi_extra=OPTIONAL_SECURITY,
    summary="List and search innovations",
)
@paginate(Pagination)
def innovation_list(request: HttpRequest, filters: Query[CatalogueQuery]) -> Any:
    """Published innovations, and the drafts of your own organisations when you are signed in."""
    catalogue = selectors.CatalogueFilters(
        q=filters.q,
        types=[str(v) for v in filters.type],
        stages=[str(v) for v in filters.stage],
        novelty=[str(v) for v in filters.novelty],
        org_kinds=[str(v) for v in filters.org_kind],
        regions=filters.region,
        themes=filters.theme,
        partner_kinds=[str(v) for v in filters.partner_kind],
        owner=filters.owner,
        status=str(filters.status) if filters.status else "",
        sort=filters.sort,
    )
    # A sequence whose length is the catalogue's cached total: the pagination slices one page of it.
    return selectors.CatalogueResults(
        user=actor(request), filters=catalogue, prefetch=("classifications", "themes"), facets=False
    )


@router.post("", response={201: InnovationOut}, auth=AUTH_REQUIRED, summary="Create an innovation")
def innovation_create(request: HttpRequest, payload: InnovationCreateIn) -> Any:
    """For editors of the owner organisation. Starts as a draft unless `status` says published."""
    owner = organisation_from_ref(payload.owner, field="owner")
    data, classifications, themes = _innovation_input(payload)
    innovation = services.innovation_create(
        actor=actor(request),
        owner=owner,
        data=data,
        classifications=classifications,
        themes=themes or (),
        status=payload.status,
    )
    return Status(201, _detail(request, innovation.pk))


@router.get(
    "/{id}",
    response=InnovationOut,
    auth=AUTH_OPTIONAL,
    openapi_extra=OPTIONAL_SECURITY,
    summary="Read an innovation",
)
def innovation_read(request: HttpRequest, id: ObjectId) -> Any:
    return _detail(request, id)


@router.patch("/{id}", response=InnovationOut, auth=AUTH_REQUIRED, summary="Update an innovation")
def innovation_update(request: HttpRequest, id: ObjectId, payload: InnovationUpdateIn) -> Any:
    """Editors of the owner. Send only what changes, with the `version` you read: 409 if someone saved since."""
    data, classifications, themes = _innovation_input(payload)
    services.innovation_update(
        actor=actor(request),
        innovation=_visible(request, id),
        expected_version=payload.version,
        data=data,
        classifications=classifications,
        themes=themes,
    )
    return _detail(request, id)


record_api.add_status_endpoints(
    router,
    services.RECORD,
    name="innovation",
    response=InnovationOut,
    load=_visible,
    detail=_detail,
    summaries=("Publish an innovation", "Return an innovation to draft", "Delete an innovation"),
    delete_description="Administrators of the owner. An innovation that others adopted cannot be deleted (422).",
)


@router.post("/{id}/adopt", response={201: InnovationOut}, auth=AUTH_REQUIRED, summary="Adopt an innovation")
def innovation_adopt(request: HttpRequest, id: ObjectId, payload: AdoptIn) -> Any:
    """The adopter (you must be its editor) takes this published innovation into use by copying or adapting
    it: a new innovation of the adopter's, linked to this one. Answers with the new innovation."""
    adoption = services.innovation_adopt(
        actor=actor(request),
        source=_visible(request, id),
        adopter=organisation_from_ref(payload.adopter, field="adopter"),
        mode=payload.mode,
        adopted_on=payload.adopted_on,
        publish=payload.publish,
    )
    return Status(201, _detail(request, adoption.result_id))


@router.post(
    "/{id}/source-proposals",
    response={201: SourceProposalOut},
    auth=AUTH_REQUIRED,
    tags=["adoptions"],
    summary="Propose the innovation this one was adopted from",
)
def source_propose(request: HttpRequest, id: ObjectId, payload: SourceProposalIn) -> Any:
    """Editors of this record: "we adapted (or copied) this from …". The source's owner confirms or declines it
    (POST /adoptions/proposals/{id}/confirm); only a confirmed proposal becomes a lineage edge."""
    result = _visible(request, id)
    source = selectors.innovation_visible(user=actor(request)).select_related("owner").filter(pk=payload.source).first()
    if source is None:
        raise ValidationError({"source": _("No published innovation has that number.")})
    proposal = services.lineage_propose(
        actor=actor(request),
        result=result,
        source=source,
        mode=payload.mode,
        adopted_on=payload.adopted_on,
        message=payload.message,
    )
    return Status(201, proposal)


@router.get(
    "/{id}/lineage",
    response=LineageOut,
    auth=AUTH_OPTIONAL,
    openapi_extra=OPTIONAL_SECURITY,
    summary="The innovation's lineage",
)
def innovation_lineage(request: HttpRequest, id: ObjectId) -> Any:
    """Where it came from (its chain of sources) and who adopted it since, ancestors first."""
    nodes = selectors.innovation_lineage(user=actor(request), innovation=_visible(request, id))
    items = [
        {"innovation": node.innovation, "depth": node.depth, "mode": node.mode, "parent": node.parent_id}
        for node in nodes
    ]
    return {"count": len(items), "items": items}


@router.get("/{id}/changes", response=list[ChangeOut], auth=AUTH_REQUIRED, summary="The innovation's change log")
@paginate(Pagination)
def innovation_changes(request: HttpRequest, id: ObjectId) -> Any:
    """Who changed what and when, newest first. For members of the owner organisation."""
    innovation = _visible(request, id)
    if not actor(request).has_perm("innovations.view_changes", innovation):
        raise PermissionDenied(_("You do not have permission to do this."))
    return change_list(obj=innovation)


# --- partners ---------------------------------------------------------------------------------------------------


@router.get(
    "/{id}/partners",
    response=PartnerList,
    auth=AUTH_OPTIONAL,
    openapi_extra=OPTIONAL_SECURITY,
    tags=["partners"],
    summary="List an innovation's partners",
)
def partner_list(request: HttpRequest, id: ObjectId) -> Any:
    partners = list(_visible(request, id).partnerships.select_related("organisation").order_by("id"))
    return {"count": len(partners), "items": partners}


@router.post(
    "/{id}/partners", response={201: PartnerOut}, auth=AUTH_REQUIRED, tags=["partners"], summary="Add a partner"
)
def partner_add(request: HttpRequest, id: ObjectId, payload: PartnerAddIn) -> Any:
    """Editors of the owner: an organisation that took part in developing the innovation."""
    innovation = _visible(request, id)
    organisation = organisation_from_ref(payload.organisation, field="organisation")
    fields = {k: v for k, v in payload.dict(exclude_unset=True).items() if k != "organisation" and v is not None}
    partnership = services.partnership_add(
        actor=actor(request), innovation=innovation, organisation=organisation, **fields
    )
    return Status(201, partnership)


@router.patch(
    "/{id}/partners/{partner_id}",
    response=PartnerOut,
    auth=AUTH_REQUIRED,
    tags=["partners"],
    summary="Update a partner's role and phases",
)
def partner_update(request: HttpRequest, id: ObjectId, partner_id: ObjectId, payload: PartnerFields) -> Any:
    partnership = _partnership(_visible(request, id), partner_id)
    fields = {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None}
    return services.partnership_update(actor=actor(request), partnership=partnership, **fields)


@router.delete(
    "/{id}/partners/{partner_id}",
    response={204: None},
    auth=AUTH_REQUIRED,
    tags=["partners"],
    summary="Remove a partner",
)
def partner_remove(request: HttpRequest, id: ObjectId, partner_id: ObjectId) -> Any:
    services.partnership_remove(actor=actor(request), partnership=_partnership(_visible(request, id), partner_id))
    return Status(204, None)


# --- adoptions --------------------------------------------------------------------------------------------------

adoptions_router = Router(tags=["adoptions"])


@adoptions_router.get(
    "", response=list[AdoptionOut], auth=AUTH_OPTIONAL, openapi_extra=OPTIONAL_SECURITY, summary="List adoptions"
)
@paginate(Pagination)
def adoption_list(request: HttpRequest, filters: Query[AdoptionQuery]) -> Any:
    """Who adopted whose innovation, newest first; the years filter the adoption date."""
    return selectors.adoption_list(
        user=actor(request),
        source_org=filters.source_org or "",
        adopter_org=filters.adopter_org or "",
        mode=filters.mode or "",
        year_from=filters.year_from,
        year_to=filters.year_to,
    )


@adoptions_router.get(
    "/proposals",
    response=list[SourceProposalOut],
    auth=AUTH_REQUIRED,
    summary="Lineage proposals that concern you",
)
@paginate(Pagination)
def proposal_list(
    request: HttpRequest,
    state: Literal["", "pending", "confirmed", "declined", "withdrawn"] = "",
    to_answer: bool = False,
) -> Any:
    """Proposals made from or to the records of organisations you edit (all for platform administrators).
    `to_answer=true`: the pending ones naming your organisation's innovation as the source, yours to confirm."""
    user = actor(request)
    qs = selectors.lineage_proposals_to_answer(user=user) if to_answer else selectors.lineage_proposals(user=user)
    return qs.filter(state=state) if state else qs


def _proposal(request: HttpRequest, proposal_id: int) -> LineageProposal:
    # Only the people a proposal concerns learn that it exists: anyone else gets 404.
    return get_object_or_404(selectors.lineage_proposals(user=actor(request)), pk=proposal_id)


@adoptions_router.post(
    "/proposals/{id}/confirm", response={201: AdoptionOut}, auth=AUTH_REQUIRED, summary="Confirm a lineage proposal"
)
def proposal_confirm(request: HttpRequest, id: ObjectId) -> Any:
    """Editors of the source's owner: the proposal becomes a lineage edge (an adoption)."""
    adoption = services.lineage_confirm(actor=actor(request), proposal=_proposal(request, id))
    return Status(201, Adoption.objects.select_related("source__owner", "result__owner").get(pk=adoption.pk))


@adoptions_router.post(
    "/proposals/{id}/decline", response=SourceProposalOut, auth=AUTH_REQUIRED, summary="Decline a lineage proposal"
)
def proposal_decline(request: HttpRequest, id: ObjectId) -> Any:
    """Editors of the source's owner."""
    return services.lineage_decline(actor=actor(request), proposal=_proposal(request, id))


@adoptions_router.post(
    "/proposals/{id}/withdraw", response=SourceProposalOut, auth=AUTH_REQUIRED, summary="Withdraw a lineage proposal"
)
def proposal_withdraw(request: HttpRequest, id: ObjectId) -> Any:
    """Editors of the proposing record."""
    return services.lineage_withdraw(actor=actor(request), proposal=_proposal(request, id))


@adoptions_router.get(
    "/{id}", response=AdoptionOut, auth=AUTH_OPTIONAL, openapi_extra=OPTIONAL_SECURITY, summary="Read an adoption"
)
def adoption_read(request: HttpRequest, id: ObjectId) -> Any:
    return get_object_or_404(selectors.adoption_list(user=actor(request)), pk=id)


# --- vocabularies -----------------------------------------------------------------------------------------------


themes_router = Router(tags=["vocabulary"])


@themes_router.get("", response=ThemeList, auth=AUTH_OPTIONAL, openapi_extra=OPTIONAL_SECURITY, summary="List themes")
def theme_list(request: HttpRequest) -> Any:
    """All themes at once: a small vocabulary."""
    themes = list(Theme.objects.order_by("slug"))
    return {"count": len(themes), "items": themes}


vocabulary_router = Router(tags=["vocabulary"])


def _values(choices: Any) -> list[dict[str, str]]:
    return [{"code": value, "label": str(label)} for value, label in choices.choices]


@vocabulary_router.get(
    "",
    response=VocabularyOut,
    auth=AUTH_OPTIONAL,
    openapi_extra=OPTIONAL_SECURITY,
    summary="Codes and labels of every classification",
)
def vocabulary(request: HttpRequest) -> Any:
    """Every code the API uses, with its label in the request's language (Accept-Language: fi, sv or en)."""
    return {
        "classifications": [
            {"code": dimension.value, "label": str(dimension.label), "values": _values(CHOICES_BY_DIMENSION[dimension])}
            for dimension in Dimension
        ],
        "stages": _values(Stage),
        "novelty": _values(Novelty),
        "statuses": _values(InnovationStatus),
        "partner_roles": _values(PartnerRole),
        "phases": _values(Phase),
        "organisation_kinds": _values(OrganisationKind),
    }
