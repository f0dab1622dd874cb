"""The organisation pickers' search: a small public JSON endpoint (organisation pages are public too), limited per
address through the shared counters so that it cannot be used to hammer the database."""

from django.http import HttpRequest, JsonResponse
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from core import limits
from organisations.models import OrganisationKind
from organisations.pickers import SEARCH_LIMIT, organisation_search

SEARCH_RATE = "120/m"  # a person typing makes a request every few letters; a script makes thousands
MAX_QUERY = 100


@require_GET
def organisation_search_view(request: HttpRequest) -> JsonResponse:
    if limits.over_limit(request, group="organisations.search", rate=SEARCH_RATE, by=limits.by_address):
        return JsonResponse({"error": _("Too many searches. Wait a minute and try again.")}, status=429)
    q = request.GET.get("q", "")[:MAX_QUERY]
    kind = request.GET.get("kind", "")
    if kind and kind not in OrganisationKind.values:
        return JsonResponse({"error": _("Unknown kind of organisation.")}, status=400)
    found = list(organisation_search(q, kind=kind)[: SEARCH_LIMIT + 1])
    return JsonResponse(
        {
            "results": [
                {
                    "id": o.pk,
                    "name": o.name,
                    "kind": o.kind,
                    "kind_label": str(o.get_kind_display()),
                    "business_id": o.business_id,
                }
                for o in found[:SEARCH_LIMIT]
            ],
            "more": len(found) > SEARCH_LIMIT,
        }
    )


urls = [path("organisations/search.json", organisation_search_view, name="search")]
