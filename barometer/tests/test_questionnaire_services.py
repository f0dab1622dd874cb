"""Import, export, freezing and copying of questionnaires, and the command that loads the shipped questionnaire."""

import copy
import json
from collections.abc import Iterator
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.utils import translation

from audit.models import ChangeRecord
from barometer.management.commands.load_barometer_questionnaire import DEFAULT_FILE
from barometer.models import Choice, Question, Questionnaire, QuestionnaireVersion, Section
from barometer.questionnaires import file as qf
from barometer.questionnaires.services import (
    InvalidQuestionnaireError,
    questionnaire_export,
    questionnaire_import,
    questionnaire_version_copy,
    questionnaire_version_freeze,
)
from barometer.selectors import version_spec
from barometer.vocabulary import Background, VersionStatus
from organisations.models import Organisation, OrganisationKind
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """The refusals are matched in English, whatever the catalogues say."""
    with translation.override("en"):
        yield


MUNICIPAL = json.loads(Path(DEFAULT_FILE).read_text(encoding="utf-8"))


def municipal() -> dict[str, Any]:
    return copy.deepcopy(MUNICIPAL)


def _question(data: dict[str, Any], code: str) -> dict[str, Any]:
    return next(q for s in data["sections"] for q in s["questions"] if q["code"] == code)


# --- the shipped questionnaire ------------------------------------------------------------------------------------


def test_shipped_questionnaire_is_valid_and_canonical() -> None:
    assert qf.validate(MUNICIPAL) == []
    assert qf.normalise(MUNICIPAL) == MUNICIPAL


def test_shipped_questionnaire_is_labelled_a_reconstruction_in_every_language() -> None:
    note = MUNICIPAL["questionnaire"]["provenance_note"]
    assert "Rekonstruktio" in note["fi"]
    assert "Rekonstruktion" in note["sv"]
    assert "reconstruction" in note["en"]
    assert "2022" in note["fi"]
    assert "not the official form" in note["en"]


def _texts(data: Any) -> list[dict[str, str]]:
    """Every text object of a file."""
    if isinstance(data, dict):
        if set(data) == set(qf.LANGUAGES):
            return [data]
        return [text for value in data.values() for text in _texts(value)]
    if isinstance(data, list):
        return [text for value in data for text in _texts(value)]
    return []


def test_shipped_questionnaire_is_complete_in_three_languages() -> None:
    for text in _texts(MUNICIPAL):
        # A text is either given in all three languages or in none (optional help left empty).
        assert all(text.values()) or not any(text.values()), text


def test_shipped_questionnaire_background_mirrors_the_frame() -> None:
    from organisations.models import SizeClass
    from organisations.reference_data import REFERENCE_DIR

    kind = _question(MUNICIPAL, "q_org_kind")
    size = _question(MUNICIPAL, "q_size")
    region = _question(MUNICIPAL, "q_region")
    assert (kind["background"], size["background"], region["background"]) == ("kind", "size_class", "region")
    assert {c["code"] for c in kind["choices"]} <= set(OrganisationKind.values)
    assert [c["code"] for c in size["choices"]] == list(SizeClass.values)
    region_codes = [line.split(",")[0] for line in (REFERENCE_DIR / "regions.csv").read_text().splitlines()[1:]]
    assert [c["code"] for c in region["choices"]] == region_codes


def test_shipped_questionnaire_routes_the_latest_innovation_block() -> None:
    latest = next(s for s in MUNICIPAL["sections"] if s["code"] == "latest")
    assert latest["show_if"] == {"question": "q_introduced_types", "any_of": ["yes"]}
    assert [q["code"] for q in latest["questions"]] == [
        "q_latest_description",
        "q_latest_type",
        "q_novelty",
        "q_idea_sources",
        "q_partners",
        "q_motivations",
        "q_channels",
        "q_outcomes",
    ]
    # The report's percentages leave "don't know" out: every such option says so.
    for question in (q for s in MUNICIPAL["sections"] for q in s["questions"]):
        for choice in question["choices"]:
            if choice["code"] == "dont_know":
                assert choice["excluded_from_percent"], question["code"]


