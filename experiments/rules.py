"""Permission rules for experiments (django-rules). Platform administrators (superusers) pass every check."""

import rules

from accounts import roles
from innovations.vocabulary import Status


@rules.predicate
def is_published(user, experiment) -> bool:
    return experiment is not None and experiment.status == Status.PUBLISHED


@rules.predicate
def is_member_of_owner(user, experiment) -> bool:
    return experiment is not None and roles.is_member(user, experiment.owner_id)


@rules.predicate
def is_editor_of_owner(user, experiment) -> bool:
    return experiment is not None and roles.is_editor(user, experiment.owner_id)


@rules.predicate
def is_admin_of_owner(user, experiment) -> bool:
    return experiment is not None and roles.is_admin(user, experiment.owner_id)


@rules.predicate
def is_editor_of_organisation(user, organisation) -> bool:
    return organisation is not None and roles.is_editor(user, organisation.pk)


# Drafts are visible only inside the owning organisation; published experiments are public, failed ones too.
rules.add_perm("experiments.view_experiment", is_published | is_member_of_owner)
rules.add_perm("experiments.change_experiment", is_editor_of_owner)
rules.add_perm("experiments.delete_experiment", is_admin_of_owner)
rules.add_perm("experiments.view_changes", is_member_of_owner)
# With an organisation as the object: may this person record experiments for it?
rules.add_perm("experiments.add_experiment_for", is_editor_of_organisation)
