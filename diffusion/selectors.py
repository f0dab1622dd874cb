"""Reads for diffusion: an innovation's family, the registry as adoption events, and the stored figures.

Visibility: everything here is built from **published** records only, whoever asks. A family is the published
original (followed up `Adoption.source` through published records to the top) and every published record derived
from it through the lineage at any depth; a draft ends its branch, as in the lineage drawing. So a draft, anyone's,
never changes a member list, a count, a curve, a map or an API figure, and the stored figures can be shown to all.
A draft innovation has no family (its own organisation sees it on the innovation page).

A family is read in two queries however large it is: one recursive CTE (up to the root, then down the tree) for
the edges, then one bulk load of the innovations with their owners and regions.
"""

import datetime
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.core.cache import caches
from django.db import connection
from django.db.models import QuerySet

from accounts import roles
from core.models import Theme
from diffusion.maths.unrecorded import Record
from diffusion.models import (
    DiffusionState,
    EventHistoryFigures,
    FamilyFigures,
    FamilySuggestions,
    OrganisationFigures,
    OrganisationRecommendations,
    RegistryFigures,
    SourceSuggestion,
    SuggestionState,
)
from innovations import catalogue
from innovations.models import Adoption, CatalogueEntry, Innovation
from innovations.vocabulary import Novelty, Status
from organisations.models import Network, Organisation, OrganisationKind

# Deeper than any real lineage; only a guard against a cycle that the services already refuse.
MAX_DEPTH = 1000

# Only constants are put into the SQL text; every value is a parameter.
_FAMILY_SQL = f"""
WITH RECURSIVE up(id, depth) AS (
    SELECT i.id, 0 FROM innovations_innovation i WHERE i.id = %s AND i.status = %s
    UNION ALL
    SELECT a.source_id, up.depth + 1 FROM up
    JOIN innovations_adoption a ON a.result_id = up.id
    JOIN innovations_innovation s ON s.id = a.source_id
    WHERE s.status = %s AND up.depth < {MAX_DEPTH}
),
root(id) AS (SELECT id FROM up ORDER BY depth DESC LIMIT 1),
down(id, parent_id, mode, adopted_on, depth) AS (
    SELECT id, CAST(NULL AS bigint), CAST('' AS varchar(16)), CAST(NULL AS date), 0 FROM root
    UNION ALL
    SELECT a.result_id, a.source_id, a.mode, a.adopted_on, down.depth + 1 FROM down
    JOIN innovations_adoption a ON a.source_id = down.id
    JOIN innovations_innovation r ON r.id = a.result_id
    WHERE r.status = %s AND down.depth < {MAX_DEPTH}
)
SELECT id, parent_id, mode, adopted_on, depth FROM down
"""  # noqa: S608

_ROOT_SQL = _FAMILY_SQL.split("down(id")[0].rstrip().rstrip(",") + "\nSELECT id FROM root"

_TREE_SQL = f"""
WITH RECURSIVE up(id, depth) AS (
    SELECT i.id, 0 FROM innovations_innovation i WHERE i.id IN ({{ids}})
    UNION ALL
    SELECT a.source_id, up.depth + 1 FROM up JOIN innovations_adoption a ON a.result_id = up.id
    WHERE up.depth < {MAX_DEPTH}
),
tops(id) AS (SELECT DISTINCT id FROM up WHERE NOT EXISTS (
    SELECT 1 FROM innovations_adoption a WHERE a.result_id = up.id)),
down(id, parent_id, depth) AS (
    SELECT id, CAST(NULL AS bigint), 0 FROM tops
    UNION ALL
    SELECT a.result_id, a.source_id, down.depth + 1 FROM down JOIN innovations_adoption a ON a.source_id = down.id
    WHERE down.depth < {MAX_DEPTH}
)
SELECT down.id, down.parent_id, i.status, p.status FROM down
JOIN innovations_innovation i ON i.id = down.id
LEFT JOIN innovations_innovation p ON p.id = down.parent_id
"""  # noqa: S608


_LANGS = ("fi", "sv", "en")
MEMBER_FIELDS = (
    "pk",
    "status",
    "owner_id",
    "introduced_on",
    "created_at",
    "title",
    *(f"title_{lang}" for lang in _LANGS),
    "owner__slug",
    "owner__kind",
    "owner__municipality_code",
    "owner__region_id",
    "owner__name",
    *(f"owner__name_{lang}" for lang in _LANGS),
    "owner__region__code",
    "owner__region__name",
    *(f"owner__region__name_{lang}" for lang in _LANGS),
)


