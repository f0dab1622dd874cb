"""The questionnaire editor's free texts have the questionnaire file's limit (20,000 characters): a 10 MB text
typed on one of its pages is refused at once with a message at the field in the user's language, before any
transaction begins, and nothing is saved; a text at the limit is accepted (a file may hold it, so the editor must
too)."""

import time
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.test import Client
from django.urls import get_resolver, reverse
from django.utils import translation

from barometer.models import Definition, Question, QuestionnaireVersion, Section
from barometer.questionnaires import file as qf
from barometer.questionnaires import services
from tests.pages import client_for

pytestmark = pytest.mark.django_db
TEN_MB = "a" * (10 * 1024 * 1024)


@pytest.fixture(autouse=True)
def _urls_loaded() -> None:
    """The first request of a process imports the URL map (seconds on a busy machine): not what is timed here."""
    get_resolver().url_patterns  # noqa: B018 - loading the attribute is the point


def _quick(work: Any) -> Any:
    started = time.monotonic()
    try:
        return work()
    finally:
        assert time.monotonic() - started < 6, "refused slowly"


def _url(name: str, version: QuestionnaireVersion, language: str, **kwargs: Any) -> str:
    with translation.override(language):
        return reverse(
            f"barometer:{name}",
            kwargs={"code": version.questionnaire.code, "number": version.number, **kwargs},
        )


@pytest.fixture
def editor(editor_a: Any) -> Client:
    client = client_for(editor_a)
    return client


def _revision(version: QuestionnaireVersion) -> int:
    return QuestionnaireVersion.objects.get(pk=version.pk).revision


@pytest.mark.parametrize(
    ("language", "words"),
    [("fi", ("liian pitkä", "20\u00a0000")), ("sv", ("för lång", "20\u00a0000")), ("en", ("too long", "20,000"))],
)
def test_a_10_mb_introduction_on_the_version_page_is_refused_in_the_users_language(
    editor: Client, small_version: QuestionnaireVersion, language: str, words: tuple[str, str]
) -> None:
    before = _revision(small_version)
    response = _quick(
        lambda: editor.post(
            _url("questionnaire_version_edit", small_version, language),
            {"revision": before, "introduction_fi": TEN_MB, "reference_period_fi": "2025"},
        )
    )
    assert response.status_code == 200
    # The message is at the field (its error list), not only in a summary.
    assert response.context["form"].errors["introduction_fi"]
    content = response.content.decode()
    for word in words:
        assert word in content
    assert _revision(small_version) == before
    assert not QuestionnaireVersion.objects.get(pk=small_version.pk).introduction_fi  # type: ignore[attr-defined]


def test_a_10_mb_question_text_on_the_question_page_is_refused(
    editor: Client, small_version: QuestionnaireVersion
) -> None:
    question = Question.objects.get(version=small_version, code="comments")
    before = _revision(small_version)
    data = {
        "revision": before,
        "section": question.section_id,
        "code": "comments",
        "kind": "text",
        "text_fi": "Kommentit?",
        "help_text_fi": TEN_MB,
        **{f"{prefix}-{key}": "0" for prefix in ("choices", "items") for key in ("TOTAL_FORMS", "INITIAL_FORMS")},
    }
    response = _quick(lambda: editor.post(_url("questionnaire_question", small_version, "fi", pk=question.pk), data))
    assert response.status_code == 200
    assert response.context["form"].errors["help_text_fi"]
    assert "liian pitkä" in response.content.decode()
    assert _revision(small_version) == before
    assert not Question.objects.get(pk=question.pk).help_text_fi  # type: ignore[attr-defined]


def test_every_editor_service_refuses_before_the_transaction(
    small_version: QuestionnaireVersion, editor_a: Any, org_a: Any
) -> None:
    version = small_version
    revision = version.revision
    section = Section.objects.get(version=version, code="other")
    question = Question.objects.get(version=version, code="enablers")
    definition = Definition.objects.create(version=version, term_fi="kokeilu", text_fi="Rajattu testi.")
    row = {"code": "x", "label_fi": TEN_MB}
    cases = [
        lambda: services.questionnaire_create(
            actor=editor_a, organiser=org_a, data={"code": "big", "name_fi": "Iso", "description_fi": TEN_MB}
        ),
        lambda: services.questionnaire_update(
            actor=editor_a,
            questionnaire=version.questionnaire,
            expected_fingerprint=services.questionnaire_fingerprint(version.questionnaire),
            data={"name_fi": "Pieni", "provenance_note_sv": TEN_MB},
        ),
        lambda: services.questionnaire_version_update(
            actor=editor_a, version=version, expected_revision=revision, data={"introduction_en": TEN_MB}
        ),
        lambda: services.definition_create(
            actor=editor_a, version=version, expected_revision=revision, data={"term_fi": "iso", "text_fi": TEN_MB}
        ),
        lambda: services.definition_update(
            actor=editor_a,
            definition=definition,
            expected_revision=revision,
            data={"term_fi": "kokeilu", "text_sv": TEN_MB},
        ),
        lambda: services.section_create(
            actor=editor_a,
            version=version,
            expected_revision=revision,
            data={"code": "big", "title_fi": "Iso", "introduction_fi": TEN_MB},
        ),
        lambda: services.section_update(
            actor=editor_a,
            section=section,
            expected_revision=revision,
            data={"code": "other", "title_fi": TEN_MB},
        ),
        lambda: services.question_create(
            actor=editor_a,
            section=section,
            expected_revision=revision,
            data={"code": "big", "kind": "text", "text_fi": TEN_MB},
        ),
        lambda: services.question_update(
            actor=editor_a,
            question=question,
            expected_revision=revision,
            data={"code": "enablers", "kind": "scale", "text_fi": "Mikä auttoi?"},
            items=[row],
        ),
        lambda: services.question_update(
            actor=editor_a,
            question=question,
            expected_revision=revision,
            data={"code": "enablers", "kind": "scale", "text_fi": "Mikä auttoi?"},
            choices=[row],
        ),
    ]
    with pytest.MonkeyPatch.context() as patch, translation.override("fi"):

        def enter(self: Any) -> None:
            raise AssertionError("a transaction began before the text was refused")

        patch.setattr(transaction.Atomic, "__enter__", enter)
        for case in cases:
            with pytest.raises(ValidationError) as refused:
                _quick(case)
            assert "liian pitkä" in " ".join(refused.value.messages)
    assert _revision(version) == revision


def test_a_text_at_the_files_limit_is_accepted_and_one_more_is_not(
    small_version: QuestionnaireVersion, editor_a: Any
) -> None:
    question = Question.objects.get(version=small_version, code="comments")
    data = {"code": "comments", "kind": "text", "text_fi": "Kommentit?"}
    longest = "b" * qf.LONG_TEXT_LIMIT
    services.question_update(
        actor=editor_a,
        question=question,
        expected_revision=small_version.revision,
        data={**data, "help_text_fi": longest},
    )
    assert Question.objects.get(pk=question.pk).help_text_fi == longest  # type: ignore[attr-defined]
    with pytest.raises(ValidationError) as refused:
        services.question_update(
            actor=editor_a,
            question=question,
            expected_revision=_revision(small_version),
            data={**data, "help_text_fi": longest + "b"},
        )
    assert set(refused.value.message_dict) == {"help_text_fi"}
