"""Writes to organisations and networks: permission, validation, one transaction, optimistic locking, change log."""

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from accounts import roles, two_factor_policy
from accounts.models import Actor, User
from audit.models import Action
from audit.services import change_record, diff
from core import events
from core.models import Theme
from core.permissions import require
from core.text_limits import checks_text_sizes
from core.translated import first_translation
from organisations.models import Network, NetworkMembership, Organisation
from records import services as records

ORGANISATION_FIELDS = (
    "kind",
    "name_fi",
    "name_sv",
    "name_en",
    "description_fi",
    "description_sv",
    "description_en",
    "municipality_code",
    "business_id",
    "region",
    "wellbeing_county",
    "population",
    "website",
    # Only its administrators and platform administrators change it (organisation_update's permission).
    "requires_two_factor",
)
NETWORK_FIELDS = (
    "name_fi",
    "name_sv",
    "name_en",
    "description_fi",
    "description_sv",
    "description_en",
    "coordinator",
    "agreement_start",
    "agreement_end",
    "website",
)


RESERVED_SLUGS = frozenset({"new", "join", "join-requests"})


def unique_slug(model: type[Organisation] | type[Network], name: str) -> str:
    base = slugify(name)[:100] or "x"
    slug, n = base, 1
    # Addresses of pages: "new" starts a network, "join" and "join-requests" are the requests to join.
    while slug in RESERVED_SLUGS or model.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def _clean_value(field: str, value: Any) -> Any:
    if isinstance(value, str):
        value = value.strip()
    # Empty identifiers are stored as NULL so that the unique constraints allow many blanks.
    if field in ("municipality_code", "business_id") and not value:
        value = None
    return value


def _apply(obj: Any, data: Mapping[str, Any], allowed: Iterable[str]) -> None:
    records.apply_fields(obj, data, allowed, _clean_value)
    if not first_translation(obj, "name"):
        raise ValidationError({"name_fi": _("Give a name in at least one language.")})


@checks_text_sizes(Organisation)
@transaction.atomic
def organisation_create(*, actor: Actor, data: Mapping[str, Any]) -> Organisation:
    require(actor, "organisations.add_organisation")
    organisation = Organisation()
    _apply(organisation, data, ORGANISATION_FIELDS)
    organisation.slug = unique_slug(Organisation, first_translation(organisation, "name"))
    organisation.full_clean()
    organisation.save()
    change_record(
        obj=organisation,
        actor=actor,
        action=Action.CREATE,
        changes=diff({}, records.snapshot(organisation, ORGANISATION_FIELDS)),
    )
    return organisation


@checks_text_sizes(Organisation)
@transaction.atomic
def organisation_update(
    *, actor: Actor, organisation: Organisation, expected_version: int, data: Mapping[str, Any]
) -> Organisation:
    require(actor, "organisations.change_organisation", organisation)
    current: Organisation = records.lock_at_version(Organisation.objects, organisation.pk, expected_version)
    before = records.snapshot(current, ORGANISATION_FIELDS)
    size_class_before = current.size_class
    _apply(current, data, ORGANISATION_FIELDS)
    switched_on = current.requires_two_factor and not before["requires_two_factor"]
    # Anonymous people never get this far (require above); the check is for mypy.
    if switched_on and isinstance(actor, User) and (refusal := two_factor_policy.may_require(actor, current)):
        raise ValidationError({"requires_two_factor": refusal})
    current.full_clean()
    # Its members' User.two_factor_required follow (accounts.two_factor_policy's signal).
    records.save_new_version(current)
    # The name is in its innovations' search documents, kind and region are catalogue facets, and the diffusion
    # figures group organisations by region, size class (derived from the population on save) and kind: the
    # innovations and diffusion apps react (core/events.py).
    changed = {field for field in ("kind", "region") if before[field] != getattr(current, field)}
    if any(before[f"name_{lang}"] != getattr(current, f"name_{lang}") for lang in ("fi", "sv", "en")):
        changed.add("name")
    if size_class_before != current.size_class:
        changed.add("size_class")
    if changed:
        events.announce_organisations_changed(organisation_ids=[current.pk], fields=changed)
    change_record(
        obj=current,
        actor=actor,
        action=Action.UPDATE,
        changes=diff(before, records.snapshot(current, ORGANISATION_FIELDS)),
    )
    return current