# --- import -------------------------------------------------------------------------------------------------------


def test_import_creates_the_whole_version(org_a: Organisation, editor_a: Any) -> None:
    result = questionnaire_import(actor=editor_a, organiser=org_a, data=municipal())
    version = result.version
    assert result.outcome == "created"
    assert version.status == VersionStatus.DRAFT
    assert version.number == 1
    assert version.questionnaire.organiser == org_a
    assert version.questionnaire.name_sv == "Innovationsbarometern — kommunsektorn"
    assert version.sections.count() == len(MUNICIPAL["sections"])
    question = Question.objects.get(version=version, code="q_org_kind")
    assert question.background == Background.KIND
    assert question.required
    assert question.text_en == "What kind of organisation is yours?"  # type: ignore[attr-defined]
    grid = Question.objects.get(version=version, code="q_introduced_types")
    assert [i.code for i in grid.items.all()] == ["service", "product", "process", "organisational", "communication"]
    assert sorted(d.term_en for d in grid.definitions.all())[0] == "communication innovation"  # type: ignore[attr-defined]
    dont_know = Choice.objects.get(question__version=version, question__code="q_partners", code="dont_know")
    assert dont_know.excluded_from_percent
    assert dont_know.exclusive
    # The answering form's view of it: routing as written.
    spec = version_spec(version)
    assert spec.section_conditions["q_partners"] == {"question": "q_introduced_types", "any_of": ["yes"]}
    assert ChangeRecord.objects.filter(object_id=version.pk, action="create").exists()


def test_export_import_export_is_identical(org_a: Organisation, editor_a: Any) -> None:
    version = questionnaire_import(actor=editor_a, organiser=org_a, data=municipal()).version
    first = questionnaire_export(version)
    assert first == MUNICIPAL
    # Into an empty database (the questionnaire removed first) it comes back the same.
    Questionnaire.objects.all().delete()
    again = questionnaire_import(actor=editor_a, organiser=org_a, data=json.loads(qf.dumps(first))).version
    assert questionnaire_export(again) == first


def test_reimporting_the_same_file_changes_nothing(org_a: Organisation, editor_a: Any) -> None:
    version = questionnaire_import(actor=editor_a, organiser=org_a, data=municipal()).version
    ids = set(Question.objects.filter(version=version).values_list("pk", flat=True))
    result = questionnaire_import(actor=editor_a, organiser=org_a, data=municipal())
    assert (result.outcome, result.version.pk) == ("unchanged", version.pk)
    assert set(Question.objects.filter(version=version).values_list("pk", flat=True)) == ids
    assert QuestionnaireVersion.objects.count() == 1


def test_reimporting_a_changed_file_updates_the_draft_keeping_rows(org_a: Organisation, editor_a: Any) -> None:
    version = questionnaire_import(actor=editor_a, organiser=org_a, data=municipal()).version
    kept = Question.objects.get(version=version, code="q_partners").pk
    changed = municipal()
    _question(changed, "q_partners")["text"]["en"] = "Who were your partners?"
    changed["sections"][-1]["questions"].append({"code": "q_new", "kind": "text", "text": {"fi": "Uusi kysymys"}})
    del changed["sections"][1]["questions"][1]  # q_established
    result = questionnaire_import(actor=editor_a, organiser=org_a, data=changed)
    assert (result.outcome, result.version.pk) == ("updated", version.pk)
    partners = Question.objects.get(version=version, code="q_partners")
    assert partners.pk == kept
    assert partners.text_en == "Who were your partners?"  # type: ignore[attr-defined]
    assert not Question.objects.filter(version=version, code="q_established").exists()
    assert questionnaire_export(result.version) == qf.normalise(changed)
    version.refresh_from_db()
    assert version.revision == 2


