"""The questionnaire editor's pages: what each part does, conflicts between two editors, frozen versions,
import and export through the browser's forms, and the preview."""

import json
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext

from barometer.management.commands.load_barometer_questionnaire import DEFAULT_FILE
from barometer.models import Choice, Definition, Item, Question, Questionnaire, QuestionnaireVersion, Section
from barometer.questionnaires import file as qf
from barometer.questionnaires.services import (
    questionnaire_export,
    questionnaire_import,
    questionnaire_version_freeze,
)
from barometer.vocabulary import VersionStatus
from tests.pages import client_for, url

pytestmark = pytest.mark.django_db

MUNICIPAL = json.loads(Path(DEFAULT_FILE).read_text(encoding="utf-8"))


def vurl(name: str, version: QuestionnaireVersion, language: str = "en", **kwargs: Any) -> str:
    return url(f"barometer:{name}", language, code=version.questionnaire.code, number=version.number, **kwargs)


@pytest.fixture
def editor(editor_a: Any) -> Client:
    return client_for(editor_a)


@pytest.fixture
def municipal(org_a: Any, editor_a: Any) -> QuestionnaireVersion:
    return questionnaire_import(actor=editor_a, organiser=org_a, data=json.loads(json.dumps(MUNICIPAL))).version


def rows(prefix: str, data: list[dict[str, Any]], initial: int = 0) -> dict[str, Any]:
    """A formset's POST: management form plus rows (order = position)."""
    post: dict[str, Any] = {
        f"{prefix}-TOTAL_FORMS": str(len(data)),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(data):
        for key, value in row.items():
            if value is True:
                post[f"{prefix}-{index}-{key}"] = "on"
            elif value not in (False, None):
                post[f"{prefix}-{index}-{key}"] = value
        if row:  # an empty extra row stays untouched
            post.setdefault(f"{prefix}-{index}-ORDER", str(index + 1))
    return post


def question_post(version: QuestionnaireVersion, section: Section, **fields: Any) -> dict[str, Any]:
    choices = fields.pop("choices", [])
    items = fields.pop("items", [])
    data: dict[str, Any] = {
        "revision": QuestionnaireVersion.objects.get(pk=version.pk).revision,
        "section": section.pk,
        "code": "q_new",
        "kind": "single",
        "text_fi": "Uusi kysymys?",
        "text_sv": "Ny fråga?",
        "text_en": "New question?",
    }
    data.update(fields)
    data.update(rows("choices", choices, fields.pop("initial_choices", 0)))
    data.update(rows("items", items))
    return data


def revision(version: QuestionnaireVersion) -> int:
    return QuestionnaireVersion.objects.get(pk=version.pk).revision


# --- list, create ------------------------------------------------------------------------------------------------


def test_list_shows_the_teams_questionnaires_with_versions_and_rounds(
    editor: Client, municipal: QuestionnaireVersion, round_open: Any
) -> None:
    page = editor.get(url("barometer:questionnaire_list", "en")).content.decode()
    assert "Innovation barometer — municipal sector" in page
    assert "Small" in page  # the round's questionnaire (small_version), organised by org_a too
    assert "used by 1 round" in page


def test_list_leaves_out_other_organisers(editor_b: Any, municipal: QuestionnaireVersion) -> None:
    page = client_for(editor_b).get(url("barometer:questionnaire_list", "en")).content.decode()
    assert "municipal sector" not in page


def test_create_a_questionnaire_then_build_it(editor: Client, org_a: Any) -> None:
    response = editor.post(
        url("barometer:questionnaire_create", "en"),
        {"code": "state-barometer", "organiser": org_a.pk, "name_fi": "Valtion barometri", "name_en": "State"},
    )
    version = QuestionnaireVersion.objects.get(questionnaire__code="state-barometer")
    assert response.status_code == 302
    assert response["Location"] == vurl("questionnaire_version", version)
    assert version.status == VersionStatus.DRAFT
    assert version.questionnaire.organiser == org_a
    # An empty version says what is missing.
    page = editor.get(vurl("questionnaire_version", version)).content.decode()
    assert "The questionnaire has no sections." in page


def test_create_refuses_a_taken_or_reserved_code_in_the_users_language(
    editor: Client, org_a: Any, municipal: QuestionnaireVersion
) -> None:
    response = editor.post(
        url("barometer:questionnaire_create", "fi"),
        {"code": "municipal-barometer", "organiser": org_a.pk, "name_fi": "X"},
    )
    assert response.status_code == 200
    with translation.override("fi"):
        taken = gettext("Another questionnaire already has this code.")
    assert taken in response.content.decode()
    response = editor.post(
        url("barometer:questionnaire_create", "en"), {"code": "new", "organiser": org_a.pk, "name_fi": "X"}
    )
    assert "reserved for the site" in response.content.decode()
    response = editor.post(url("barometer:questionnaire_create", "en"), {"code": "ok-code", "organiser": org_a.pk})
    assert "Name in Finnish" in response.content.decode()
    assert Questionnaire.objects.count() == 1


def test_create_offers_only_the_editors_organisations(editor: Client, org_a: Any, org_b: Any) -> None:
    response = editor.post(
        url("barometer:questionnaire_create", "en"), {"code": "x", "organiser": org_b.pk, "name_fi": "X"}
    )
    assert response.status_code == 200
    assert not Questionnaire.objects.exists()


# --- the version page, sections and questions --------------------------------------------------------------------


def test_version_page_lists_everything_with_routing_in_words(editor: Client, municipal: QuestionnaireVersion) -> None:
    page = editor.get(vurl("questionnaire_version", municipal)).content.decode()
    assert "The latest or most significant innovation" in page
    assert "Asked only when some row of" in page
    assert "q_introduced_types" in page
    assert "q_partners" in page
    assert "service innovation" in page
    assert "Reconstruction".lower() in page.lower()
    assert "things to finish" not in page  # the shipped questionnaire is complete


def test_add_a_section_with_routing(editor: Client, municipal: QuestionnaireVersion) -> None:
    response = editor.post(
        vurl("questionnaire_section_add", municipal),
        {
            "revision": municipal.revision,
            "code": "labs",
            "title_fi": "Labit",
            "title_en": "Labs",
            "show_if": ["q_coordination:yes"],
        },
    )
    section = Section.objects.get(version=municipal, code="labs")
    assert response.status_code == 302
    assert section.show_if == {"question": "q_coordination", "any_of": ["yes"]}
    assert section.order > Section.objects.get(version=municipal, code="comments").order
    assert revision(municipal) == municipal.revision + 1


def test_routing_on_two_questions_is_refused(editor: Client, municipal: QuestionnaireVersion) -> None:
    response = editor.post(
        vurl("questionnaire_section_add", municipal),
        {
            "revision": municipal.revision,
            "code": "x",
            "title_fi": "X",
            "show_if": ["q_coordination:yes", "q_supports:no"],
        },
    )
    assert response.status_code == 200
    assert "Tick answers of one question only" in response.content.decode()


def test_add_a_question_with_options_and_edit_it(editor: Client, municipal: QuestionnaireVersion) -> None:
    section = Section.objects.get(version=municipal, code="comments")
    definition = Definition.objects.get(version=municipal, term_fi="innovaatio")
    response = editor.post(
        vurl("questionnaire_question_add", municipal, section_pk=section.pk),
        question_post(
            municipal,
            section,
            kind="multiple",
            required="on",
            definitions=[definition.pk],
            show_if=["q_supports:yes"],
            choices=[
                {"code": "web", "label_fi": "Verkko", "label_en": "Web"},
                {"code": "none", "label_fi": "Ei mitään", "exclusive": True},
                {"code": "dont_know", "label_fi": "En osaa sanoa", "excluded_from_percent": True, "exclusive": True},
                {},  # an empty extra row is left out
            ],
        ),
    )
    assert response.status_code == 302, response.content.decode()[-12000:]
    question = Question.objects.get(version=municipal, code="q_new")
    assert question.section == section
    assert question.required
    assert question.show_if == {"question": "q_supports", "any_of": ["yes"]}
    assert list(question.definitions.all()) == [definition]
    assert [(c.code, c.exclusive, c.excluded_from_percent) for c in question.choices.all()] == [
        ("web", False, False),
        ("none", True, False),
        ("dont_know", True, True),
    ]
    # Reorder by the numbers, rename one, delete one.
    existing = list(question.choices.all())
    response = editor.post(
        vurl("questionnaire_question", municipal, pk=question.pk),
        question_post(
            municipal,
            section,
            kind="multiple",
            initial_choices=3,
            choices=[
                {"id": existing[0].pk, "code": "website", "label_fi": "Verkkosivut", "ORDER": "2"},
                {"id": existing[1].pk, "code": "none", "label_fi": "Ei mitään", "ORDER": "1", "exclusive": True},
                {"id": existing[2].pk, "code": "dont_know", "label_fi": "EOS", "ORDER": "3", "DELETE": True},
            ],
        ),
    )
    assert response.status_code == 302, response.content.decode()[-12000:]
    assert [(c.pk, c.code) for c in question.choices.all()] == [(existing[1].pk, "none"), (existing[0].pk, "website")]


def test_question_errors_name_the_field_and_the_row(editor: Client, municipal: QuestionnaireVersion) -> None:
    section = Section.objects.get(version=municipal, code="comments")
    response = editor.post(
        vurl("questionnaire_question_add", municipal, section_pk=section.pk),
        question_post(
            municipal,
            section,
            code="q_partners",  # taken
            choices=[{"code": "a", "label_fi": "A"}, {"code": "b"}],  # the second has no Finnish label
        ),
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert '<a href="#id_choices-1-label_fi">Answer option 2, Label in Finnish: This field is required.</a>' in page
    response = editor.post(
        vurl("questionnaire_question_add", municipal, section_pk=section.pk),
        question_post(
            municipal,
            section,
            code="q_partners",
            choices=[{"code": "a", "label_fi": "A"}, {"code": "b", "label_fi": "B"}],
        ),
    )
    assert "Another question of this version has this code." in response.content.decode()
    response = editor.post(
        vurl("questionnaire_question_add", municipal, section_pk=section.pk),
        question_post(municipal, section, choices=[{"code": "a", "label_fi": "A"}, {"code": "a", "label_fi": "B"}]),
    )
    assert '<a href="#options">The code “a” is used twice.</a>' in response.content.decode()
    assert not Question.objects.filter(version=municipal, code="q_new").exists()


def test_a_question_needs_options_only_to_be_finished(editor: Client, municipal: QuestionnaireVersion) -> None:
    """The editor builds step by step: a choice question without options is saved, and listed as unfinished."""
    section = Section.objects.get(version=municipal, code="comments")
    response = editor.post(
        vurl("questionnaire_question_add", municipal, section_pk=section.pk), question_post(municipal, section)
    )
    assert response.status_code == 302
    page = editor.get(vurl("questionnaire_version", municipal)).content.decode()
    assert "This question needs at least 2 answer options." in page
    with pytest.raises(Exception, match="answer options"):
        questionnaire_version_freeze(municipal)


def test_a_change_that_breaks_routing_is_refused_and_nothing_is_saved(
    editor: Client, municipal: QuestionnaireVersion
) -> None:
    """q_support_forms is routed on q_supports = yes: removing that option must not leave a broken condition."""
    supports = Question.objects.get(version=municipal, code="q_supports")
    options = list(supports.choices.all())
    response = editor.post(
        vurl("questionnaire_question", municipal, pk=supports.pk),
        question_post(
            municipal,
            supports.section,
            code="q_supports",
            initial_choices=3,
            choices=[
                {"id": o.pk, "code": o.code, "label_fi": o.label_fi, "DELETE": o.code == "yes"}  # type: ignore[attr-defined]
                for o in options
            ],
        ),
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "question “q_support_forms”" in page
    assert "has no answer option “yes”" in page
    assert supports.choices.filter(code="yes").exists()
    assert revision(municipal) == municipal.revision


def test_moving_a_question_above_its_condition_is_refused(editor: Client, municipal: QuestionnaireVersion) -> None:
    forms = Question.objects.get(version=municipal, code="q_support_forms")
    response = editor.post(
        vurl("questionnaire_question_move", municipal, pk=forms.pk), {"revision": municipal.revision, "direction": "-1"}
    )
    assert response.status_code == 302
    page = editor.get(response["Location"]).content.decode()
    assert "does not come before it" in page
    assert [q.code for q in forms.section.questions.order_by("order")][:2] == ["q_supports", "q_support_forms"]


def test_move_sections_and_questions(editor: Client, municipal: QuestionnaireVersion) -> None:
    steering = Section.objects.get(version=municipal, code="steering")
    editor.post(
        vurl("questionnaire_section_move", municipal, pk=steering.pk),
        {"revision": revision(municipal), "direction": "1"},
    )
    assert [s.code for s in Section.objects.filter(version=municipal).order_by("order")][4:6] == ["culture", "steering"]
    enablers = Question.objects.get(version=municipal, code="q_enablers")
    editor.post(
        vurl("questionnaire_question_move", municipal, pk=enablers.pk),
        {"revision": revision(municipal), "direction": "1"},
    )
    assert [q.code for q in enablers.section.questions.order_by("order")] == ["q_barriers", "q_enablers"]
    exported = questionnaire_export(municipal)
    assert qf.validate(exported) == []


def test_two_editors_get_a_conflict_not_a_lost_update(
    editor: Client, admin_a: Any, municipal: QuestionnaireVersion
) -> None:
    section = Section.objects.get(version=municipal, code="comments")
    seen = municipal.revision  # both opened the section form at this revision
    other = client_for(admin_a)
    first = other.post(
        vurl("questionnaire_section", municipal, pk=section.pk),
        {"revision": seen, "code": "comments", "title_fi": "Lopuksi (admin)"},
    )
    assert first.status_code == 302
    second = editor.post(
        vurl("questionnaire_section", municipal, pk=section.pk),
        {"revision": seen, "code": "comments", "title_fi": "Loppu (editor)"},
    )
    page = second.content.decode()
    assert second.status_code == 200
    assert "Someone else has changed this record" in page
    assert 'value="Loppu (editor)"' in page  # what they typed is kept
    assert f'name="revision" value="{seen + 1}"' in page  # saving again replaces knowingly
    section.refresh_from_db()
    assert section.title_fi == "Lopuksi (admin)"  # type: ignore[attr-defined]
    # A stale move is refused as well.
    response = editor.post(
        vurl("questionnaire_section_move", municipal, pk=section.pk), {"revision": seen, "direction": "-1"}
    )
    assert "Someone else has changed this record" in editor.get(response["Location"]).content.decode()


def test_questionnaire_texts_conflict(editor: Client, admin_a: Any, municipal: QuestionnaireVersion) -> None:
    questionnaire = municipal.questionnaire
    page = editor.get(url("barometer:questionnaire_edit", "en", code=questionnaire.code)).content.decode()
    fingerprint = page.split('name="fingerprint" value="')[1].split('"')[0]
    client_for(admin_a).post(
        url("barometer:questionnaire_edit", "en", code=questionnaire.code),
        {"fingerprint": fingerprint, "name_fi": "Uusi nimi"},
    )
    response = editor.post(
        url("barometer:questionnaire_edit", "en", code=questionnaire.code),
        {"fingerprint": fingerprint, "name_fi": "Toinen nimi"},
    )
    assert "Someone else has changed this record" in response.content.decode()
    questionnaire.refresh_from_db()
    assert questionnaire.name_fi == "Uusi nimi"


def test_definitions_add_edit_delete(editor: Client, municipal: QuestionnaireVersion) -> None:
    response = editor.post(
        vurl("questionnaire_definition_add", municipal),
        {"revision": revision(municipal), "term_fi": "kokeilu", "text_fi": "Rajattu testi.", "term_en": "experiment"},
    )
    assert response.status_code == 302
    definition = Definition.objects.get(version=municipal, term_fi="kokeilu")
    duplicate = editor.post(
        vurl("questionnaire_definition_add", municipal),
        {"revision": revision(municipal), "term_fi": "kokeilu", "text_fi": "Toinen."},
    )
    assert "This term is defined already." in duplicate.content.decode()
    editor.post(
        vurl("questionnaire_definition", municipal, pk=definition.pk),
        {"revision": revision(municipal), "term_fi": "kokeilu", "text_fi": "Muutettu."},
    )
    definition.refresh_from_db()
    assert definition.text_fi == "Muutettu."  # type: ignore[attr-defined]
    editor.post(vurl("questionnaire_definition_delete", municipal, pk=definition.pk), {"revision": revision(municipal)})
    assert not Definition.objects.filter(pk=definition.pk).exists()


def test_deleting_a_question_that_routes_others_is_refused(editor: Client, municipal: QuestionnaireVersion) -> None:
    grid = Question.objects.get(version=municipal, code="q_introduced_types")
    response = editor.post(
        vurl("questionnaire_question_delete", municipal, pk=grid.pk), {"revision": revision(municipal)}
    )
    assert response.status_code == 200
    assert "not a question here" in response.content.decode()
    assert Question.objects.filter(pk=grid.pk).exists()
    comments = Question.objects.get(version=municipal, code="q_comments")
    response = editor.post(
        vurl("questionnaire_question_delete", municipal, pk=comments.pk), {"revision": revision(municipal)}
    )
    assert response.status_code == 302
    assert not Question.objects.filter(pk=comments.pk).exists()


def test_delete_a_section_with_its_questions(editor: Client, municipal: QuestionnaireVersion) -> None:
    section = Section.objects.get(version=municipal, code="enablers")
    response = editor.post(
        vurl("questionnaire_section_delete", municipal, pk=section.pk), {"revision": revision(municipal)}
    )
    assert response.status_code == 302
    assert not Question.objects.filter(version=municipal, code__in=["q_enablers", "q_barriers"]).exists()
    assert not Item.objects.filter(question__version=municipal, question__code="q_enablers").exists()


def test_version_texts(editor: Client, municipal: QuestionnaireVersion) -> None:
    response = editor.post(
        vurl("questionnaire_version_edit", municipal),
        {"revision": revision(municipal), "reference_period_fi": "vuodet 2023–2024", "introduction_fi": "Tervetuloa"},
    )
    assert response.status_code == 302
    municipal.refresh_from_db()
    assert municipal.reference_period_fi == "vuodet 2023–2024"  # type: ignore[attr-defined]


# --- frozen versions, copies, deletion ----------------------------------------------------------------------------


def test_a_frozen_version_is_read_only_with_a_new_version_button(
    editor: Client, municipal: QuestionnaireVersion
) -> None:
    questionnaire_version_freeze(municipal)
    page = editor.get(vurl("questionnaire_version", municipal)).content.decode()
    assert "Make a new version" in page
    assert "Add a section" not in page
    section = Section.objects.get(version=municipal, code="comments")
    # Its edit pages send back, and a forged post changes nothing.
    assert editor.get(vurl("questionnaire_section", municipal, pk=section.pk)).status_code == 302
    editor.post(
        vurl("questionnaire_section", municipal, pk=section.pk),
        {"revision": revision(municipal), "code": "comments", "title_fi": "Muutettu"},
    )
    section.refresh_from_db()
    assert section.title_fi == "Lopuksi"  # type: ignore[attr-defined]
    response = editor.post(vurl("questionnaire_copy", municipal))
    new = QuestionnaireVersion.objects.get(questionnaire=municipal.questionnaire, number=2)
    assert response["Location"] == vurl("questionnaire_version", new)
    assert new.status == VersionStatus.DRAFT
    assert Question.objects.filter(version=new).count() == Question.objects.filter(version=municipal).count()


def test_delete_a_draft_version(editor: Client, municipal: QuestionnaireVersion) -> None:
    questionnaire_version_freeze(municipal)
    editor.post(vurl("questionnaire_copy", municipal))
    new = QuestionnaireVersion.objects.get(number=2)
    assert editor.get(vurl("questionnaire_version_delete", new)).status_code == 200
    response = editor.post(vurl("questionnaire_version_delete", new), {"revision": new.revision})
    assert response.status_code == 302
    assert list(QuestionnaireVersion.objects.values_list("number", flat=True)) == [1]


def test_a_version_a_round_uses_cannot_be_deleted(editor: Client, round_open: Any) -> None:
    version = round_open.questionnaire_version
    response = editor.post(vurl("questionnaire_version_delete", version), {"revision": version.revision})
    assert response.status_code == 200
    assert "A survey round uses this version" in response.content.decode()


def test_deleting_the_only_version_deletes_the_questionnaire(editor: Client, municipal: QuestionnaireVersion) -> None:
    response = editor.post(vurl("questionnaire_version_delete", municipal), {"revision": municipal.revision})
    assert response["Location"] == url("barometer:questionnaire_list", "en")
    assert not Questionnaire.objects.exists()


# --- import, export, preview --------------------------------------------------------------------------------------


def upload(data: Any, name: str = "questionnaire.json") -> SimpleUploadedFile:
    raw = data if isinstance(data, bytes) else json.dumps(data, ensure_ascii=False).encode()
    return SimpleUploadedFile(name, raw, content_type="application/json")


def test_export_downloads_the_file(editor: Client, municipal: QuestionnaireVersion) -> None:
    response = editor.get(vurl("questionnaire_export", municipal))
    assert response["Content-Disposition"] == 'attachment; filename="municipal-barometer-v1.json"'
    assert json.loads(response.content) == MUNICIPAL


def test_import_through_the_page(editor: Client, org_a: Any) -> None:
    response = editor.post(
        url("barometer:questionnaire_import", "en"), {"file": upload(MUNICIPAL), "organiser": org_a.pk}
    )
    version = QuestionnaireVersion.objects.get()
    assert response["Location"] == vurl("questionnaire_version", version)
    again = editor.post(
        url("barometer:questionnaire_import", "en"), {"file": upload(MUNICIPAL), "organiser": org_a.pk}, follow=True
    )
    assert "already holds what the file holds" in again.content.decode()


def test_import_lists_every_problem_in_the_users_language(editor: Client, org_a: Any) -> None:
    broken = json.loads(json.dumps(MUNICIPAL))
    broken["sections"][2]["questions"][4]["kind"] = "ranking"
    broken["sections"][0]["questions"][0]["text"]["fi"] = ""
    response = editor.post(url("barometer:questionnaire_import", "en"), {"file": upload(broken), "organiser": org_a.pk})
    page = response.content.decode()
    assert response.status_code == 200
    assert "The file has 2 problems, listed below. Nothing was imported." in page
    assert "sections[2].questions[4].kind" in page
    assert "question “q_partners”" in page
    assert "The Finnish text is missing." in page
    assert not Questionnaire.objects.exists()


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"\xff\x00", "The file is not UTF-8 text."),
        (b"{oops", "The file is not valid JSON"),
        (b'{"format": "something/else"}', "“format” must be"),
    ],
)
def test_import_of_something_that_is_no_questionnaire(editor: Client, org_a: Any, raw: bytes, message: str) -> None:
    response = editor.post(url("barometer:questionnaire_import", "en"), {"file": upload(raw), "organiser": org_a.pk})
    assert response.status_code == 200
    assert message in response.content.decode()


