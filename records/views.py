"""The pages every publishable record shares: whose new record it is, the record as a person may see or change it,
publish or return to draft at the version the person saw, and delete after a confirmation (RecordPages)."""

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _

from accounts import roles
from core.errors import ConflictError
from core.forms import attach_errors
from organisations.models import Organisation
from records import services
from records.forms import VersionForm
from records.models import PublishableRecord, Status

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise as StrOrPromise


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


@dataclass
class Refusal:
    conflict: bool = False  # someone saved the record since the person opened the form


@contextmanager
def refusal_shown(request: HttpRequest, form: forms.Form, record: Any) -> Iterator[Refusal]:
    """Runs a form's write (the `with` block, which ends in the redirect): a refusal is put on the form instead, and
    the code after the block shows the form again. A ValidationError goes next to the fields it names; a conflict to
    the top of the form, with the saved version in place of the one the person started from
    (`with_saved_version`)."""
    refusal = Refusal()
    try:
        yield refusal
    except ConflictError:
        refusal.conflict = True
        form.add_error(None, ConflictError.message)
        form.data = with_saved_version(request, record)
    except ValidationError as error:
        attach_errors(form, error)


def with_saved_version(request: HttpRequest, record: Any) -> QueryDict:
    """The posted data with the saved version in place of the one the person started from: after a conflict the
    form keeps every word typed, and saving again, after comparing, deliberately replaces the other change."""
    data = request.POST.copy()
    data["version"] = str(type(record)._default_manager.values_list("version", flat=True).get(pk=record.pk))
    return data


R = TypeVar("R", bound=PublishableRecord)


@dataclass(frozen=True)
class RecordPages(Generic[R]):
    """The pages every record type shares, described once in the app's views: find the record as this person may see
    it (`visible`: 404 otherwise, so that a draft does not reveal that it exists) or change it (`editable`), and the
    publish, unpublish and delete pages its urls.py names. Their templates are the app's
    `<app>/confirm_status.html` and `<app>/confirm_delete.html`, with the record under `name`; after deleting, the
    person lands on the app's list (`<app>:list`)."""

    kind: services.RecordType[R]
    name: str  # "innovation"
    detail: Callable[..., R | None]  # the app's selector: detail(user=…, pk=…), None when the person may not see it
    not_found: "StrOrPromise"  # the 404's words
    done: Mapping[str, "StrOrPromise"]  # the message after each status

    @property
    def app(self) -> str:
        return self.kind.model._meta.app_label

    def visible(self, request: HttpRequest, pk: int) -> R:
        record = self.detail(user=request.user, pk=pk)
        if record is None:
            raise Http404(str(self.not_found))
        return record

    def editable(self, request: HttpRequest, pk: int) -> R:
        record = self.visible(request, pk)
        if not request.user.has_perm(self.kind.change_perm, record):
            raise PermissionDenied
        return record

    @method_decorator(login_required)
    def publish(self, request: HttpRequest, pk: int) -> HttpResponse:
        return self._status(request, pk, Status.PUBLISHED)

    @method_decorator(login_required)
    def unpublish(self, request: HttpRequest, pk: int) -> HttpResponse:
        return self._status(request, pk, Status.DRAFT)

    def _status(self, request: HttpRequest, pk: int, status: str) -> HttpResponse:
        """The confirmation page of publishing or returning to draft, at the version the person saw."""
        record = self.editable(request, pk)
        form = VersionForm(request.POST or None, initial={"version": record.version})
        if request.method == "POST" and form.is_valid():
            with refusal_shown(request, form, record):
                version = form.cleaned_data["version"]
                services.set_status(
                    self.kind, actor=request.user, record=record, status=status, expected_version=version
                )
                messages.success(request, str(self.done[status]))
                return redirect(record.get_absolute_url())
        context = {self.name: record, "form": form, "error_forms": [form], "status": status}
        return render(request, f"{self.app}/confirm_status.html", context)

    @method_decorator(login_required)
    def delete(self, request: HttpRequest, pk: int) -> HttpResponse:
        """The confirmation page of deleting; a refusal (ValidationError) is listed on it."""
        record = self.visible(request, pk)
        if not request.user.has_perm(self.kind.delete_perm, record):
            raise PermissionDenied
        errors: list[str] = []
        if request.method == "POST":
            title = str(record)
            try:
                services.delete(self.kind, actor=request.user, record=record)
            except ValidationError as error:
                errors = error.messages
            else:
                messages.success(request, _("“%(title)s” was deleted.") % {"title": title})
                return redirect(reverse(f"{self.app}:list"))
        return render(request, f"{self.app}/confirm_delete.html", {self.name: record, "errors": errors})
