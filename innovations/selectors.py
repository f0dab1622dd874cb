"""Reads of innovations: visibility, the catalogue (search, facets, sorting), lineage, headline figures and what an
organisation's page lists of its innovations, adoptions and partnerships."""

import hashlib
import json
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass, field
from functools import cache
from typing import Any, overload

from django.core.cache import caches
from django.db import connection
from django.db.models import Count, Exists, F, OrderBy, OuterRef, Prefetch, Q, QuerySet, Value
from django.db.models.expressions import RawSQL

from accounts import roles
from core import search, text_search
from core.models import Theme
from innovations import catalogue
from innovations.models import Adoption, CatalogueEntry, Innovation, LineageProposal, Partnership, ProposalState
from innovations.vocabulary import InnovationType, Novelty, Stage, Status
from organisations.models import Organisation, OrganisationKind, Region
from records import selectors as record_selectors

# The innovations whose document matches an FTS5 query, from SQLite's index of the documents (migration 0005).
FTS_MATCH = "SELECT rowid FROM innovation_search_fts WHERE innovation_search_fts MATCH %s"

SORTS: dict[str, tuple[str | OrderBy, ...]] = {
    "updated": ("-updated_at", "-id"),
    "newest": ("-created_at", "-id"),
    "title": ("title", "id"),
    # Undated last on every database: PostgreSQL would put NULLs first in a descending sort, SQLite last.
    "introduced": (F("introduced_on").desc(nulls_last=True), "-id"),
}


def innovation_visible(*, user: Any) -> QuerySet[Innovation]:
    """Published innovations, and the drafts of the person's own organisations."""
    return record_selectors.visible(Innovation.objects.all(), user=user)


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


# Each facet's column in CatalogueEntry, and whether it holds several codes (" service process ") or one.
FACET_COLUMNS: dict[str, tuple[str, bool]] = {
    "types": ("types", True),
    "stages": ("stage", False),
    "novelty": ("novelty", False),
    "org_kinds": ("owner_kind", False),
    "regions": ("region", False),
    "themes": ("themes", True),
    "partner_kinds": ("partner_kinds", True),
}
# Counts and pages are cached for this long; a write retires them at once anyway (see innovations.catalogue).
CACHE_TIMEOUT_S = 60 * 60
# With at most this many results PostgreSQL lists all their ids to cut a page (see CatalogueResults._ids).
FEW_RESULTS = 5000


def _has(facet: str, value: str) -> Q:
    """CatalogueEntry rows with this facet value."""
    column, multi = FACET_COLUMNS[facet]
    return Q(**{f"{column}__contains": f" {value} "}) if multi else Q(**{column: value})


def _facet_filter(facet: str, values: list[str]) -> Q:
    """CatalogueEntry rows with any of the values (values within one facet combine with OR)."""
    column, multi = FACET_COLUMNS[facet]
    if not multi:
        return Q(**{f"{column}__in": values})
    either = Q()
    for value in values:
        either |= _has(facet, value)
    return either


def _chosen_facets(f: CatalogueFilters, skip: str = "") -> Q:
    """Every chosen facet filter except the one named in `skip`, on CatalogueEntry."""
    combined = Q()
    for facet in CatalogueFilters.FACETS:
        values = getattr(f, facet)
        if values and facet != skip:
            combined &= _facet_filter(facet, values)
    return combined


def _search(qs: QuerySet[Innovation], q: str) -> QuerySet[Innovation]:
    """Innovations whose search document matches every word of q (see core.search)."""
    if q and connection.vendor == "postgresql":
        return search.full_text(qs, q)
    if q and connection.vendor == "sqlite" and _sqlite_has_fts5():
        # The FTS5 index of migration 0005 answers the same test without reading every document.
        expression = text_search.fts5_query(q)
        if expression:
            qs = qs.filter(pk__in=RawSQL(FTS_MATCH, [expression]))  # noqa: S611 - constant SQL, the query a parameter
        return qs
    return search.substrings(qs, q)


