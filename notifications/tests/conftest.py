"""The challenge and idea fixtures of the ideas tests, and people who support an idea."""

from typing import Any

import pytest

from ideas.models import Challenge, Idea
from ideas.services import ideas as idea_services
from ideas.tests import conftest as ideas_fixtures
from notifications.models import Change, Notification
from tests.factories import UserFactory

# The ideas tests' fixtures, shared under the same names.
_fresh_rate_limits = ideas_fixtures._fresh_rate_limits
challenge_a = ideas_fixtures.challenge_a
sender = ideas_fixtures.sender
unconfirmed_a = ideas_fixtures.unconfirmed_a


def without_handler_news() -> None:
    """The tests of what senders and supporters are told start without the handlers' news of a new idea
    (test_handlers_and_owners.py tests that)."""
    Notification.objects.filter(change=Change.NEW_IDEA).delete()


@pytest.fixture
def idea_a(challenge_a: Challenge, sender: Any) -> Idea:
    """A confirmed idea of a signed-in sender, still "received"."""
    idea = idea_services.idea_send(
        actor=sender, challenge=challenge_a, title="Kylätalo", text="<p>Yhteinen kylätalo</p>"
    )
    without_handler_news()
    return idea


@pytest.fixture
def supporters(idea_a: Idea) -> list[Any]:
    people = [UserFactory.create(), UserFactory.create()]
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
    without_handler_news()
    return confirmed
