"""The respondent's writes: a response per invitation, answers saved one by one, page saves, submission once."""

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from audit.models import ChangeRecord
from barometer.answering.services import (
    ResponseReadOnlyError,
    answer_save,
    answers_save,
    response_answers,
    response_open,
    response_set_section,
    response_submit,
    round_state,
)
from barometer.models import Answer, FrameUnit, Invitation, Question, Response, Round
from barometer.vocabulary import ResponseStatus, RoundStatus

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2025, 3, 10)


def _fresh(invitation: Invitation) -> Invitation:
    """The invitation as a view finds it (nothing cached from an earlier call)."""
    return Invitation.objects.select_related("round__questionnaire_version", "frame_unit").get(pk=invitation.pk)


def _answers(invitation: Invitation) -> dict[str, Any]:
    return response_answers(Response.objects.get(invitation=invitation))


# --- the round's state -------------------------------------------------------------------------------------------


def _round(**fields: Any) -> Round:
    values: dict[str, Any] = {
        "status": RoundStatus.OPEN,
        "opens_on": datetime.date(2025, 3, 1),
        "closes_on": datetime.date(2025, 3, 31),
    }
    values.update(fields)
    return Round(**values)


@pytest.mark.parametrize(
    ("fields", "accepts", "reason", "date"),
    [
        ({}, True, "", None),
        ({"status": RoundStatus.DRAFT}, False, "not_yet", datetime.date(2025, 3, 1)),
        ({"opens_on": datetime.date(2025, 3, 11)}, False, "not_yet", datetime.date(2025, 3, 11)),
        ({"closes_on": datetime.date(2025, 3, 9)}, False, "closed", datetime.date(2025, 3, 9)),
        ({"closes_on": TODAY}, True, "", None),  # the closing day is the last day to answer
        ({"status": RoundStatus.CLOSED}, False, "closed", datetime.date(2025, 3, 31)),
        ({"status": RoundStatus.PUBLISHED}, False, "closed", datetime.date(2025, 3, 31)),
    ],
)
def test_round_takes_answers_when_open_and_within_its_dates(fields, accepts, reason, date) -> None:
    state = round_state(_round(**fields), TODAY)
    assert (state.accepts_answers, state.reason, state.date) == (accepts, reason, date)


# --- opening ----------------------------------------------------------------------------------------------------


def test_first_opening_creates_the_response_and_later_ones_find_it(invitation_b: Invitation) -> None:
    with translation.override("sv"):
        first = response_open(invitation=_fresh(invitation_b))
    again = response_open(invitation=_fresh(invitation_b))
    assert first.pk == again.pk
    assert Response.objects.filter(invitation=invitation_b).count() == 1
    assert (first.round_id, first.frame_unit_id, first.language) == (
        invitation_b.round_id,
        invitation_b.frame_unit_id,
        "sv",
    )
    assert first.status == ResponseStatus.IN_PROGRESS
    # The response's own record: the small questionnaire's import records its questionnaire and version too.
    assert ChangeRecord.objects.filter(content_type__model="response", object_id=first.pk, action="create").count() == 1


def test_each_invitation_of_an_organisation_has_its_own_response(round_open: Round, invitation_b: Invitation) -> None:
    second = Invitation.objects.create(
        round=round_open, frame_unit=invitation_b.frame_unit, email="toinen@example.org", token="u" * 43
    )
    answer_save(invitation=_fresh(invitation_b), question_code="introduced", value="yes")
    answer_save(invitation=_fresh(second), question_code="introduced", value="no")
    assert _answers(invitation_b) == {"introduced": "yes"}
    assert _answers(second) == {"introduced": "no"}
    assert Response.objects.filter(frame_unit=invitation_b.frame_unit).count() == 2


