"""Permission rules for the barometer (django-rules). Platform administrators (superusers) pass every check.

The barometer team of a questionnaire or round is its organiser's editors and administrators. Respondents
need no account: their personal invitation link is their key (see answering/views.py).
"""

from typing import Any

import rules

from accounts import roles
from accounts.models import Actor


@rules.predicate
def is_organiser_editor(user: Actor, obj: Any) -> bool:
    return obj is not None and roles.is_editor(user, obj.organiser_id)


@rules.predicate
def is_organiser_admin(user: Actor, obj: Any) -> bool:
    return obj is not None and roles.is_admin(user, obj.organiser_id)


@rules.predicate
def is_published_round(user: Actor, round_: Any) -> bool:
    from barometer.vocabulary import RoundStatus

    return round_ is not None and round_.status == RoundStatus.PUBLISHED


# Questionnaires (object: Questionnaire).
rules.add_perm("barometer.change_questionnaire", is_organiser_editor)
# Rounds (object: Round): run it (frame, invitations, reminders, dashboard, imports).
rules.add_perm("barometer.manage_round", is_organiser_editor)
# Reopening a submitted response and deleting a round are for the organiser's administrators.
rules.add_perm("barometer.reopen_response", is_organiser_admin)
rules.add_perm("barometer.delete_round", is_organiser_admin)
# Results: public once published; the team sees them (unsuppressed, weighted) while the round runs.
rules.add_perm("barometer.view_results", is_published_round | is_organiser_editor)
