"""Moderation pages: reporting an idea or a comment, the handlers' queue, hiding with a reason, showing again and
dismissing reports, and an organisation's banned words. An idea a person may not see is a 404, as elsewhere."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import roles
from core.forms import attach_errors
from ideas.forms.moderation import BannedWordForm, HideForm, ReportForm
from ideas.models import BannedWord, Challenge, Comment, Idea
from ideas.rules import challenge_handler_q
from ideas.selectors import moderation as selectors
from ideas.services import moderation
from ideas.views.limits import REPORT_RATE, over_limit, too_many
from organisations.models import Organisation

# The session remembers what a person without an account reported, so that they report each thing once.
SESSION_REPORTED = "ideas_reported"


def _idea_or_404(request: HttpRequest, pk: int) -> Idea:
    idea = Idea.objects.select_related("challenge__owner", "organisation").filter(pk=pk).first()
    if idea is None or not request.user.has_perm("ideas.view_idea", idea):
        raise Http404(_("No such idea."))
    return idea


def _target(request: HttpRequest, pk: int, comment_pk: int | None) -> tuple[Idea, Comment | None]:
    idea = _idea_or_404(request, pk)
    comment = get_object_or_404(Comment, pk=comment_pk, idea=idea) if comment_pk is not None else None
    return idea, comment


def _require_handler(request: HttpRequest, idea: Idea) -> None:
    if not request.user.has_perm("ideas.handle_idea", idea):
        raise PermissionDenied(_("Only the idea's handlers can moderate it."))


def _next(request: HttpRequest, idea: Idea) -> str:
    """Back to where the action was started (the queue or the idea's page), never to another site."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse("ideas:idea", args=[idea.pk])


# --- reporting -------------------------------------------------------------------------------------------------------


def _report(request: HttpRequest, pk: int, comment_pk: int | None = None) -> HttpResponse:
    idea, comment = _target(request, pk, comment_pk)
    back = reverse("ideas:idea", args=[idea.pk])
    if (comment or idea).hidden:
        # Nothing left to report, and the page would show a hidden comment's text to anyone with the link.
        messages.info(request, _("This has already been hidden by the moderators."))
        return redirect(back)
    form = ReportForm(request.POST or None)
    key = f"{idea.pk}:{comment.pk if comment else ''}"
    context = {"form": form, "error_forms": [form], "idea": idea, "comment": comment, "back": back, "section": "ideas"}
    # Every report sent counts, also one the form refuses: checking costs the server as much.
    if request.method == "POST" and over_limit(request, group="ideas.report", rate=REPORT_RATE):
        return too_many(request, back)
    if request.method == "POST" and form.is_valid():
        thanks = _("Thank you. The handlers will look at your report.")
        if form.cleaned_data["website"]:
            messages.success(request, thanks)  # a bot filled in the honeypot: all seems well, nothing is stored
            return redirect(back)
        if not request.user.is_authenticated and key in request.session.get(SESSION_REPORTED, []):
            messages.info(request, _("You have already reported this."))
            return redirect(back)
        try:
            created = moderation.report_add(
                actor=request.user, idea=idea, comment=comment, reason=form.cleaned_data["reason"]
            )[1]
        except ValidationError as error:
            attach_errors(form, error)
        else:
            if not request.user.is_authenticated:
                request.session[SESSION_REPORTED] = [*request.session.get(SESSION_REPORTED, []), key][-200:]
            if created:
                messages.success(request, thanks)
            else:
                messages.info(request, _("You have already reported this."))
            return redirect(back)
    status = 400 if request.method == "POST" else 200
    return render(request, "ideas/moderation/report.html", context, status=status)


def report_idea_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _report(request, pk)


def report_comment_view(request: HttpRequest, pk: int, comment_pk: int) -> HttpResponse:
    return _report(request, pk, comment_pk)


# --- the queue and its actions ---------------------------------------------------------------------------------------


def _handles_anything(user: Any) -> bool:
    return bool(
        user.is_superuser
        or roles.editable_organisation_ids(user)
        or Challenge.objects.filter(challenge_handler_q(user)).exists()
    )


@login_required
def queue_view(request: HttpRequest) -> HttpResponse:
    """The open reports of the ideas the person handles, oldest first, and what they have hidden."""
    if not _handles_anything(request.user):
        raise PermissionDenied(_("Only the handlers of ideas have a moderation queue."))
    items = selectors.moderation_queue(user=request.user)
    return render(
        request,
        "ideas/moderation/queue.html",
        {
            "items": items,
            "count": sum(len(item.reports) for item in items),
            "hidden_ideas": selectors.hidden_ideas(user=request.user),
            "hidden_comments": selectors.hidden_comments(user=request.user),
            "organisations": selectors.banned_word_organisations(user=request.user),
            "here": reverse("ideas:moderation"),
            "section": "ideas",
        },
    )


def _hide(request: HttpRequest, pk: int, comment_pk: int | None = None) -> HttpResponse:
    """GET: a page with the reason to give; POST: hide (from the page, the queue or the idea's page)."""
    idea, comment = _target(request, pk, comment_pk)
    _require_handler(request, idea)
    form = HideForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            if comment is None:
                moderation.idea_set_hidden(
                    actor=request.user, idea=idea, hidden=True, reason=form.cleaned_data["reason"]
                )
            else:
                moderation.comment_set_hidden(
                    actor=request.user, comment=comment, hidden=True, reason=form.cleaned_data["reason"]
                )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("The idea is hidden.") if comment is None else _("The comment is hidden."))
            return redirect(_next(request, idea))
    return render(
        request,
        "ideas/moderation/hide.html",
        {
            "form": form,
            "error_forms": [form],
            "idea": idea,
            "comment": comment,
            "next": _next(request, idea),
            "section": "ideas",
        },
        status=400 if request.method == "POST" else 200,
    )


