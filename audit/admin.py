"""The change log in the admin: read-only, searchable by person, filterable by action and record type."""

from typing import Any

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from audit.models import ChangeRecord
from core.admin import ReadOnlyAdminMixin


@admin.register(ChangeRecord)
class ChangeRecordAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[ChangeRecord]):
    list_display = ("at", "action", "content_type", "object_id", "actor", "changed_fields")
    list_filter = ("action", "content_type")
    search_fields = ("actor__username", "actor__email", "object_id")
    date_hierarchy = "at"
    list_select_related = ("actor", "content_type")
    fields = ("at", "actor", "action", "content_type", "object_id", "changes")
    readonly_fields = fields

    @admin.display(description=_("changed fields"))
    def changed_fields(self, record: ChangeRecord) -> str:
        changes: dict[str, Any] = record.changes or {}
        return ", ".join(sorted(changes))
