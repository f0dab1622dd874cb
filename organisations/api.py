"""REST API v1 for organisations, networks and regions; also the organisation references the other routers share
(their generic types are core.api_types'). Endpoints parse, call a selector or a service, and return: the rules
live in those."""

from datetime import date, datetime
from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import StringConstraints

from accounts.api_auth import AUTH_OPTIONAL, AUTH_REQUIRED, OPTIONAL_SECURITY, actor
from core.api_types import (
    MAX_ID,
    MAX_INT,
    NO_NUL,
    Body,
    OutText,
    Pagination,
    Slug,
    SlugPath,
    Text,
    Text200,
    page_url,
)
from core.models import Theme
from organisations import selectors, services
from organisations.models import Network, NetworkMembership, Organisation, OrganisationKind, Region, WellbeingCounty

# --- shared input types -----------------------------------------------------------------------------------------

# An organisation named by its id (a number) or its address name (slug).
OrganisationRefIn = Annotated[int, Field(ge=1, le=MAX_ID)] | Slug


def organisation_from_ref(value: int | str, *, field: str) -> Organisation:
    """The organisation a request body names by id or slug; an unknown one is a validation error of that field."""
    lookup = {"pk": value} if isinstance(value, int) else {"slug": value}
    organisation = Organisation.objects.filter(**lookup).first()
    if organisation is None:
        raise ValidationError({field: _("There is no organisation “%(value)s”.") % {"value": value}})
    return organisation


def themes_from_slugs(slugs: list[str], *, field: str = "themes") -> list[Theme]:
    themes = list(Theme.objects.filter(slug__in=set(slugs)))
    unknown = sorted(set(slugs) - {theme.slug for theme in themes})
    if unknown:
        raise ValidationError({field: _("There is no theme “%(value)s”.") % {"value": unknown[0]}})
    return themes


# --- output schemas ---------------------------------------------------------------------------------------------


class RegionRef(Schema):
    code: str
    name: OutText


class RegionOut(RegionRef):
    name_fi: OutText
    name_sv: OutText
    name_en: OutText


class WellbeingCountyRef(Schema):
    code: str
    name: OutText


class ThemeOut(Schema):
    slug: str
    name: OutText
    name_fi: OutText
    name_sv: OutText
    name_en: OutText


class OrganisationRef(Schema):
    id: int
    slug: str
    name: OutText
    kind: OrganisationKind


class NetworkRef(Schema):
    id: int
    slug: str
    name: OutText


class OrganisationListItem(OrganisationRef):
    name_fi: OutText
    name_sv: OutText
    name_en: OutText
    region: RegionRef | None
    municipality_code: str | None
    business_id: str | None
    population: int | None
    size_class: str
    published_innovations: int
    url: str | None

    @staticmethod
    def resolve_url(obj: Organisation, context: dict[str, Any]) -> str | None:
        return page_url(context["request"], obj)


class OrganisationOut(OrganisationListItem):
    description_fi: OutText
    description_sv: OutText
    description_en: OutText
    wellbeing_county: WellbeingCountyRef | None
    website: str
    is_synthetic: bool
    networks: list[NetworkRef]
    version: int
    created_at: datetime
    updated_at: datetime


class NetworkListItem(NetworkRef):
    name_fi: OutText
    name_sv: OutText
    name_en: OutText
    coordinator: OrganisationRef | None
    member_count: int
    agreement_start: date | None
    agreement_end: date | None
    website: str
    themes: list[ThemeOut]
    url: str | None

    @staticmethod
    def resolve_url(obj: Network, context: dict[str, Any]) -> str | None:
        return page_url(context["request"], obj)


class NetworkMemberOut(Schema):
    organisation: OrganisationRef
    joined_on: date | None


class NetworkOut(NetworkListItem):
    description_fi: OutText
    description_sv: OutText
    description_en: OutText
    members: list[NetworkMemberOut]
    version: int
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_members(obj: Network) -> list[NetworkMembership]:
        members: list[NetworkMembership] = obj.member_list  # type: ignore[attr-defined]  # prefetched by network_read
        return members


# --- input schemas ----------------------------------------------------------------------------------------------

Code2 = Annotated[str, StringConstraints(max_length=2), NO_NUL]
Code3 = Annotated[str, StringConstraints(max_length=3), NO_NUL]
Code4 = Annotated[str, StringConstraints(max_length=4), NO_NUL]
Code9 = Annotated[str, StringConstraints(max_length=9), NO_NUL]


