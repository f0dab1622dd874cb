"""Races the answering form must survive, run with real threads on PostgreSQL (each thread its own connection).

A double click, two tabs and a client retrying after a time-out all send the same thing at once: concurrent saves
of one question must leave one answer and no error, two first openings one response, two submissions one
submission, and a save racing a submission must be either in the submitted response or refused, never lost in
between. SQLite serialises every writer (and its in-memory test database is not shared between threads), so these
run on PostgreSQL only: `DATABASE_URL=postgres://… pytest barometer/tests/test_answering_concurrency.py`.
"""

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from audit.models import ChangeRecord
from barometer.models import Answer, Invitation, Response, Round
from barometer.services.answering import (
    ResponseReadOnlyError,
    answer_save,
    response_open,
    response_submit,
)
from barometer.vocabulary import ResponseStatus

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="races need PostgreSQL (set DATABASE_URL)"),
]

THREADS = 8


def _fresh(invitation: Invitation) -> Invitation:
    return Invitation.objects.select_related("round__questionnaire_version", "frame_unit").get(pk=invitation.pk)


def _at_once(work: Callable[[int], Any], threads: int = THREADS) -> list[Any]:
    """Runs work(0) … work(n-1) in threads released together; returns each result or the exception it raised."""
    results: list[Any] = [None] * threads
    barrier = threading.Barrier(threads)
    from django.db import connections

    def run(index: int) -> None:
        try:
            barrier.wait()
            results[index] = work(index)
        except Exception as error:  # collected and checked by the test
            results[index] = error
        finally:
            connections.close_all()

    pool = [threading.Thread(target=run, args=(i,)) for i in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join(timeout=60)
    return results


def _invitation(round_: Round, number: int) -> Invitation:
    return Invitation.objects.create(
        round=round_,
        frame_unit=round_.frame.order_by("pk")[0],
        email=f"race{number}@example.org",
        token=f"race{number:039d}",
    )


def test_concurrent_first_openings_make_one_response(round_open: Round) -> None:
    invitation = _invitation(round_open, 1)
    results = _at_once(lambda i: response_open(invitation=_fresh(invitation)).pk)
    assert not [r for r in results if isinstance(r, Exception)], results
    assert len(set(results)) == 1
    assert Response.objects.filter(invitation=invitation).count() == 1


def test_concurrent_saves_of_one_question_leave_one_answer(round_open: Round) -> None:
    invitation = _invitation(round_open, 2)
    values = [f"vastaus {i}" for i in range(THREADS)]
    # No response yet: the saves also race to create it.
    results = _at_once(lambda i: answer_save(invitation=_fresh(invitation), question_code="comments", value=values[i]))
    assert not [r for r in results if isinstance(r, Exception)], results
    assert Response.objects.filter(invitation=invitation).count() == 1
    stored = Answer.objects.filter(response__invitation=invitation)
    assert stored.count() == 1
    assert stored.get().value in values


def test_concurrent_saves_of_different_questions_all_stay(round_open: Round) -> None:
    invitation = _invitation(round_open, 3)
    response_open(invitation=_fresh(invitation))
    given = {"kind": "municipality", "introduced": "yes", "types": ["service"], "staff": 7, "comments": "x"}
    codes = list(given)
    results = _at_once(
        lambda i: answer_save(invitation=_fresh(invitation), question_code=codes[i], value=given[codes[i]]),
        threads=len(codes),
    )
    assert not [r for r in results if isinstance(r, Exception)], results
    stored = dict(Answer.objects.filter(response__invitation=invitation).values_list("question__code", "value"))
    assert stored == given


def test_concurrent_submissions_make_one_submission(round_open: Round) -> None:
    invitation = _invitation(round_open, 4)
    answer_save(invitation=_fresh(invitation), question_code="kind", value="municipality")
    answer_save(invitation=_fresh(invitation), question_code="introduced", value="no")
    results = _at_once(lambda i: response_submit(invitation=_fresh(invitation)).already)
    assert not [r for r in results if isinstance(r, Exception)], results
    assert sorted(results) == [False] + [True] * (THREADS - 1)
    response = Response.objects.get(invitation=invitation)
    assert response.status == ResponseStatus.SUBMITTED
    assert ChangeRecord.objects.filter(object_id=response.pk, action="update").count() == 1


@pytest.mark.parametrize("attempt", range(6))
def test_a_save_racing_a_submission_is_in_it_or_refused(round_open: Round, attempt: int) -> None:
    invitation = _invitation(round_open, 10 + attempt)
    answer_save(invitation=_fresh(invitation), question_code="kind", value="municipality")
    answer_save(invitation=_fresh(invitation), question_code="introduced", value="no")

    def work(index: int) -> Any:
        if index == 0:
            return response_submit(invitation=_fresh(invitation))
        return answer_save(invitation=_fresh(invitation), question_code="comments", value=f"kommentti {attempt}")

    submission, saved = _at_once(work, threads=2)
    assert not isinstance(submission, Exception), submission
    stored = Answer.objects.filter(response__invitation=invitation, question__code="comments").first()
    if isinstance(saved, ResponseReadOnlyError):
        assert stored is None  # refused: not slipped into the submitted response
    else:
        assert not isinstance(saved, Exception), saved
        assert stored is not None  # acknowledged: part of the submission
        assert stored.value == f"kommentti {attempt}"