# What a suggestion shows of an innovation: its title and owner (a link to each), not its long texts.
SUGGESTED_FIELDS = (
    "pk",
    "status",
    "owner_id",
    "title",
    *(f"title_{lang}" for lang in _LANGS),
    "owner__slug",
    "owner__kind",
    "owner__name",
    *(f"owner__name_{lang}" for lang in _LANGS),
)


@dataclass(frozen=True)
class FamilyMember:
    innovation: Innovation  # with owner and owner.region loaded
    parent_id: int | None  # the record it was adopted from; None for the original
    mode: str  # "adapted" | "copied"; "" for the original
    date: datetime.date  # adopted on; the original's introduction date (or when it was recorded)
    depth: int  # 0 for the original

    @property
    def organisation(self) -> Organisation:
        return self.innovation.owner

    @property
    def year(self) -> int:
        return self.date.year


@dataclass(frozen=True)
class Family:
    root_id: int
    members: list[FamilyMember]  # the original first, then by date

    @property
    def root(self) -> FamilyMember:
        return self.members[0]

    def first_years(self) -> dict[int, int]:
        """Organisation id -> the year it first took a record of the family into use."""
        years: dict[int, int] = {}
        for member in self.members:
            org = member.innovation.owner_id
            if org not in years or member.year < years[org]:
                years[org] = member.year
        return years

    def place_years(self) -> tuple[dict[str, int], dict[str, int]]:
        """Where on the map and when: municipality code -> the year a municipality first adopted, and region code ->
        the year another kind of organisation (a county, a university …) in that region first adopted."""
        municipality_years: dict[str, int] = {}
        region_years: dict[str, int] = {}
        for member in self.members:
            organisation = member.organisation
            if organisation.kind == OrganisationKind.MUNICIPALITY and organisation.municipality_code:
                code = organisation.municipality_code
                municipality_years[code] = min(member.year, municipality_years.get(code, member.year))
            elif organisation.region is not None:
                code = organisation.region.code
                region_years[code] = min(member.year, region_years.get(code, member.year))
        return municipality_years, region_years


def _as_date(value: Any) -> datetime.date | None:
    if value is None or isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value)[:10])  # SQLite answers with text


def introduction_date(innovation: Innovation) -> datetime.date:
    """When an original was taken into use: its own date, or when it was recorded when it has none."""
    return innovation.introduced_on or innovation.created_at.date()


def family(innovation_id: int) -> Family | None:
    """The published family of an innovation (two queries), or None when the innovation is not published."""
    with connection.cursor() as cursor:
        cursor.execute(_FAMILY_SQL, [innovation_id, Status.PUBLISHED, Status.PUBLISHED, Status.PUBLISHED])
        rows = cursor.fetchall()
    if not rows:
        return None
    edges = {row[0]: row for row in rows}  # a record has at most one source: one row per id
    # Only what a family shows: a record's long texts and search document would be most of the bytes read.
    innovations = (
        Innovation.objects.filter(pk__in=list(edges)).select_related("owner", "owner__region").only(*MEMBER_FIELDS)
    )
    members = []
    for innovation in innovations:
        _pk, parent_id, mode, adopted_on, depth = edges[innovation.pk]
        date = _as_date(adopted_on) if parent_id is not None else None
        members.append(FamilyMember(innovation, parent_id, mode or "", date or introduction_date(innovation), depth))
    members.sort(key=lambda m: (m.depth != 0, m.date, m.innovation.pk))
    return Family(root_id=members[0].innovation.pk, members=members)


# A large family's read (the recursive query and its records with their owners) is a third of its page's time at the
# bench registry's size; one of at least this many records is kept until the catalogue changes. Small ones are read
# each time: cheap, and keeping them all would fill the cache.
KEPT_FAMILY_MEMBERS = 50
KEPT_FAMILY_SECONDS = 60 * 60


def kept_family(innovation_id: int) -> Family | None:
    """`family`, a large one kept in the catalogue cache under the catalogue's version token, which every write to a
    record or an adoption and every change of an organisation's name, kind or region renews: a record unpublished,
    deleted or renamed is never shown from the cache."""
    key = f"diffusion:family:{innovation_id}:{catalogue.version()}"
    kept: Family | None = caches["catalogue"].get(key)
    if kept is not None:
        return kept
    found = family(innovation_id)
    if found is not None and len(found.members) >= KEPT_FAMILY_MEMBERS:
        caches["catalogue"].set(key, found, KEPT_FAMILY_SECONDS)
    return found


