"""The respondent's writes: open a response through a personal invitation, save each answer as it is given,
remember the page, submit once.

There is no user account here: the invitation's token is the respondent's key, so the view finds the invitation by
its token and these functions check what the token allows — answering while the round is open and the response is
not submitted (or was reopened by an administrator). Every answer is committed on its own, so a closed tab, a
dropped connection or a server restart loses nothing that the respondent was told was saved.
"""

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from audit.models import Action
from audit.services import change_record
from barometer.answers import AnswerError, QuestionSpec, asked, clean, missing_required
from barometer.models import Answer, Invitation, Question, QuestionnaireVersion, Response, Round
from barometer.selectors import question_spec, version_spec
from barometer.vocabulary import Background, QuestionKind, ResponseStatus, RoundStatus, VersionStatus


class ResponseReadOnlyError(Exception):
    """The answers cannot be changed now: the response was submitted, or the round is not open."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


# --- the round's state ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RoundState:
    """Whether a round takes answers today, and if not, since or until when (for the page that says so)."""

    accepts_answers: bool
    reason: str = ""  # "not_yet" | "closed"
    date: datetime.date | None = None


def round_state(round_: Round, today: datetime.date | None = None) -> RoundState:
    """A round takes answers when it is open and today is within its dates (in Finnish time).

    Both are required: the team opens the round by hand, and the closing date printed in the invitation holds
    even if nobody remembers to close it."""
    today = today or timezone.localdate()
    if round_.status == RoundStatus.DRAFT or (round_.status == RoundStatus.OPEN and today < round_.opens_on):
        return RoundState(False, "not_yet", round_.opens_on)
    if round_.status != RoundStatus.OPEN or today > round_.closes_on:
        return RoundState(False, "closed", round_.closes_on)
    return RoundState(True)


def _check_editable(response: Response, round_: Round) -> None:
    if response.status == ResponseStatus.SUBMITTED:
        raise ResponseReadOnlyError(
            _(
                "Your answers have been submitted and can no longer be changed. If you need to change them, "
                "contact the organiser of the survey."
            ),
            "submitted",
        )
    state = round_state(round_)
    if not state.accepts_answers:
        raise ResponseReadOnlyError(_round_closed_message(state), "round_closed")


def _round_closed_message(state: RoundState) -> str:
    date = formats.date_format(state.date, "SHORT_DATE_FORMAT") if state.date else ""
    if state.reason == "not_yet":
        return _("The survey opens on %(date)s. Answers can be given from then on.") % {"date": date}
    return _("The survey closed on %(date)s. Answers can no longer be given or changed.") % {"date": date}


# --- messages in the respondent's language ----------------------------------------------------------------------


def _number(value: Any) -> str:
    if isinstance(value, Decimal) and value == value.to_integral_value():
        value = int(value)
    return str(formats.number_format(value, force_grouping=True))


def answer_error_message(error: AnswerError, question: Question | None = None) -> str:
    """What went wrong with an answer, for a person, in the active language."""
    params = error.params
    code = error.code
    if code == "exclusive_choice":
        label = _choice_label(question, params.get("choice", ""))
        return _("“%(choice)s” cannot be chosen together with other options.") % {"choice": label}
    if code == "unknown_choice":
        return _("“%(choice)s” is not one of the options. Choose one of the options shown.") % {
            "choice": params.get("choice", "")
        }
    if code == "not_a_grid":
        return _("Choose one option on each row.")
    if code == "unknown_item":
        return _("“%(item)s” is not a row of this question.") % {"item": params.get("item", "")}
    if code == "not_a_number":
        return _("“%(value)s” is not a number. Write a number, for example %(example)s.") % {
            "value": params.get("value", ""),
            "example": formats.number_format(Decimal("12.5")),
        }
    if code == "too_small":
        return _("The number must be at least %(limit)s.") % {"limit": _number(params.get("limit"))}
    if code == "too_large":
        return _("The number must be at most %(limit)s.") % {"limit": _number(params.get("limit"))}
    if code == "not_text":
        return _("Write the answer as text.")
    if code == "text_too_long":
        return _("The answer is too long: it can have at most %(limit)s characters.") % {
            "limit": _number(params.get("limit"))
        }
    return _("This answer cannot be saved. Check it and try again.")


def _choice_label(question: Question | None, code: str) -> str:
    if question is not None:
        for choice in question.choices.all():
            if choice.code == code:
                return str(choice.label)
    return code


def required_message() -> str:
    return _("Answer this question.")


# --- opening a response -----------------------------------------------------------------------------------------


def response_open(*, invitation: Invitation) -> Response:
    """The invitation's response, created on its first opening (race-safe: two tabs opening the link at once
    make one response, since a response belongs to one invitation)."""
    existing: Response | None = getattr(invitation, "response", None) if _response_cached(invitation) else None
    if existing is not None:
        return existing
    with transaction.atomic():
        response, created = Response.objects.get_or_create(
            invitation=invitation,
            defaults={
                "round_id": invitation.round_id,
                "frame_unit_id": invitation.frame_unit_id,
                "language": translation.get_language() or invitation.language,
            },
        )
        if created:
            change_record(obj=response, actor=None, action=Action.CREATE, changes={"invitation": invitation.email})
            _prefill_background(response, invitation)
    invitation.response = response
    return response


def _prefill_background(response: Response, invitation: Invitation) -> None:
    """Answers the background questions with what the sampling frame knows of the organisation (its kind, size
    class and region), as the form's introduction promises: the respondent confirms or corrects them. A value that
    is none of the question's answer options (a kind the questionnaire does not list) is left for the respondent."""
    unit = invitation.frame_unit
    known: dict[str, str] = {
        Background.KIND: unit.kind,
        Background.SIZE_CLASS: unit.size_class,
        Background.REGION: unit.region_code,
    }
    questions = Question.objects.filter(
        version_id=invitation.round.questionnaire_version_id, background__in=list(known), kind=QuestionKind.SINGLE
    ).prefetch_related("choices")
    prefilled = {
        question.pk: known[question.background]
        for question in questions
        if known[question.background] in {choice.code for choice in question.choices.all()}
    }
    _upsert(response, prefilled)


