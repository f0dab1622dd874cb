"""Reads of organisations and networks: lists with filters and what an organisation's page shows."""

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet

from accounts import roles
from core import text_search
from innovations.models import Adoption, Innovation, Partnership
from innovations.selectors import innovation_visible
from organisations.identifiers import is_valid_business_id
from organisations.models import Network, Organisation


def organisation_list(
    *, q: str = "", kinds: list[str] | None = None, regions: list[str] | None = None
) -> QuerySet[Organisation]:
    qs = Organisation.objects.select_related("region")
    if kinds:
        qs = qs.filter(kind__in=kinds)
    if regions:
        qs = qs.filter(region__code__in=regions)
    if is_valid_business_id(q.strip()):
        return _with_counts(qs.filter(business_id=q.strip()))
    for word in text_search.words(q)[: text_search.MAX_QUERY_WORDS]:
        qs = qs.filter(
            Q(name_fi__icontains=word)
            | Q(name_sv__icontains=word)
            | Q(name_en__icontains=word)
            | Q(municipality_code=word)
        )
    return _with_counts(qs)


def _with_counts(qs: QuerySet[Organisation]) -> QuerySet[Organisation]:
    published = Count("innovations", filter=Q(innovations__status="published"))
    return qs.annotate(published_innovations=published).order_by("name")


@dataclass
class OrganisationProfile:
    organisation: Organisation
    innovations: QuerySet[Innovation]
    adopted_from: QuerySet[Adoption]  # what this organisation adopted, and from whom
    adopted_by: QuerySet[Adoption]  # who adopted this organisation's innovations
    partners: QuerySet[Organisation]  # organisations that developed this one's innovations with it
    partner_in: QuerySet[Partnership]  # others' innovations this organisation helped develop
    networks: QuerySet[Network]


_LANGS = ("fi", "sv", "en")


def _title(prefix: str) -> tuple[str, ...]:
    """An innovation's id, owner and title in every language: what a list shows of it (its long texts and search
    document would be most of the bytes read)."""
    titles = (f"{prefix}title_{lang}" for lang in _LANGS)
    return (f"{prefix}id", f"{prefix}owner_id", f"{prefix}status", f"{prefix}title", *titles)


def _name(prefix: str) -> tuple[str, ...]:
    names = (f"{prefix}name_{lang}" for lang in _LANGS)
    return (f"{prefix}id", f"{prefix}slug", f"{prefix}kind", f"{prefix}name", *names)


def organisation_profile(*, user: Any, organisation: Organisation) -> OrganisationProfile:
    visible = innovation_visible(user=user)
    own = visible.filter(owner=organisation)
    return OrganisationProfile(
        organisation=organisation,
        innovations=own.only(*_title(""), "stage", "updated_at").order_by("-updated_at"),
        adopted_from=Adoption.objects.filter(result__in=own, source__in=visible)
        .select_related("source__owner", "result")
        .only("id", "mode", "adopted_on", *_title("source__"), *_name("source__owner__"), *_title("result__"))
        .order_by("-adopted_on"),
        adopted_by=Adoption.objects.filter(source__in=own, result__in=visible)
        .select_related("result__owner", "source")
        .only("id", "mode", "adopted_on", *_title("result__"), *_name("result__owner__"), *_title("source__"))
        .order_by("-adopted_on"),
        partners=Organisation.objects.filter(partnerships__innovation__in=own)
        .only(*_name(""))
        .annotate(shared=Count("partnerships", distinct=True))
        .order_by("-shared", "name"),
        partner_in=Partnership.objects.filter(organisation=organisation, innovation__in=visible)
        .select_related("innovation__owner")
        .only("id", "role", "organisation_id", *_title("innovation__"), *_name("innovation__owner__"))
        .order_by("-innovation__updated_at"),
        networks=organisation.networks.order_by("name"),
    )


def network_list() -> QuerySet[Network]:
    return Network.objects.select_related("coordinator").annotate(member_count=Count("memberships")).order_by("name")


def network_members(*, network: Network) -> QuerySet[Organisation]:
    return network.members.select_related("region").order_by("name")


def coordinator_choices(*, user: Any, network: Network | None = None) -> QuerySet[Organisation] | None:
    """Whom the person may name as a network's coordinator: None for platform administrators (anyone); else the
    organisations they administer and, for an existing network, its members (handing it over)."""
    if getattr(user, "is_superuser", False):
        return None
    condition = Q(pk__in=roles.administered_organisation_ids(user))
    if network is not None:
        condition |= Q(network_memberships__network=network)
    return Organisation.objects.filter(condition).distinct()
