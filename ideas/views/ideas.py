"""The idea pages: sending an idea (with or without an account), confirming it by e-mail, the ideas a person sent,
an idea's page with comments and support, editing and deleting one's own idea, and the handlers' state change.
An idea a person may not see is a 404, so that private ones do not reveal themselves.
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.forms import attach_errors
from ideas.forms.ideas import (
    CommentForm,
    IdeaEditForm,
    IdeaForm,
    OrganisationChoiceForm,
    PartnersForm,
    SourceForm,
    StateForm,
)
from ideas.models import Challenge, Idea
from ideas.rules import HIDDEN_NO_COMMENTS, participation_refusal
from ideas.selectors import ideas as selectors
from ideas.services import ideas as services
from ideas.views.challenges import PER_PAGE, _challenge_or_404
from ideas.views.limits import (
    ATTEMPT_RATE,
    COMMENT_RATE,
    CONFIRMATION_RATE_PER_ADDRESS,
    SEND_RATE,
    SUPPORT_RATE,
    limited,
    over_address_limit,
    over_limit,
)
from organisations.models import Organisation


def _idea_or_404(request: HttpRequest, pk: int) -> Idea:
    idea = (
        Idea.objects.select_related("challenge__owner", "organisation", "sender", "state_option").filter(pk=pk).first()
    )
    if idea is None or not request.user.has_perm("ideas.view_idea", idea):
        raise Http404(_("No such idea."))
    return idea


@login_required
def my_ideas_view(request: HttpRequest) -> HttpResponse:
    """The ideas the person sent and what became of them."""
    page = Paginator(selectors.ideas_sent_by(user=request.user), PER_PAGE).get_page(request.GET.get("page"))
    page.object_list = selectors.with_state_names(ideas=page.object_list, user=request.user)
    return render(request, "ideas/my_ideas.html", {"page": page, "section": "ideas"})


def _send(request: HttpRequest, challenge: Challenge | None, organisation: Organisation) -> HttpResponse:
    signed_in = request.user.is_authenticated
    form = IdeaForm(request.POST or None, request.FILES or None, signed_in=signed_in)
    back = reverse("ideas:detail", args=[challenge.pk]) if challenge else reverse("ideas:list")
    context = {
        "form": form,
        "error_forms": [form],
        "challenge": challenge,
        "organisation": organisation,
        "back": back,
        # A browser does not keep chosen files when the form comes back with errors: the person is told.
        "files_chosen": bool(request.FILES),
        "section": "ideas",
    }
    too_many_sent = _("Too many ideas were sent from your account or address. Wait a moment and try again.")
    # Every attempt counts before the form (and its files) is checked; completed sendings count again below.
    if request.method == "POST" and over_limit(request, group="ideas.send_attempt", rate=ATTEMPT_RATE):
        messages.error(request, too_many_sent)
        # The form comes back with what was typed, but its files are not checked again.
        unchecked = IdeaForm(request.POST, signed_in=signed_in)
        return render(request, "ideas/send.html", {**context, "form": unchecked, "error_forms": []}, status=429)
    if request.method == "POST" and form.is_valid():
        if over_limit(request, group="ideas.send", rate=SEND_RATE):
            messages.error(request, too_many_sent)
            return render(request, "ideas/send.html", context, status=429)
        if form.cleaned_data["website"]:
            # A bot filled in the honeypot: answer as if all went well, store nothing.
            messages.success(request, _("Thank you! Check your e-mail and confirm the idea."))
            return redirect(back)
        address = form.cleaned_data.get("sender_email", "")
        if address and over_address_limit(
            group="ideas.confirmation", rate=CONFIRMATION_RATE_PER_ADDRESS, address=address
        ):
            # Nobody gets to flood an address with our mails, from however many connections.
            messages.error(
                request, _("Too many confirmation links were sent to this address. Wait an hour and try again.")
            )
            return render(request, "ideas/send.html", context, status=429)
        try:
            idea = services.idea_send(
                actor=request.user,
                challenge=challenge,
                organisation=organisation,
                title=form.cleaned_data["title"],
                text=form.cleaned_data["text"],
                latitude=form.cleaned_data["latitude"],
                longitude=form.cleaned_data["longitude"],
                image=form.cleaned_data["image"],
                attachment=form.cleaned_data["attachment"],
                sender_email=form.cleaned_data.get("sender_email", ""),
                confirm_url=lambda token: request.build_absolute_uri(reverse("ideas:confirm", args=[token])),
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            if signed_in:
                messages.success(request, _("Thank you! Your idea was sent."))
                return redirect("ideas:idea", pk=idea.pk)
            messages.success(request, _("Thank you! Check your e-mail and confirm the idea."))
            return redirect(back)
    return render(request, "ideas/send.html", context)


def idea_send_view(request: HttpRequest, pk: int) -> HttpResponse:
    challenge = _challenge_or_404(request, pk)
    if not request.user.has_perm("ideas.send_idea", challenge):
        if unverified := _unverified(request, challenge):
            return unverified
        raise PermissionDenied(_("This challenge does not take ideas from you now."))
    return _send(request, challenge, challenge.owner)


def _unverified(request: HttpRequest, challenge: Challenge | None) -> HttpResponse | None:
    """A signed-in person who has not verified their address is told how to, with the link to send again."""
    refusal = participation_refusal(request.user, challenge, "send")
    if refusal is not None and (refusal.verify or not getattr(request.user, "email", "")):
        return render(request, "accounts/refused.html", {"refusal": refusal}, status=403)
    return None


def organisation_choice_view(request: HttpRequest) -> HttpResponse:
    """Send an idea without a challenge: first choose the organisation that receives it."""
    form = OrganisationChoiceForm(request.GET or None)
    if request.GET and form.is_valid():
        return redirect("ideas:send_to_organisation", organisation_pk=form.cleaned_data["organisation"].pk)
    return render(request, "ideas/choose_organisation.html", {"form": form, "error_forms": [form], "section": "ideas"})


def idea_send_to_organisation_view(request: HttpRequest, organisation_pk: int) -> HttpResponse:
    organisation = get_object_or_404(Organisation, pk=organisation_pk)
    if unverified := _unverified(request, None):
        return unverified
    return _send(request, None, organisation)


def idea_confirm_view(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a button, POST confirms: link checkers that open every link in a mail do not confirm for you."""
    if request.method == "POST":
        idea = services.idea_confirm(token=token)
        if idea is None:
            return render(request, "ideas/confirm.html", {"invalid": True}, status=404)
        messages.success(request, _("Thank you! Your idea is confirmed."))
        return redirect("ideas:idea", pk=idea.pk)
    if not Idea.objects.filter(confirmation_token=token, confirmed=False).exists() or not token:
        return render(request, "ideas/confirm.html", {"invalid": True}, status=404)
    return render(request, "ideas/confirm.html", {"invalid": False})


