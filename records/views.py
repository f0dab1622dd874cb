"""The pages every publishable record shares: whose new record it is, publish or return to draft at the version the
person saw, and delete after a confirmation. Each app's views find the record (404 for those who may not see it)
and call these."""

from collections.abc import Mapping
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from accounts import roles
from core.errors import ConflictError
from core.forms import attach_errors
from organisations.models import Organisation
from records import services
from records.forms import VersionForm


def new_record_owner(request: HttpRequest, perm: str) -> tuple[Organisation | None, "QuerySet[Organisation]"]:
    """Whose new record this is: the organisation in "?owner=<slug>" (if the person may add for it), the only one
    they edit for, or None and the organisations to choose from (the form's owner field)."""
    editable = Organisation.objects.filter(pk__in=roles.editable_organisation_ids(request.user))
    slug = request.GET.get("owner", "")
    if slug:
        owner = get_object_or_404(Organisation, slug=slug)
        if not request.user.has_perm(perm, owner):
            raise PermissionDenied
        return owner, editable
    if not editable.exists():
        raise PermissionDenied
    return (editable.get() if editable.count() == 1 else None), editable


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
