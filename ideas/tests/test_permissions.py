"""Every role × action on challenges and ideas, through the rules the pages and services share."""

import datetime
from typing import Any

import pytest
from django.utils import timezone

from ideas.models import Challenge, Idea

ROLES = ["anonymous", "registered_user", "sender", "editor_a", "admin_a", "editor_b", "platform_admin"]


def _who(request: pytest.FixtureRequest, role: str) -> Any:
    return request.getfixturevalue(role)


# (role, expected) for each permission on an open public challenge that anyone may answer.
CHALLENGE_MATRIX = {
    "ideas.view_challenge": {r: True for r in ROLES},
    "ideas.send_idea": {r: True for r in ROLES},
    "ideas.change_challenge": {
        "anonymous": False,
        "registered_user": False,
        "sender": False,
        "editor_a": True,
        "admin_a": True,
        "editor_b": False,
        "platform_admin": True,
    },
}


@pytest.mark.parametrize("perm", sorted(CHALLENGE_MATRIX))
@pytest.mark.parametrize("role", ROLES)
def test_public_challenge(request: pytest.FixtureRequest, challenge_a: Challenge, role: str, perm: str) -> None:
    assert _who(request, role).has_perm(perm, challenge_a) is CHALLENGE_MATRIX[perm][role]


STAFF_ONLY = {"editor_a", "admin_a", "platform_admin"}


@pytest.mark.parametrize("role", ROLES)
def test_staff_challenge_is_seen_only_by_its_staff(
    request: pytest.FixtureRequest, staff_challenge_a: Challenge, role: str
) -> None:
    user = _who(request, role)
    assert user.has_perm("ideas.view_challenge", staff_challenge_a) is (role in STAFF_ONLY)
    assert user.has_perm("ideas.send_idea", staff_challenge_a) is (role in STAFF_ONLY)


@pytest.mark.parametrize("role", ROLES)
def test_draft_challenge_is_seen_only_by_the_owners_editors(
    request: pytest.FixtureRequest, draft_challenge_a: Challenge, role: str
) -> None:
    user = _who(request, role)
    assert user.has_perm("ideas.view_challenge", draft_challenge_a) is (role in STAFF_ONLY)
    # Nobody sends ideas to a draft, except the platform administrator who passes every check.
    assert user.has_perm("ideas.send_idea", draft_challenge_a) is (role == "platform_admin")


@pytest.mark.parametrize("role", ROLES)
def test_registered_only_challenge_refuses_anonymous_senders(
    request: pytest.FixtureRequest, registered_only_a: Challenge, role: str
) -> None:
    assert _who(request, role).has_perm("ideas.send_idea", registered_only_a) is (role != "anonymous")


HANDLERS = {"editor_a", "admin_a", "platform_admin"}
IDEA_MATRIX = {
    "ideas.view_idea": set(ROLES),
    "ideas.handle_idea": HANDLERS,
    "ideas.view_sender": HANDLERS,
    "ideas.change_idea": {"sender", "platform_admin"},
    "ideas.delete_idea": {"sender", "platform_admin"},
    "ideas.take_part": set(ROLES) - {"anonymous"},
}


@pytest.mark.parametrize("perm", sorted(IDEA_MATRIX))
@pytest.mark.parametrize("role", ROLES)
def test_confirmed_idea(request: pytest.FixtureRequest, idea_a: Idea, role: str, perm: str) -> None:
    assert _who(request, role).has_perm(perm, idea_a) is (role in IDEA_MATRIX[perm])


@pytest.mark.parametrize("role", ROLES)
def test_unconfirmed_idea_is_seen_only_by_handlers(
    request: pytest.FixtureRequest, unconfirmed_a: Idea, role: str
) -> None:
    user = _who(request, role)
    assert user.has_perm("ideas.view_idea", unconfirmed_a) is (role in HANDLERS)
    assert user.has_perm("ideas.take_part", unconfirmed_a) is (role == "platform_admin")


def test_named_handler_of_the_challenge_handles_its_ideas(idea_a: Idea, registered_user: Any) -> None:
    assert not registered_user.has_perm("ideas.handle_idea", idea_a)
    assert idea_a.challenge is not None
    idea_a.challenge.handlers.add(registered_user)
    fresh = Idea.objects.get(pk=idea_a.pk)
    assert registered_user.has_perm("ideas.handle_idea", fresh)
    assert registered_user.has_perm("ideas.view_sender", fresh)


def test_ideas_of_a_staff_challenge_are_hidden_from_outsiders(
    staff_challenge_a: Challenge, editor_a: Any, editor_b: Any, registered_user: Any
) -> None:
    from ideas.services import ideas as services

    idea = services.idea_send(actor=editor_a, challenge=staff_challenge_a, title="Sisäinen", text="Vain meille")
    assert editor_a.has_perm("ideas.view_idea", idea)
    assert not editor_b.has_perm("ideas.view_idea", idea)
    assert not registered_user.has_perm("ideas.view_idea", idea)


@pytest.mark.parametrize(
    ("opens", "closes", "allowed"),
    [(-5, 5, True), (0, 0, True), (1, 10, False), (-10, -1, False), (None, -1, False), (-1, None, True)],
)
def test_ideas_are_taken_only_between_the_dates(
    challenge_a: Challenge, registered_user: Any, opens: int | None, closes: int | None, allowed: bool
) -> None:
    today = timezone.localdate()
    challenge_a.opens_on = today + datetime.timedelta(days=opens) if opens is not None else None
    challenge_a.closes_on = today + datetime.timedelta(days=closes) if closes is not None else None
    assert registered_user.has_perm("ideas.send_idea", challenge_a) is allowed