@cache
def _sqlite_has_fts5() -> bool:
    """Whether this process's SQLite library has FTS5, and so (migration 0005) the search index. Asked of a
    throw-away in-memory database, so that no query is added to a page."""
    with closing(sqlite3.connect(":memory:")) as probe:
        return any(option == "ENABLE_FTS5" for (option,) in probe.execute("PRAGMA compile_options"))


def innovation_list(*, user: Any, filters: CatalogueFilters) -> QuerySet[Innovation]:
    """The innovations the person may see that pass every filter, in the chosen order."""
    qs = _search(innovation_visible(user=user), filters.q)
    chosen = _chosen_facets(filters)
    if chosen:
        qs = qs.filter(Exists(CatalogueEntry.objects.filter(chosen, innovation=OuterRef("pk"))))
    if filters.owner:
        qs = qs.filter(owner__slug=filters.owner)
    if filters.status:
        qs = qs.filter(status=filters.status)
    return qs.select_related("owner", "owner__region").order_by(*SORTS.get(filters.sort, SORTS["updated"]))


@dataclass
class CatalogueCounts:
    total: int  # results with every filter applied
    facets: dict[str, dict[str, int]]  # facet -> {value: count}, values with no results left out


def innovation_scope(user: Any) -> str:
    """Who sees the same innovations as this person: everyone ("public"), the members of the same organisations,
    or platform administrators ("all"). Part of the cache key, so a draft's count never reaches outsiders."""
    if getattr(user, "is_superuser", False):
        return "all"
    own = sorted(roles.organisation_roles(user))
    return "orgs:" + ",".join(map(str, own)) if own else "public"


def _cache_key(user: Any, f: CatalogueFilters) -> str:
    """The cache key of a result set: catalogue version, scope and the filters in a normal form (the query as its
    stems, so "Kokeilun" and "kokeilu" share one entry; values sorted). The sort is not part of it: the counts do
    not depend on it (pages add it to the key)."""
    normal = {
        "q": [sorted(alternatives) for alternatives in text_search.query_alternatives(f.q)],
        **{facet: sorted(getattr(f, facet)) for facet in CatalogueFilters.FACETS},
        "owner": f.owner,
        "status": f.status,
    }
    digest = hashlib.sha256(json.dumps(normal, sort_keys=True).encode()).hexdigest()[:32]
    return f"catalogue:{catalogue.version()}:{innovation_scope(user)}:{digest}"


def _count(user: Any, f: CatalogueFilters, *, facets: bool = True) -> CatalogueCounts:
    """The total and every facet's counts (or the total alone) in one pass over the matching catalogue entries.

    Each facet is counted with all the other filters applied but not its own, so that choosing one value still
    shows how many the neighbouring values would add: one conditional COUNT per facet value, in one query."""
    entries = CatalogueEntry.objects.all()
    if not getattr(user, "is_superuser", False):
        own = list(roles.organisation_roles(user))
        entries = entries.filter(
            Q(status=Status.PUBLISHED) | Q(owner_id__in=own) if own else Q(status=Status.PUBLISHED)
        )
    if text_search.query_alternatives(f.q):
        entries = entries.filter(innovation_id__in=_search(Innovation.objects.all(), f.q).values("pk"))
    if f.owner:
        entries = entries.filter(owner__slug=f.owner)
    if f.status:
        entries = entries.filter(status=f.status)
    if not facets:
        return CatalogueCounts(total=entries.filter(_chosen_facets(f)).count(), facets={})
    values: dict[str, list[str]] = {
        "types": list(InnovationType.values),
        "stages": list(Stage.values),
        "novelty": list(Novelty.values),
        "org_kinds": list(OrganisationKind.values),
        "regions": [],
        "themes": [],
        "partner_kinds": list(OrganisationKind.values),
    }
    # The region codes and theme slugs, in one query.
    for facet, value in (
        Region.objects.annotate(facet=Value("regions"), value=F("code"))
        .values_list("facet", "value")
        .order_by()
        .union(
            Theme.objects.annotate(facet=Value("themes"), value=F("slug")).values_list("facet", "value").order_by(),
            all=True,
        )
    ):
        values[facet].append(value)
    columns: dict[str, tuple[str, str]] = {}  # alias -> (facet, value)
    aggregates: dict[str, Count] = {"total": Count("pk", filter=_chosen_facets(f) or None)}
    for facet, facet_values in values.items():
        others = _chosen_facets(f, skip=facet)
        for value in facet_values:
            alias = f"c{len(columns)}"
            columns[alias] = (facet, value)
            aggregates[alias] = Count("pk", filter=_has(facet, value) & others)
    row = entries.aggregate(**aggregates)
    counts: dict[str, dict[str, int]] = {facet: {} for facet in values}
    for alias, (facet, value) in columns.items():
        if row[alias]:
            counts[facet][value] = row[alias]
    return CatalogueCounts(total=row["total"], facets=counts)