class OrganisationFilters(Schema):
    q: Text200 = ""
    kind: list[OrganisationKind] = Field(default_factory=list)
    region: list[Code2] = Field(default_factory=list)


class OrganisationFields(Body):
    name_fi: Text200 | None = None
    name_sv: Text200 | None = None
    name_en: Text200 | None = None
    description_fi: Text | None = None
    description_sv: Text | None = None
    description_en: Text | None = None
    municipality_code: Code3 | None = None
    business_id: Code9 | None = None
    region: Code2 | None = Field(None, description="Region code, e.g. 01 (Uusimaa).")
    wellbeing_county: Code4 | None = Field(None, description="Wellbeing services county code.")
    population: int | None = Field(None, ge=0, le=MAX_INT)
    website: Text200 | None = None


class OrganisationCreateIn(OrganisationFields):
    kind: OrganisationKind


class OrganisationUpdateIn(OrganisationFields):
    version: int = Field(..., ge=1, le=MAX_INT, description="The version you read: a newer one answers 409.")
    kind: OrganisationKind | None = None


class NetworkFields(Body):
    name_fi: Text200 | None = None
    name_sv: Text200 | None = None
    name_en: Text200 | None = None
    description_fi: Text | None = None
    description_sv: Text | None = None
    description_en: Text | None = None
    coordinator: OrganisationRefIn | None = Field(None, description="Organisation id or slug.")
    agreement_start: date | None = None
    agreement_end: date | None = None
    website: Text200 | None = None
    themes: list[Slug] | None = Field(None, description="Theme slugs; replaces the network's themes.")


class NetworkCreateIn(NetworkFields):
    pass


class NetworkUpdateIn(NetworkFields):
    version: int = Field(..., ge=1, le=MAX_INT, description="The version you read: a newer one answers 409.")


class NetworkMemberIn(Body):
    organisation: OrganisationRefIn = Field(..., description="Organisation id or slug.")
    joined_on: date | None = None


# --- parsing helpers --------------------------------------------------------------------------------------------

# Fields that are empty strings, not NULL, when a client sends null (the identifiers are the other way round,
# which organisations.services handles).
_BLANK_TEXT = {"name_fi", "name_sv", "name_en", "description_fi", "description_sv", "description_en", "website"}


def _organisation_data(payload: Schema) -> dict[str, Any]:
    data = payload.dict(exclude_unset=True)
    data.pop("version", None)
    for field in _BLANK_TEXT & set(data):
        data[field] = data[field] or ""
    if "kind" in data and data["kind"] is None:
        del data["kind"]
    # Codes name the region and the county; an empty code or null clears the field.
    for field, model in (("region", Region), ("wellbeing_county", WellbeingCounty)):
        if field in data:
            code = data[field]
            data[field] = (model.objects.filter(code=code).first() or _unknown(field, code)) if code else None
    return data


def _network_data(payload: Schema) -> tuple[dict[str, Any], list[Theme] | None]:
    data = payload.dict(exclude_unset=True)
    data.pop("version", None)
    slugs = data.pop("themes", None)
    for field in _BLANK_TEXT & set(data):
        data[field] = data[field] or ""
    if data.get("coordinator") is not None:
        data["coordinator"] = organisation_from_ref(data["coordinator"], field="coordinator")
    themes = themes_from_slugs(slugs) if slugs is not None else None
    return data, themes


def _unknown(field: str, value: str) -> Any:
    raise ValidationError({field: _("Unknown code “%(value)s”.") % {"value": value}})


# --- organisations ----------------------------------------------------------------------------------------------

router = Router(tags=["organisations"])


@router.get(
    "",
    response=list[OrganisationListItem],
    auth=AUTH_OPTIONAL,
    openapi_extra=OPTIONAL_SECURITY,
    summary="List organisations",
)
@paginate(Pagination)
def organisation_list(request: HttpRequest, filters: Query[OrganisationFilters]) -> Any:
    """Organisations by name; filter by kind and region code (repeat a parameter for several values)."""
    return selectors.organisation_list(q=filters.q, kinds=list(filters.kind), regions=filters.region)


@router.get(
    "/{slug}",
    response=OrganisationOut,
    auth=AUTH_OPTIONAL,
    openapi_extra=OPTIONAL_SECURITY,
    summary="Read an organisation",
)
def organisation_read(request: HttpRequest, slug: SlugPath) -> Any:
    return _organisation(slug)


def _organisation(slug: str) -> Organisation:
    qs = selectors.organisation_list().select_related("wellbeing_county").prefetch_related("networks")
    return get_object_or_404(qs, slug=slug)