def public_root(innovation_id: int) -> int | None:
    """The original of the innovation's published family (one query), or None when it is not published."""
    with connection.cursor() as cursor:
        cursor.execute(_ROOT_SQL, [innovation_id, Status.PUBLISHED, Status.PUBLISHED])
        row = cursor.fetchone()
    return None if row is None else int(row[0])


def family_summary(innovation_id: int) -> FamilyFigures | None:
    """The stored figures of the innovation's family, for the short section on the innovation's page (one
    query); None for a draft or before the first computation."""
    sql = _ROOT_SQL.replace(
        "SELECT id FROM root", "SELECT f.* FROM root JOIN diffusion_familyfigures f ON f.root_id = root.id"
    )
    found = list(FamilyFigures.objects.raw(sql, [innovation_id, Status.PUBLISHED, Status.PUBLISHED]))
    return found[0] if found and found[0].computed else None


@dataclass(frozen=True)
class TreeNode:
    id: int
    parent_id: int | None
    published: bool
    parent_published: bool


def lineage_trees(innovation_ids: Iterable[int]) -> list[TreeNode]:
    """Every record in the lineage trees holding these innovations, whatever their status (one query): what a
    write to one of them can change. For the staleness marks only — never shown."""
    ids = [int(pk) for pk in set(innovation_ids)]
    if not ids:
        return []
    sql = _TREE_SQL.replace("{ids}", ", ".join(["%s"] * len(ids)))
    with connection.cursor() as cursor:
        cursor.execute(sql, ids)
        rows = cursor.fetchall()
    seen: dict[int, TreeNode] = {}
    for pk, parent_id, status, parent_status in rows:
        seen[pk] = TreeNode(pk, parent_id, status == Status.PUBLISHED, parent_status == Status.PUBLISHED)
    return list(seen.values())


def public_roots(nodes: Iterable[TreeNode]) -> list[int]:
    """The nodes that are the originals of published families: published, and not adopted from a published
    record."""
    return [node.id for node in nodes if node.published and not node.parent_published]


def family_figures(root_id: int) -> FamilyFigures | None:
    return FamilyFigures.objects.filter(root_id=root_id).first()


def population(kinds: Iterable[str]) -> int:
    """Organisations that could adopt: those of the kinds that have adopted (e.g. the 309 municipalities)."""
    return Organisation.objects.filter(kind__in=list(set(kinds))).count()


# --- the registry as adoption events, for the maths ---------------------------------------------------------------


@dataclass(frozen=True)
class RegistryAdoption:
    family: int  # the published root's id
    innovation: int
    organisation: int
    source_organisation: int | None  # the owner of the record it was adopted from
    mode: str  # how it was adopted along a recorded lineage edge; "" for an original
    novelty: str  # what the record itself says: new, adapted or copied (also without a recorded source)
    year: int
    date: datetime.date | None = None  # adopted on; an original's introduction date (or when it was recorded)


def registry_adoptions() -> list[RegistryAdoption]:
    """Every published record as an adoption in its published family (two queries, walked in memory): the input
    of the registry-wide figures (network, flows, trends). Originals are adoptions with no source."""
    records = {
        pk: (owner_id, introduced_on or created_at.date(), novelty)
        for pk, owner_id, introduced_on, created_at, novelty in Innovation.objects.filter(status=Status.PUBLISHED)
        .values_list("pk", "owner_id", "introduced_on", "created_at", "novelty")
        .iterator(chunk_size=5000)
    }
    parent: dict[int, tuple[int, str, datetime.date]] = {}
    for source_id, result_id, mode, adopted_on in Adoption.objects.filter(
        source__status=Status.PUBLISHED, result__status=Status.PUBLISHED
    ).values_list("source_id", "result_id", "mode", "adopted_on"):
        parent[result_id] = (source_id, mode, adopted_on)
    root_of: dict[int, int] = {}

    def root(pk: int) -> int:
        chain: list[int] = []
        current = pk
        while current not in root_of and current in parent and len(chain) < MAX_DEPTH:
            chain.append(current)
            current = parent[current][0]
        top = root_of.get(current, current)
        for node in chain:
            root_of[node] = top
        root_of[current] = top
        return top

    out = []
    for pk, (owner_id, introduced, novelty) in records.items():
        edge = parent.get(pk)
        if edge is None:
            out.append(RegistryAdoption(pk, pk, owner_id, None, "", novelty, introduced.year, introduced))
        else:
            source_id, mode, adopted = edge
            owner = records[source_id][0]
            out.append(RegistryAdoption(root(pk), pk, owner_id, owner, mode, novelty, adopted.year, adopted))
    return out


