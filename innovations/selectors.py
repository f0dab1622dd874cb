"""Reads of innovations: visibility, the catalogue (search, facets, sorting), lineage and headline figures."""

from dataclasses import dataclass, field
from typing import Any

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connection
from django.db.models import Count, Exists, F, OrderBy, OuterRef, Prefetch, Q, QuerySet

from accounts import roles
from core import text_search
from innovations.models import Adoption, Classification, Innovation, Partnership
from innovations.vocabulary import Dimension, Novelty, Status

# Must be the very expression of the index in migration 0003, or PostgreSQL will not use the index.
SEARCH_VECTOR = SearchVector("search_document", config="simple")

SORTS: dict[str, tuple[str | OrderBy, ...]] = {
    "updated": ("-updated_at", "-id"),
    "newest": ("-created_at", "-id"),
    "title": ("title", "id"),
    # Undated last on every database: PostgreSQL would put NULLs first in a descending sort, SQLite last.
    "introduced": (F("introduced_on").desc(nulls_last=True), "-id"),
}


def innovation_visible(*, user: Any) -> QuerySet[Innovation]:
    """Published innovations, and the drafts of the person's own organisations."""
    qs = Innovation.objects.all()
    if getattr(user, "is_superuser", False):
        return qs
    own = list(roles.organisation_roles(user))
    return qs.filter(Q(status=Status.PUBLISHED) | Q(owner_id__in=own)) if own else qs.filter(status=Status.PUBLISHED)


@dataclass
class CatalogueFilters:
    q: str = ""
    types: list[str] = field(default_factory=list)
    stages: list[str] = field(default_factory=list)
    novelty: list[str] = field(default_factory=list)
    org_kinds: list[str] = field(default_factory=list)
    regions: list[str] = field(default_factory=list)
    themes: list[str] = field(default_factory=list)
    partner_kinds: list[str] = field(default_factory=list)
    owner: str = ""
    status: str = ""
    sort: str = "updated"

    # facet name -> (attribute above); the order is the order on the page
    FACETS = ("types", "stages", "novelty", "org_kinds", "regions", "themes", "partner_kinds")


def _apply_filters(qs: QuerySet[Innovation], f: CatalogueFilters, skip: str = "") -> QuerySet[Innovation]:
    """Applies every filter except the facet named in `skip`; values within one facet combine with OR."""
    if f.q and connection.vendor == "postgresql":
        # The same test served from a full-text (GIN) index: a trigram match must re-read every candidate.
        expression = text_search.tsquery(f.q)
        if expression:
            qs = qs.alias(search=SEARCH_VECTOR).filter(
                search=SearchQuery(expression, search_type="raw", config="simple")
            )
    else:
        for alternatives in text_search.query_alternatives(f.q):
            word = Q()
            for pattern in alternatives:
                word |= Q(search_document__contains=pattern)
            qs = qs.filter(word)
    if f.types and skip != "types":
        qs = qs.filter(
            Exists(Classification.objects.filter(innovation=OuterRef("pk"), dimension=Dimension.TYPE, code__in=f.types))
        )
    if f.stages and skip != "stages":
        qs = qs.filter(stage__in=f.stages)
    if f.novelty and skip != "novelty":
        qs = qs.filter(novelty__in=f.novelty)
    if f.org_kinds and skip != "org_kinds":
        qs = qs.filter(owner__kind__in=f.org_kinds)
    if f.regions and skip != "regions":
        qs = qs.filter(owner__region__code__in=f.regions)
    if f.themes and skip != "themes":
        qs = (
            qs.filter(themes__slug__in=f.themes).distinct()
            if len(f.themes) > 1
            else qs.filter(themes__slug=f.themes[0])
        )
    if f.partner_kinds and skip != "partner_kinds":
        qs = qs.filter(
            Exists(Partnership.objects.filter(innovation=OuterRef("pk"), organisation__kind__in=f.partner_kinds))
        )
    if f.owner:
        qs = qs.filter(owner__slug=f.owner)
    if f.status:
        qs = qs.filter(status=f.status)
    return qs


def innovation_list(*, user: Any, filters: CatalogueFilters) -> QuerySet[Innovation]:
    qs = _apply_filters(innovation_visible(user=user), filters)
    return qs.select_related("owner", "owner__region").order_by(*SORTS.get(filters.sort, SORTS["updated"]))


def innovation_facets(*, user: Any, filters: CatalogueFilters) -> dict[str, dict[str, int]]:
    """Counts per facet value. Each facet is counted with all the other filters applied but not its own,
    so that choosing one value still shows how many the neighbouring values would add (one query per facet)."""
    base = innovation_visible(user=user)
    counts: dict[str, dict[str, int]] = {}

    def grouped(qs: QuerySet[Any], key: str) -> dict[str, int]:
        return {
            row[key]: row["n"] for row in qs.values(key).annotate(n=Count("id", distinct=True)).order_by() if row[key]
        }

    ids = lambda skip: _apply_filters(base, filters, skip=skip).values("pk")  # noqa: E731
    counts["types"] = {
        row["code"]: row["n"]
        for row in Classification.objects.filter(dimension=Dimension.TYPE, innovation__in=ids("types"))
        .values("code")
        .annotate(n=Count("innovation_id"))
        .order_by()
    }
    counts["stages"] = grouped(_apply_filters(base, filters, "stages"), "stage")
    counts["novelty"] = grouped(_apply_filters(base, filters, "novelty"), "novelty")
    counts["org_kinds"] = grouped(_apply_filters(base, filters, "org_kinds"), "owner__kind")
    counts["regions"] = grouped(_apply_filters(base, filters, "regions"), "owner__region__code")
    counts["themes"] = grouped(_apply_filters(base, filters, "themes"), "themes__slug")
    counts["partner_kinds"] = {
        row["organisation__kind"]: row["n"]
        for row in Partnership.objects.filter(innovation__in=ids("partner_kinds"))
        .values("organisation__kind")
        .annotate(n=Count("innovation_id", distinct=True))
        .order_by()
    }
    return counts