def test_import_over_a_frozen_version_makes_a_new_version(org_a: Organisation, editor_a: Any) -> None:
    version = questionnaire_import(actor=editor_a, organiser=org_a, data=municipal()).version
    questionnaire_version_freeze(version)
    # The same contents: nothing to do.
    assert questionnaire_import(actor=editor_a, organiser=org_a, data=municipal()).outcome == "unchanged"
    changed = municipal()
    changed["version"]["reference_period"] = {"fi": "vuodet 2023–2024", "sv": "", "en": ""}
    result = questionnaire_import(actor=editor_a, organiser=org_a, data=changed)
    assert result.outcome == "new_version"
    assert result.version.number == 2
    assert result.version.status == VersionStatus.DRAFT
    version.refresh_from_db()
    assert version.status == VersionStatus.FROZEN
    assert version.reference_period_fi == "kaksi viimeistä vuotta"  # type: ignore[attr-defined]
    # Loading the changed file again finds the new draft: idempotent, no third version.
    again = questionnaire_import(actor=editor_a, organiser=org_a, data=changed)
    assert (again.outcome, again.version.pk) == ("unchanged", result.version.pk)


def test_a_file_with_problems_writes_nothing_and_lists_them_all(org_a: Organisation, editor_a: Any) -> None:
    broken = municipal()
    _question(broken, "q_partners")["kind"] = "ranking"
    _question(broken, "q_channels")["code"] = "q_partners"
    _question(broken, "q_support_forms")["show_if"] = {"question": "q_comments", "any_of": ["yes"]}
    with pytest.raises(InvalidQuestionnaireError) as caught:
        questionnaire_import(actor=editor_a, organiser=org_a, data=broken)
    codes = {(p.path, p.code) for p in caught.value.problems}
    assert ("sections[2].questions[4].kind", "unknown_kind") in codes
    assert ("sections[2].questions[6].code", "duplicate_code") in codes
    assert ("sections[3].questions[1].show_if.question", "condition_not_earlier") in codes
    assert not Questionnaire.objects.exists()


