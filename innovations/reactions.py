"""How the registry reacts to what lower apps announce (core/events.py); connected in InnovationsConfig.ready()."""

from typing import Any

from innovations import catalogue
from innovations.models import Innovation
from innovations.services import innovation_search_document


def organisations_changed(*, organisation_ids: list[int], fields: frozenset[str], **kwargs: Any) -> None:
    """An owner's name is part of each of its innovations' search documents (a renamed owner must be found by its
    new name, and no longer by its old one); kind and region are catalogue facets of the innovations it owns or is
    a partner of, and the name is in their search documents: either way the catalogue's counts change."""
    if "name" in fields:
        for innovation in (
            Innovation.objects.filter(owner_id__in=organisation_ids).select_related("owner").prefetch_related("themes")
        ):
            document = innovation_search_document(innovation, innovation.themes.all())
            Innovation.objects.filter(pk=innovation.pk).update(search_document=document)
    if fields & {"name", "kind", "region"}:
        catalogue.refresh_organisations(organisation_ids)