def state_version() -> int:
    return DiffusionState.objects.filter(pk=1).values_list("version", flat=True).first() or 0


def organisation_figures(organisation_id: int) -> OrganisationFigures | None:
    return OrganisationFigures.objects.filter(organisation_id=organisation_id).first()


def all_organisation_figures() -> Iterator[OrganisationFigures]:
    """Every organisation's stored network figures with the organisation and its region, by id (streamed)."""
    return (
        OrganisationFigures.objects.select_related("organisation", "organisation__region")
        .order_by("organisation_id")
        .iterator(chunk_size=2000)
    )


def registry_figures() -> RegistryFigures | None:
    return RegistryFigures.objects.filter(pk=1).first()


@dataclass(frozen=True)
class OrganisationDiffusion:
    figures: OrganisationFigures
    sources: list[Organisation]  # the strongest learning ties, strongest first
    adopters: list[Organisation]


def organisation_diffusion(organisation_id: int) -> OrganisationDiffusion | None:
    """An organisation's stored network figures with the organisations it learned from and taught (two queries),
    or None when it has none (no published record, or before the first computation)."""
    figures = organisation_figures(organisation_id)
    if figures is None:
        return None
    wanted = [*figures.data.get("sources", []), *figures.data.get("adopters", [])]
    found = Organisation.objects.in_bulk(wanted) if wanted else {}
    return OrganisationDiffusion(
        figures,
        [found[pk] for pk in figures.data.get("sources", []) if pk in found],
        [found[pk] for pk in figures.data.get("adopters", []) if pk in found],
    )


@dataclass(frozen=True)
class Suggested:
    """One stored suggestion ready for a page: the published innovation (a family's root) or the organisation it
    is about, and its reason data with the names it mentions."""

    innovation: Innovation | None
    organisation: Organisation | None
    item: dict[str, Any]
    example_adopter: Organisation | None
    because_of: Innovation | None


def _suggested(items: list[dict[str, Any]], *, exclude_owner: int | None = None) -> list[Suggested]:
    """The stored items with their records (two queries whatever their number). Only published innovations are
    kept, and none of `exclude_owner`'s own: the list was computed from published records, but a record may have
    been unpublished since."""
    innovation_ids = {i for item in items for i in (item.get("innovation"), item.get("reason", {}).get("because_of"))}
    organisation_ids = {
        o for item in items for o in (item.get("organisation"), item.get("reason", {}).get("example_adopter"))
    }
    published = (
        Innovation.objects.filter(pk__in=[i for i in innovation_ids if i is not None], status=Status.PUBLISHED)
        .select_related("owner")
        .only(*SUGGESTED_FIELDS)
    )
    innovations = published.in_bulk() if innovation_ids - {None} else {}
    organisations = Organisation.objects.in_bulk([o for o in organisation_ids if o is not None])
    out = []
    for item in items:
        innovation = innovations.get(item["innovation"]) if "innovation" in item else None
        if "innovation" in item and (innovation is None or innovation.owner_id == exclude_owner):
            continue
        organisation = organisations.get(item["organisation"]) if "organisation" in item else None
        if "organisation" in item and organisation is None:
            continue
        reason = item.get("reason", {})
        out.append(
            Suggested(
                innovation,
                organisation,
                item,
                organisations.get(reason.get("example_adopter")),
                innovations.get(reason.get("because_of")),
            )
        )
    return out


def organisation_recommendations(organisation_id: int) -> list[Suggested] | None:
    """What to adopt next for an organisation, stored (three queries); None before the first computation."""
    row = OrganisationRecommendations.objects.filter(organisation_id=organisation_id).first()
    if row is None:
        return None
    return _suggested(row.items, exclude_owner=organisation_id)


@dataclass(frozen=True)
class FamilySuggestionLists:
    also_adopted: list[Suggested]
    likely_next: list[Suggested]


def family_suggestions(root_id: int) -> FamilySuggestionLists | None:
    """A family's stored "also adopted" and "likely next" lists (five queries); None before the first
    computation."""
    row = FamilySuggestions.objects.filter(root_id=root_id).first()
    if row is None:
        return None
    return FamilySuggestionLists(_suggested(row.also_adopted), _suggested(row.likely_next))