def innovation_detail(*, user: Any, pk: int) -> Innovation | None:
    """One innovation with everything its page shows, or None when it does not exist or is not visible."""
    return (
        innovation_visible(user=user)
        .select_related("owner", "owner__region", "created_by", "adopted_from__source__owner")
        .prefetch_related(
            "themes",
            "classifications",
            "stage_events",
            "links",
            "attachments",
            Prefetch("partnerships", Partnership.objects.select_related("organisation").order_by("id")),
        )
        .filter(pk=pk)
        .first()
    )


def adoption_list(
    *,
    user: Any,
    source_org: str = "",
    adopter_org: str = "",
    mode: str = "",
    year_from: int | None = None,
    year_to: int | None = None,
) -> QuerySet[Adoption]:
    """Adoptions whose both ends the person may see, newest first; organisations by slug."""
    visible = innovation_visible(user=user)
    qs = Adoption.objects.filter(source__in=visible, result__in=visible)
    if source_org:
        qs = qs.filter(source__owner__slug=source_org)
    if adopter_org:
        qs = qs.filter(result__owner__slug=adopter_org)
    if mode:
        qs = qs.filter(mode=mode)
    if year_from:
        qs = qs.filter(adopted_on__year__gte=year_from)
    if year_to:
        qs = qs.filter(adopted_on__year__lte=year_to)
    return qs.select_related("source__owner", "result__owner").order_by("-adopted_on", "-id")


def innovation_adoptions(*, user: Any, innovation: Innovation) -> QuerySet[Adoption]:
    """Who adopted this innovation (only the adopters' records the person may see), in order of adoption."""
    return (
        Adoption.objects.filter(source=innovation, result__in=innovation_visible(user=user))
        .select_related("result__owner")
        .order_by("adopted_on", "id")
    )


@dataclass
class LineageNode:
    innovation: Innovation
    depth: int  # negative: ancestors, 0: this innovation, positive: descendants
    mode: str = ""  # how this node came from its parent (adapted/copied); "" for the root of the chain
    parent_id: int | None = None


def innovation_lineage(
    *, user: Any, innovation: Innovation, max_depth: int = 4, max_nodes: int = 60
) -> list[LineageNode]:
    """Where the innovation came from (its chain of sources) and who adopted it since (a bounded tree),
    ancestors first. Only visible innovations are shown: an invisible draft ends its branch."""
    visible = innovation_visible(user=user)
    root = LineageNode(innovation, 0)
    ancestors: list[LineageNode] = []
    child = root
    while len(ancestors) < max_depth:
        adoption = (
            Adoption.objects.filter(result=child.innovation, source__in=visible).select_related("source__owner").first()
        )
        if adoption is None:
            break
        child.mode, child.parent_id = adoption.mode, adoption.source_id
        child = LineageNode(adoption.source, -len(ancestors) - 1)
        ancestors.append(child)
    nodes = [*reversed(ancestors), root]
    seen = {node.innovation.pk for node in nodes}
    # Descendants: breadth first, one query per generation.
    frontier, depth = [innovation.pk], 0
    while frontier and depth < max_depth and len(nodes) < max_nodes:
        depth += 1
        adoptions = (
            Adoption.objects.filter(source_id__in=frontier, result__in=visible)
            .select_related("result__owner")
            .order_by("adopted_on", "id")[: max_nodes - len(nodes)]
        )
        frontier = []
        for adoption in adoptions:
            if adoption.result_id not in seen:
                seen.add(adoption.result_id)
                nodes.append(LineageNode(adoption.result, depth, adoption.mode, adoption.source_id))
                frontier.append(adoption.result_id)
    return nodes


def registry_figures() -> dict[str, Any]:
    """The front page's headline figures, counted over published innovations."""
    published = Innovation.objects.filter(status=Status.PUBLISHED)
    by_novelty = dict(published.values_list("novelty").annotate(n=Count("id")).order_by())
    total = sum(by_novelty.values())
    return {
        "innovations": total,
        "organisations": published.values("owner").distinct().count(),
        "adoptions": Adoption.objects.filter(result__status=Status.PUBLISHED, source__status=Status.PUBLISHED).count(),
        "share_new": by_novelty.get(Novelty.NEW, 0) / total if total else 0.0,
        "share_adapted": by_novelty.get(Novelty.ADAPTED, 0) / total if total else 0.0,
        "share_copied": by_novelty.get(Novelty.COPIED, 0) / total if total else 0.0,
    }
