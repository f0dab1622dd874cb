"""How the registry reacts to what lower apps announce, and what it adds to an organisation's page (core/events.py);
connected in InnovationsConfig.ready()."""

from types import SimpleNamespace
from typing import Any

from django.core.cache import caches
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import SafeString

from accounts.models import Actor
from innovations import catalogue, selectors
from innovations.models import Innovation
from innovations.services import innovation_search_document
from organisations.models import Organisation


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


PROFILE_ROWS = 50
PROFILE_LISTS_TIMEOUT_S = 60 * 60


def organisation_page(*, organisation: Organisation, user: Actor, everything: bool, **kwargs: Any) -> dict[str, Any]:
    """The organisation's lists (innovations, adopted from, adopted by, partners, partner in) as HTML. Each list
    shows its first rows unless everything is asked for: one organisation of the bench registry has thousands of
    adoptions, and rendering them all would be most of the page's time."""
    return {"profile_lists": _profile_lists(user, organisation, None if everything else PROFILE_ROWS)}


def _profile_lists(user: Actor, organisation: Organisation, limit: int | None) -> SafeString:
    """The lists' first rows are kept rendered in the catalogue cache until the catalogue changes
    (`selectors.profile_lists_key`): for an organisation with thousands of records, sorting its adoptions by date
    and counting its partners (hash joins over the adoption and partnership tables) and rendering 250 rows were
    most of the page's time. Everything (`?all=1`) is read and rendered afresh, not kept."""
    key = None
    if limit is not None:
        key = f"{selectors.profile_lists_key(user=user, organisation=organisation, limit=limit)}:"
        key += translation.get_language()
    cache = caches["catalogue"]
    html: SafeString | None = cache.get(key) if key else None
    if html is None:
        lists = selectors.profile_lists(user=user, organisation=organisation, limit=limit)
        html = render_to_string(
            "innovations/includes/organisation_lists.html",
            {
                "organisation": organisation,
                "profile": SimpleNamespace(**{name: rows for name, (rows, _more) in lists.items()}),
                "more": {name: more for name, (_rows, more) in lists.items()},
                "profile_rows": PROFILE_ROWS,
            },  # no request: the lists need no context processor (user, messages…), and must not vary by them
        )
        if key:
            cache.set(key, html, PROFILE_LISTS_TIMEOUT_S)
    return html
