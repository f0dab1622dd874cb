"""Permission rules for organisations and networks (django-rules). Superusers pass every check."""

import rules

from accounts import roles
from accounts.models import Actor
from organisations.models import Network, Organisation


@rules.predicate
def is_admin_of_organisation(user: Actor, organisation: Organisation | None) -> bool:
    return organisation is not None and roles.is_admin(user, organisation.pk)


@rules.predicate
def is_admin_of_coordinator(user: Actor, network: Network | None) -> bool:
    return network is not None and network.coordinator_id is not None and roles.is_admin(user, network.coordinator_id)


@rules.predicate
def administers_an_organisation(user: Actor) -> bool:
    return bool(roles.administered_organisation_ids(user))


rules.add_perm("organisations.change_organisation", is_admin_of_organisation)
rules.add_perm("organisations.change_network", is_admin_of_coordinator)
# An organisation's administrators may start a network that their organisation coordinates (services check which
# organisation); creating organisations is the platform administrators' job (superusers only).
rules.add_perm("organisations.add_network", administers_an_organisation)
