"""The editor's services on their own: permission, optimistic locking, frozen versions, the whole-version check,
the change log, and the edge cases a form cannot show (swapped codes, answered questions)."""

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from audit.models import ChangeRecord
from barometer.models import Answer, Choice, Question, QuestionnaireVersion, Response, Round, Section
from barometer.questionnaires import services
from barometer.vocabulary import VersionStatus
from core.errors import ConflictError

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """The refusals are matched in English, whatever the catalogues say."""
    with translation.override("en"):
        yield


def _section(version: QuestionnaireVersion, code: str) -> Section:
    return Section.objects.get(version=version, code=code)


def _question(version: QuestionnaireVersion, code: str) -> Question:
    return Question.objects.get(version=version, code=code)


def _data(question: Question, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "code": question.code,
        "kind": question.kind,
        "text_fi": question.text_fi,  # type: ignore[attr-defined]
        "required": question.required,
        "show_if": question.show_if,
        "background": question.background,
        "definitions": list(question.definitions.all()),
        "min_value": question.min_value,
        "max_value": question.max_value,
    }
    data.update(changes)
    return data


def _choices(question: Question) -> list[dict[str, Any]]:
    return [
        {"id": c.pk, "code": c.code, "label_fi": c.label_fi, "excluded_from_percent": c.excluded_from_percent}  # type: ignore[attr-defined]
        for c in question.choices.all()
    ]


def test_every_editor_write_needs_the_team(small_version: QuestionnaireVersion, editor_b: Any) -> None:
    revision = small_version.revision
    section = _section(small_version, "other")
    question = _question(small_version, "comments")
    calls = [
        lambda: services.questionnaire_version_update(
            actor=editor_b, version=small_version, expected_revision=revision, data={}
        ),
        lambda: services.section_create(
            actor=editor_b, version=small_version, expected_revision=revision, data={"code": "x", "title_fi": "X"}
        ),
        lambda: services.section_move(actor=editor_b, section=section, expected_revision=revision, direction=-1),
        lambda: services.section_delete(actor=editor_b, section=section, expected_revision=revision),
        lambda: services.question_update(
            actor=editor_b, question=question, expected_revision=revision, data=_data(question)
        ),
        lambda: services.question_delete(actor=editor_b, question=question, expected_revision=revision),
        lambda: services.definition_create(
            actor=editor_b, version=small_version, expected_revision=revision, data={"term_fi": "a", "text_fi": "b"}
        ),
        lambda: services.questionnaire_version_delete(
            actor=editor_b, version=small_version, expected_revision=revision
        ),
    ]
    for call in calls:
        with pytest.raises(PermissionDenied):
            call()
    assert QuestionnaireVersion.objects.get(pk=small_version.pk).revision == revision


def test_a_stale_revision_is_a_conflict(small_version: QuestionnaireVersion, editor_a: Any) -> None:
    section = _section(small_version, "other")
    services.section_update(
        actor=editor_a, section=section, expected_revision=1, data={"code": "other", "title_fi": "Muuta 1"}
    )
    with pytest.raises(ConflictError):
        services.section_update(
            actor=editor_a, section=section, expected_revision=1, data={"code": "other", "title_fi": "Muuta 2"}
        )
    section.refresh_from_db()
    assert section.title_fi == "Muuta 1"  # type: ignore[attr-defined]


def test_a_frozen_version_is_not_edited(small_version: QuestionnaireVersion, editor_a: Any) -> None:
    services.questionnaire_version_freeze(small_version)
    with pytest.raises(ValidationError, match="in use"):
        services.section_create(
            actor=editor_a,
            version=small_version,
            expected_revision=small_version.revision,
            data={"code": "x", "title_fi": "X"},
        )


def test_two_option_codes_can_be_swapped(small_version: QuestionnaireVersion, editor_a: Any) -> None:
    """Saving "a"→"b" and "b"→"a" at once must not trip over the (question, code) uniqueness half-way."""
    question = _question(small_version, "kind")
    choices = _choices(question)
    choices[0]["code"], choices[1]["code"] = choices[1]["code"], choices[0]["code"]
    services.question_update(
        actor=editor_a,
        question=question,
        expected_revision=small_version.revision,
        data=_data(question),
        choices=choices,
    )
    assert [(c.pk, c.code) for c in question.choices.all()] == [
        (choices[0]["id"], "joint_authority"),
        (choices[1]["id"], "municipality"),
    ]


def test_duplicate_option_codes_are_refused(small_version: QuestionnaireVersion, editor_a: Any) -> None:
    question = _question(small_version, "kind")
    choices = _choices(question)
    choices[1]["code"] = choices[0]["code"]
    with pytest.raises(ValidationError) as caught:
        services.question_update(
            actor=editor_a,
            question=question,
            expected_revision=small_version.revision,
            data=_data(question),
            choices=choices,
        )
    assert "choices" in caught.value.message_dict


