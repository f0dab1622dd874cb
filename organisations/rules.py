"""Permission rules for organisations and networks (django-rules). Superusers pass every check."""

import rules

from accounts import roles


@rules.predicate
def is_admin_of_organisation(user, organisation) -> bool:
    return organisation is not None and roles.is_admin(user, organisation.pk)


@rules.predicate
def is_admin_of_coordinator(user, network) -> bool:
    return network is not None and network.coordinator_id is not None and roles.is_admin(user, network.coordinator_id)


rules.add_perm("organisations.change_organisation", is_admin_of_organisation)
rules.add_perm("organisations.change_network", is_admin_of_coordinator)
# Creating organisations and networks is the platform administrators' job (superusers only).
