"""The handlers' actions on an idea's page besides its state: correct its source, link partner organisations, and
turn it into an experiment or an innovation record. Each is a POST from a form on the idea page."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ideas.forms.ideas import PartnersForm, SourceForm
from ideas.models import Idea
from ideas.services import linking
from ideas.views.ideas import _idea_or_404, _idea_page


def _handled_idea(request: HttpRequest, pk: int) -> Idea:
    idea = _idea_or_404(request, pk)
    if not request.user.has_perm("ideas.handle_idea", idea):
        raise PermissionDenied(_("Only the idea's handlers can do this."))
    return idea


@require_POST
def idea_source_view(request: HttpRequest, pk: int) -> HttpResponse:
    idea = _handled_idea(request, pk)
    form = SourceForm(request.POST)
    if form.is_valid():
        linking.idea_set_source(actor=request.user, idea=idea, source=form.cleaned_data["source"])
        messages.success(request, _("The source of the idea was saved."))
        return redirect("ideas:idea", pk=idea.pk)
    return _idea_page(request, idea, extra_forms={"source_form": form}, status=400)


@require_POST
def idea_partners_view(request: HttpRequest, pk: int) -> HttpResponse:
    idea = _handled_idea(request, pk)
    form = PartnersForm(request.POST)
    if form.is_valid():
        try:
            linking.idea_set_partners(actor=request.user, idea=idea, partners=form.cleaned_data["partners"])
        except ValidationError as error:
            form.add_error("partners", error.messages)
        else:
            messages.success(request, _("The partners of the idea were saved."))
            return redirect("ideas:idea", pk=idea.pk)
    return _idea_page(request, idea, extra_forms={"partners_form": form}, status=400)


@require_POST
def idea_to_experiment_view(request: HttpRequest, pk: int) -> HttpResponse:
    idea = _handled_idea(request, pk)
    try:
        experiment = linking.idea_to_experiment(actor=request.user, idea=idea)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
        return redirect("ideas:idea", pk=idea.pk)
    messages.success(request, _("An experiment was made from the idea. Complete it here."))
    return redirect(experiment)


@require_POST
def idea_to_innovation_view(request: HttpRequest, pk: int) -> HttpResponse:
    idea = _handled_idea(request, pk)
    try:
        innovation = linking.idea_to_innovation(actor=request.user, idea=idea)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
        return redirect("ideas:idea", pk=idea.pk)
    messages.success(request, _("An innovation record was made from the idea. Complete it here."))
    return redirect(innovation)


urls = [
    path("ideas/<int:pk>/source/", idea_source_view, name="source"),
    path("ideas/<int:pk>/partners/", idea_partners_view, name="partners"),
    path("ideas/<int:pk>/to-experiment/", idea_to_experiment_view, name="to_experiment"),
    path("ideas/<int:pk>/to-innovation/", idea_to_innovation_view, name="to_innovation"),
]
