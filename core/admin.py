"""Admin for platform administrators: themes, and what the other apps' admins share (optimistic locking, read-only).

The admin is a view onto the same services as the pages: where a model has services, saving in the admin calls
them, so the change log, the version and derived data (search documents) stay right.
"""

from typing import Any

from django import forms
from django.contrib import admin
from django.db import models, transaction
from django.http import HttpRequest
from modeltranslation.admin import TranslationAdmin

from core.errors import ConflictError
from core.models import Theme
from innovations import catalogue
from innovations.models import Innovation
from innovations.services import innovation_search_document


def https_urls(db_field: models.Field, **kwargs: Any) -> forms.Field | None:
    """Form fields for an admin form's Meta.formfield_callback: addresses typed without a scheme get https."""
    if isinstance(db_field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return db_field.formfield(**kwargs)


class VersionedAdminForm(forms.ModelForm):
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


class ReadOnlyTabularInline(ReadOnlyAdminMixin, admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False


@admin.register(Theme)
class ThemeAdmin(TranslationAdmin):
    list_display = ("name", "slug")
    search_fields = ("name_fi", "name_sv", "name_en", "slug")
    prepopulated_fields = {"slug": ("name_fi",)}

    @transaction.atomic
    def save_model(self, request: HttpRequest, obj: Theme, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if change and any(name in form.changed_data for name in ("slug", "name_fi", "name_sv", "name_en")):
            # Theme names are part of each tagged innovation's search document (a renamed theme must be found by
            # its new name) and slugs of its catalogue entry. (Themes have no service of their own; this is the
            # one write path besides fixtures.)
            _refresh_tagged(list(Innovation.objects.filter(themes=obj).values_list("pk", flat=True)))

    @transaction.atomic
    def delete_model(self, request: HttpRequest, obj: Theme) -> None:
        tagged = list(Innovation.objects.filter(themes=obj).values_list("pk", flat=True))
        super().delete_model(request, obj)
        _refresh_tagged(tagged)

    @transaction.atomic
    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        tagged = list(Innovation.objects.filter(themes__in=queryset).values_list("pk", flat=True).distinct())
        super().delete_queryset(request, queryset)
        _refresh_tagged(tagged)


def _refresh_tagged(innovation_ids: list[int]) -> None:
    """After a theme changed or went: the search documents and catalogue entries (theme facet) of the innovations
    that had it."""
    for innovation in (
        Innovation.objects.filter(pk__in=innovation_ids).select_related("owner").prefetch_related("themes")
    ):
        document = innovation_search_document(innovation, innovation.themes.all())
        Innovation.objects.filter(pk=innovation.pk).update(search_document=document)
    catalogue.refresh(innovation_ids)
