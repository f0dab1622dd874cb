"""Admin of the barometer for platform administrators: read-only views onto questionnaires, rounds, frames,
invitations, responses and imports, each with a link to the page where it is changed.

Why read-only: every barometer write has rules the admin's forms would bypass — a questionnaire version in use is
frozen and edits are checked against the whole version (services.questionnaires), a round's frame and invitations
follow its state (services.rounds), and answers are checked against their question (answers.py). The barometer
team's pages, which platform administrators may use for any organisation, are the one way to change them.
Invitation tokens are never shown: a token is the respondent's key to their answers.
"""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from barometer.models import (
    Answer,
    Definition,
    FrameUnit,
    Invitation,
    Question,
    Questionnaire,
    QuestionnaireVersion,
    Response,
    ResponseImport,
    Round,
    Section,
)
from core.admin import ReadOnlyAdminMixin, ReadOnlyTabularInline


class ReadOnlyAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[Any]):  # for any model
    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)


class VersionInline(ReadOnlyTabularInline):
    model = QuestionnaireVersion
    fields = ("number", "status", "created_at")
    readonly_fields = fields
    show_change_link = True


@admin.register(Questionnaire)
class QuestionnaireAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "organiser", "created_at")
    search_fields = ("code", "name_fi", "name_sv", "name_en", "organiser__name_fi")
    list_select_related = ("organiser",)
    fields = ("code", "name", "description", "provenance_note", "organiser", "created_at")
    readonly_fields = fields
    inlines = (VersionInline,)

    def view_on_site(self, obj: Questionnaire) -> str:
        return reverse("barometer:questionnaire_detail", kwargs={"code": obj.code})


class SectionInline(ReadOnlyTabularInline):
    model = Section
    fields = ("order", "code", "title", "show_if")
    readonly_fields = fields


class DefinitionInline(ReadOnlyTabularInline):
    model = Definition
    fields = ("term", "text")
    readonly_fields = fields


@admin.register(QuestionnaireVersion)
class QuestionnaireVersionAdmin(ReadOnlyAdmin):
    list_display = ("questionnaire", "number", "status", "created_at")
    list_filter = ("status",)
    search_fields = ("questionnaire__code", "questionnaire__name_fi")
    list_select_related = ("questionnaire",)
    fields = ("questionnaire", "number", "status", "introduction", "reference_period", "revision", "created_at")
    readonly_fields = fields
    inlines = (DefinitionInline, SectionInline)

    def view_on_site(self, obj: QuestionnaireVersion) -> str:
        return reverse("barometer:questionnaire_version", kwargs={"code": obj.questionnaire.code, "number": obj.number})


@admin.register(Question)
class QuestionAdmin(ReadOnlyAdmin):
    list_display = ("code", "kind", "text", "version", "section")
    list_filter = ("kind", "required", "background")
    search_fields = ("code", "text_fi", "text_sv", "text_en")
    list_select_related = ("version__questionnaire", "section")
    fields = (
        "version", "section", "order", "code", "kind", "text", "help_text", "required", "show_if", "background",
        "definitions", "min_value", "max_value", "unit_label", "options",
    )  # fmt: skip
    readonly_fields = fields

    @admin.display(description=_("answer options and rows"))
    def options(self, obj: Question) -> str:
        choices = ", ".join(f"{c.code} ({c.label})" for c in obj.choices.all())
        items = ", ".join(f"{i.code} ({i.label})" for i in obj.items.all())
        return " / ".join(part for part in (choices, items) if part) or "—"


@admin.register(Round)
class RoundAdmin(ReadOnlyAdmin):
    list_display = ("name", "organiser", "year", "status", "unit", "is_synthetic")
    list_filter = ("status", "sector", "unit", "is_synthetic", "answers_public")
    search_fields = ("slug", "name_fi", "name_sv", "name_en", "organiser__name_fi")
    list_select_related = ("organiser",)
    fields = (
        "slug", "name", "description", "questionnaire_version", "organiser", "sector", "year",
        "reference_period_start", "reference_period_end", "opens_on", "closes_on", "status", "unit",
        "answers_public", "is_synthetic", "previous_round", "version", "created_at",
    )  # fmt: skip
    readonly_fields = fields

    def view_on_site(self, obj: Round) -> str:
        return reverse("barometer:round_detail", kwargs={"slug": obj.slug})


@admin.register(FrameUnit)
class FrameUnitAdmin(ReadOnlyAdmin):
    list_display = ("organisation", "round", "kind", "size_class", "region_code")
    list_filter = ("round", "kind", "size_class", "region_code")
    search_fields = ("organisation__name_fi", "organisation__name_sv", "organisation__name_en")
    list_select_related = ("organisation", "round")
    fields = ("round", "organisation", "kind", "size_class", "region_code")
    readonly_fields = fields


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyAdmin):
    list_display = ("email", "round", "frame_unit", "language", "sent_at", "reminders_sent")
    list_filter = ("round", "language")
    search_fields = ("email", "name", "frame_unit__organisation__name_fi")
    list_select_related = ("round", "frame_unit__organisation")
    # No token: it is the respondent's key.
    fields = ("round", "frame_unit", "name", "email", "language", "created_at", "sent_at", "last_reminded_at")
    readonly_fields = fields


class AnswerInline(ReadOnlyTabularInline):
    model = Answer
    fields = ("question", "value", "updated_at")
    readonly_fields = fields


@admin.register(Response)
class ResponseAdmin(ReadOnlyAdmin):
    list_display = ("frame_unit", "round", "status", "source", "updated_at", "submitted_at")
    list_filter = ("round", "status", "source")
    search_fields = ("frame_unit__organisation__name_fi", "external_id")
    list_select_related = ("frame_unit__organisation", "round")
    fields = (
        "round", "frame_unit", "source", "external_id", "status", "language", "current_section", "started_at",
        "updated_at", "submitted_at", "reopened_at", "reopened_by",
    )  # fmt: skip
    readonly_fields = fields
    inlines = (AnswerInline,)


@admin.register(ResponseImport)
class ResponseImportAdmin(ReadOnlyAdmin):
    list_display = ("file_name", "round", "status", "created", "updated", "created_at", "finished_at")
    list_filter = ("status", "file_format")
    list_select_related = ("round",)
    fields = (
        "round", "file_name", "file_format", "mapping", "status", "rows_total", "rows_done", "problem_count",
        "created", "updated", "created_by", "created_at", "finished_at",
    )  # fmt: skip
    readonly_fields = fields

    @admin.display(description=_("problems"))
    def problem_count(self, obj: ResponseImport) -> str:
        return format_html("{}", len(obj.problems or []))