def test_preview_shows_every_section_as_a_respondent_sees_it(editor: Client, municipal: QuestionnaireVersion) -> None:
    page = editor.get(vurl("questionnaire_preview", municipal, "sv")).content.decode()
    assert "Den senaste eller viktigaste innovationen" in page
    assert "tjänsteinnovation" in page  # the definition shown with the question that uses the term
    assert page.count('class="preview-section"') == len(MUNICIPAL["sections"])
    assert "I stor utsträckning" in page  # scale columns
    assert 'inputmode="decimal"' in page  # the number question
    assert "Rekonstruktion" in page


def test_pages_work_in_every_language(editor: Client, municipal: QuestionnaireVersion) -> None:
    question = Question.objects.get(version=municipal, code="q_partners")
    section = question.section
    for language in ("fi", "sv", "en"):
        for address in (
            url("barometer:questionnaire_list", language),
            url("barometer:questionnaire_create", language),
            url("barometer:questionnaire_import", language),
            url("barometer:questionnaire_detail", language, code=municipal.questionnaire.code),
            url("barometer:questionnaire_edit", language, code=municipal.questionnaire.code),
            vurl("questionnaire_version", municipal, language),
            vurl("questionnaire_version_edit", municipal, language),
            vurl("questionnaire_preview", municipal, language),
            vurl("questionnaire_definition_add", municipal, language),
            vurl("questionnaire_section_add", municipal, language),
            vurl("questionnaire_section", municipal, language, pk=section.pk),
            vurl("questionnaire_question_add", municipal, language, section_pk=section.pk),
            vurl("questionnaire_question", municipal, language, pk=question.pk),
            vurl("questionnaire_question_delete", municipal, language, pk=question.pk),
        ):
            assert editor.get(address).status_code == 200, address


def test_unknown_things_are_404(editor: Client, municipal: QuestionnaireVersion, small_version: Any) -> None:
    other_question = Question.objects.filter(version=small_version).first()
    assert other_question is not None
    assert editor.get(url("barometer:questionnaire_detail", "en", code="nope")).status_code == 404
    assert editor.get(vurl("questionnaire_question", municipal, pk=other_question.pk)).status_code == 404
    assert (
        editor.get(
            url("barometer:questionnaire_version", "en", code=municipal.questionnaire.code, number=9)
        ).status_code
        == 404
    )


def test_choice_rows_of_a_kind_without_options_are_not_kept(editor: Client, municipal: QuestionnaireVersion) -> None:
    section = Section.objects.get(version=municipal, code="comments")
    response = editor.post(
        vurl("questionnaire_question_add", municipal, section_pk=section.pk),
        question_post(
            municipal, section, kind="number", min_value="0", max_value="10", choices=[{"code": "a", "label_fi": "A"}]
        ),
    )
    assert response.status_code == 302
    question = Question.objects.get(version=municipal, code="q_new")
    assert not Choice.objects.filter(question=question).exists()
    assert (question.min_value, question.max_value) == (0, 10)