@router.post("", response={201: OrganisationOut}, auth=AUTH_REQUIRED, summary="Create an organisation")
def organisation_create(request: HttpRequest, payload: OrganisationCreateIn) -> Any:
    """Platform administrators only."""
    organisation = services.organisation_create(actor=actor(request), data=_organisation_data(payload))
    return Status(201, _organisation(organisation.slug))


@router.patch("/{slug}", response=OrganisationOut, auth=AUTH_REQUIRED, summary="Update an organisation")
def organisation_update(request: HttpRequest, slug: SlugPath, payload: OrganisationUpdateIn) -> Any:
    """Administrators of the organisation. Send the `version` you read; if someone saved since, the answer is 409."""
    organisation = get_object_or_404(Organisation, slug=slug)
    services.organisation_update(
        actor=actor(request),
        organisation=organisation,
        expected_version=payload.version,
        data=_organisation_data(payload),
    )
    return _organisation(slug)


# --- networks ---------------------------------------------------------------------------------------------------

networks_router = Router(tags=["networks"])


def _networks() -> QuerySet[Network]:
    return selectors.network_list().select_related("coordinator").prefetch_related("themes")


@networks_router.get(
    "", response=list[NetworkListItem], auth=AUTH_OPTIONAL, openapi_extra=OPTIONAL_SECURITY, summary="List networks"
)
@paginate(Pagination)
def network_list(request: HttpRequest) -> Any:
    return _networks()


@networks_router.get(
    "/{slug}",
    response=NetworkOut,
    auth=AUTH_OPTIONAL,
    openapi_extra=OPTIONAL_SECURITY,
    summary="Read a network with its members",
)
def network_read(request: HttpRequest, slug: SlugPath) -> Any:
    return _network(slug)


def _network(slug: str) -> Network:
    members = NetworkMembership.objects.select_related("organisation").order_by("organisation__name")
    qs = _networks().prefetch_related(Prefetch("memberships", queryset=members, to_attr="member_list"))
    return get_object_or_404(qs, slug=slug)


@networks_router.post("", response={201: NetworkOut}, auth=AUTH_REQUIRED, summary="Create a network")
def network_create(request: HttpRequest, payload: NetworkCreateIn) -> Any:
    """Platform administrators only."""
    data, themes = _network_data(payload)
    network = services.network_create(actor=actor(request), data=data, themes=themes or ())
    return Status(201, _network(network.slug))


@networks_router.patch("/{slug}", response=NetworkOut, auth=AUTH_REQUIRED, summary="Update a network")
def network_update(request: HttpRequest, slug: SlugPath, payload: NetworkUpdateIn) -> Any:
    """Administrators of the coordinating organisation. `version` as for organisations (409 when stale)."""
    network = get_object_or_404(Network, slug=slug)
    data, themes = _network_data(payload)
    services.network_update(
        actor=actor(request), network=network, expected_version=payload.version, data=data, themes=themes
    )
    return _network(slug)


@networks_router.post(
    "/{slug}/members", response={201: NetworkMemberOut}, auth=AUTH_REQUIRED, summary="Add a member to a network"
)
def network_member_add(request: HttpRequest, slug: SlugPath, payload: NetworkMemberIn) -> Any:
    network = get_object_or_404(Network, slug=slug)
    organisation = organisation_from_ref(payload.organisation, field="organisation")
    membership = services.network_member_add(
        actor=actor(request), network=network, organisation=organisation, joined_on=payload.joined_on
    )
    return Status(201, membership)


@networks_router.delete(
    "/{slug}/members/{organisation}",
    response={204: None},
    auth=AUTH_REQUIRED,
    summary="Remove a member from a network",
)
def network_member_remove(request: HttpRequest, slug: SlugPath, organisation: SlugPath) -> Any:
    network = get_object_or_404(Network, slug=slug)
    member = get_object_or_404(Organisation, slug=organisation)
    services.network_member_remove(actor=actor(request), network=network, organisation=member)
    return Status(204, None)


# --- regions ----------------------------------------------------------------------------------------------------

regions_router = Router(tags=["regions"])


class RegionList(Schema):
    count: int
    items: list[RegionOut]


@regions_router.get(
    "", response=RegionList, auth=AUTH_OPTIONAL, openapi_extra=OPTIONAL_SECURITY, summary="List regions"
)
def region_list(request: HttpRequest) -> Any:
    """Finland's 19 regions (maakunnat), all at once: a small fixed vocabulary."""
    regions = list(Region.objects.order_by("code"))
    return {"count": len(regions), "items": regions}