# --- lineage nobody recorded: suggested sources -----------------------------------------------------------------


def years(day: datetime.date) -> float:
    """A date as years (with the fraction), the one time unit the inference gets."""
    return day.toordinal() / 365.25


def from_years(time: float) -> datetime.date:
    return datetime.date.fromordinal(round(time * 365.25))


def inference_records(adoptions: list[RegistryAdoption]) -> list[Record]:
    """Every published record for the source inference (three queries): when it was taken into use (the recorded
    adoption's date, else its introduction date), its published family, its types and title, and whether it says
    it was adapted or copied with no recorded source. Drafts are never in it, neither as a source nor as a
    record to suggest for."""
    family_of = {a.innovation: a.family for a in adoptions}
    adopted_on = dict(
        Adoption.objects.filter(result__status=Status.PUBLISHED, source__status=Status.PUBLISHED).values_list(
            "result_id", "adopted_on"
        )
    )
    # Any recorded source, published or not: lineage_propose refuses a second one.
    sourced = set(Adoption.objects.filter(result__status=Status.PUBLISHED).values_list("result_id", flat=True))
    types = dict(
        CatalogueEntry.objects.filter(status=Status.PUBLISHED).values_list("innovation_id", "types").iterator()
    )
    out = []
    for pk, owner_id, introduced_on, created_at, novelty, *titles in (
        Innovation.objects.filter(status=Status.PUBLISHED)
        .values_list("pk", "owner_id", "introduced_on", "created_at", "novelty", *(f"title_{lang}" for lang in _LANGS))
        .iterator(chunk_size=5000)
    ):
        if pk not in family_of:
            continue
        day = adopted_on.get(pk) or introduced_on or created_at.date()
        out.append(
            Record(
                id=pk,
                organisation=owner_id,
                time=years(_as_date(day) or created_at.date()),
                family=family_of[pk],
                types=frozenset((types.get(pk) or "").split()),
                title=next((t for t in titles if t), ""),
                unsourced=novelty in (Novelty.ADAPTED, Novelty.COPIED) and pk not in sourced,
            )
        )
    return out


def _open_suggestions() -> QuerySet[SourceSuggestion]:
    # Only published records and sources, and records still saying adapted or copied with no recorded source: what
    # changed since the computation is never shown.
    return SourceSuggestion.objects.filter(
        state=SuggestionState.OPEN,
        record__status=Status.PUBLISHED,
        record__novelty__in=[Novelty.ADAPTED, Novelty.COPIED],
        record__adopted_from__isnull=True,
        source__status=Status.PUBLISHED,
    ).select_related("source__owner__region", "record__owner")


def source_suggestions_visible(*, user: Any) -> QuerySet[SourceSuggestion]:
    """The open suggestions the person may act on: those for records of organisations they edit (all for platform
    administrators). Nobody else learns that a suggestion exists."""
    qs = _open_suggestions()
    if getattr(user, "is_superuser", False):
        return qs
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    return qs.filter(record__owner_id__in=roles.editable_organisation_ids(user))


def source_suggestions_for(*, user: Any, innovation: Innovation) -> list[SourceSuggestion]:
    """The open suggested sources of one record, best first, for its editors; [] for anyone else."""
    if innovation.status != Status.PUBLISHED or not user.has_perm("innovations.change_innovation", innovation):
        return []
    return list(source_suggestions_visible(user=user).filter(record=innovation).order_by("-score", "pk"))


def network_names(suggestions: Iterable[SourceSuggestion]) -> dict[int, str]:
    """The names of the networks the suggestions' reasons mention (one query)."""
    ids = {pk for suggestion in suggestions for pk in suggestion.reason.get("networks", [])}
    return {n.pk: n.name for n in Network.objects.filter(pk__in=ids)} if ids else {}


def event_history(kind: str, key: str | int) -> EventHistoryFigures | None:
    """The stored event-history figures of a family (key: its published root's id) or a theme (its slug)."""
    return EventHistoryFigures.objects.filter(kind=kind, key=str(key)).first()


def themes_with_event_history() -> list[tuple[Theme, EventHistoryFigures]]:
    """The themes that have stored event-history figures, by name (two queries)."""
    stored = {row.key: row for row in EventHistoryFigures.objects.filter(kind=EventHistoryFigures.Kind.THEME)}
    themes = Theme.objects.filter(slug__in=list(stored)) if stored else Theme.objects.none()
    return [(theme, stored[theme.slug]) for theme in themes.order_by("name")]
