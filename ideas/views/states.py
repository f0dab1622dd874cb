"""The page where an organisation's editors define its own idea states: add, rename, reorder, mark public or not,
remove (the ideas in a removed state move to its kind's default)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from core.forms import attach_errors
from core.translated import LANGUAGES
from ideas.forms.ideas import IdeaStateOptionForm
from ideas.models import IdeaStateOption
from ideas.selectors import ideas as selectors
from ideas.services import states as services
from organisations.models import Organisation


def _organisation(request: HttpRequest, slug: str) -> Organisation:
    organisation = get_object_or_404(Organisation, slug=slug)
    if not request.user.has_perm("ideas.manage_idea_states", organisation):
        raise PermissionDenied(_("Only the organisation's editors can change its idea states."))
    return organisation


def _option(organisation: Organisation, pk: int) -> IdeaStateOption:
    return get_object_or_404(IdeaStateOption, pk=pk, organisation=organisation)


@login_required
def states_view(request: HttpRequest, slug: str) -> HttpResponse:
    """The list of the organisation's states with the form that adds one."""
    organisation = _organisation(request, slug)
    form = IdeaStateOptionForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.idea_state_create(
                    actor=request.user,
                    organisation=organisation,
                    kind=form.cleaned_data["kind"],
                    names=form.names(),
                    public=form.cleaned_data["public"],
                )
            except ValidationError as error:
                attach_errors(form, error)
            else:
                messages.success(request, _("The state was added."))
                return redirect("ideas:states", slug=organisation.slug)
        status = 400
    return render(
        request,
        "ideas/states.html",
        {
            "organisation": organisation,
            "options": selectors.state_options_in_use(organisation_id=organisation.pk),
            "form": form,
            "error_forms": [form],
            "section": "ideas",
        },
        status=status,
    )


@login_required
def state_edit_view(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    organisation = _organisation(request, slug)
    option = _option(organisation, pk)
    initial = {f"name_{lang}": getattr(option, f"name_{lang}") for lang in LANGUAGES} | {"public": option.public}
    form = IdeaStateOptionForm(request.POST or None, initial=initial, with_kind=False)
    if request.method == "POST" and form.is_valid():
        try:
            services.idea_state_update(
                actor=request.user, option=option, names=form.names(), public=form.cleaned_data["public"]
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("Your changes were saved."))
            return redirect("ideas:states", slug=organisation.slug)
    return render(
        request,
        "ideas/state_form.html",
        {"organisation": organisation, "option": option, "form": form, "error_forms": [form], "section": "ideas"},
        status=400 if form.errors else 200,
    )


@require_POST
@login_required
def state_move_view(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    organisation = _organisation(request, slug)
    option = _option(organisation, pk)
    offset = -1 if request.POST.get("direction") == "up" else 1
    services.idea_state_move(actor=request.user, option=option, offset=offset)
    messages.success(request, _("The order was changed."))
    return redirect("ideas:states", slug=organisation.slug)


@login_required
def state_delete_view(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """GET asks to confirm (saying how many ideas move), POST removes."""
    organisation = _organisation(request, slug)
    option = _option(organisation, pk)
    if request.method == "POST":
        moved = services.idea_state_delete(actor=request.user, option=option)
        messages.success(
            request,
            ngettext(
                "The state was removed; %(count)d idea moved to its kind's default state.",
                "The state was removed; %(count)d ideas moved to its kind's default state.",
                moved,
            )
            % {"count": moved},
        )
        return redirect("ideas:states", slug=organisation.slug)
    count = next(
        o.idea_count  # type: ignore[attr-defined]
        for o in selectors.state_options_in_use(organisation_id=organisation.pk)
        if o.pk == option.pk
    )
    return render(
        request,
        "ideas/state_delete.html",
        {"organisation": organisation, "option": option, "idea_count": count, "section": "ideas"},
    )


urls = [
    path("states/<slug:slug>/", states_view, name="states"),
    path("states/<slug:slug>/<int:pk>/edit/", state_edit_view, name="state_edit"),
    path("states/<slug:slug>/<int:pk>/move/", state_move_view, name="state_move"),
    path("states/<slug:slug>/<int:pk>/delete/", state_delete_view, name="state_delete"),
]
