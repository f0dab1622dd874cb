"""Who may do what on the questionnaire pages: every action for every role, expected outcomes as a table.

The questionnaire (small_version) is org_a's: its team is editor_a and admin_a, and the platform administrator
passes every check. "login" means the person is sent to log in; 403 that they are signed in but not on the team;
for posts, 302 means the change was made (it redirects to the result) and the table's check confirms it.
"""

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from barometer.models import Definition, Question, Questionnaire, QuestionnaireVersion, Section
from barometer.questionnaires.services import questionnaire_export
from tests.pages import url

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "registered_user", "editor_b", "editor_a", "admin_a", "platform_admin")
TEAM = ("login", 403, 403, 200, 200, 200)
TEAM_POST = ("login", 403, 403, 302, 302, 302)
# Pages any organisation's editor may open (the list of their own questionnaires, making a new one).
EDITORS = ("login", 403, 200, 200, 200, 200)


def v(name: str, version: QuestionnaireVersion, **kwargs: Any) -> str:
    return url(f"barometer:{name}", "en", code=version.questionnaire.code, number=version.number, **kwargs)


def _definition(version: QuestionnaireVersion) -> Definition:
    return Definition.objects.create(version=version, term_fi="innovaatio", text_fi="Käyttöön otettu idea.")


def _section(version: QuestionnaireVersion) -> Section:
    return Section.objects.get(version=version, code="other")


def _question(version: QuestionnaireVersion) -> Question:
    return Question.objects.get(version=version, code="comments")


def _question_post(version: QuestionnaireVersion, code: str) -> dict[str, Any]:
    data = {"revision": version.revision, "section": _section(version).pk, "code": code, "kind": "text"}
    data.update({"text_fi": "Kommentit?"})
    for prefix in ("choices", "items"):
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    return data


def _file(version: QuestionnaireVersion) -> SimpleUploadedFile:
    data = questionnaire_export(version)
    data["questionnaire"]["code"] = "imported"
    return SimpleUploadedFile("q.json", json.dumps(data).encode(), content_type="application/json")


