"""The front page (the registry's newest innovations and figures): it shows the registry, so it lives with it; its URL
name stays in the site-wide `core:` namespace (config/urls.py)."""

from collections.abc import Iterable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path

from innovations.models import Innovation
from innovations.selectors import CatalogueFilters, innovation_list, registry_figures
from innovations.vocabulary import Novelty, Status

LATEST_COUNT = 6


def _distinct_latest(innovations: Iterable[Innovation], count: int) -> list[Innovation]:
    """The newest innovations, one per lineage family: copies of one innovation taken into use by several
    organisations share its title and summary, and would fill the front page with identical cards."""
    chosen: list[Innovation] = []
    families: set[int] = set()
    titles: set[str] = set()
    for innovation in innovations:
        adoption = getattr(innovation, "adopted_from", None)
        family = adoption.source_id if adoption is not None else innovation.pk
        title = (innovation.title or "").strip().casefold()
        if family in families or title in titles:
            continue
        families.update({family, innovation.pk})
        titles.add(title)
        chosen.append(innovation)
        if len(chosen) == count:
            break
    return chosen


def home(request: HttpRequest) -> HttpResponse:
    latest = innovation_list(
        user=request.user, filters=CatalogueFilters(status=Status.PUBLISHED, sort="newest")
    ).select_related("adopted_from")
    figures = registry_figures()
    # (label, share, the bar's width (an SVG length: no style attribute, which the CSP refuses) with a decimal
    # point whatever the language)
    novelty_shares = [
        (label, share, f"{share * 100:.1f}%")
        for label, share in (
            (Novelty.NEW.label, figures["share_new"]),
            (Novelty.ADAPTED.label, figures["share_adapted"]),
            (Novelty.COPIED.label, figures["share_copied"]),
        )
    ]
    return render(
        request,
        "core/home.html",
        {
            "figures": figures,
            "novelty_shares": novelty_shares,
            "latest": _distinct_latest(latest[: LATEST_COUNT * 10], LATEST_COUNT),
        },
    )


# Joined with core/urls.py under the `core:` namespace by config/urls.py.
urls = [
    path("", home, name="home"),
]
