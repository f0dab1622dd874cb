"""How the diffusion figures react to what lower apps announce, and what they add to an innovation's and an
organisation's page (core/events.py); connected in DiffusionConfig.ready()."""

from typing import Any

from accounts.models import Actor
from diffusion import staleness
from diffusion.pages import organisations as organisation_pages
from diffusion.pages import suggestions as suggestion_pages
from diffusion.selectors import (
    family_summary,
    network_names,
    organisation_diffusion,
    organisation_recommendations,
    source_suggestions_for,
)
from innovations.vocabulary import Status
from organisations.models import Organisation


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


def innovation_page(*, record: Any, user: Actor, **kwargs: Any) -> dict[str, Any]:
    """The stored figures of its family's spread (never computed here; None for a draft), and for its editors the
    sources it may have been learned from ("You may have learned this from …": inferred, stored in the background),
    while it has no recorded source."""
    suggestions: list[suggestion_pages.SourceSuggestionLine] = []
    if user.has_perm("innovations.change_innovation", record) and not hasattr(record, "adopted_from"):
        suggested = source_suggestions_for(user=user, innovation=record)
        suggestions = suggestion_pages.source_suggestion_lines(suggested, network_names(suggested))
    return {
        "diffusion": family_summary(record.pk) if record.status == Status.PUBLISHED else None,
        "source_suggestions": suggestions,
    }


def organisation_page(*, organisation: Organisation, **kwargs: Any) -> dict[str, Any]:
    """Its place in the network of who learns from whom and what to adopt next: both stored, never computed here."""
    diffusion = organisation_diffusion(organisation.pk)
    recommendations = organisation_recommendations(organisation.pk)
    return {
        "diffusion": diffusion,
        "diffusion_text": organisation_pages.organisation_section(diffusion.figures.data, organisation)
        if diffusion
        else None,
        "recommendations": suggestion_pages.suggestion_lines(recommendations) if recommendations else None,
    }