def _response_cached(invitation: Invitation) -> bool:
    """Whether select_related or an earlier call already looked the response up (possibly finding none)."""
    return Invitation.response.is_cached(invitation)


# --- saving answers ---------------------------------------------------------------------------------------------


# A frozen version (every version a round uses) never changes, so its questions are read once per process and the
# autosave, the hot path, costs no questionnaire queries. Drafts are read every time. The key holds the creation
# time too, since a primary key can be reused (SQLite, after a rollback), and the revision, which every change bumps.
_FROZEN: dict[tuple[int, datetime.datetime, int], dict[str, tuple[int, QuestionSpec]]] = {}
_FROZEN_MAX = 32


def _questions(version: QuestionnaireVersion, code: str | None = None) -> dict[str, tuple[int, QuestionSpec]]:
    """{code: (question id, spec)}: of the whole version when it is frozen (cached), else only of `code`."""
    key = (version.pk, version.created_at, version.revision)
    if version.status == VersionStatus.FROZEN and key in _FROZEN:
        return _FROZEN[key]
    questions = Question.objects.filter(version_id=version.pk).prefetch_related("choices", "items")
    if version.status != VersionStatus.FROZEN:
        return {q.code: (q.pk, question_spec(q)) for q in questions.filter(code=code)}
    found = {q.code: (q.pk, question_spec(q)) for q in questions}
    if len(_FROZEN) >= _FROZEN_MAX:
        _FROZEN.clear()
    _FROZEN[key] = found
    return found


def _question(round_: Round, code: str) -> tuple[int, QuestionSpec]:
    found = _questions(round_.questionnaire_version, code).get(code)
    if found is None:
        raise ValidationError(_("There is no such question in this survey."), code="unknown_question")
    return found


def _refused(error: AnswerError, question_id: int) -> ValidationError:
    """The AnswerError as a message (the rare path: the question is read again for its labels)."""
    question = Question.objects.prefetch_related("choices").get(pk=question_id)
    return ValidationError(answer_error_message(error, question), code=error.code)


def _touch(response: Response) -> None:
    """Marks the response active and refuses a save that lost the race to a submission.

    The UPDATE takes the row lock that `response_submit` also takes, so a save and a submission of the same
    response run one after the other: an answer is either in the submitted response or refused, never saved
    into a response that was already submitted."""
    now = timezone.now()
    touched = Response.objects.filter(pk=response.pk, status=ResponseStatus.IN_PROGRESS).update(updated_at=now)
    if not touched:
        response.refresh_from_db(fields=["status"])
        _check_editable(response, response.round)


def _upsert(response: Response, answers: Mapping[int, Any]) -> None:
    """Writes answers ({question id: value}); None removes one. One statement per kind of change, atomic per row on
    both databases (INSERT … ON CONFLICT DO UPDATE): concurrent saves of the same question never make a second row."""
    given = [Answer(response=response, question_id=q, value=v) for q, v in answers.items() if v is not None]
    removed = [q for q, v in answers.items() if v is None]
    if given:
        Answer.objects.bulk_create(
            given,
            update_conflicts=True,
            unique_fields=["response", "question"],
            update_fields=["value", "updated_at"],
        )
    if removed:
        Answer.objects.filter(response=response, question_id__in=removed).delete()


