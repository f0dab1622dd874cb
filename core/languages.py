"""The language switch: the same page in the chosen language, and the choice remembered in the language cookie."""

from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.i18n import set_language as django_set_language


def set_language(request: HttpRequest) -> HttpResponse:
    """Django's `set_language`, reading the page's address in the page's own language.

    Django finds the page to translate by resolving its path in the language active for this request, which the
    locale middleware takes from the cookie or the browser (this URL has no /fi/ prefix). When that language is not
    the page's (a Swedish browser on /fi/…), the path does not resolve and Django sends the person back to the page
    they came from, unchanged. So the path is resolved in the language of its own prefix; a path that resolves in no
    language (a page that no longer exists) gets its prefix swapped.
    """
    next_url = request.POST.get("next", "")
    chosen = request.POST.get("language", "")
    if request.method == "POST" and not _is_language(chosen):
        # Django accepts any language it has a catalogue for ("de"), whose pages do not exist here.
        return HttpResponseRedirect(
            next_url if url_has_allowed_host_and_scheme(next_url, {request.get_host()}) else "/"
        )
    page_language = translation.get_language_from_path(urlsplit(next_url).path)
    with translation.override(page_language or translation.get_language()):
        response = django_set_language(request)
    location = response.get("Location")
    if page_language and chosen != page_language and location == next_url:
        response["Location"] = _with_prefix(next_url, page_language, chosen)
    return response


def _is_language(code: str) -> bool:
    return code in {language for language, _name in settings.LANGUAGES}


def _with_prefix(url: str, old: str, new: str) -> str:
    parts = urlsplit(url)
    path = f"/{new}/" + parts.path.removeprefix(f"/{old}/") if parts.path != f"/{old}" else f"/{new}/"
    return urlunsplit(parts._replace(path=path))