# --- saving one answer --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "given", "stored"),
    [
        ("kind", "municipality", "municipality"),
        ("types", ["process", "service", "process"], ["service", "process"]),
        ("enablers", {"technology": "large", "competence": ""}, {"technology": "large"}),
        ("staff", "1 234,5", 1234.5),
        ("comments", "  Hyvä kysely.  ", "Hyvä kysely."),
    ],
)
def test_an_answer_is_stored_in_its_canonical_shape(invitation_b: Invitation, code: str, given: Any, stored: Any):
    assert answer_save(invitation=_fresh(invitation_b), question_code=code, value=given) == stored
    assert _answers(invitation_b) == {code: stored}


def test_saving_again_replaces_and_an_empty_answer_removes(invitation_b: Invitation) -> None:
    answer_save(invitation=_fresh(invitation_b), question_code="introduced", value="yes")
    answer_save(invitation=_fresh(invitation_b), question_code="introduced", value="no")
    assert Answer.objects.filter(response__invitation=invitation_b).count() == 1
    assert _answers(invitation_b) == {"introduced": "no"}
    assert answer_save(invitation=_fresh(invitation_b), question_code="introduced", value="") is None
    assert _answers(invitation_b) == {}


@pytest.mark.parametrize(
    ("language", "code", "value", "error", "message"),
    [
        ("en", "staff", "many", "not_a_number", "“many” is not a number. Write a number, for example 12.5."),
        ("en", "staff", "-1", "too_small", "The number must be at least 0."),
        ("en", "staff", "100001", "too_large", "The number must be at most 100,000."),
        ("en", "kind", "city", "unknown_choice", "“city” is not one of the options. Choose one of the options shown."),
        ("en", "enablers", {"price": "large"}, "unknown_item", "“price” is not a row of this question."),
        ("en", "enablers", "large", "not_a_grid", "Choose one option on each row."),
        ("en", "comments", 12, "not_text", "Write the answer as text."),
        ("en", "nosuch", "x", "unknown_question", "There is no such question in this survey."),
    ],
)
def test_an_answer_that_does_not_fit_is_refused_with_a_message(invitation_b, language, code, value, error, message):
    with translation.override(language), pytest.raises(ValidationError) as refused:
        answer_save(invitation=_fresh(invitation_b), question_code=code, value=value)
    assert refused.value.code == error
    assert refused.value.messages == [message]
    assert not Answer.objects.exists()


def test_the_exclusive_option_is_named_by_its_label(invitation_b: Invitation) -> None:
    types = invitation_b.round.questionnaire_version.questions.get(code="types")
    types.choices.filter(code="dont_know").update(exclusive=True, label_en="Don't know")
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        answer_save(invitation=_fresh(invitation_b), question_code="types", value=["service", "dont_know"])
    assert refused.value.messages == ["“Don't know” cannot be chosen together with other options."]


def test_the_text_length_limit_is_written_in_the_respondents_notation(invitation_b: Invitation) -> None:
    for language, limit in (("en", "10,000"), ("fi", "10\xa0000")):
        with translation.override(language), pytest.raises(ValidationError) as refused:
            answer_save(invitation=_fresh(invitation_b), question_code="comments", value="x" * 10_001)
        assert refused.value.code == "text_too_long"
        assert limit in refused.value.messages[0]


# --- what cannot be changed -----------------------------------------------------------------------------------


def test_a_closed_round_takes_no_answers(invitation_b: Invitation) -> None:
    Round.objects.filter(pk=invitation_b.round_id).update(status=RoundStatus.CLOSED)
    with translation.override("en"), pytest.raises(ResponseReadOnlyError) as refused:
        answer_save(invitation=_fresh(invitation_b), question_code="introduced", value="yes")
    assert refused.value.code == "round_closed"
    assert refused.value.message.startswith("The survey closed on ")
    assert not Answer.objects.exists()


