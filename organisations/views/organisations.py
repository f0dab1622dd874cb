"""Pages of organisations and networks: lists, profiles, maps, editing and people. Thin: parse, call, render."""

import dataclasses
from dataclasses import dataclass
from functools import cache
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Model
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import formats, timezone, translation
from django.utils.html import format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts import invitations, memberships
from accounts.models import Invitation, Role, User
from core import events
from core.errors import ConflictError
from core.forms import attach_errors
from organisations import selectors, services
from organisations.finland_map import FinlandMap, Shape, bounding_box, finland_map
from organisations.forms import (
    InvitationActionForm,
    MemberAddForm,
    MemberChangeForm,
    NetworkForm,
    NetworkMemberAddForm,
    NetworkMemberRemoveForm,
    OrganisationFilterForm,
    OrganisationForm,
)
from organisations.models import Network, Organisation, OrganisationKind
from organisations.pickers import OrganisationField, OrganisationPicker

PAGE_SIZE = 25


# --- helpers ---------------------------------------------------------------------------------------------------


def _require(request: HttpRequest, perm: str, obj: Model) -> HttpResponse | None:
    """A log-in redirect for anonymous visitors, 403 for others without the permission, None when allowed."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not request.user.has_perm(perm, obj):
        raise PermissionDenied
    return None


def _changed_by_someone_else(form: Form, current: dict[str, Any]) -> list[tuple[str, Any]]:
    """(label, value saved now) of the fields where the saved record differs from what this person typed."""
    differences = []
    for name, field in form.fields.items():
        if name == "version" or name not in form.cleaned_data:
            continue
        typed, saved = form.cleaned_data[name], current.get(name)
        if hasattr(typed, "pk"):
            typed = typed.pk
        if hasattr(typed, "all") or isinstance(typed, list | tuple):
            typed, saved = sorted(getattr(v, "pk", v) for v in typed), sorted(saved or [])
        if (typed or None) != (saved or None):
            differences.append((str(field.label), _display(field, saved)))
    return differences


def _display(field: Any, value: Any) -> Any:
    if value in (None, "", []):
        return _("(empty)")
    if isinstance(field, OrganisationField):
        return cast(OrganisationPicker, field.widget).format_value(value)
    choices = dict(getattr(field, "choices", []) or [])
    if isinstance(value, list):
        return ", ".join(str(choices.get(v, v)) for v in value)
    return choices.get(value, value)


def _rebind_after_conflict(form_class: type, request: HttpRequest, version: int, **kwargs: Any) -> Any:
    """The person's input again, now based on the version saved by the other person: saving again is deliberate."""
    data = request.POST.copy()
    data["version"] = str(version)
    form = form_class(data, **kwargs)
    form.is_valid()
    return form


# --- the map ---------------------------------------------------------------------------------------------------


@cache
def _layer(kind: str) -> SafeString:
    """All municipalities (or regions) as one string of <path> elements; the same for every page."""
    fmap = finland_map()
    shapes = fmap.municipalities if kind == "municipalities" else fmap.regions
    return format_html_join("", '<path d="{}"></path>', ((shape.path,) for shape in shapes.values()))


def _highlight(shapes: list[Shape]) -> SafeString:
    return format_html_join("", '<path d="{}" data-code="{}"></path>', ((shape.path, shape.code) for shape in shapes))


@dataclass
class MapContext:
    fmap: FinlandMap
    municipalities: SafeString  # the light grey base
    regions: SafeString  # region borders for orientation
    highlighted_municipalities: SafeString
    highlighted_regions: SafeString
    # Rings around small highlighted shapes, so that a municipality of a few pixels can still be found.
    markers: list[tuple[float, float]] = dataclasses.field(default_factory=list)


def _map(municipality_codes: set[str], region_codes: set[str], *, detailed: bool = True) -> MapContext:
    """`detailed`: every municipality's border in the background; otherwise only the regions' (a third the size)."""
    fmap = finland_map()
    return MapContext(
        fmap=fmap,
        municipalities=_layer("municipalities") if detailed else SafeString(""),
        regions=_layer("regions"),
        highlighted_municipalities=_highlight([s for c, s in fmap.municipalities.items() if c in municipality_codes]),
        highlighted_regions=_highlight([s for c, s in fmap.regions.items() if c in region_codes]),
    )


