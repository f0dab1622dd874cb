"""Notifications and preferences for platform administrators to inspect (e.g. which mails keep failing); changes
go through the preferences page and notifications.services."""

from django.contrib import admin

from core.admin import ReadOnlyAdminMixin
from notifications.models import Notification, Preference


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[Notification]):
    list_display = ("idea", "adoption", "change", "user", "email", "frequency", "created_at", "sent_at", "attempts")
    list_filter = ("change", "frequency", "sent_at")
    search_fields = ("email", "user__username", "user__email")
    exclude = ("claim",)


@admin.register(Preference)
class PreferenceAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[Preference]):
    list_display = ("user", "email", "frequency", "language", "updated_at")
    list_filter = ("frequency", "language")
    search_fields = ("email", "user__username", "user__email")
