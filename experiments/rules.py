"""Permission rules for experiments (django-rules). Platform administrators (superusers) pass every check."""

import rules

from records.rules import (
    is_admin_of_owner,
    is_editor_of_organisation,
    is_editor_of_owner,
    is_member_of_owner,
    is_published,
)

# Drafts are visible only inside the owning organisation; published experiments are public, failed ones too.
rules.add_perm("experiments.view_experiment", is_published | is_member_of_owner)
rules.add_perm("experiments.change_experiment", is_editor_of_owner)
rules.add_perm("experiments.delete_experiment", is_admin_of_owner)
rules.add_perm("experiments.view_changes", is_member_of_owner)
# With an organisation as the object: may this person record experiments for it?
rules.add_perm("experiments.add_experiment_for", is_editor_of_organisation)
