"""Admin of organisations, networks, regions and wellbeing services counties for platform administrators.

Saving calls organisations.services, so an admin edit is versioned, logged and refreshes the search documents
of the organisation's innovations like an edit on the site. Deleting organisations is not offered: they are the
registry's spine (innovations, adoptions and memberships hang on them) and no service deletes them yet.
"""

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from core.admin import VersionedAdminForm, https_urls
from organisations import services
from organisations.models import Network, NetworkMembership, Organisation, Region, WellbeingCounty


def _service_data(form: Any, fields: tuple[str, ...]) -> dict[str, Any]:
    return {field: form.cleaned_data[field] for field in fields if field in form.cleaned_data}


def _adopt_saved(obj: Any, saved: Any) -> None:
    """The admin goes on with `obj` (messages, redirects, inlines): give it what the service saved."""
    obj.pk = saved.pk
    obj.slug = saved.slug
    obj.version = saved.version


@admin.register(Region)
class RegionAdmin(TranslationAdmin[Region]):
    """Reference data: names may be completed (the loader keeps what it does not hold); rows come from the loader."""

    list_display = ("code", "name")
    search_fields = ("code", "name_fi", "name_sv", "name_en")
    readonly_fields = ("code",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(WellbeingCounty)
class WellbeingCountyAdmin(TranslationAdmin[WellbeingCounty]):
    """The loader has no English names for the counties: they are filled in here."""

    list_display = ("code", "name", "short_name", "region", "population")
    list_filter = ("region",)
    search_fields = ("code", "name_fi", "name_sv", "name_en")
    readonly_fields = ("code", "region", "population")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class OrganisationAdminForm(VersionedAdminForm):
    class Meta:
        model = Organisation
        fields = "__all__"
        formfield_callback = https_urls


@admin.register(Organisation)
class OrganisationAdmin(TranslationAdmin[Organisation]):
    form = OrganisationAdminForm
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ("name", "kind", "municipality_code", "business_id", "region", "population", "is_synthetic")
    list_filter = ("kind", "region", "size_class", "is_synthetic")
    search_fields = ("name_fi", "name_sv", "name_en", "slug", "business_id", "municipality_code")
    list_select_related = ("region",)
    autocomplete_fields = ("region", "wellbeing_county")
    readonly_fields = ("slug", "size_class", "is_synthetic", "version", "created_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("kind", "name", "slug", "description", "expected_version")}),
        (_("Identifiers"), {"fields": ("municipality_code", "business_id")}),
        (_("Location and size"), {"fields": ("region", "wellbeing_county", "population", "size_class")}),
        (None, {"fields": ("website", "requires_two_factor", "is_synthetic", "version", "created_at", "updated_at")}),
    )

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Organisation, form: Any, change: bool) -> None:
        data = _service_data(form, services.ORGANISATION_FIELDS)
        if change:
            saved = services.organisation_update(
                actor=request.user, organisation=obj, expected_version=form.cleaned_data["expected_version"], data=data
            )
        else:
            saved = services.organisation_create(actor=request.user, data=data)
        _adopt_saved(obj, saved)


class NetworkMembershipInline(admin.TabularInline[NetworkMembership, Network]):
    """Members are added and removed through organisations.services (logged on the network)."""

    model = NetworkMembership
    extra = 0
    autocomplete_fields = ("organisation",)
    fields = ("organisation", "joined_on")


class NetworkAdminForm(VersionedAdminForm):
    class Meta:
        model = Network
        fields = "__all__"
        formfield_callback = https_urls


@admin.register(Network)
class NetworkAdmin(TranslationAdmin[Network]):
    form = NetworkAdminForm
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ("name", "coordinator", "member_count", "agreement_start", "agreement_end", "is_synthetic")
    list_filter = ("themes", "is_synthetic")
    search_fields = ("name_fi", "name_sv", "name_en", "slug", "coordinator__name")
    autocomplete_fields = ("coordinator",)
    filter_horizontal = ("themes",)
    readonly_fields = ("slug", "is_synthetic", "version", "created_at", "updated_at")
    inlines = (NetworkMembershipInline,)
    fieldsets = (
        (None, {"fields": ("name", "slug", "description", "expected_version")}),
        (None, {"fields": ("coordinator", "agreement_start", "agreement_end", "website", "themes")}),
        (None, {"fields": ("is_synthetic", "version", "created_at", "updated_at")}),
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Network]:
        return super().get_queryset(request).select_related("coordinator").annotate(_members=Count("memberships"))

    @admin.display(description=_("members"), ordering="_members")
    def member_count(self, network: Any) -> int:
        return int(network._members)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # no service deletes networks yet; see the module docstring

    def save_model(self, request: HttpRequest, obj: Network, form: Any, change: bool) -> None:
        data = _service_data(form, services.NETWORK_FIELDS)
        themes = form.cleaned_data.get("themes", [])
        if change:
            saved = services.network_update(
                actor=request.user,
                network=obj,
                expected_version=form.cleaned_data["expected_version"],
                data=data,
                themes=themes,
            )
        else:
            saved = services.network_create(actor=request.user, data=data, themes=themes)
        _adopt_saved(obj, saved)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        # The themes were set by the service (form.save_m2m would set them again, unlogged); only the inlines remain.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        if formset.model is not NetworkMembership:
            super().save_formset(request, form, formset, change)
            return
        network = form.instance
        instances = formset.save(commit=False)
        for membership in formset.deleted_objects:
            services.network_member_remove(actor=request.user, network=network, organisation=membership.organisation)
        for membership in instances:
            if membership.pk is None:
                try:
                    services.network_member_add(
                        actor=request.user,
                        network=network,
                        organisation=membership.organisation,
                        joined_on=membership.joined_on,
                    )
                except ValidationError as error:
                    messages.error(request, " ".join(error.messages))
            else:
                # Only the joining date changed: not a membership change the log needs to tell.
                membership.save(update_fields=["joined_on"])