def _require_coordinator_choice(actor: Actor, coordinator: Organisation | None, members: Iterable[int] = ()) -> None:
    """Who may be named coordinator: anyone by platform administrators; otherwise an organisation the person
    administers or (handing the network over) one of its members."""
    if actor.is_superuser:
        return
    if coordinator is None:
        raise ValidationError({"coordinator": _("Choose the organisation that coordinates the network.")})
    if coordinator.pk not in roles.administered_organisation_ids(actor) and coordinator.pk not in set(members):
        raise ValidationError(
            {"coordinator": _("The coordinator must be an organisation you administer or a member of the network.")}
        )


@checks_text_sizes(Network)
@transaction.atomic
def network_create(
    *, actor: Actor, data: Mapping[str, Any], themes: Iterable[Theme] = (), coordinator_joins: bool = False
) -> Network:
    """A new network; `coordinator_joins`: its coordinator becomes its first member (as on the page that starts
    one; an import of an existing network lists the members it has)."""
    require(actor, "organisations.add_network")
    network = Network()
    _apply(network, data, NETWORK_FIELDS)
    _require_coordinator_choice(actor, network.coordinator)
    network.slug = unique_slug(Network, first_translation(network, "name"))
    network.full_clean()
    network.save()
    network.themes.set(list(themes))
    if coordinator_joins and network.coordinator is not None:
        NetworkMembership.objects.create(network=network, organisation=network.coordinator)
    change_record(
        obj=network, actor=actor, action=Action.CREATE, changes=diff({}, records.snapshot(network, NETWORK_FIELDS))
    )
    return network


@checks_text_sizes(Network)
@transaction.atomic
def network_update(
    *,
    actor: Actor,
    network: Network,
    expected_version: int,
    data: Mapping[str, Any],
    themes: Iterable[Theme] | None = None,
) -> Network:
    require(actor, "organisations.change_network", network)
    current: Network = records.lock_at_version(Network.objects, network.pk, expected_version)
    before = records.snapshot(current, NETWORK_FIELDS)
    _apply(current, data, NETWORK_FIELDS)
    before_coordinator = before["coordinator"].pk if before["coordinator"] is not None else None
    if current.coordinator_id != before_coordinator:  # handing the network over
        members = NetworkMembership.objects.filter(network=current).values_list("organisation_id", flat=True)
        _require_coordinator_choice(actor, current.coordinator, list(members))
    current.full_clean()
    records.save_new_version(current)
    if themes is not None:
        current.themes.set(list(themes))
    change_record(
        obj=current, actor=actor, action=Action.UPDATE, changes=diff(before, records.snapshot(current, NETWORK_FIELDS))
    )
    return current


@transaction.atomic
def network_member_add(
    *, actor: Actor, network: Network, organisation: Organisation, joined_on: Any = None
) -> NetworkMembership:
    require(actor, "organisations.change_network", network)
    membership, created = NetworkMembership.objects.get_or_create(
        network=network, organisation=organisation, defaults={"joined_on": joined_on}
    )
    if not created:
        raise ValidationError(
            {"organisation": _("%(organisation)s is already a member.") % {"organisation": organisation}}
        )
    # What to adopt next compares organisations by their networks.
    events.announce_organisations_changed(organisation_ids=[organisation.pk], fields={"networks"})
    change_record(obj=network, actor=actor, action=Action.UPDATE, changes={"members": [None, str(organisation)]})
    return membership


@transaction.atomic
def network_member_remove(*, actor: Actor, network: Network, organisation: Organisation) -> None:
    require(actor, "organisations.change_network", network)
    if organisation.pk == network.coordinator_id:
        raise ValidationError(
            {"organisation": _("The coordinator cannot leave the network. Hand the coordination over first.")}
        )
    deleted, _count = NetworkMembership.objects.filter(network=network, organisation=organisation).delete()
    if deleted:
        events.announce_organisations_changed(organisation_ids=[organisation.pk], fields={"networks"})
        change_record(obj=network, actor=actor, action=Action.UPDATE, changes={"members": [str(organisation), None]})