def test_moving_a_question_to_another_section_puts_it_last(small_version: QuestionnaireVersion, editor_a: Any) -> None:
    question = _question(small_version, "staff")
    background = _section(small_version, "background")
    services.question_update(
        actor=editor_a,
        question=question,
        expected_revision=small_version.revision,
        data=_data(question, section=background),
    )
    assert [q.code for q in background.questions.order_by("order")] == ["kind", "introduced", "staff"]


def test_a_kind_change_that_routing_depends_on_is_refused(small_version: QuestionnaireVersion, editor_a: Any) -> None:
    """The latest block is routed on `introduced`: it cannot become a number question."""
    question = _question(small_version, "introduced")
    with pytest.raises(services.InvalidQuestionnaireError) as caught:
        services.question_update(
            actor=editor_a,
            question=question,
            expected_revision=small_version.revision,
            data=_data(question, kind="number"),
        )
    assert {p.code for p in caught.value.problems} == {"condition_no_choices"}
    assert "section “latest”" in caught.value.messages[0]
    question.refresh_from_db()
    assert question.kind == "single"
    assert question.choices.count() == 3


def test_a_question_with_answers_is_not_deleted(
    small_version: QuestionnaireVersion, editor_a: Any, invitation_b: Any
) -> None:
    round_: Round = invitation_b.round
    response = Response.objects.create(round=round_, frame_unit=invitation_b.frame_unit)
    comments = _question(small_version, "comments")
    Answer.objects.create(response=response, question=comments, value="Hyvä kysely")
    with pytest.raises(ValidationError, match="already has answers"):
        services.question_delete(actor=editor_a, question=comments, expected_revision=small_version.revision)
    assert Question.objects.filter(pk=comments.pk).exists()


def test_the_change_log_names_what_changed(small_version: QuestionnaireVersion, editor_a: Any) -> None:
    question = _question(small_version, "kind")
    choices = _choices(question)
    choices.append({"code": "other", "label_fi": "Muu"})
    services.question_update(
        actor=editor_a,
        question=question,
        expected_revision=small_version.revision,
        data=_data(question, code="org_kind", text_fi="Organisaation laji?"),
        choices=choices,
    )
    record = ChangeRecord.objects.filter(object_id=small_version.pk).first()
    assert record is not None
    assert record.actor == editor_a
    assert record.changes["question kind.code"] == ["kind", "org_kind"]
    assert record.changes["question kind.text_fi"] == ["kind", "Organisaation laji?"]
    assert record.changes["question kind.choices"] == [
        ["joint_authority", "municipality"],
        ["joint_authority", "municipality", "other"],
    ]


def test_renaming_a_question_used_in_routing_is_refused(small_version: QuestionnaireVersion, editor_a: Any) -> None:
    question = _question(small_version, "introduced")
    with pytest.raises(services.InvalidQuestionnaireError):
        services.question_update(
            actor=editor_a,
            question=question,
            expected_revision=small_version.revision,
            data=_data(question, code="intro"),
        )


def test_unfinished_parts_are_allowed_while_editing(small_version: QuestionnaireVersion, editor_a: Any) -> None:
    section = services.section_create(
        actor=editor_a, version=small_version, expected_revision=1, data={"code": "empty", "title_fi": "Tyhjä"}
    )
    problems = services.version_problems(small_version)
    assert [p.code for p in problems] == ["no_questions"]
    assert section.order == 3
    with pytest.raises(services.InvalidQuestionnaireError):
        services.questionnaire_version_freeze(small_version)


def test_version_delete_refuses_a_version_in_a_round(round_open: Round, editor_a: Any) -> None:
    version = round_open.questionnaire_version
    with pytest.raises(ValidationError, match="A survey round uses this version"):
        services.questionnaire_version_delete(actor=editor_a, version=version, expected_revision=version.revision)
    assert QuestionnaireVersion.objects.filter(pk=version.pk, status=VersionStatus.DRAFT).exists()


def test_options_of_multiple_choice_only_exclude(small_version: QuestionnaireVersion, editor_a: Any) -> None:
    question = _question(small_version, "kind")
    choices = _choices(question)
    choices[0]["exclusive"] = True
    with pytest.raises(services.InvalidQuestionnaireError) as caught:
        services.question_update(
            actor=editor_a,
            question=question,
            expected_revision=small_version.revision,
            data=_data(question),
            choices=choices,
        )
    assert [p.code for p in caught.value.problems] == ["exclusive_not_multiple"]
    assert not Choice.objects.filter(question=question, exclusive=True).exists()
