"""The challenge and idea fixtures of the ideas tests, and people who support an idea."""

from typing import Any

import pytest

from ideas import services as idea_services
from ideas.models import Challenge, Idea
from ideas.tests import conftest as ideas_fixtures
from tests.factories import UserFactory

# The ideas tests' fixtures, shared under the same names.
_fresh_rate_limits = ideas_fixtures._fresh_rate_limits
challenge_a = ideas_fixtures.challenge_a
idea_a = ideas_fixtures.idea_a
sender = ideas_fixtures.sender
unconfirmed_a = ideas_fixtures.unconfirmed_a


@pytest.fixture
def supporters(idea_a: Idea) -> list[Any]:
    people = [UserFactory(), UserFactory()]
    for person in people:
        assert idea_services.support_add(actor=person, idea=idea_a)
    return people


@pytest.fixture
def anonymous_idea(challenge_a: Challenge, anonymous: Any) -> Idea:
    """A confirmed idea of a sender without an account."""
    idea = idea_services.idea_send(
        actor=anonymous,
        challenge=challenge_a,
        title="Kirjastobussi",
        text="Bussi kyliin",
        sender_email="Anna@Example.fi",
    )
    confirmed = idea_services.idea_confirm(token=idea.confirmation_token)
    assert confirmed is not None
    return confirmed
