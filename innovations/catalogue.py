"""Keeps the catalogue's derived data current: one `CatalogueEntry` per innovation (what the facets count) and the
`CatalogueVersion` token (what cached counts are keyed by).

The rule is simple: whatever changes an innovation's status, stage, novelty, types, themes or partners, or its
owner's kind or region, or any search document, calls `refresh(ids)` in the same transaction, after the write.
`refresh` recomputes those innovations' entries from the base tables (never patching them in place, so an entry
is always what a recount would give) and changes the version token, which retires every cached count at once.
"""

import uuid
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Q

from innovations.models import CatalogueEntry, CatalogueVersion, Classification, Innovation, Partnership
from innovations.vocabulary import Dimension

# Innovations per batch in `rebuild`: bounds memory and the size of each IN list.
BATCH = 2000


def tokens(values: Iterable[str]) -> str:
    """Codes as the entry stores them: unique, sorted, space separated, a space at each end ("" for none)."""
    unique = sorted(set(values) - {""})
    return f" {' '.join(unique)} " if unique else ""


def entries(innovation_ids: Iterable[int]) -> list[CatalogueEntry]:
    """The entries of these innovations as the base tables say now (4 queries, however many ids)."""
    ids = list(innovation_ids)
    types: dict[int, list[str]] = {}
    for innovation_id, code in Classification.objects.filter(
        innovation_id__in=ids, dimension=Dimension.TYPE
    ).values_list("innovation_id", "code"):
        types.setdefault(innovation_id, []).append(code)
    themes: dict[int, list[str]] = {}
    for innovation_id, slug in Innovation.themes.through.objects.filter(innovation_id__in=ids).values_list(
        "innovation_id", "theme__slug"
    ):
        themes.setdefault(innovation_id, []).append(slug)
    partner_kinds: dict[int, list[str]] = {}
    for innovation_id, kind in Partnership.objects.filter(innovation_id__in=ids).values_list(
        "innovation_id", "organisation__kind"
    ):
        partner_kinds.setdefault(innovation_id, []).append(kind)
    rows = Innovation.objects.filter(pk__in=ids).values_list(
        "pk", "status", "owner_id", "stage", "novelty", "owner__kind", "owner__region__code"
    )
    return [
        CatalogueEntry(
            innovation_id=pk,
            status=status,
            owner_id=owner_id,
            stage=stage,
            novelty=novelty,
            owner_kind=owner_kind,
            region=region or "",
            types=tokens(types.get(pk, ())),
            themes=tokens(themes.get(pk, ())),
            partner_kinds=tokens(partner_kinds.get(pk, ())),
        )
        for pk, status, owner_id, stage, novelty, owner_kind, region in rows
    ]


def bump() -> None:
    """A new version token: every count cached so far is out of date. Commits with the caller's transaction."""
    CatalogueVersion.objects.update_or_create(pk=1, defaults={"token": uuid.uuid4().hex})


def version() -> str:
    """The current token ("" before the first write, e.g. on an empty database)."""
    return CatalogueVersion.objects.filter(pk=1).values_list("token", flat=True).first() or ""


@transaction.atomic
def refresh(innovation_ids: Iterable[int]) -> None:
    """Recomputes the entries of these innovations (a deleted one loses its entry) and bumps the version."""
    ids = list(set(innovation_ids))
    if ids:
        CatalogueEntry.objects.filter(innovation_id__in=ids).delete()
        CatalogueEntry.objects.bulk_create(entries(ids))
    bump()


def refresh_organisations(organisation_ids: Iterable[int]) -> None:
    """After an organisation's kind, region or name changed: the innovations it owns or is a partner of."""
    ids = list(organisation_ids)
    refresh(
        Innovation.objects.filter(Q(owner_id__in=ids) | Q(partnerships__organisation_id__in=ids))
        .values_list("pk", flat=True)
        .distinct()
    )


def rebuild() -> int:
    """Every entry anew, in batches (bulk loads, repairs); returns how many. One transaction."""
    count = 0
    with transaction.atomic():
        CatalogueEntry.objects.all().delete()
        ids = list(Innovation.objects.order_by("pk").values_list("pk", flat=True))
        for start in range(0, len(ids), BATCH):
            made = entries(ids[start : start + BATCH])
            CatalogueEntry.objects.bulk_create(made, batch_size=500)
            count += len(made)
        bump()
    return count