def _cached_counts(key: str, user: Any, filters: CatalogueFilters, *, facets: bool = True) -> CatalogueCounts:
    cache = caches["catalogue"]
    counts: CatalogueCounts | None = cache.get(key)  # the full counts serve a reader of the total alone too
    if counts is None and not facets:
        key = f"{key}:total"
        counts = cache.get(key)
    if counts is None:
        counts = _count(user, filters, facets=facets)
        cache.set(key, counts, CACHE_TIMEOUT_S)
    return counts


def innovation_counts(*, user: Any, filters: CatalogueFilters) -> CatalogueCounts:
    """The catalogue's total and facet counts, from the cache when this version of the catalogue has been counted
    for the same filters and the same visibility before."""
    return _cached_counts(_cache_key(user, filters), user, filters)


def innovation_facets(*, user: Any, filters: CatalogueFilters) -> dict[str, dict[str, int]]:
    """Counts per facet value (see innovation_counts)."""
    return innovation_counts(user=user, filters=filters).facets


class CatalogueResults:
    """The catalogue's results for one person and filter set, as a sequence: its length is the (cached) total,
    and slicing it reads just that page. Django's Paginator and the API's limit/offset pagination use it as a
    list, so neither runs a COUNT of its own.

    A page is read as a list of ids, cached like the counts, then the rows by id: a repeated page costs one
    primary-key look-up of 20 rows, whatever the search."""

    def __init__(self, *, user: Any, filters: CatalogueFilters, prefetch: tuple[str, ...] = (), facets: bool = True):
        """`facets=False`: only the total is needed (the API list), which is cheaper to count."""
        self.user, self.filters, self.prefetch = user, filters, prefetch
        self.key = _cache_key(user, filters)
        self.counts = _cached_counts(self.key, user, filters, facets=facets)

    def __len__(self) -> int:
        return self.counts.total

    def __iter__(self) -> Iterator[Innovation]:  # every result: for pages, slice instead
        return iter(self[0 : len(self)])

    @overload
    def __getitem__(self, index: int) -> Innovation: ...
    @overload
    def __getitem__(self, index: slice) -> list[Innovation]: ...
    def __getitem__(self, index: int | slice) -> Innovation | list[Innovation]:
        if isinstance(index, int):
            page = self[index : index + 1]
            if not page:
                raise IndexError(index)
            return page[0]
        start, stop, _step = index.indices(len(self))
        if stop <= start:
            return []
        key = f"{self.key}:{self.filters.sort}:{start}:{stop}"
        ids = caches["catalogue"].get(key)
        if ids is None:
            ids = self._ids(start, stop)
            caches["catalogue"].set(key, ids, CACHE_TIMEOUT_S)
        rows = Innovation.objects.filter(pk__in=ids).select_related("owner", "owner__region")
        by_id = {innovation.pk: innovation for innovation in rows.prefetch_related(*self.prefetch)}
        return [by_id[pk] for pk in ids if pk in by_id]

    def _ids(self, start: int, stop: int) -> list[int]:
        ordered = innovation_list(user=self.user, filters=self.filters).values_list("pk", flat=True)
        if connection.vendor == "postgresql" and len(self) <= FEW_RESULTS:
            # Few results: all their ids in order (the search index, or one pass over the catalogue, finds them at
            # once), cut in Python. Asked for a LIMIT instead, PostgreSQL walks the date index and tests row after
            # row, taking the test for cheap: for a rare word that is thousands of documents parsed at ~0.1 ms
            # each (150 ms where the index answers in 10 ms).
            return list(ordered)[start:stop]
        return list(ordered[start:stop])


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
            "images",
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