def test_a_failure_half_way_rolls_everything_back(org_a: Organisation, editor_a: Any, monkeypatch: Any) -> None:
    from barometer.questionnaires import services as questionnaires

    def fail(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(questionnaires, "_sync_rows", fail)
    with pytest.raises(RuntimeError):
        questionnaire_import(actor=editor_a, organiser=org_a, data=municipal())
    assert not Questionnaire.objects.exists()
    assert not Section.objects.exists()


@pytest.mark.parametrize("role", ["registered_user", "editor_b"])
def test_import_needs_the_organisers_team(role: str, org_a: Organisation, request: Any) -> None:
    with pytest.raises(PermissionDenied):
        questionnaire_import(actor=request.getfixturevalue(role), organiser=org_a, data=municipal())
    assert not Questionnaire.objects.exists()


@pytest.mark.parametrize("role", ["editor_a", "admin_a", "platform_admin"])
def test_the_organisers_team_may_import(role: str, org_a: Organisation, request: Any) -> None:
    assert questionnaire_import(actor=request.getfixturevalue(role), organiser=org_a, data=municipal()).version


def test_an_existing_code_of_another_organiser_is_refused(
    org_a: Organisation, org_b: Organisation, platform_admin: Any
) -> None:
    questionnaire_import(actor=platform_admin, organiser=org_a, data=municipal())
    with pytest.raises(ValidationError, match="belongs to"):
        questionnaire_import(actor=platform_admin, organiser=org_b, data=municipal())


def test_another_team_cannot_change_a_questionnaire_by_importing(
    org_a: Organisation, org_b: Organisation, editor_a: Any, editor_b: Any
) -> None:
    questionnaire_import(actor=editor_a, organiser=org_a, data=municipal())
    with pytest.raises(PermissionDenied):
        questionnaire_import(actor=editor_b, organiser=org_b, data=municipal())


# --- freeze and copy ----------------------------------------------------------------------------------------------


def test_freeze_refuses_an_unfinished_version_and_is_idempotent(small_version: QuestionnaireVersion) -> None:
    Choice.objects.filter(question__version=small_version, question__code="kind").delete()
    with pytest.raises(InvalidQuestionnaireError) as caught:
        questionnaire_version_freeze(small_version)
    assert [p.code for p in caught.value.problems] == ["choices_missing"]
    small_version.refresh_from_db()
    assert small_version.status == VersionStatus.DRAFT

    Choice.objects.create(
        question=Question.objects.get(version=small_version, code="kind"), order=0, code="a", label_fi="A"
    )
    Choice.objects.create(
        question=Question.objects.get(version=small_version, code="kind"), order=1, code="b", label_fi="B"
    )
    frozen = questionnaire_version_freeze(small_version)
    assert frozen.status == VersionStatus.FROZEN
    assert frozen.revision == 2
    assert small_version.status == VersionStatus.FROZEN
    again = questionnaire_version_freeze(small_version)
    assert again.revision == 2


def test_copy_makes_the_next_draft_with_the_same_contents(org_a: Organisation, admin_a: Any) -> None:
    version = questionnaire_import(actor=admin_a, organiser=org_a, data=municipal()).version
    questionnaire_version_freeze(version)
    new = questionnaire_version_copy(actor=admin_a, version=version)
    assert (new.number, new.status) == (2, VersionStatus.DRAFT)
    exported = questionnaire_export(new)
    assert exported["version"]["number"] == 2
    assert qf.normalise({**exported, "version": {**exported["version"], "number": 1}}) == MUNICIPAL


def test_copy_needs_the_team(small_version: QuestionnaireVersion, editor_b: Any) -> None:
    with pytest.raises(PermissionDenied):
        questionnaire_version_copy(actor=editor_b, version=small_version)


# --- the command --------------------------------------------------------------------------------------------------


def test_command_loads_the_default_for_kuntaliitto_idempotently() -> None:
    kuntaliitto = OrganisationFactory.create(
        kind=OrganisationKind.OTHER, name_fi="Suomen Kuntaliitto", name_sv="Finlands Kommunförbund"
    )
    OrganisationFactory.create(kind=OrganisationKind.MINISTRY, name_fi="Valtiovarainministeriö")
    out = StringIO()
    call_command("load_barometer_questionnaire", stdout=out)
    assert "Created the questionnaire “municipal-barometer”" in out.getvalue()
    questionnaire = Questionnaire.objects.get(code="municipal-barometer")
    assert questionnaire.organiser == kuntaliitto
    out = StringIO()
    call_command("load_barometer_questionnaire", stdout=out)
    assert "nothing changed" in out.getvalue()
    assert QuestionnaireVersion.objects.count() == 1


def test_command_falls_back_to_the_ministry_of_finance() -> None:
    OrganisationFactory.create(kind=OrganisationKind.MINISTRY, name_fi="Opetus- ja kulttuuriministeriö")
    finance = OrganisationFactory.create(kind=OrganisationKind.MINISTRY, name_fi="Valtiovarainministeriö")
    call_command("load_barometer_questionnaire", stdout=StringIO())
    assert Questionnaire.objects.get().organiser == finance


def test_command_takes_the_organiser_by_business_id_or_name(org_b: Organisation) -> None:
    call_command("load_barometer_questionnaire", "--organiser", org_b.business_id, stdout=StringIO())
    assert Questionnaire.objects.get().organiser == org_b
    with pytest.raises(CommandError, match="No organisation matches"):
        call_command("load_barometer_questionnaire", "--organiser", "Nowhere at all", stdout=StringIO())


def test_command_without_any_organiser_says_what_to_do(db: None) -> None:
    with pytest.raises(CommandError, match="--organiser"):
        call_command("load_barometer_questionnaire", stdout=StringIO())


def test_command_reports_a_broken_file(tmp_path: Path, org_a: Organisation) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{"format": "innoverkko-questionnaire/1", "questionnaire": {"code": "x"}}', encoding="utf-8")
    with pytest.raises(CommandError) as caught:
        call_command("load_barometer_questionnaire", str(path), "--organiser", org_a.slug, stdout=StringIO())
    assert "nothing was loaded" in str(caught.value)
    assert "questionnaire: The field “name” is missing." in str(caught.value)
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(CommandError, match="not valid JSON"):
        call_command("load_barometer_questionnaire", str(path), "--organiser", org_a.slug, stdout=StringIO())
    assert not Questionnaire.objects.exists()
