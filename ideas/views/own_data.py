"""The sender's own data: a signed-in person's page of everything they sent, with JSON and CSV exports and
deleting all of it; and for senders without an account, asking for a signed link by e-mail that opens the same
for the ideas sent from that address."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import limits
from core.forms import attach_errors
from ideas.services import own_data

# Asking for a link mails an address: limited per asker and per address, so that nobody can flood a mailbox.
LINK_RATE_PER_IP = "10/h"
LINK_RATE_PER_ADDRESS = "3/h"


class AddressForm(forms.Form):
    email = forms.EmailField(
        label=gettext_lazy("E-mail address"),
        help_text=gettext_lazy("The address you gave when you sent your ideas."),
        max_length=254,
    )


def _export(data: own_data.OwnData, kind: str, email: str) -> HttpResponse:
    if kind == "json":
        content = own_data.own_data_json(data, email=email)
        return _attachment(content, "application/json; charset=utf-8", "my-ideas.json")
    if kind == "csv":
        return _attachment(own_data.own_data_csv(data), "text/csv; charset=utf-8", "my-ideas.csv")
    raise Http404(_("No such file format."))


def _attachment(content: str, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def my_data_view(request: HttpRequest) -> HttpResponse:
    data = own_data.own_data_of_user(user=request.user)
    return render(request, "ideas/own_data/data.html", {"data": data, "token": None, "section": "ideas"})


@login_required
def my_data_export_view(request: HttpRequest, kind: str) -> HttpResponse:
    return _export(own_data.own_data_of_user(user=request.user), kind, getattr(request.user, "email", ""))


@login_required
def my_data_delete_view(request: HttpRequest) -> HttpResponse:
    """GET asks to confirm, POST deletes everything the person sent."""
    if request.method == "POST":
        counts = own_data.own_data_delete(actor=request.user)
        messages.success(
            request,
            _("Deleted: %(ideas)s ideas, %(comments)s comments and %(supports)s supports.") % counts,
        )
        return redirect("ideas:my_data")
    data = own_data.own_data_of_user(user=request.user)
    return render(request, "ideas/own_data/delete.html", {"data": data, "token": None, "section": "ideas"})


def manage_request_view(request: HttpRequest) -> HttpResponse:
    """A sender without an account asks for a link to their ideas; the answer never tells whether there are any."""
    form = AddressForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"].lower()
        # Both are counted, so that one asker cannot spread their tries over many mailboxes unseen, or the reverse.
        per_asker = limits.count("ideas.own_data", limits.by_address(request), LINK_RATE_PER_IP)
        per_mailbox = limits.count("ideas.own_data.address", f"email:{email}", LINK_RATE_PER_ADDRESS)
        if per_asker.over or per_mailbox.over:
            form.add_error(None, _("Too many links were asked for. Wait an hour and try again."))
            return render(
                request,
                "ideas/own_data/request.html",
                {"form": form, "error_forms": [form], "section": "ideas"},
                status=429,
            )
        try:
            own_data.own_data_link_request(
                email=email,
                link_for=lambda token: request.build_absolute_uri(reverse("ideas:manage_ideas", args=[token])),
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(
                request,
                _("If ideas were sent from this address, a link to them is on its way. Check your e-mail."),
            )
            return redirect("ideas:manage")
    return render(request, "ideas/own_data/request.html", {"form": form, "error_forms": [form], "section": "ideas"})


def _by_token(request: HttpRequest, token: str) -> tuple[str, own_data.OwnData] | HttpResponse:
    try:
        return own_data.own_data_of_address(token=token)
    except PermissionDenied as error:
        return render(request, "ideas/own_data/invalid_link.html", {"reason": str(error)}, status=403)


def manage_ideas_view(request: HttpRequest, token: str) -> HttpResponse:
    found = _by_token(request, token)
    if isinstance(found, HttpResponse):
        return found
    email, data = found
    return render(
        request, "ideas/own_data/data.html", {"data": data, "email": email, "token": token, "section": "ideas"}
    )


def manage_export_view(request: HttpRequest, token: str, kind: str) -> HttpResponse:
    found = _by_token(request, token)
    if isinstance(found, HttpResponse):
        return found
    email, data = found
    return _export(data, kind, email)


def manage_delete_view(request: HttpRequest, token: str) -> HttpResponse:
    found = _by_token(request, token)
    if isinstance(found, HttpResponse):
        return found
    email, data = found
    if request.method == "POST":
        deleted = own_data.own_data_delete_for_address(token=token)
        messages.success(request, _("Deleted: %(ideas)s ideas.") % {"ideas": deleted})
        return redirect("ideas:manage_ideas", token=token)
    return render(
        request, "ideas/own_data/delete.html", {"data": data, "email": email, "token": token, "section": "ideas"}
    )


urls: list[URLPattern] = [
    path("my-data/", my_data_view, name="my_data"),
    path("my-data/export.<str:kind>", my_data_export_view, name="my_data_export"),
    path("my-data/delete/", my_data_delete_view, name="my_data_delete"),
    path("manage/", manage_request_view, name="manage"),
    path("manage/<str:token>/", manage_ideas_view, name="manage_ideas"),
    path("manage/<str:token>/export.<str:kind>", manage_export_view, name="manage_export"),
    path("manage/<str:token>/delete/", manage_delete_view, name="manage_delete"),
]