Request = Callable[[QuestionnaireVersion, Any], tuple[str, str, dict[str, Any]]]
# action -> (request from (version, org_a), expected per role in ROLES order, check that the change happened)
ACTIONS: dict[str, tuple[Request, tuple[Any, ...], Callable[[QuestionnaireVersion], bool] | None]] = {
    "list": (lambda ver, org: ("get", url("barometer:questionnaire_list", "en"), {}), EDITORS, None),
    "open create form": (lambda ver, org: ("get", url("barometer:questionnaire_create", "en"), {}), EDITORS, None),
    "create for the organiser": (
        lambda ver, org: (
            "post",
            url("barometer:questionnaire_create", "en"),
            {"code": "new-one", "organiser": org.pk, "name_fi": "U"},
        ),
        # editor_b may make questionnaires, but not for org_a: the form refuses the organiser (200 with an error).
        ("login", 403, 200, 302, 302, 302),
        lambda ver: Questionnaire.objects.filter(code="new-one").exists(),
    ),
    "open import form": (lambda ver, org: ("get", url("barometer:questionnaire_import", "en"), {}), EDITORS, None),
    "import for the organiser": (
        lambda ver, org: (
            "post",
            url("barometer:questionnaire_import", "en"),
            {"file": _file(ver), "organiser": org.pk},
        ),
        ("login", 403, 200, 302, 302, 302),
        lambda ver: Questionnaire.objects.filter(code="imported").exists(),
    ),
    "view questionnaire": (
        lambda ver, org: ("get", url("barometer:questionnaire_detail", "en", code=ver.questionnaire.code), {}),
        TEAM,
        None,
    ),
    "open texts form": (
        lambda ver, org: ("get", url("barometer:questionnaire_edit", "en", code=ver.questionnaire.code), {}),
        TEAM,
        None,
    ),
    "save texts": (
        lambda ver, org: (
            "post",
            url("barometer:questionnaire_edit", "en", code=ver.questionnaire.code),
            {"fingerprint": _fingerprint(ver), "name_fi": "Muutettu"},
        ),
        TEAM_POST,
        lambda ver: Questionnaire.objects.filter(name_fi="Muutettu").exists(),
    ),
    "view version": (lambda ver, org: ("get", v("questionnaire_version", ver), {}), TEAM, None),
    "preview": (lambda ver, org: ("get", v("questionnaire_preview", ver), {}), TEAM, None),
    "export": (lambda ver, org: ("get", v("questionnaire_export", ver), {}), TEAM, None),
    "make a new version": (
        lambda ver, org: ("post", v("questionnaire_copy", ver), {}),
        TEAM_POST,
        lambda ver: QuestionnaireVersion.objects.filter(number=2).exists(),
    ),
    "open version texts": (lambda ver, org: ("get", v("questionnaire_version_edit", ver), {}), TEAM, None),
    "save version texts": (
        lambda ver, org: (
            "post",
            v("questionnaire_version_edit", ver),
            {"revision": ver.revision, "reference_period_fi": "kaksi vuotta"},
        ),
        TEAM_POST,
        lambda ver: QuestionnaireVersion.objects.filter(reference_period_fi="kaksi vuotta").exists(),
    ),
    "open delete version": (lambda ver, org: ("get", v("questionnaire_version_delete", ver), {}), TEAM, None),
    "delete version": (
        lambda ver, org: ("post", v("questionnaire_version_delete", ver), {"revision": ver.revision}),
        TEAM_POST,
        lambda ver: not QuestionnaireVersion.objects.exists(),
    ),
    "add definition": (
        lambda ver, org: (
            "post",
            v("questionnaire_definition_add", ver),
            {"revision": ver.revision, "term_fi": "kokeilu", "text_fi": "Testi."},
        ),
        TEAM_POST,
        lambda ver: Definition.objects.filter(term_fi="kokeilu").exists(),
    ),
    "edit definition": (
        lambda ver, org: (
            "post",
            v("questionnaire_definition", ver, pk=_definition(ver).pk),
            {"revision": ver.revision, "term_fi": "innovaatio", "text_fi": "Uusi teksti."},
        ),
        TEAM_POST,
        lambda ver: Definition.objects.filter(text_fi="Uusi teksti.").exists(),
    ),
    "delete definition": (
        lambda ver, org: (
            "post",
            v("questionnaire_definition_delete", ver, pk=_definition(ver).pk),
            {"revision": ver.revision},
        ),
        TEAM_POST,
        lambda ver: not Definition.objects.exists(),
    ),
    "open section form": (lambda ver, org: ("get", v("questionnaire_section_add", ver), {}), TEAM, None),
    "add section": (
        lambda ver, org: (
            "post",
            v("questionnaire_section_add", ver),
            {"revision": ver.revision, "code": "extra", "title_fi": "Lisää"},
        ),
        TEAM_POST,
        lambda ver: Section.objects.filter(code="extra").exists(),
    ),
    "edit section": (
        lambda ver, org: (
            "post",
            v("questionnaire_section", ver, pk=_section(ver).pk),
            {"revision": ver.revision, "code": "other", "title_fi": "Muuta tärkeää"},
        ),
        TEAM_POST,
        lambda ver: Section.objects.filter(title_fi="Muuta tärkeää").exists(),
    ),
    "move section": (
        lambda ver, org: (
            "post",
            v("questionnaire_section_move", ver, pk=_section(ver).pk),
            {"revision": ver.revision, "direction": "-1"},
        ),
        TEAM_POST,
        lambda ver: _section(ver).order == 1,
    ),
    "delete section": (
        lambda ver, org: (
            "post",
            v("questionnaire_section_delete", ver, pk=_section(ver).pk),
            {"revision": ver.revision},
        ),
        TEAM_POST,
        lambda ver: not Section.objects.filter(code="other").exists(),
    ),
    "open question form": (
        lambda ver, org: ("get", v("questionnaire_question", ver, pk=_question(ver).pk), {}),
        TEAM,
        None,
    ),
    "add question": (
        lambda ver, org: (
            "post",
            v("questionnaire_question_add", ver, section_pk=_section(ver).pk),
            _question_post(ver, "q_more"),
        ),
        TEAM_POST,
        lambda ver: Question.objects.filter(code="q_more").exists(),
    ),
    "edit question": (
        lambda ver, org: (
            "post",
            v("questionnaire_question", ver, pk=_question(ver).pk),
            _question_post(ver, "q_comments"),
        ),
        TEAM_POST,
        lambda ver: Question.objects.filter(code="q_comments").exists(),
    ),
    "move question": (
        lambda ver, org: (
            "post",
            v("questionnaire_question_move", ver, pk=_question(ver).pk),
            {"revision": ver.revision, "direction": "-1"},
        ),
        TEAM_POST,
        lambda ver: [q.code for q in _section(ver).questions.order_by("order")] == ["enablers", "comments", "staff"],
    ),
    "delete question": (
        lambda ver, org: (
            "post",
            v("questionnaire_question_delete", ver, pk=_question(ver).pk),
            {"revision": ver.revision},
        ),
        TEAM_POST,
        lambda ver: not Question.objects.filter(code="comments").exists(),
    ),
}


def _fingerprint(version: QuestionnaireVersion) -> str:
    from barometer.questionnaires.services import questionnaire_fingerprint

    return questionnaire_fingerprint(version.questionnaire)


@pytest.mark.parametrize("role_index", range(len(ROLES)), ids=ROLES)
@pytest.mark.parametrize("action", ACTIONS)
def test_role_can_or_cannot(
    action: str, role_index: int, small_version: QuestionnaireVersion, org_a: Any, request: Any
) -> None:
    role = ROLES[role_index]
    build, expected_by_role, changed = ACTIONS[action]
    expected = expected_by_role[role_index]
    client = Client()
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    method, address, data = build(small_version, org_a)
    response = getattr(client, method)(address, data)
    if expected == "login":
        assert response.status_code == 302
        assert "/login/" in response["Location"]
    else:
        assert response.status_code == expected, response.content.decode()[-3000:]
    if changed is not None:
        assert changed(small_version) is (expected == 302), "the change happened exactly when it was allowed"
