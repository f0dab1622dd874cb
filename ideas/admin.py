"""Challenges, ideas and comments for platform administrators to inspect; every change goes through the pages
(and so through ideas.services, with its permission checks, sanitising and change log)."""

from django.contrib import admin

from core.admin import ReadOnlyAdminMixin
from ideas.models import Challenge, Comment, Idea, IdeaStateOption


@admin.register(Challenge)
class ChallengeAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[Challenge]):
    list_display = ("title", "owner", "status", "audience", "participation", "created_at")
    list_filter = ("status", "audience", "participation")
    search_fields = ("title_fi", "title_sv", "title_en")


@admin.register(Idea)
class IdeaAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[Idea]):
    list_display = ("title", "organisation", "challenge", "state", "source", "confirmed", "created_at")
    list_filter = ("state", "source", "confirmed")
    search_fields = ("title",)
    exclude = ("confirmation_token",)


@admin.register(Comment)
class CommentAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[Comment]):
    list_display = ("idea", "author", "hidden", "created_at")
    list_filter = ("hidden",)


@admin.register(IdeaStateOption)
class IdeaStateOptionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[IdeaStateOption]):
    """Organisations' own idea states; their editors change them on the organisation's idea states page."""

    list_display = ("name", "organisation", "kind", "order", "public")
    list_filter = ("kind", "public")
    search_fields = ("name_fi", "name_sv", "name_en", "organisation__name")
