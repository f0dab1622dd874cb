"""Permission rules for innovations (django-rules). Platform administrators (superusers) pass every check."""

import rules

from accounts import roles
from accounts.models import Actor
from records.rules import (
    is_admin_of_owner,
    is_editor_of_organisation,
    is_editor_of_owner,
    is_member_of_owner,
    is_published,
)


@rules.predicate
def edits_some_organisation(user: Actor) -> bool:
    return bool(roles.editable_organisation_ids(user))


# Drafts are visible only inside the owning organisation; published records are public.
rules.add_perm("innovations.view_innovation", is_published | is_member_of_owner)
rules.add_perm("innovations.change_innovation", is_editor_of_owner)
rules.add_perm("innovations.delete_innovation", is_admin_of_owner)
# The change log names people, so it is shown to those who work on the record, not to the public.
rules.add_perm("innovations.view_changes", is_member_of_owner)
# With an organisation as the object: may this person record innovations for it?
rules.add_perm("innovations.add_innovation_for", is_editor_of_organisation)
# Without an object: may this person adopt at all (for one of their organisations)?
rules.add_perm("innovations.adopt_innovation", edits_some_organisation)