def lineage_proposals(*, user: Any, pending_only: bool = False) -> QuerySet[LineageProposal]:
    """Lineage proposals that concern the person: made from or to a record of an organisation they edit (all of
    them for platform administrators). Nobody else sees that a link was proposed, or declined."""
    qs = LineageProposal.objects.select_related("source__owner", "result__owner", "proposed_by", "decided_by")
    if pending_only:
        qs = qs.filter(state=ProposalState.PENDING)
    if getattr(user, "is_superuser", False):
        return qs
    editable = list(roles.editable_organisation_ids(user)) if user.is_authenticated else []
    return qs.filter(Q(source__owner_id__in=editable) | Q(result__owner_id__in=editable))


def lineage_proposals_to_answer(*, user: Any) -> QuerySet[LineageProposal]:
    """Pending proposals that name one of the person's organisation's innovations as the source: theirs to
    confirm or decline (for a workspace, a badge or the source's page)."""
    if not user.is_authenticated:
        return LineageProposal.objects.none()
    editable = list(roles.editable_organisation_ids(user))
    return lineage_proposals(user=user, pending_only=True).filter(source__owner_id__in=editable)


@dataclass
class OrganisationProfile:
    """What an organisation's page lists of its innovations, adoptions and partnerships."""

    organisation: Organisation
    innovations: QuerySet[Innovation]
    adopted_from: QuerySet[Adoption]  # what this organisation adopted, and from whom
    adopted_by: QuerySet[Adoption]  # who adopted this organisation's innovations
    partners: QuerySet[Organisation]  # organisations that developed this one's innovations with it
    partner_in: QuerySet[Partnership]  # others' innovations this organisation helped develop


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
        .order_by("-adopted_on", "-id"),
        adopted_by=Adoption.objects.filter(source__in=own, result__in=visible)
        .select_related("result__owner", "source")
        .only("id", "mode", "adopted_on", *_title("result__"), *_name("result__owner__"), *_title("source__"))
        .order_by("-adopted_on", "-id"),
        # One row per partnership after the filter (an organisation is a partner of an innovation once): a plain
        # count, not COUNT(DISTINCT), which sorts every row first.
        partners=Organisation.objects.filter(partnerships__innovation__in=own)
        .only(*_name(""))
        .annotate(shared=Count("partnerships"))
        .order_by("-shared", "name"),
        partner_in=Partnership.objects.filter(organisation=organisation, innovation__in=visible)
        .select_related("innovation__owner")
        .only("id", "role", "organisation_id", *_title("innovation__"), *_name("innovation__owner__"))
        .order_by("-innovation__updated_at"),
    )


PROFILE_LISTS = ("innovations", "adopted_from", "adopted_by", "partners", "partner_in")


def _first(rows: QuerySet[Any], limit: int | None) -> tuple[list[Any], bool]:
    """The first `limit` rows (all when None) and whether there were more, in one query."""
    if limit is None:
        return list(rows), False
    found = list(rows[: limit + 1])
    return found[:limit], len(found) > limit


def profile_lists(*, user: Any, organisation: Organisation, limit: int | None) -> dict[str, tuple[list[Any], bool]]:
    """The profile's lists (`PROFILE_LISTS`) as a page shows them: each one's first `limit` rows (all when None)
    and whether there were more."""
    profile = organisation_profile(user=user, organisation=organisation)
    return {name: _first(getattr(profile, name), limit) for name in PROFILE_LISTS}


def profile_lists_key(*, user: Any, organisation: Organisation, limit: int) -> str:
    """What the profile's lists depend on, for keeping them in a cache: the catalogue's version (every write to
    an innovation, adoption, partnership or organisation name changes it: `innovations.catalogue.refresh`), the
    scope of what the person may see (so a draft never reaches an outsider), the organisation and its version,
    and the number of rows."""
    return (
        f"organisation-lists:{catalogue.version()}:{innovation_scope(user)}:{organisation.pk}:"
        f"{organisation.version}:{limit}"
    )