def test_a_round_past_its_closing_date_takes_no_answers(invitation_b: Invitation) -> None:
    yesterday = datetime.date.today() - datetime.timedelta(days=1)
    Round.objects.filter(pk=invitation_b.round_id).update(closes_on=yesterday, opens_on=yesterday)
    with pytest.raises(ResponseReadOnlyError):
        answer_save(invitation=_fresh(invitation_b), question_code="introduced", value="yes")


def _complete(invitation: Invitation) -> None:
    answer_save(invitation=_fresh(invitation), question_code="kind", value="municipality")
    answer_save(invitation=_fresh(invitation), question_code="introduced", value="yes")


def test_a_submitted_response_is_read_only_until_it_is_reopened(invitation_b: Invitation) -> None:
    _complete(invitation_b)
    response_submit(invitation=_fresh(invitation_b))
    with pytest.raises(ResponseReadOnlyError) as refused:
        answer_save(invitation=_fresh(invitation_b), question_code="introduced", value="no")
    assert refused.value.code == "submitted"
    with pytest.raises(ResponseReadOnlyError):
        answers_save(invitation=_fresh(invitation_b), values={"introduced": "no"})
    # What response_reopen (the rounds' service) does: back to in progress.
    Response.objects.filter(invitation=invitation_b).update(status=ResponseStatus.IN_PROGRESS)
    answer_save(invitation=_fresh(invitation_b), question_code="introduced", value="no")
    assert _answers(invitation_b)["introduced"] == "no"


def test_a_save_holding_a_stale_response_is_refused_after_submission(invitation_b: Invitation) -> None:
    """The check inside the transaction decides, not the response the view read before it."""
    _complete(invitation_b)
    stale = _fresh(invitation_b)
    response_open(invitation=stale)  # read while still in progress
    response_submit(invitation=_fresh(invitation_b))
    assert stale.response.status == ResponseStatus.IN_PROGRESS
    with pytest.raises(ResponseReadOnlyError):
        answer_save(invitation=stale, question_code="comments", value="myöhässä")
    assert "comments" not in _answers(invitation_b)


# --- a page at once ---------------------------------------------------------------------------------------------


def test_a_page_saves_its_valid_answers_and_names_the_refused_ones(invitation_b: Invitation) -> None:
    answer_save(invitation=_fresh(invitation_b), question_code="comments", value="vanha")
    with translation.override("fi"), pytest.raises(ValidationError) as refused:
        answers_save(
            invitation=_fresh(invitation_b),
            values={"enablers": {"technology": "some"}, "staff": "paljon", "comments": ""},
        )
    assert list(refused.value.error_dict) == ["staff"]
    assert refused.value.error_dict["staff"][0].code == "not_a_number"
    assert _answers(invitation_b) == {"enablers": {"technology": "some"}}


def test_a_page_save_returns_the_canonical_answers(invitation_b: Invitation) -> None:
    saved = answers_save(invitation=_fresh(invitation_b), values={"kind": "municipality", "introduced": ""})
    assert saved == {"kind": "municipality", "introduced": None}


def test_the_page_is_remembered_while_in_progress(invitation_b: Invitation) -> None:
    response = response_open(invitation=_fresh(invitation_b))
    response_set_section(response=response, section_code="other")
    assert Response.objects.get(pk=response.pk).current_section == "other"


# --- submitting -------------------------------------------------------------------------------------------------


def test_submitting_without_required_answers_lists_them(invitation_b: Invitation) -> None:
    answer_save(invitation=_fresh(invitation_b), question_code="introduced", value="no")
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        response_submit(invitation=_fresh(invitation_b))
    assert refused.value.message_dict == {"kind": ["Answer this question."]}
    assert Response.objects.get(invitation=invitation_b).status == ResponseStatus.IN_PROGRESS


