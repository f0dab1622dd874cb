"""The site-wide pages that show no domain data: the favicon and the legal pages (privacy notice, accessibility
statement, terms of use). The front page shows the registry (innovations/views/front_page.py), the open-data page the
files' fields (open_data/views.py)."""

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils.translation import get_language


def favicon(request: HttpRequest) -> HttpResponse:
    """/favicon.ico, which browsers, feed readers and bookmarks ask for whatever the page links: the static icon
    (served by whitenoise with its long cache headers)."""
    return redirect(static("favicon.ico"), permanent=True)


# The legal texts are whole documents written in each language (not sentence-by-sentence translations): one
# template per page and language. The operator's details come from settings.LEGAL.
LEGAL_PAGES = ("privacy", "accessibility", "terms")
LEGAL_LANGUAGES = ("fi", "sv", "en")


def legal_page(request: HttpRequest, page: str) -> HttpResponse:
    if page not in LEGAL_PAGES:
        raise Http404
    language = get_language() if get_language() in LEGAL_LANGUAGES else "fi"
    return render(request, f"core/legal/{page}_{language}.html", {"legal": settings.LEGAL, "page": page})
