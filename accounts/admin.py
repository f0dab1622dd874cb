"""Admin of people, their roles in organisations and their API tokens, for platform administrators.

Roles are given and taken through accounts.memberships (logged on the organisation). API tokens are shown, never
made here (their key is the person's secret); deleting one revokes it.
"""

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from accounts import identity, memberships, services
from accounts.models import ApiToken, Identity, IdentityProvider, Membership, User
from core.admin import ReadOnlyTabularInline

# email_verified_at: only opening the link mailed to the address sets it; changing the address clears it.
IDENTIFICATION_FIELDS = ("email_verified_at", "strongly_identified_at", "home_municipality_code")


class MembershipInline(ReadOnlyTabularInline):
    model = Membership
    fields = ("organisation", "role", "created_at")
    readonly_fields = fields
    verbose_name_plural = _("roles in organisations (change them under Memberships)")


class ApiTokenInline(ReadOnlyTabularInline):
    model = ApiToken
    fields = ("name", "prefix", "created_at", "last_used_at")
    readonly_fields = fields


@admin.register(User)
class InnoverkkoUserAdmin(UserAdmin[User]):
    inlines = (MembershipInline, ApiTokenInline)
    list_display = ("username", "email", "first_name", "last_name", "is_superuser", "is_active", "last_login")
    list_filter = ("is_superuser", "is_staff", "is_active", "memberships__role")
    # What identification reported: shown, never typed in (only a sign-in with a provider writes it).
    fieldsets = (*(UserAdmin.fieldsets or ()), (_("Identification"), {"fields": IDENTIFICATION_FIELDS}))
    readonly_fields = IDENTIFICATION_FIELDS


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin[Membership]):
    list_display = ("user", "organisation", "role", "created_at")
    list_filter = ("role", "organisation__kind")
    search_fields = (
        "user__username",
        "user__email",
        "organisation__name_fi",
        "organisation__name_sv",
        "organisation__name_en",
    )
    list_select_related = ("user", "organisation")
    autocomplete_fields = ("user", "organisation")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        # Moving a membership to another person or organisation is a removal and an addition: do those instead.
        return ("user", "organisation", "created_at") if obj else ("created_at",)

    def save_model(self, request: HttpRequest, obj: Membership, form: Any, change: bool) -> None:
        if change:
            saved = memberships.membership_update(
                actor=request.user, organisation=obj.organisation, user=obj.user, role=obj.role
            )
        else:
            saved = memberships.membership_add(
                actor=request.user, organisation=obj.organisation, user=obj.user, role=obj.role
            )
        obj.pk = saved.pk

    def delete_model(self, request: HttpRequest, obj: Membership) -> None:
        memberships.membership_remove(actor=request.user, organisation=obj.organisation, user=obj.user)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Membership]) -> None:
        for membership in queryset.select_related("user", "organisation"):
            self.delete_model(request, membership)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin[ApiToken]):
    list_display = ("name", "user", "prefix", "created_at", "last_used_at")
    search_fields = ("name", "prefix", "user__username", "user__email")
    list_select_related = ("user",)
    fields = ("name", "user", "prefix", "created_at", "last_used_at")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def delete_model(self, request: HttpRequest, obj: ApiToken) -> None:
        services.api_token_revoke(user=request.user, token=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        for token in queryset:
            services.api_token_revoke(user=request.user, token=token)


@admin.register(IdentityProvider)
class IdentityProviderAdmin(admin.ModelAdmin[IdentityProvider]):
    """Identification providers (e.g. Suomi.fi, an organisation's staff sign-in): platform administrators only."""

    list_display = ("name", "slug", "organisation", "enabled", "order")
    list_filter = ("enabled",)
    search_fields = ("name", "slug", "discovery_url")
    autocomplete_fields = ("organisation",)
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}  # a provider's address is https

    def save_model(self, request: HttpRequest, obj: IdentityProvider, form: Any, change: bool) -> None:
        identity.identity_provider_save(actor=request.user, provider=obj)


@admin.register(Identity)
class IdentityAdmin(admin.ModelAdmin[Identity]):
    """Who is linked to which provider's subject: shown, and removable (the person can then link anew)."""

    list_display = ("user", "provider", "last_used_at", "last_acr")
    list_filter = ("provider",)
    search_fields = ("user__username", "user__email", "subject")
    list_select_related = ("user", "provider")
    fields = ("user", "provider", "subject", "created_at", "last_used_at", "last_acr")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