def _place_on_map(organisations: list[Organisation]) -> tuple[set[str], set[str], list[Organisation]]:
    """Municipalities by their own shape, others by their region; those without either are not on the map."""
    municipality_codes, region_codes, unplaced = set(), set(), []
    shapes = finland_map().municipalities
    for organisation in organisations:
        if organisation.kind == OrganisationKind.MUNICIPALITY and organisation.municipality_code in shapes:
            municipality_codes.add(organisation.municipality_code)
        elif organisation.region is not None:
            region_codes.add(organisation.region.code)
        else:
            unplaced.append(organisation)
    return municipality_codes, region_codes, unplaced


# --- organisations ---------------------------------------------------------------------------------------------


def organisation_list(request: HttpRequest) -> HttpResponse:
    form = OrganisationFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    organisations = selectors.organisation_list(
        q=filters.get("q", ""),
        kinds=[filters["kind"]] if filters.get("kind") else None,
        regions=[filters["region"]] if filters.get("region") else None,
    )
    page = Paginator(organisations, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "organisations/organisation_list.html",
        {"form": form, "page": page, "query": query.urlencode(), "filtered": any(filters.values())},
    )


def organisation_detail(request: HttpRequest, slug: str) -> HttpResponse:
    organisation: Organisation = get_object_or_404(
        Organisation.objects.select_related("region", "wellbeing_county"), slug=slug
    )
    place = None
    shape = finland_map().municipalities.get(organisation.municipality_code or "")
    if organisation.kind == OrganisationKind.MUNICIPALITY and shape:
        regions = {organisation.region.code} if organisation.region is not None else set()
        place = _map({shape.code}, regions, detailed=False)
        min_x, min_y, max_x, max_y = bounding_box(shape.path)
        place.markers = [((min_x + max_x) / 2, (min_y + max_y) / 2)]
    elif organisation.region is not None:
        place = _map(set(), {organisation.region.code}, detailed=False)
    # Its lists of innovations, adoptions and partnerships and its diffusion figures come from those apps.
    sections = events.organisation_page_context(
        organisation=organisation, user=request.user, everything=request.GET.get("all") == "1"
    )
    return render(
        request,
        "organisations/organisation_detail.html",
        {
            "organisation": organisation,
            **sections,
            "networks": selectors.organisation_networks(organisation),
            "map": place,
            "can_edit": request.user.has_perm("organisations.change_organisation", organisation),
        },
    )


