"""Pages of the requests to join: the request form with one's own requests, and the platform administrators'
queue with approve and decline. Thin: parse, call organisations.join_requests, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.forms import attach_errors
from organisations import join_requests
from organisations.forms import JoinDeclineForm, JoinRequestForm
from organisations.models import JoinRequest


@login_required
@require_http_methods(["GET", "POST"])
def join_request_view(request: HttpRequest) -> HttpResponse:
    form = JoinRequestForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                join_requests.join_request_create(
                    actor=request.user, data=form.cleaned_data, language=translation.get_language() or "fi"
                )
            except ValidationError as error:
                attach_errors(form, error)
            else:
                messages.success(
                    request,
                    _("Thank you. The platform's administrators handle your request and tell you by e-mail."),
                )
                return redirect("organisations:join")
        status = 400
    return render(
        request,
        "organisations/join_request.html",
        {"form": form, "own": join_requests.requests_of(actor=request.user)},
        status=status,
    )


@login_required
def join_queue_view(request: HttpRequest) -> HttpResponse:
    pending = join_requests.pending_requests(actor=request.user)  # 403 unless a platform administrator
    return render(request, "organisations/join_queue.html", {"pending": pending, "decline_form": JoinDeclineForm()})


@login_required
@require_POST
def join_decide_view(request: HttpRequest, pk: int) -> HttpResponse:
    if not request.user.is_superuser:
        raise PermissionDenied
    join_request = get_object_or_404(JoinRequest, pk=pk)
    try:
        if request.POST.get("action") == "approve":
            organisation = join_requests.join_request_approve(actor=request.user, join_request=join_request)
            messages.success(
                request,
                _("%(organisation)s has joined; the requester is its administrator.") % {"organisation": organisation},
            )
        else:
            form = JoinDeclineForm(request.POST)
            if not form.is_valid():
                raise ValidationError(_("Say why the request is declined: the requester is told."))
            join_requests.join_request_decline(
                actor=request.user, join_request=join_request, reason=form.cleaned_data["reason"]
            )
            messages.success(request, _("The request was declined and the requester told."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("organisations:join_queue")


urls = [
    path("organisations/join/", join_request_view, name="join"),
    path("organisations/join-requests/", join_queue_view, name="join_queue"),
    path("organisations/join-requests/<int:pk>/", join_decide_view, name="join_decide"),
]
