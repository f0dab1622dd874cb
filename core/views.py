"""The front page, the open-data page and the legal pages (privacy notice, accessibility statement, terms of use)."""

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language

from innovations.selectors import CatalogueFilters, innovation_list, registry_figures
from innovations.vocabulary import Novelty, Status

LATEST_COUNT = 6


def home(request: HttpRequest) -> HttpResponse:
    latest = innovation_list(user=request.user, filters=CatalogueFilters(status=Status.PUBLISHED, sort="newest"))
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
        {"figures": figures, "novelty_shares": novelty_shares, "latest": list(latest[:LATEST_COUNT])},
    )


def open_data(request: HttpRequest) -> HttpResponse:
    return render(request, "core/open_data.html", {})


# The legal texts are whole documents written in each language (not sentence-by-sentence translations): one
# template per page and language. The operator's details come from settings.LEGAL.
LEGAL_PAGES = ("privacy", "accessibility", "terms")
LEGAL_LANGUAGES = ("fi", "sv", "en")


def legal_page(request: HttpRequest, page: str) -> HttpResponse:
    if page not in LEGAL_PAGES:
        raise Http404
    language = get_language() if get_language() in LEGAL_LANGUAGES else "fi"
    return render(request, f"core/legal/{page}_{language}.html", {"legal": settings.LEGAL, "page": page})
