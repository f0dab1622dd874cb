"""How the diffusion figures react to what lower apps announce (core/events.py); connected in DiffusionConfig.ready()."""

from typing import Any

from diffusion import staleness


def organisations_changed(*, fields: frozenset[str], schedule: bool, **kwargs: Any) -> None:
    """The registry-wide figures group organisations by region, size class and kind, and what to adopt next compares
    them by their networks: those figures are now out of date (a name is in none of them)."""
    if fields & {"region", "size_class", "kind", "networks"}:
        staleness.organisations_changed(kind_changed="kind" in fields, schedule=schedule)


def lineage_changed(*, innovation_ids: list[int], **kwargs: Any) -> None:
    """The families in these innovations' lineage trees are out of date, and with them the registry-wide figures;
    marked in the writing transaction, recomputed after the response."""
    staleness.changed(innovation_ids)


def partners_changed(**kwargs: Any) -> None:
    """A partnership is the network's second kind of tie: the registry-wide figures are out of date."""
    staleness.registry_changed()
