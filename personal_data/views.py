"""A person's own data pages: everything stored about them to download, and deleting their account. They span
every app, so they stand above the apps; their addresses and names stay in the `accounts:` namespace (config/urls.py
joins `urls` to accounts/urls.py's)."""

from typing import cast

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from accounts.forms import AccountDeleteForm
from accounts.limits import password_tries_limited
from accounts.models import User
from core.forms import attach_errors
from personal_data import data_export, deletion


@never_cache
@login_required
@require_http_methods(["GET"])
def my_data_download(request: HttpRequest, kind: str) -> HttpResponse:
    """Everything stored about the signed-in person: one JSON file, or CSV tables (with the JSON) in a zip."""
    data = data_export.data_export(actor=request.user)
    stamp = timezone.localdate().isoformat()
    if kind == "json":
        response = HttpResponse(data_export.data_export_json(data), content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="innoverkko-my-data-{stamp}.json"'
    else:
        response = HttpResponse(data_export.data_export_zip(data), content_type="application/zip")
        response["Content-Disposition"] = f'attachment; filename="innoverkko-my-data-{stamp}.zip"'
    return response


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
@password_tries_limited
def account_delete(request: HttpRequest) -> HttpResponse:
    """The confirmation page says what happens to each kind of data; the account goes only after the password
    (or the username) is given, and never while it would leave an organisation without an administrator."""
    user = cast(User, request.user)
    form = AccountDeleteForm(request.POST or None, user=user)
    plan = deletion.deletion_plan(user=user)
    status = 200
    if request.method == "POST":
        if form.is_valid() and not plan.blockers:
            try:
                deletion.account_delete(
                    actor=user,
                    user=user,
                    password=form.cleaned_data.get("password", ""),
                    username=form.cleaned_data.get("username", ""),
                )
            except ValidationError as error:
                attach_errors(form, error)
            else:
                logout(request)
                messages.success(request, _("Your account has been deleted."))
                return redirect("core:home")
        status = 409 if plan.blockers else 400
    return render(request, "personal_data/account_delete.html", {"form": form, "plan": plan}, status=status)


urls = [
    path("profile/my-data.json", my_data_download, {"kind": "json"}, name="my_data_json"),
    path("profile/my-data.zip", my_data_download, {"kind": "zip"}, name="my_data_zip"),
    path("profile/delete/", account_delete, name="account_delete"),
]
