"""Admin of experiments for platform administrators: read-mostly, as for innovations.

Texts, partners and decisions are edited on the site, where experiments.services keeps the search document, the
version and the change log in step; a second write path here would have to repeat all that. What the admin does
change is the status (publish, or take down something inappropriate at once), through
records.admin.RecordAdminMixin (the shared set_status) with the version the administrator opened.
"""

from django.contrib import admin
from modeltranslation.admin import TranslationAdmin

from core.admin import ReadOnlyTabularInline
from experiments import services
from experiments.models import Experiment, ExperimentPartner
from records.admin import RecordAdminMixin


class ExperimentPartnerInline(ReadOnlyTabularInline):
    model = ExperimentPartner
    fields = ("organisation", "role")
    readonly_fields = fields


@admin.register(Experiment)
class ExperimentAdmin(RecordAdminMixin, TranslationAdmin[Experiment]):
    record = services.RECORD
    list_display = ("title", "owner", "status", "decision", "starts_on", "ends_on", "updated_at")
    list_filter = ("status", "decision", "owner__kind")
    readonly_fields = (
        "owner", "title", "summary", "hypothesis", "measures", "places", "participants", "results", "decision",
        "decision_reasons", "starts_on", "ends_on", "budget", "source_innovation", "resulting_innovation",
        "version", "created_by", "created_at", "updated_at",
    )  # fmt: skip
    fieldsets = (
        (None, {"fields": ("status", "expected_version", "owner", "title", "summary")}),
        (None, {"fields": ("hypothesis", "measures", "places", "participants", "starts_on", "ends_on", "budget")}),
        (None, {"fields": ("results", "decision", "decision_reasons", "source_innovation", "resulting_innovation")}),
        (None, {"fields": ("version", "created_by", "created_at", "updated_at")}),
    )
    inlines = (ExperimentPartnerInline,)