def test_submitting_twice_makes_one_submission(invitation_b: Invitation) -> None:
    _complete(invitation_b)
    first = response_submit(invitation=_fresh(invitation_b))
    second = response_submit(invitation=_fresh(invitation_b))
    assert (first.already, second.already) == (False, True)
    assert first.response.pk == second.response.pk
    assert second.response.submitted_at == first.response.submitted_at
    response = Response.objects.get(invitation=invitation_b)
    assert response.status == ResponseStatus.SUBMITTED
    assert ChangeRecord.objects.filter(object_id=response.pk, action="update").count() == 1


def test_submission_keeps_only_the_answers_to_questions_asked(invitation_b: Invitation) -> None:
    _complete(invitation_b)
    answer_save(invitation=_fresh(invitation_b), question_code="types", value=["service"])
    answer_save(invitation=_fresh(invitation_b), question_code="introduced", value="no")  # changed their mind
    response_submit(invitation=_fresh(invitation_b))
    assert _answers(invitation_b) == {"kind": "municipality", "introduced": "no"}


def test_submitting_in_a_closed_round_is_refused(invitation_b: Invitation) -> None:
    _complete(invitation_b)
    Round.objects.filter(pk=invitation_b.round_id).update(status=RoundStatus.CLOSED)
    with pytest.raises(ResponseReadOnlyError):
        response_submit(invitation=_fresh(invitation_b))


def test_the_frame_unit_of_the_response_is_the_invitations(invitation_b: Invitation) -> None:
    response = response_open(invitation=_fresh(invitation_b))
    assert FrameUnit.objects.get(pk=response.frame_unit_id).organisation == invitation_b.frame_unit.organisation


def test_a_required_scale_answered_in_part_cannot_be_submitted(invitation_b: Invitation) -> None:
    Question.objects.filter(version=invitation_b.round.questionnaire_version, code="enablers").update(required=True)
    _complete(invitation_b)
    answer_save(invitation=_fresh(invitation_b), question_code="enablers", value={"technology": "large"})
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        response_submit(invitation=_fresh(invitation_b))
    assert refused.value.message_dict == {"enablers": ["Answer this question."]}
    assert Response.objects.get(invitation=invitation_b).status == ResponseStatus.IN_PROGRESS
    answer_save(
        invitation=_fresh(invitation_b), question_code="enablers", value={"technology": "large", "competence": "some"}
    )
    assert response_submit(invitation=_fresh(invitation_b)).already is False


def test_background_questions_are_prefilled_from_the_sampling_frame(invitation_b: Invitation) -> None:
    """The form's introduction promises the background answers filled in from the frame: kind, size class, region.
    A frame value that is none of the question's options is left for the respondent."""
    from barometer.models import Choice, Section
    from barometer.vocabulary import Background, QuestionKind

    version = invitation_b.round.questionnaire_version
    Question.objects.filter(version=version, code="kind").update(background=Background.KIND)
    unit = invitation_b.frame_unit
    unit.kind, unit.size_class, unit.region_code = "municipality", "20k-50k", "06"
    unit.save()
    section = Section.objects.get(version=version, code="background")
    size = Question.objects.create(
        section=section, version=version, order=5, code="size", kind=QuestionKind.SINGLE, background="size_class"
    )
    for order, code in enumerate(("lt5k", "20k-50k")):
        Choice.objects.create(question=size, order=order, code=code, label_fi=code)
    region = Question.objects.create(
        section=section, version=version, order=6, code="region", kind=QuestionKind.SINGLE, background="region"
    )
    Choice.objects.create(question=region, order=0, code="01", label_fi="Uusimaa")  # not the frame's "06"
    assert not Response.objects.filter(invitation=invitation_b).exists()
    response_open(invitation=_fresh(invitation_b))
    assert _answers(invitation_b) == {"kind": "municipality", "size": "20k-50k"}
    # Opening again changes nothing the respondent has corrected.
    answer_save(invitation=_fresh(invitation_b), question_code="kind", value="joint_authority")
    response_open(invitation=_fresh(invitation_b))
    assert _answers(invitation_b)["kind"] == "joint_authority"