def idea_hide_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _hide(request, pk)


def comment_hide_view(request: HttpRequest, pk: int, comment_pk: int) -> HttpResponse:
    return _hide(request, pk, comment_pk)


@require_POST
def show_view(request: HttpRequest, pk: int, comment_pk: int | None = None) -> HttpResponse:
    idea, comment = _target(request, pk, comment_pk)
    _require_handler(request, idea)
    if comment is None:
        moderation.idea_set_hidden(actor=request.user, idea=idea, hidden=False)
        messages.success(request, _("The idea is shown again."))
    else:
        moderation.comment_set_hidden(actor=request.user, comment=comment, hidden=False)
        messages.success(request, _("The comment is shown again."))
    return redirect(_next(request, idea))


@require_POST
def dismiss_view(request: HttpRequest, pk: int, comment_pk: int | None = None) -> HttpResponse:
    idea, comment = _target(request, pk, comment_pk)
    _require_handler(request, idea)
    moderation.report_dismiss(actor=request.user, idea=idea, comment=comment)
    messages.success(request, _("The reports were dismissed; the content stays visible."))
    return redirect(_next(request, idea))


# --- banned words ----------------------------------------------------------------------------------------------------


def _organisation_for_words(request: HttpRequest, organisation_pk: int) -> Organisation:
    organisation = get_object_or_404(Organisation, pk=organisation_pk)
    if not request.user.has_perm("ideas.manage_banned_words", organisation):
        raise PermissionDenied(_("Only the organisation's editors can change its banned words."))
    return organisation


@login_required
def banned_words_view(request: HttpRequest, organisation_pk: int) -> HttpResponse:
    """The list of an organisation's banned words, with a form to add one."""
    organisation = _organisation_for_words(request, organisation_pk)
    form = BannedWordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            banned = moderation.banned_word_add(
                actor=request.user, organisation=organisation, word=form.cleaned_data["word"]
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("“%(word)s” was added to the banned words.") % {"word": banned.word})
            return redirect("ideas:banned_words", organisation_pk=organisation.pk)
    return render(
        request,
        "ideas/moderation/banned_words.html",
        {
            "organisation": organisation,
            "words": selectors.banned_words(organisation=organisation),
            "form": form,
            "error_forms": [form],
            "section": "ideas",
        },
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@login_required
def banned_word_remove_view(request: HttpRequest, organisation_pk: int, word_pk: int) -> HttpResponse:
    organisation = _organisation_for_words(request, organisation_pk)
    banned = get_object_or_404(BannedWord, pk=word_pk, organisation=organisation)
    moderation.banned_word_remove(actor=request.user, banned=banned)
    messages.success(request, _("“%(word)s” was removed from the banned words.") % {"word": banned.word})
    return redirect("ideas:banned_words", organisation_pk=organisation.pk)


urls = [
    path("moderation/", queue_view, name="moderation"),
    path("ideas/<int:pk>/report/", report_idea_view, name="report"),
    path("ideas/<int:pk>/comments/<int:comment_pk>/report/", report_comment_view, name="comment_report"),
    path("ideas/<int:pk>/hide/", idea_hide_view, name="idea_hide"),
    path("ideas/<int:pk>/show/", show_view, name="idea_show"),
    path("ideas/<int:pk>/dismiss/", dismiss_view, name="idea_dismiss"),
    path("ideas/<int:pk>/comments/<int:comment_pk>/hide/", comment_hide_view, name="comment_hide"),
    path("ideas/<int:pk>/comments/<int:comment_pk>/show/", show_view, name="comment_show"),
    path("ideas/<int:pk>/comments/<int:comment_pk>/dismiss/", dismiss_view, name="comment_dismiss"),
    path("organisations/<int:organisation_pk>/banned-words/", banned_words_view, name="banned_words"),
    path(
        "organisations/<int:organisation_pk>/banned-words/<int:word_pk>/remove/",
        banned_word_remove_view,
        name="banned_word_remove",
    ),
]