def _idea_page(
    request: HttpRequest,
    idea: Idea,
    comment_form: CommentForm | None = None,
    state_form: StateForm | None = None,
    status: int = 200,
    extra_forms: dict[str, Any] | None = None,
) -> HttpResponse:
    user = request.user
    shown = selectors.idea_for_person(idea=idea, user=user)
    is_handler = shown.is_handler
    extra_forms = extra_forms or {}
    challenge = idea.challenge if idea.challenge_id else None
    context: dict[str, Any] = {
        "idea": idea,
        "state_name": shown.state_name,
        "comments": shown.comments,
        "supports": shown.support_count,
        "has_supported": shown.supported,
        "can_take_part": shown.may_take_part,
        # Comments and supports may have different rules; a refusal says why in words (ideas.rules).
        "can_comment": shown.may_comment,
        "can_support": shown.may_support,
        "comment_refusal": participation_refusal(user, challenge, "comment"),
        "support_refusal": participation_refusal(user, challenge, "support"),
        "show_sender": shown.shows_sender,
        "is_handler": is_handler,
        "can_edit": shown.may_edit,
        "can_delete": shown.may_delete,
        "comment_form": comment_form or CommentForm(),
        "partners": list(idea.partners.order_by("name")),
        # Where the idea went, shown to those who may see the experiment or innovation record.
        "experiment": shown.experiment,
        "innovation": shown.innovation,
        "section": "ideas",
    }
    if is_handler:
        context["state_form"] = state_form or StateForm(
            initial=StateForm.initial_for(idea), organisation_id=idea.organisation_id
        )
        context["source_form"] = extra_forms.get("source_form") or SourceForm(initial={"source": idea.source})
        context["partners_form"] = extra_forms.get("partners_form") or PartnersForm(
            initial={"partners": context["partners"]}
        )
        # The records are the idea's organisation's own: only its editors may make them (experiments' and
        # innovations' rules); a co-organiser's handler sees why not instead of a button that fails.
        context["can_turn"] = idea.confirmed
        context["can_make_experiment"] = user.has_perm("experiments.add_experiment_for", idea.organisation)
        context["can_make_innovation"] = user.has_perm("innovations.add_innovation_for", idea.organisation)
        context["can_manage_states"] = user.has_perm("ideas.manage_idea_states", idea.organisation)
    context["error_forms"] = [form for form in (comment_form, state_form, *extra_forms.values()) if form is not None]
    return render(request, "ideas/idea.html", context, status=status)