def answer_save(*, invitation: Invitation, question_code: str, value: Any) -> Any:
    """Saves one answer (an empty one removes it) and returns it in its canonical shape.

    ValidationError (with the AnswerError's code) when the answer does not fit the question; ResponseReadOnlyError
    when the response cannot be changed."""
    round_ = invitation.round
    response = response_open(invitation=invitation)
    _check_editable(response, round_)
    question_id, spec = _question(round_, question_code)
    try:
        cleaned = clean(spec, value)
    except AnswerError as error:
        raise _refused(error, question_id) from None
    with transaction.atomic():
        _touch(response)
        _upsert(response, {question_id: cleaned})
    return cleaned


def answers_save(*, invitation: Invitation, values: Mapping[str, Any]) -> dict[str, Any]:
    """Saves a page's answers at once (the form without JavaScript): {question code: raw value}.

    Each answer stands on its own, as in the autosave: the valid ones are saved together and the invalid ones are
    refused with one ValidationError naming them ({code: message}). Returns the saved answers, canonical."""
    round_ = invitation.round
    response = response_open(invitation=invitation)
    _check_editable(response, round_)
    questions = {
        q.code: q
        for q in Question.objects.filter(version_id=round_.questionnaire_version_id, code__in=list(values))
        .prefetch_related("choices", "items")
        .order_by("section__order", "order")
    }
    cleaned: dict[Question, Any] = {}
    errors: dict[str, ValidationError] = {}
    for code, raw in values.items():
        question = questions.get(code)
        if question is None:
            errors[code] = ValidationError(_("There is no such question in this survey."), code="unknown_question")
            continue
        try:
            cleaned[question] = clean(question_spec(question), raw)
        except AnswerError as error:
            errors[code] = ValidationError(answer_error_message(error, question), code=error.code)
    with transaction.atomic():
        _touch(response)
        _upsert(response, {question.pk: value for question, value in cleaned.items()})
    if errors:
        raise ValidationError(errors)
    return {question.code: value for question, value in cleaned.items()}


def response_set_section(*, response: Response, section_code: str) -> None:
    """Remembers the page the respondent is on: the personal link resumes there."""
    if response.current_section != section_code and response.status == ResponseStatus.IN_PROGRESS:
        Response.objects.filter(pk=response.pk).update(current_section=section_code)
        response.current_section = section_code


# --- submitting -------------------------------------------------------------------------------------------------


def response_answers(response: Response) -> dict[str, Any]:
    """{question code: value} of a response."""
    return dict(response.answers.values_list("question__code", "value"))


@dataclass(frozen=True)
class Submission:
    response: Response
    already: bool  # it had been submitted before (a double click, a second tab, a retry)


def response_submit(*, invitation: Invitation) -> Submission:
    """Submits the response once. Submitting again returns the same submission (idempotent).

    Refuses (ValidationError {question code: message}) while a required question that is asked is unanswered.
    The submitted response keeps only the answers to the questions it was asked: answers given before a change
    of mind on a routing question ("we did introduce an innovation" → "we did not") are not part of it."""
    round_ = invitation.round
    opened = response_open(invitation=invitation)
    with transaction.atomic():
        # The lock orders concurrent submissions (and saves, see _touch): the second one finds it submitted.
        response = Response.objects.select_for_update().get(pk=opened.pk)
        if response.status == ResponseStatus.SUBMITTED:
            return Submission(response, already=True)
        _check_editable(response, round_)
        spec = version_spec(round_.questionnaire_version)
        answers = response_answers(response)
        missing = missing_required(spec.questions, answers, spec.section_conditions)
        if missing:
            raise ValidationError({code: ValidationError(required_message(), code="required") for code in missing})
        shown = asked(spec.questions, answers, spec.section_conditions)
        response.answers.exclude(question__code__in=shown).delete()
        response.status = ResponseStatus.SUBMITTED
        response.submitted_at = timezone.now()
        response.language = translation.get_language() or response.language
        response.save(update_fields=["status", "submitted_at", "language", "updated_at"])
        change_record(
            obj=response,
            actor=None,
            action=Action.UPDATE,
            changes={"status": [ResponseStatus.IN_PROGRESS, ResponseStatus.SUBMITTED]},
        )
    invitation.response = response
    return Submission(response, already=False)
