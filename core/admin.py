"""What the apps' admins share (optimistic locking, read-only). (The themes' admin is innovations/admin.py: a
theme's change renews the search documents and catalogue entries of the innovations tagged with it.)

The admin is a view onto the same services as the pages: where a model has services, saving in the admin calls
them, so the change log, the version and derived data (search documents) stay right.
"""

from typing import Any

from django import forms
from django.contrib import admin
from django.db import models
from django.http import HttpRequest

from core.errors import ConflictError


def https_urls(db_field: "models.Field[Any, Any]", **kwargs: Any) -> forms.Field | None:
    """Form fields for an admin form's Meta.formfield_callback: addresses typed without a scheme get https."""
    if isinstance(db_field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return db_field.formfield(**kwargs)


# ModelForm takes no type argument at run time (that needs django-stubs-ext, which production does not install).
class VersionedAdminForm(forms.ModelForm):  # type: ignore[type-arg]
    """Carries the version the administrator opened, so that a save over someone else's change is refused."""

    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["expected_version"].initial = self.instance.version

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.instance.pk:
            current = type(self.instance)._default_manager.filter(pk=self.instance.pk).values_list("version", flat=True)
            if cleaned.get("expected_version") != current.first():
                raise forms.ValidationError(ConflictError.message)
        return cleaned


class ReadOnlyAdminMixin:
    """For records that only their own flow may write (change log, tokens, lineage): view, never edit here."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyTabularInline(ReadOnlyAdminMixin, admin.TabularInline[Any, Any]):  # for any model
    extra = 0
    can_delete = False
    show_change_link = False
