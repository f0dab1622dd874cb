"""Keeps the stored diffusion figures honest: every write that changes adoptions or what is published announces it
(core.events.announce_lineage_changed, announce_partners_changed) in its own transaction, after the write, and
diffusion/reactions.py calls `changed(ids)` or `registry_changed()` at once, in that transaction.

`changed` bumps the registry's diffusion version (the registry-wide figures compare theirs to it) and marks stale
the figures of every published family in the lineage trees holding those innovations — whatever their status, since
publishing or unpublishing a record in the middle of a tree splits or joins families. A family that has no row yet
gets one, stale, so the page can say "being computed". The recomputation itself is scheduled for after the
response, once the transaction commits (`diffusion.services.recompute_stale`); `recompute_diffusion` does the same
from cron (and, later, the task queue of issue 17).
"""

from collections.abc import Iterable

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from diffusion import selectors
from diffusion.models import DiffusionState, FamilyFigures


def bump() -> None:
    """A new registry version: every registry-wide figure is out of date. Commits with the caller's transaction."""
    updated = DiffusionState.objects.filter(pk=1).update(version=F("version") + 1, changed_at=timezone.now())
    if not updated:
        DiffusionState.objects.get_or_create(pk=1, defaults={"version": 1, "changed_at": timezone.now()})


def mark_families(innovation_ids: Iterable[int]) -> list[int]:
    """Marks stale the families in the trees of these innovations (creating missing rows); returns their roots."""
    nodes = selectors.lineage_trees(innovation_ids)
    tree_ids = [node.id for node in nodes]
    roots = selectors.public_roots(nodes)
    if tree_ids:
        # Rows of records that stopped being roots go too: they are recomputed (and removed) like the others.
        FamilyFigures.objects.filter(root_id__in=tree_ids).update(stale=True, generation=F("generation") + 1)
    existing = set(FamilyFigures.objects.filter(root_id__in=roots).values_list("root_id", flat=True))
    FamilyFigures.objects.bulk_create(
        [FamilyFigures(root_id=pk) for pk in roots if pk not in existing], ignore_conflicts=True
    )
    return roots


def changed(innovation_ids: Iterable[int], *, schedule: bool = True) -> None:
    """Call in the writing transaction, after the write (before it, for a record about to be deleted)."""
    mark_families(innovation_ids)
    bump()
    if schedule:
        transaction.on_commit(_schedule)


def registry_changed() -> None:
    """A write that changes only registry-wide figures (e.g. a partnership: the network's second tie type)."""
    bump()
    transaction.on_commit(_schedule)


def _schedule() -> None:
    from core.after_response import run_after_response
    from diffusion import services  # services import the maths; kept out of every write's import chain

    run_after_response(services.recompute_soon)


def organisations_changed(*, kind_changed: bool = False, schedule: bool = True) -> None:
    """An organisation's region, size class, kind or network membership changed (call in the writing transaction):
    the registry-wide figures read them — region flows and travel, peers by size class and region, what to adopt
    next ("organisations like you") — so they are out of date. A kind also changes how many organisations could
    adopt each family of that kind (the Bass fit's population); which families those are is in their stored JSON,
    so on this rare write every family is marked. `schedule=False` (a bulk load of reference data): cron
    recomputes."""
    if kind_changed:
        FamilyFigures.objects.update(stale=True, generation=F("generation") + 1)
    bump()
    if schedule:
        transaction.on_commit(_schedule)
