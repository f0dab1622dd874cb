"""What the admin of every publishable record shares: read-mostly, with the status the one thing changed here.

Texts, partners and the rest are edited on the site, where the app's services keep the search document, the version
and the change log in step; the admin changes the status (publish, or take down something inappropriate at once)
through records.services.set_status, at the version the administrator opened (core.admin.VersionedAdminForm)."""

from typing import Any, ClassVar

from django import forms
from django.http import HttpRequest

from core.admin import VersionedAdminForm
from records import services


class RecordAdminMixin:
    """Put before the ModelAdmin class; `record` is the app's RecordType. The form changes only the status: every
    other field of the fieldsets is in the admin's readonly_fields."""

    record: services.RecordType[Any]
    form: "type[forms.ModelForm[Any]]" = VersionedAdminForm
    search_fields: ClassVar[list[str] | tuple[str, ...]] = (
        "title_fi", "title_sv", "title_en", "owner__name_fi", "owner__name_sv", "owner__name_en",
    )  # fmt: skip
    list_select_related: ClassVar[bool | list[str] | tuple[str, ...]] = ("owner",)
    date_hierarchy: ClassVar[str | None] = "updated_at"

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # records are made on the site, for an owner organisation

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # deleting goes through the site, with its confirmation and change log

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        saved = services.set_status(
            self.record,
            actor=request.user,
            record=obj,
            status=form.cleaned_data["status"],
            expected_version=form.cleaned_data["expected_version"],
        )
        obj.version = saved.version
