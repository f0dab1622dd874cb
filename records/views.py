"""The pages every publishable record shares: publish or return to draft at the version the person saw, and
delete after a confirmation. Each app's views find the record (404 for those who may not see it) and call these."""

from collections.abc import Mapping
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from core.errors import ConflictError
from core.forms import attach_errors
from records import services
from records.forms import VersionForm


def with_saved_version(request: HttpRequest, record: Any) -> QueryDict:
    """The posted data with the saved version in place of the one the person started from: after a conflict the
    form keeps every word typed, and saving again, after comparing, deliberately replaces the other change."""
    data = request.POST.copy()
    data["version"] = str(type(record)._default_manager.values_list("version", flat=True).get(pk=record.pk))
    return data


def status_view(
    request: HttpRequest,
    kind: services.RecordType[Any],
    record: Any,
    status: str,
    *,
    template: str,
    name: str,
    done: Mapping[str, str],
) -> HttpResponse:
    """The confirmation page of publishing or returning to draft; `done` is the message for each status, `name` the
    record's name in the template's context."""
    form = VersionForm(request.POST or None, initial={"version": record.version})
    if request.method == "POST" and form.is_valid():
        try:
            services.set_status(
                kind, actor=request.user, record=record, status=status, expected_version=form.cleaned_data["version"]
            )
        except ConflictError:
            # Show the change that was refused, and offer the saved version for a second, informed try.
            form.data = with_saved_version(request, record)
            form.add_error(None, ConflictError.message)
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, done[status])
            return redirect(record)
    return render(request, template, {name: record, "form": form, "error_forms": [form], "status": status})


def delete_view(
    request: HttpRequest,
    kind: services.RecordType[Any],
    record: Any,
    *,
    template: str,
    name: str,
    success_url: str,
) -> HttpResponse:
    """The confirmation page of deleting; a refusal (ValidationError) is listed on it."""
    if not request.user.has_perm(kind.delete_perm, record):
        raise PermissionDenied
    errors: list[str] = []
    if request.method == "POST":
        title = str(record)
        try:
            services.delete(kind, actor=request.user, record=record)
        except ValidationError as error:
            errors = error.messages
        else:
            messages.success(request, _("“%(title)s” was deleted.") % {"title": title})
            return redirect(success_url)
    return render(request, template, {name: record, "errors": errors})
