"""The workspace pages: one page with an organisation's blocks, and each block's full list. Thin: the selectors
decide what the person sees; anonymous visitors are sent to log in, non-members get 403."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET

from organisations.models import Organisation
from workspace import selectors

PAGE_SIZE = 25


@require_GET
def after_login_view(request: HttpRequest) -> HttpResponse:
    """Where signing in leads (LOGIN_REDIRECT_URL): the workspace for an organisation's people, else the front page."""
    if request.user.is_authenticated and selectors.has_workspace(request.user):
        return redirect("workspace:home")
    return redirect("core:home")


@require_GET
@login_required
def home_view(request: HttpRequest, slug: str = "") -> HttpResponse:
    organisations = selectors.workspace_organisations(user=request.user)
    if slug:
        organisation = get_object_or_404(Organisation, slug=slug)
    elif organisations:
        organisation = organisations[0]
    else:
        return render(request, "workspace/no_organisation.html")
    # PermissionDenied (403) for an organisation the person is not a member of.
    result = selectors.workspace(user=request.user, organisation=organisation)
    return render(
        request,
        "workspace/home.html",
        {"workspace": result, "organisation": organisation, "organisations": organisations},
    )


@require_GET
@login_required
def block_view(request: HttpRequest, slug: str, block: str) -> HttpResponse:
    organisation = get_object_or_404(Organisation, slug=slug)
    if block not in selectors.BLOCKS:
        raise Http404
    items = selectors.block_items(user=request.user, organisation=organisation, block=block)
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    title, empty = selectors.BLOCKS[block]
    return render(
        request,
        "workspace/block.html",
        {"organisation": organisation, "key": block, "title": title, "empty": empty, "page": page},
    )
