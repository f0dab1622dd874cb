"""Races the answering form must survive, run with real threads on PostgreSQL (each thread its own connection).

A double click, two tabs and a client retrying after a time-out all send the same thing at once: concurrent saves
of one question must leave one answer and no error, two first openings one response, two submissions one
submission, and a save racing a submission must be either in the submitted response or refused, never lost in
between. SQLite serialises every writer (and its in-memory test database is not shared between threads), so these
run on PostgreSQL only: `DATABASE_URL=postgres://… pytest barometer/tests/test_answering_concurrency.py`.
"""

from typing import Any

import pytest

from audit.models import ChangeRecord
from barometer.answering.services import (
    ResponseReadOnlyError,
    answer_save,
    response_open,
    response_submit,
)
from barometer.models import Answer, Invitation, Response, Round
from barometer.vocabulary import ResponseStatus
from tests.concurrency import at_once, postgres_only

pytestmark = [
    pytest.mark.django_db(transaction=True),
    postgres_only,
]

THREADS = 8


def _fresh(invitation: Invitation) -> Invitation:
    return Invitation.objects.select_related("round__questionnaire_version", "frame_unit").get(pk=invitation.pk)


def _invitation(round_: Round, number: int) -> Invitation:
    return Invitation.objects.create(
        round=round_,
        frame_unit=round_.frame.order_by("pk")[0],
        email=f"race{number}@example.org",
        token=f"race{number:039d}",
    )


def test_concurrent_first_openings_make_one_response(round_open: Round) -> None:
    invitation = _invitation(round_open, 1)
    results = at_once(lambda i: response_open(invitation=_fresh(invitation)).pk, THREADS)
    assert not [r for r in results if isinstance(r, Exception)], results
    assert len(set(results)) == 1
    assert Response.objects.filter(invitation=invitation).count() == 1


def test_concurrent_saves_of_one_question_leave_one_answer(round_open: Round) -> None:
    invitation = _invitation(round_open, 2)
    values = [f"vastaus {i}" for i in range(THREADS)]
    # No response yet: the saves also race to create it.
    results = at_once(
        lambda i: answer_save(invitation=_fresh(invitation), question_code="comments", value=values[i]), THREADS
    )
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
    results = at_once(
        lambda i: answer_save(invitation=_fresh(invitation), question_code=codes[i], value=given[codes[i]]), len(codes)
    )
    assert not [r for r in results if isinstance(r, Exception)], results
    stored = dict(Answer.objects.filter(response__invitation=invitation).values_list("question__code", "value"))
    assert stored == given


def test_concurrent_submissions_make_one_submission(round_open: Round) -> None:
    invitation = _invitation(round_open, 4)
    answer_save(invitation=_fresh(invitation), question_code="kind", value="municipality")
    answer_save(invitation=_fresh(invitation), question_code="introduced", value="no")
    results = at_once(lambda i: response_submit(invitation=_fresh(invitation)).already, THREADS)
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

    submission, saved = at_once(work, 2)
    assert not isinstance(submission, Exception), submission
    stored = Answer.objects.filter(response__invitation=invitation, question__code="comments").first()
    if isinstance(saved, ResponseReadOnlyError):
        assert stored is None  # refused: not slipped into the submitted response
    else:
        assert not isinstance(saved, Exception), saved
        assert stored is not None  # acknowledged: part of the submission
        assert stored.value == f"kommentti {attempt}"
