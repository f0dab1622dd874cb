"""Races of supports and comments, run with real threads on PostgreSQL (each thread its own connection).

A double click or two tabs send the same support at once: exactly one support must be stored and nobody gets an
error. SQLite serialises every writer (and its in-memory test database is not shared between threads), so these
run on PostgreSQL only: `DATABASE_URL=postgres://… pytest ideas/tests/test_concurrency.py`.
"""

from typing import Any

import pytest

from ideas.models import Comment, Idea, Support
from ideas.services import ideas as services
from tests.concurrency import at_once, postgres_only
from tests.factories import UserFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    postgres_only,
]

THREADS = 8


def _fresh(idea: Idea) -> Idea:
    return Idea.objects.select_related("challenge").get(pk=idea.pk)


def test_concurrent_supports_of_one_person_make_exactly_one(idea_a: Idea) -> None:
    supporter: Any = UserFactory()
    results = at_once(lambda i: services.support_add(actor=supporter, idea=_fresh(idea_a)), THREADS)
    assert not [r for r in results if isinstance(r, Exception)], results
    assert results.count(True) == 1
    assert results.count(False) == THREADS - 1
    assert Support.objects.filter(idea=idea_a, user=supporter).count() == 1


def test_concurrent_supports_of_different_people_are_all_kept(idea_a: Idea) -> None:
    people = [UserFactory.create() for _ in range(THREADS)]
    results = at_once(lambda i: services.support_add(actor=people[i], idea=_fresh(idea_a)), THREADS)
    assert results == [True] * THREADS
    assert Support.objects.filter(idea=idea_a).count() == THREADS


def test_concurrent_comments_are_all_kept_once(idea_a: Idea) -> None:
    author = UserFactory.create()
    results = at_once(lambda i: services.comment_add(actor=author, idea=_fresh(idea_a), text=f"Kommentti {i}"), THREADS)
    assert not [r for r in results if isinstance(r, Exception)], results
    texts = sorted(Comment.objects.filter(idea=idea_a).values_list("text", flat=True))
    assert texts == sorted(f"Kommentti {i}" for i in range(THREADS))