@require_http_methods(["GET", "POST"])
def organisation_edit(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = get_object_or_404(Organisation, slug=slug)
    if denied := _require(request, "organisations.change_organisation", organisation):
        return denied
    platform_admin = request.user.is_superuser
    differences: list[tuple[str, Any]] = []
    status = 200
    if request.method == "POST":
        form = OrganisationForm(request.POST, organisation=organisation, platform_admin=platform_admin)
        if form.is_valid():
            try:
                services.organisation_update(
                    actor=request.user,
                    organisation=organisation,
                    expected_version=form.cleaned_data["version"],
                    data=form.service_data(),
                )
            except ConflictError:
                current = Organisation.objects.get(pk=organisation.pk)
                differences = _changed_by_someone_else(form, OrganisationForm.initial_for(current))
                form = _rebind_after_conflict(
                    OrganisationForm, request, current.version, organisation=organisation, platform_admin=platform_admin
                )
                form.add_error(None, _conflict_message())
                status = 409
            except ValidationError as error:
                attach_errors(form, error)
            else:
                messages.success(request, _("The organisation's information has been saved."))
                return redirect(organisation)
        if status == 200:
            status = 400  # the form is shown again with its errors
    else:
        form = OrganisationForm(
            initial=OrganisationForm.initial_for(organisation), organisation=organisation, platform_admin=platform_admin
        )
    return render(
        request,
        "organisations/organisation_form.html",
        {"organisation": organisation, "form": form, "differences": differences},
        status=status,
    )


def _conflict_message() -> str:
    return _(
        "Someone else saved this record after you opened it, so your changes have not been saved yet. "
        "Your input is kept below. Check what the other person saved, then save again to keep your version."
    )


@require_http_methods(["GET", "POST"])
def organisation_members(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = get_object_or_404(Organisation, slug=slug)
    if denied := _require(request, "organisations.change_organisation", organisation):
        return denied
    add_form = MemberAddForm(initial={"language": translation.get_language()})
    change_errors: list[str] = []
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "add":
                add_form = MemberAddForm(request.POST, initial={"language": translation.get_language()})
                if add_form.is_valid():
                    data = add_form.cleaned_data
                    added = invitations.member_add_by_email(
                        actor=request.user,
                        organisation=organisation,
                        email=data["person"],
                        role=data["role"],
                        language=data["language"] or translation.get_language(),
                    )
                    if isinstance(added, Invitation):
                        messages.success(
                            request,
                            _("An invitation has been sent to %(email)s. It is valid until %(date)s.")
                            % {
                                "email": added.email,
                                "date": formats.date_format(added.expires_at, "SHORT_DATE_FORMAT"),
                            },
                        )
                    else:
                        person = added.user
                        messages.success(
                            request,
                            _("%(person)s is now a member of %(organisation)s.")
                            % {"person": person.get_full_name() or person.get_username(), "organisation": organisation},
                        )
                    return redirect("organisations:members", slug=organisation.slug)
            elif action in ("revoke_invitation", "resend_invitation"):
                invitation_form = InvitationActionForm(request.POST, organisation=organisation)
                if not invitation_form.is_valid():
                    raise ValidationError(_("The invitation no longer exists. Reload the page."))
                invitation = invitation_form.cleaned_data["invitation"]
                if action == "revoke_invitation":
                    invitations.invitation_revoke(actor=request.user, invitation=invitation)
                    messages.success(
                        request, _("The invitation to %(email)s has been revoked.") % {"email": invitation.email}
                    )
                else:
                    invitation = invitations.invitation_resend(actor=request.user, invitation=invitation)
                    messages.success(
                        request,
                        _("The invitation has been sent again to %(email)s. It is valid until %(date)s.")
                        % {
                            "email": invitation.email,
                            "date": formats.date_format(invitation.expires_at, "SHORT_DATE_FORMAT"),
                        },
                    )
                return redirect("organisations:members", slug=organisation.slug)
            elif action in ("role", "remove"):
                members = User.objects.filter(memberships__organisation=organisation)
                change = MemberChangeForm(request.POST, members=members)
                if not change.is_valid():
                    raise ValidationError(_("The person is no longer a member. Reload the page."))
                person = change.cleaned_data["user"]
                name = person.get_full_name() or person.get_username()
                if action == "role":
                    role = change.cleaned_data["role"] or Role.EDITOR
                    memberships.membership_update(actor=request.user, organisation=organisation, user=person, role=role)
                    messages.success(
                        request,
                        _("The role of %(person)s is now: %(role)s.") % {"person": name, "role": Role(role).label},
                    )
                else:
                    memberships.membership_remove(actor=request.user, organisation=organisation, user=person)
                    messages.success(
                        request,
                        _("%(person)s is no longer a member of %(organisation)s.")
                        % {"person": name, "organisation": organisation},
                    )
                if person == request.user and not request.user.has_perm(
                    "organisations.change_organisation", organisation
                ):
                    return redirect(organisation)  # they gave up managing it
                return redirect("organisations:members", slug=organisation.slug)
        except ValidationError as error:
            if action == "add":
                attach_errors(add_form, error)
            else:
                change_errors = [message for message in error.messages]
        status = 400 if (add_form.errors or change_errors) else 200
    return render(
        request,
        "organisations/organisation_members.html",
        {
            "organisation": organisation,
            "memberships": memberships.membership_list(organisation=organisation),
            "invitations": invitations.invitations_open(organisation=organisation),
            "now": timezone.now(),
            "add_form": add_form,
            "change_errors": change_errors,
            "roles": Role.choices,
        },
        status=status,
    )


# --- networks --------------------------------------------------------------------------------------------------


def network_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "organisations/network_list.html",
        {"networks": selectors.network_list(), "can_create": request.user.has_perm("organisations.add_network")},
    )


def _network_members(network: Network) -> list[Organisation]:
    # organisation_list() counts each organisation's published innovations; narrowed to the network's members.
    return list(selectors.organisation_list().filter(network_memberships__network=network))


def network_detail(request: HttpRequest, slug: str) -> HttpResponse:
    network: Network = get_object_or_404(Network.objects.select_related("coordinator"), slug=slug)
    members = _network_members(network)
    municipality_codes, region_codes, unplaced = _place_on_map(members)
    return render(
        request,
        "organisations/network_detail.html",
        {
            "network": network,
            "members": members,
            "themes": list(network.themes.order_by("name")),
            # published_innovations is annotated by selectors.organisation_list
            "published_total": sum(getattr(member, "published_innovations", 0) for member in members),
            "map": _map(municipality_codes, region_codes),
            "unplaced": unplaced,
            "can_edit": request.user.has_perm("organisations.change_network", network),
        },
    )


@require_http_methods(["GET", "POST"])
def network_create(request: HttpRequest) -> HttpResponse:
    """A new network, coordinated by an organisation the person administers (any, for platform administrators)."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not request.user.has_perm("organisations.add_network"):
        raise PermissionDenied
    platform_admin = request.user.is_superuser
    coordinators = selectors.coordinator_choices(user=request.user)
    form = NetworkForm(request.POST or None, platform_admin=platform_admin, coordinators=coordinators)
    form.fields["version"].required = False
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                network = services.network_create(
                    actor=request.user,
                    data=form.service_data(),
                    themes=form.cleaned_data["themes"],
                    coordinator_joins=True,
                )
            except ValidationError as error:
                attach_errors(form, error)
            else:
                messages.success(request, _("The network has been created. Add its member organisations below."))
                return redirect("organisations:network_edit", slug=network.slug)
        status = 400
    return render(request, "organisations/network_create.html", {"form": form}, status=status)


@require_http_methods(["GET", "POST"])
def network_edit(request: HttpRequest, slug: str) -> HttpResponse:
    network: Network = get_object_or_404(Network.objects.select_related("coordinator"), slug=slug)
    if denied := _require(request, "organisations.change_network", network):
        return denied
    platform_admin = request.user.is_superuser
    coordinators = selectors.coordinator_choices(user=request.user, network=network)
    form = NetworkForm(
        initial=NetworkForm.initial_for(network), platform_admin=platform_admin, coordinators=coordinators
    )
    add_form = NetworkMemberAddForm(network=network)
    differences: list[tuple[str, Any]] = []
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "save")
        if action == "save":
            form = NetworkForm(request.POST, platform_admin=platform_admin, coordinators=coordinators)
            if form.is_valid():
                try:
                    services.network_update(
                        actor=request.user,
                        network=network,
                        expected_version=form.cleaned_data["version"],
                        data=form.service_data(),
                        themes=form.cleaned_data["themes"],
                    )
                except ConflictError:
                    current = Network.objects.get(pk=network.pk)
                    differences = _changed_by_someone_else(form, NetworkForm.initial_for(current))
                    form = _rebind_after_conflict(
                        NetworkForm, request, current.version, platform_admin=platform_admin, coordinators=coordinators
                    )
                    form.add_error(None, _conflict_message())
                    status = 409
                except ValidationError as error:
                    attach_errors(form, error)
                else:
                    messages.success(request, _("The network's information has been saved."))
                    return redirect(network)
        elif action == "add_member":
            add_form = NetworkMemberAddForm(request.POST, network=network)
            if add_form.is_valid():
                organisation = add_form.cleaned_data["organisation"]
                try:
                    services.network_member_add(
                        actor=request.user,
                        network=network,
                        organisation=organisation,
                        joined_on=add_form.cleaned_data["joined_on"],
                    )
                except ValidationError as error:
                    attach_errors(add_form, error)
                else:
                    messages.success(request, _("%(organisation)s is now a member.") % {"organisation": organisation})
                    return redirect("organisations:network_edit", slug=network.slug)
        elif action == "remove_member":
            remove_form = NetworkMemberRemoveForm(request.POST, network=network)
            if remove_form.is_valid():
                organisation = remove_form.cleaned_data["organisation"]
                try:
                    services.network_member_remove(actor=request.user, network=network, organisation=organisation)
                except ValidationError as error:
                    messages.error(request, " ".join(error.messages))
                else:
                    messages.success(
                        request, _("%(organisation)s is no longer a member.") % {"organisation": organisation}
                    )
            return redirect("organisations:network_edit", slug=network.slug)
        if status == 200 and (form.errors or add_form.errors):
            status = 400
    return render(
        request,
        "organisations/network_form.html",
        {
            "network": network,
            "form": form,
            "add_form": add_form,
            "members": _network_members(network),
            "differences": differences,
        },
        status=status,
    )


urls = [
    path("organisations/", organisation_list, name="list"),
    path("organisations/<slug:slug>/", organisation_detail, name="detail"),
    path("organisations/<slug:slug>/edit/", organisation_edit, name="edit"),
    path("organisations/<slug:slug>/members/", organisation_members, name="members"),
    path("networks/", network_list, name="networks"),
    path("networks/new/", network_create, name="network_create"),
    path("networks/<slug:slug>/", network_detail, name="network"),
    path("networks/<slug:slug>/edit/", network_edit, name="network_edit"),
]
