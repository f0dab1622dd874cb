"""Who may see an organisation's Lab portfolio (django-rules): its own people (editors and administrators).
Platform administrators (superusers) pass every check."""

from typing import Any

import rules

from accounts import roles


@rules.predicate
def is_member_of_organisation(user: Any, organisation: Any) -> bool:
    return organisation is not None and roles.is_member(user, organisation.pk)


# With an organisation as the object. Challenge handlers from outside it and idea senders are not its people:
# the portfolio shows drafts, hidden states and partners that only the organisation itself may see.
rules.add_perm("lab.view_portfolio", is_member_of_organisation)