def idea_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _idea_page(request, _idea_or_404(request, pk))


@require_POST
@limited("ideas.comment", COMMENT_RATE)
def comment_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    idea = _idea_or_404(request, pk)
    if idea.hidden:
        # The idea's page again, saying why (the plain 403 page would not).
        messages.error(request, str(HIDDEN_NO_COMMENTS))
        return _idea_page(request, idea, status=403)
    if not request.user.has_perm("ideas.comment_idea", idea):
        raise PermissionDenied(_("You cannot comment on this idea."))
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            services.comment_add(actor=request.user, idea=idea, text=form.cleaned_data["text"])
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("Your comment was added."))
            return redirect("ideas:idea", pk=idea.pk)
    return _idea_page(request, idea, comment_form=form, status=400)


def idea_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The sender edits the title and text of their idea until a handler has taken it up."""
    idea = _idea_or_404(request, pk)
    if not request.user.has_perm("ideas.change_idea", idea):
        raise PermissionDenied(_("You can edit only your own idea, and only until it is handled."))
    form = IdeaEditForm(request.POST or None, initial={"title": idea.title, "text": idea.text})
    if request.method == "POST" and form.is_valid():
        try:
            services.idea_edit(
                actor=request.user, idea=idea, title=form.cleaned_data["title"], text=form.cleaned_data["text"]
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("Your changes were saved."))
            return redirect("ideas:idea", pk=idea.pk)
    return render(request, "ideas/edit.html", {"form": form, "error_forms": [form], "idea": idea, "section": "ideas"})


def idea_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    """GET asks to confirm, POST deletes the sender's own idea."""
    idea = _idea_or_404(request, pk)
    if not request.user.has_perm("ideas.delete_idea", idea):
        raise PermissionDenied(_("You can delete only an idea you sent."))
    if request.method == "POST":
        services.idea_delete(actor=request.user, idea=idea)
        messages.success(request, _("Your idea was deleted."))
        return redirect("ideas:my_ideas")
    return render(request, "ideas/confirm_delete.html", {"idea": idea, "section": "ideas"})


@require_POST
@limited("ideas.support", SUPPORT_RATE)
def support_view(request: HttpRequest, pk: int) -> HttpResponse:
    idea = _idea_or_404(request, pk)
    if not request.user.has_perm("ideas.support_idea", idea):
        raise PermissionDenied(_("You cannot support this idea."))
    if services.support_add(actor=request.user, idea=idea):
        messages.success(request, _("You support this idea."))
    else:
        messages.info(request, _("You already support this idea."))
    return redirect("ideas:idea", pk=idea.pk)


@require_POST
def idea_state_view(request: HttpRequest, pk: int) -> HttpResponse:
    idea = _idea_or_404(request, pk)
    if not request.user.has_perm("ideas.handle_idea", idea):
        raise PermissionDenied(_("Only the idea's handlers can change its state."))
    form = StateForm(request.POST, organisation_id=idea.organisation_id)
    if form.is_valid():
        try:
            services.idea_set_state(
                actor=request.user, idea=idea, state=form.chosen_state(), reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("The state of the idea was changed."))
            return redirect("ideas:idea", pk=idea.pk)
    return _idea_page(request, idea, state_form=form, status=400)


urls = [
    path("my-ideas/", my_ideas_view, name="my_ideas"),
    path("<int:pk>/send/", idea_send_view, name="send"),
    path("to/", organisation_choice_view, name="choose_organisation"),
    path("to/<int:organisation_pk>/send/", idea_send_to_organisation_view, name="send_to_organisation"),
    path("confirm/<str:token>/", idea_confirm_view, name="confirm"),
    path("ideas/<int:pk>/", idea_detail_view, name="idea"),
    path("ideas/<int:pk>/edit/", idea_edit_view, name="edit"),
    path("ideas/<int:pk>/delete/", idea_delete_view, name="delete"),
    path("ideas/<int:pk>/comment/", comment_add_view, name="comment"),
    path("ideas/<int:pk>/support/", support_view, name="support"),
    path("ideas/<int:pk>/state/", idea_state_view, name="state"),
]
