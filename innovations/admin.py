"""Admin of innovations and adoptions for platform administrators: read-mostly.

Why not full editing here: an innovation's texts, themes, classifications and stage feed its stemmed search
document, its stage history and the change log, which innovations.services keeps in step. Re-creating that in
admin forms would be a second write path to keep in sync, so texts and everything else are edited on the site
(where platform administrators may edit any innovation). What the admin does change is the status (publish or
unpublish, e.g. to take down something inappropriate at once), through records.admin.RecordAdminMixin (the shared
set_status) with the version the administrator opened. Deleting goes through the site too: it refuses innovations
that others adopted, since those are part of the lineage.
"""

from typing import Any

from django.contrib import admin
from django.db import transaction
from django.http import HttpRequest
from modeltranslation.admin import TranslationAdmin

from core.admin import ReadOnlyAdminMixin, ReadOnlyTabularInline
from core.models import Theme
from innovations import catalogue, services
from innovations.models import (
    Adoption,
    Attachment,
    Classification,
    Innovation,
    InnovationImage,
    LineageProposal,
    Link,
    Partnership,
    StageEvent,
)
from records.admin import RecordAdminMixin


class ClassificationInline(ReadOnlyTabularInline):
    model = Classification
    fields = ("dimension", "code")
    readonly_fields = fields


class PartnershipInline(ReadOnlyTabularInline):
    model = Partnership
    fields = ("organisation", "role", "in_idea_phase", "in_development_phase", "in_implementation_phase")
    readonly_fields = fields


class LinkInline(ReadOnlyTabularInline):
    model = Link
    fields = ("title", "url")
    readonly_fields = fields


class StageEventInline(ReadOnlyTabularInline):
    model = StageEvent
    fields = ("stage", "date")
    readonly_fields = fields


class AttachmentInline(ReadOnlyTabularInline):
    model = Attachment
    fields = ("title", "file", "content_type", "size", "uploaded_by", "uploaded_at")
    readonly_fields = fields


class ImageInline(ReadOnlyTabularInline):
    model = InnovationImage
    fields = ("file", "alt_text_fi", "alt_text_sv", "alt_text_en", "width", "height", "uploaded_by", "uploaded_at")
    readonly_fields = fields


@admin.register(Innovation)
class InnovationAdmin(RecordAdminMixin, TranslationAdmin[Innovation]):
    record = services.RECORD
    list_display = ("title", "owner", "status", "stage", "novelty", "updated_at", "is_synthetic")
    list_filter = ("status", "stage", "novelty", "is_social", "is_systemic", "owner__kind", "themes", "is_synthetic")
    readonly_fields = (
        "owner", "title", "summary", "description", "target_group", "resources", "evidence", "is_social", "is_systemic", "stage", "novelty",
        "external_source", "external_source_url", "introduced_on", "contact_name", "contact_email", "themes",
        "is_synthetic", "version", "created_by", "created_at", "updated_at",
    )  # fmt: skip
    fieldsets = (
        (None, {"fields": ("status", "expected_version", "owner", "title", "summary", "description")}),
        (None, {"fields": ("target_group", "resources", "evidence")}),
        (None, {"fields": ("stage", "novelty", "is_social", "is_systemic", "introduced_on", "themes")}),
        (None, {"fields": ("external_source", "external_source_url", "contact_name", "contact_email")}),
        (None, {"fields": ("is_synthetic", "version", "created_by", "created_at", "updated_at")}),
    )
    inlines = (ClassificationInline, PartnershipInline, LinkInline, StageEventInline, AttachmentInline, ImageInline)


@admin.register(Adoption)
class AdoptionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[Adoption]):
    list_display = ("result", "source", "mode", "adopted_on")
    list_filter = ("mode",)
    search_fields = ("source__title_fi", "source__title_sv", "source__title_en", "result__owner__name_fi")
    list_select_related = ("source", "result")
    date_hierarchy = "adopted_on"
    fields = ("source", "result", "mode", "adopted_on", "created_by", "created_at")
    readonly_fields = fields


@admin.register(LineageProposal)
class LineageProposalAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[LineageProposal]):
    """Proposed lineage links; confirmed or declined by the source's owner on the site (innovations.services)."""

    list_display = ("result", "source", "mode", "state", "proposed_at", "decided_at")
    list_filter = ("state", "mode")
    search_fields = ("source__title_fi", "result__title_fi", "result__owner__name_fi", "source__owner__name_fi")
    list_select_related = ("source", "result")
    fields = (
        "source", "result", "mode", "adopted_on", "message", "state",
        "proposed_by", "proposed_at", "decided_by", "decided_at",
    )  # fmt: skip
    readonly_fields = fields


# Themes are core's model (every app may tag with them); their admin is here because a theme's change must renew
# the search documents and catalogue entries of the innovations tagged with it.
@admin.register(Theme)
class ThemeAdmin(TranslationAdmin[Theme]):
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
        document = services.innovation_search_document(innovation, innovation.themes.all())
        Innovation.objects.filter(pk=innovation.pk).update(search_document=document)
    catalogue.refresh(innovation_ids)
