"""Reads of organisations and networks: lists with filters, an organisation's networks, who may coordinate a network."""

from typing import Any

from django.db.models import Count, Q, QuerySet

from accounts import roles
from core import text_search
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


def organisation_networks(organisation: Organisation) -> QuerySet[Network]:
    return organisation.networks.order_by("name")


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
