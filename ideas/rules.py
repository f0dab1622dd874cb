"""Permission rules for challenges and ideas (django-rules). Platform administrators (superusers) pass every check.

A challenge's audience decides who sees it (public, signed-in people, or the owner's own staff); its participation
rule decides who may send ideas (anyone, or registered users). Comments and supports always need a signed-in
person: one support per person needs to know the person. Handlers are the challenge's named handlers and the
editors of the organisation the idea was sent to; only they see a sender's e-mail address.
"""

from typing import Any

import rules
from django.utils import timezone

from accounts import roles
from ideas.models import Audience, ChallengeStatus, Idea, IdeaState, Participation


def _is_staff_of(user: Any, challenge: Any) -> bool:
    return roles.is_member(user, challenge.owner_id)


@rules.predicate
def challenge_is_visible(user: Any, challenge: Any) -> bool:
    if challenge is None:
        return False
    if challenge.status == ChallengeStatus.DRAFT:
        return roles.is_editor(user, challenge.owner_id)
    if challenge.audience == Audience.REGISTERED:
        return bool(getattr(user, "is_authenticated", False))
    if challenge.audience == Audience.STAFF:
        return _is_staff_of(user, challenge)
    return True


@rules.predicate
def is_editor_of_challenge_owner(user: Any, challenge: Any) -> bool:
    return challenge is not None and roles.is_editor(user, challenge.owner_id)


@rules.predicate
def may_send_to_challenge(user: Any, challenge: Any) -> bool:
    if challenge is None or challenge.status != ChallengeStatus.OPEN or not challenge_is_visible(user, challenge):
        return False
    today = timezone.localdate()
    if (challenge.opens_on and today < challenge.opens_on) or (challenge.closes_on and today > challenge.closes_on):
        return False
    return challenge.participation == Participation.ANYONE or bool(getattr(user, "is_authenticated", False))


@rules.predicate
def is_handler(user: Any, idea: Any) -> bool:
    if idea is None or not getattr(user, "is_authenticated", False):
        return False
    if roles.is_editor(user, idea.organisation_id):
        return True
    return idea.challenge_id is not None and idea.challenge.handlers.filter(pk=user.pk).exists()


@rules.predicate
def is_sender(user: Any, idea: Any) -> bool:
    return idea is not None and getattr(user, "is_authenticated", False) and idea.sender_id == user.pk


@rules.predicate
def idea_is_public(user: Any, idea: Any) -> bool:
    if idea is None or not idea.confirmed:
        return False
    return idea.challenge_id is None or challenge_is_visible(user, idea.challenge)


@rules.predicate
def idea_unhandled(user: Any, idea: Any) -> bool:
    return idea is not None and idea.state == IdeaState.RECEIVED


@rules.predicate
def may_take_part(user: Any, idea: Any) -> bool:
    """Comment and support: a signed-in person who sees the idea, while its challenge (if any) is open."""
    if not isinstance(idea, Idea) or not getattr(user, "is_authenticated", False) or not idea.confirmed:
        return False
    if idea.challenge_id is None:
        return True
    challenge = idea.challenge
    return challenge is not None and challenge.status == ChallengeStatus.OPEN and challenge_is_visible(user, challenge)


rules.add_perm("ideas.view_challenge", challenge_is_visible)
rules.add_perm("ideas.change_challenge", is_editor_of_challenge_owner)
rules.add_perm("ideas.send_idea", may_send_to_challenge)
rules.add_perm("ideas.view_idea", idea_is_public | is_handler | is_sender)
rules.add_perm("ideas.handle_idea", is_handler)
rules.add_perm("ideas.view_sender", is_handler)
rules.add_perm("ideas.change_idea", is_sender & idea_unhandled)
# The sender may delete what they sent at any time (their own data); comments and supports go with it.
rules.add_perm("ideas.delete_idea", is_sender)
rules.add_perm("ideas.take_part", (idea_is_public | is_handler) & may_take_part)


@rules.predicate
def is_editor_of_organisation(user: Any, organisation: Any) -> bool:
    return organisation is not None and roles.is_editor(user, organisation.pk)


# With an organisation as the object: may this person open challenges for it?
rules.add_perm("ideas.add_challenge_for", is_editor_of_organisation)
rules.add_perm("ideas.manage_idea_states", is_editor_of_organisation)  # the organisation's own idea states (H2)
rules.add_perm("ideas.manage_banned_words", is_editor_of_organisation)  # the organisation's banned words (H3)
