"""Every write to questionnaires: import and export of the questionnaire file, freezing and copying a version, and
the editor's changes to a draft version.

Each write checks `barometer.change_questionnaire`, runs in one transaction, and records the change on the version
(or the questionnaire). Editor writes carry the version's `revision` they started from and are refused with
ConflictError when someone saved in between; after the change the whole version is checked with the file's
validator, so that the editor can never leave a version whose routing or codes are broken (only unfinished, e.g.
a question still without options, which a round refuses until it is finished). The editor's texts are measured
before the transaction (`core.text_limits`), long ones against the questionnaire file's limit.
"""

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Max, ProtectedError
from django.utils.translation import gettext as _

from accounts.models import Actor
from audit.models import Action
from audit.services import change_record, diff
from barometer.models import Choice, Definition, Item, Question, Questionnaire, QuestionnaireVersion, Section
from barometer.questionnaires import file as qf
from barometer.selectors import version_contents
from barometer.vocabulary import VersionStatus
from core.permissions import require
from core.text_limits import checks_text_sizes
from core.translated import LANGUAGES
from organisations.models import Organisation
from records.services import refuse_stale

PERM = "barometer.change_questionnaire"


class InvalidQuestionnaireError(ValidationError):
    """A questionnaire (a file, or a version about to be used) has problems; `problems` lists them all, and
    `data` is the file (or the version's export) they were found in, for saying in words where each one is."""

    def __init__(self, problems: Sequence[qf.Problem], data: Any = None) -> None:
        self.problems = list(problems)
        self.data = data
        super().__init__([self.describe(problem) for problem in self.problems])

    def place(self, problem: qf.Problem) -> str:
        return qf.place(self.data, problem.path) if self.data is not None else ""

    def describe(self, problem: qf.Problem) -> str:
        place = self.place(problem)
        return f"{place}: {problem.message}" if place else str(problem)


def _set_text(obj: models.Model, name: str, text: Mapping[str, str]) -> None:
    for language in LANGUAGES:
        setattr(obj, f"{name}_{language}", text.get(language, ""))


def _get_text(obj: models.Model, name: str) -> dict[str, str]:
    return {language: getattr(obj, f"{name}_{language}", None) or "" for language in LANGUAGES}


# --- export -------------------------------------------------------------------------------------------------------


def questionnaire_export(version: QuestionnaireVersion) -> dict[str, Any]:
    """The version as a questionnaire file, in canonical form (see questionnaire_file)."""
    questionnaire = version.questionnaire
    # Definitions keep the order they were made in (the file's order, then the editor's additions).
    definitions = list(version.definitions.order_by("pk"))
    position = {definition.pk: index for index, definition in enumerate(definitions)}
    sections = []
    for section in version_contents(version):
        questions = []
        for question in section.questions.all():
            used = sorted(question.definitions.all(), key=lambda d: position[d.pk])
            questions.append(
                {
                    "code": question.code,
                    "kind": question.kind,
                    "text": _get_text(question, "text"),
                    "help_text": _get_text(question, "help_text"),
                    "required": question.required,
                    "show_if": qf.condition(question.show_if),
                    "background": question.background or "",
                    "definitions": [d.term_fi or "" for d in used],  # type: ignore[attr-defined]
                    "min_value": qf.number(question.min_value),
                    "max_value": qf.number(question.max_value),
                    "unit_label": _get_text(question, "unit_label"),
                    "choices": [
                        {
                            "code": choice.code,
                            "label": _get_text(choice, "label"),
                            "excluded_from_percent": choice.excluded_from_percent,
                            "exclusive": choice.exclusive,
                        }
                        for choice in question.choices.all()
                    ],
                    "items": [{"code": item.code, "label": _get_text(item, "label")} for item in question.items.all()],
                }
            )
        sections.append(
            {
                "code": section.code,
                "title": _get_text(section, "title"),
                "introduction": _get_text(section, "introduction"),
                "show_if": qf.condition(section.show_if),
                "questions": questions,
            }
        )
    return {
        "format": qf.FORMAT,
        "questionnaire": {
            "code": questionnaire.code,
            "name": _get_text(questionnaire, "name"),
            "description": _get_text(questionnaire, "description"),
            "provenance_note": _get_text(questionnaire, "provenance_note"),
        },
        "version": {
            "number": version.number,
            "introduction": _get_text(version, "introduction"),
            "reference_period": _get_text(version, "reference_period"),
        },
        "definitions": [{"term": _get_text(d, "term"), "text": _get_text(d, "text")} for d in definitions],
        "sections": sections,
    }


def version_problems(version: QuestionnaireVersion) -> list[qf.Problem]:
    """What is wrong or unfinished in a version (an empty list: a round can use it)."""
    return qf.validate(questionnaire_export(version))


# --- writing a whole version --------------------------------------------------------------------------------------


def _content(data: Mapping[str, Any]) -> dict[str, Any]:
    """What a version holds, without the questionnaire's own texts and the version's number."""
    version = {key: value for key, value in data["version"].items() if key != "number"}
    return {"version": version, "definitions": data["definitions"], "sections": data["sections"]}


def _sync_rows(
    existing: Iterable[Choice] | Iterable[Item],
    model: type[Choice] | type[Item],
    question: Question,
    rows: Sequence[Mapping[str, Any]],
    flags: tuple[str, ...],
) -> None:
    """Makes a question's choices or items match `rows`, matched by code (rows keep their ids)."""
    by_code = {row.code: row for row in existing}
    for order, data in enumerate(rows):
        row = by_code.pop(data["code"], None) or model(question=question, code=data["code"])
        row.order = order
        _set_text(row, "label", data["label"])
        for flag in flags:
            setattr(row, flag, data[flag])
        row.save()
    model.objects.filter(pk__in=[row.pk for row in by_code.values()]).delete()


def _write_contents(version: QuestionnaireVersion, data: Mapping[str, Any]) -> None:
    """Makes a draft version hold exactly what the (canonical, valid) file says, matching rows by code so that
    what did not change keeps its id."""
    _set_text(version, "introduction", data["version"]["introduction"])
    _set_text(version, "reference_period", data["version"]["reference_period"])
    version.save()

    old_definitions = {d.term_fi: d for d in version.definitions.all()}  # type: ignore[attr-defined]
    definitions: dict[str, Definition] = {}
    for entry in data["definitions"]:
        term = entry["term"]["fi"]
        definition = old_definitions.pop(term, None) or Definition(version=version)
        _set_text(definition, "term", entry["term"])
        _set_text(definition, "text", entry["text"])
        definition.save()
        definitions[term] = definition
    Definition.objects.filter(pk__in=[d.pk for d in old_definitions.values()]).delete()

    old_sections = {s.code: s for s in version.sections.all()}
    old_questions = {
        q.code: q for q in version.questions.prefetch_related("choices", "items").select_related("section")
    }
    for s_order, entry in enumerate(data["sections"]):
        section = old_sections.pop(entry["code"], None) or Section(version=version, code=entry["code"])
        section.order = s_order
        _set_text(section, "title", entry["title"])
        _set_text(section, "introduction", entry["introduction"])
        section.show_if = entry["show_if"]
        section.save()
        for q_order, q_entry in enumerate(entry["questions"]):
            question = old_questions.pop(q_entry["code"], None) or Question(version=version, code=q_entry["code"])
            is_new = question.pk is None
            question.section = section
            question.order = q_order
            question.kind = q_entry["kind"]
            for name in ("text", "help_text", "unit_label"):
                _set_text(question, name, q_entry[name])
            question.required = q_entry["required"]
            question.show_if = q_entry["show_if"]
            question.background = q_entry["background"]
            question.min_value = q_entry["min_value"]
            question.max_value = q_entry["max_value"]
            question.save()
            question.definitions.set([definitions[term] for term in q_entry["definitions"]])
            _sync_rows(
                [] if is_new else question.choices.all(),
                Choice,
                question,
                q_entry["choices"],
                ("excluded_from_percent", "exclusive"),
            )
            _sync_rows([] if is_new else question.items.all(), Item, question, q_entry["items"], ())
    try:
        Question.objects.filter(pk__in=[q.pk for q in old_questions.values()]).delete()
    except ProtectedError:
        raise ValidationError(
            _("Questions that already have answers cannot be removed: %(codes)s.")
            % {"codes": ", ".join(sorted(old_questions))}
        ) from None
    Section.objects.filter(pk__in=[s.pk for s in old_sections.values()]).delete()


def _summary(data: Mapping[str, Any]) -> dict[str, Any]:
    """The change log's view of a whole version: its section and question codes."""
    return {
        "sections": [s["code"] for s in data["sections"]],
        "questions": [q["code"] for s in data["sections"] for q in s["questions"]],
    }


@dataclass(frozen=True)
class ImportResult:
    version: QuestionnaireVersion
    # created: a new questionnaire; new_version: a new version of an existing one; updated: a draft was changed;
    # unchanged: the file holds what the version already holds.
    outcome: Literal["created", "new_version", "updated", "unchanged"]


def _lock_questionnaire(code: str) -> Questionnaire | None:
    return Questionnaire.objects.select_for_update().select_related("organiser").filter(code=code).first()


@transaction.atomic
def questionnaire_import(*, actor: Actor, organiser: Organisation, data: Any) -> ImportResult:
    """Imports a questionnaire file, all or nothing; InvalidQuestionnaireError lists every problem of the file.

    Where it goes (a version in use is never changed):
    - a questionnaire code not seen before: a new questionnaire, its version numbered as in the file;
    - the file's version number is a draft: that draft is made to match the file;
    - it is a frozen version with the same contents: nothing changes;
    - otherwise: the latest version if it is a draft, or else a new draft version numbered after the latest.
    The questionnaire's own texts (name, description, provenance) are updated from the file.
    """
    problems = qf.validate(data)
    if problems:
        raise InvalidQuestionnaireError(problems, data)
    clean = qf.normalise(data)
    questionnaire = _lock_questionnaire(clean["questionnaire"]["code"])
    if questionnaire is None:
        questionnaire = Questionnaire(code=clean["questionnaire"]["code"], organiser=organiser)
        require(actor, PERM, questionnaire)
        _questionnaire_texts(questionnaire, clean["questionnaire"])
        questionnaire.save()
        change_record(
            obj=questionnaire, actor=actor, action=Action.CREATE, changes=diff({}, {"code": questionnaire.code})
        )
        version = QuestionnaireVersion.objects.create(questionnaire=questionnaire, number=clean["version"]["number"])
        _write_contents(version, clean)
        change_record(obj=version, actor=actor, action=Action.CREATE, changes=diff({}, _summary(clean)))
        return ImportResult(version, "created")

    require(actor, PERM, questionnaire)
    if questionnaire.organiser_id != organiser.pk:
        raise ValidationError(
            _(
                "The questionnaire “%(code)s” belongs to %(organiser)s. Import it for that organiser, or give the "
                "file another questionnaire code to make a new questionnaire."
            )
            % {"code": questionnaire.code, "organiser": questionnaire.organiser}
        )
    before_texts = _questionnaire_snapshot(questionnaire)
    _questionnaire_texts(questionnaire, clean["questionnaire"])
    if _questionnaire_snapshot(questionnaire) != before_texts:
        questionnaire.save()
        change_record(
            obj=questionnaire,
            actor=actor,
            action=Action.UPDATE,
            changes=diff(before_texts, _questionnaire_snapshot(questionnaire)),
        )

    versions = QuestionnaireVersion.objects.select_for_update().filter(questionnaire=questionnaire)
    target = versions.filter(number=clean["version"]["number"]).first()
    if target is not None and target.status == VersionStatus.FROZEN:
        if _content(questionnaire_export(target)) == _content(clean):
            return ImportResult(target, "unchanged")
        target = None
    if target is None:
        latest = versions.order_by("-number").first()
        if latest is not None and latest.status == VersionStatus.DRAFT:
            target = latest
    if target is None:
        number = (versions.aggregate(Max("number"))["number__max"] or 0) + 1
        version = QuestionnaireVersion.objects.create(questionnaire=questionnaire, number=number)
        _write_contents(version, clean)
        change_record(obj=version, actor=actor, action=Action.CREATE, changes=diff({}, _summary(clean)))
        return ImportResult(version, "new_version")

    before = questionnaire_export(target)
    if _content(before) == _content(clean):
        return ImportResult(target, "unchanged")
    _write_contents(target, clean)
    target.revision += 1
    target.save(update_fields=["revision"])
    change_record(obj=target, actor=actor, action=Action.UPDATE, changes=diff(_summary(before), _summary(clean)))
    return ImportResult(target, "updated")


QUESTIONNAIRE_TEXTS = ("name", "description", "provenance_note")


def _questionnaire_texts(questionnaire: Questionnaire, data: Mapping[str, Any]) -> None:
    for name in QUESTIONNAIRE_TEXTS:
        _set_text(questionnaire, name, data[name])


def _questionnaire_snapshot(questionnaire: Questionnaire) -> dict[str, Any]:
    return {
        f"{name}_{lang}": text for name in QUESTIONNAIRE_TEXTS for lang, text in _get_text(questionnaire, name).items()
    }


# --- versions -----------------------------------------------------------------------------------------------------


@transaction.atomic
def questionnaire_version_freeze(version: QuestionnaireVersion, *, actor: Actor | None = None) -> QuestionnaireVersion:
    """Freezes a version for use by a round (the round's service checked the permission). Idempotent.

    A version with problems (unfinished questions, missing Finnish texts …) cannot be frozen: InvalidQuestionnaireError
    lists them. The revision goes up, so an editor who had the draft open gets a conflict, not a change to a
    questionnaire in use."""
    current = QuestionnaireVersion.objects.select_for_update().select_related("questionnaire").get(pk=version.pk)
    if current.status == VersionStatus.FROZEN:
        return current
    data = questionnaire_export(current)
    problems = qf.validate(data)
    if problems:
        raise InvalidQuestionnaireError(problems, data)
    current.status = VersionStatus.FROZEN
    current.revision += 1
    current.save(update_fields=["status", "revision"])
    change_record(
        obj=current, actor=actor, action=Action.UPDATE, changes={"status": [VersionStatus.DRAFT, VersionStatus.FROZEN]}
    )
    version.status, version.revision = current.status, current.revision
    return current


@transaction.atomic
def questionnaire_version_copy(*, actor: Actor, version: QuestionnaireVersion) -> QuestionnaireVersion:
    """A new draft version with the same contents, numbered after the questionnaire's latest version."""
    questionnaire = Questionnaire.objects.select_for_update().get(pk=version.questionnaire_id)
    require(actor, PERM, questionnaire)
    data = questionnaire_export(version)
    number = (questionnaire.versions.aggregate(Max("number"))["number__max"] or 0) + 1
    copy = QuestionnaireVersion.objects.create(questionnaire=questionnaire, number=number)
    _write_contents(copy, data)
    change_record(
        obj=copy,
        actor=actor,
        action=Action.CREATE,
        changes={"copied_from": [None, version.number], **diff({}, _summary(data))},
    )
    return copy


# --- the editor ---------------------------------------------------------------------------------------------------
# Every function below changes a draft version: it takes the version's revision the editor started from, and ends
# with _finish (the whole version checked, the revision bumped, the change logged).


def _texts_of(data: Mapping[str, Any], names: Iterable[str]) -> dict[str, str]:
    return {f"{name}_{lang}": (data.get(f"{name}_{lang}") or "").strip() for name in names for lang in LANGUAGES}


def _apply_texts(obj: models.Model, texts: Mapping[str, str]) -> None:
    for name, value in texts.items():
        setattr(obj, name, value)


def _snapshot(obj: models.Model, fields: Iterable[str], prefix: str) -> dict[str, Any]:
    return {f"{prefix}.{name}": getattr(obj, name) for name in fields}


def _require_finnish(texts: Mapping[str, str], name: str) -> None:
    if not texts.get(f"{name}_fi"):
        raise ValidationError(
            {f"{name}_fi": _("Write the Finnish text; Swedish and English are shown from it until translated.")}
        )


def _lock_draft(actor: Actor, version: QuestionnaireVersion, expected_revision: int) -> QuestionnaireVersion:
    """The version re-read under a lock: refused if someone saved since `expected_revision`, or if it is in use."""
    current = QuestionnaireVersion.objects.select_for_update().select_related("questionnaire").get(pk=version.pk)
    require(actor, PERM, current.questionnaire)  # before the revision: a stranger learns nothing of the draft
    refuse_stale(current.revision, expected_revision)
    if current.status != VersionStatus.DRAFT:
        raise ValidationError(
            _("This version is in use by a survey round and cannot be changed. Make a new version to change it.")
        )
    return current


def _finish(actor: Actor, version: QuestionnaireVersion, changes: Mapping[str, Any]) -> QuestionnaireVersion:
    """Refuses a change that breaks the version (routing to a removed option, a duplicate code …; unfinished
    parts are allowed), then bumps the revision and records the change."""
    data = questionnaire_export(version)
    problems = [problem for problem in qf.validate(data) if problem.code not in qf.INCOMPLETE]
    if problems:
        raise InvalidQuestionnaireError(problems, data)
    version.revision += 1
    version.save(update_fields=["revision"])
    change_record(obj=version, actor=actor, action=Action.UPDATE, changes=dict(changes))
    return version


def _check_code(value: str, pattern: Any, limit: int, field: str = "code") -> str:
    code = (value or "").strip()
    if not pattern.fullmatch(code) or len(code) > limit:
        problem = {
            qf.VARIABLE_CODE: "bad_variable_code",
            qf.VALUE_CODE: "bad_value_code",
            qf.QUESTIONNAIRE_CODE: "bad_questionnaire_code",
        }[pattern]
        raise ValidationError({field: qf.Problem("", problem, {"code": code, "limit": limit}).message})
    return code


QUESTIONNAIRE_TEXT_FIELDS = tuple(f"{name}_{lang}" for name in QUESTIONNAIRE_TEXTS for lang in LANGUAGES)


def questionnaire_fingerprint(questionnaire: Questionnaire) -> str:
    """What the editor saw of a questionnaire's texts. Questionnaires have no revision of their own (their
    contents are versioned), so a save compares this instead: a change in between is a conflict."""
    snapshot = json.dumps(_questionnaire_snapshot(questionnaire), sort_keys=True)
    return hashlib.sha256(snapshot.encode()).hexdigest()[:16]


@checks_text_sizes(Questionnaire, long_text=qf.LONG_TEXT_LIMIT)
@transaction.atomic
def questionnaire_create(*, actor: Actor, organiser: Organisation, data: Mapping[str, Any]) -> QuestionnaireVersion:
    """A new questionnaire with an empty draft version 1, which the editor then fills."""
    questionnaire = Questionnaire(organiser=organiser)
    require(actor, PERM, questionnaire)
    questionnaire.code = _check_code(data.get("code", ""), qf.QUESTIONNAIRE_CODE, qf.QUESTIONNAIRE_CODE_LENGTH)
    if questionnaire.code in qf.RESERVED_CODES:
        raise ValidationError({"code": qf.Problem("", "reserved_code", {"code": questionnaire.code}).message})
    if Questionnaire.objects.filter(code=questionnaire.code).exists():
        raise ValidationError({"code": _("Another questionnaire already has this code.")})
    texts = _texts_of(data, QUESTIONNAIRE_TEXTS)
    _require_finnish(texts, "name")
    _apply_texts(questionnaire, texts)
    questionnaire.full_clean(exclude=["organiser"])
    questionnaire.save()
    change_record(
        obj=questionnaire, actor=actor, action=Action.CREATE, changes=diff({}, _questionnaire_snapshot(questionnaire))
    )
    version = QuestionnaireVersion.objects.create(questionnaire=questionnaire, number=1)
    change_record(obj=version, actor=actor, action=Action.CREATE, changes={"number": [None, 1]})
    return version


@checks_text_sizes(Questionnaire, long_text=qf.LONG_TEXT_LIMIT)
@transaction.atomic
def questionnaire_update(
    *, actor: Actor, questionnaire: Questionnaire, expected_fingerprint: str, data: Mapping[str, Any]
) -> Questionnaire:
    """Changes the questionnaire's name, description and provenance note (texts of every version)."""
    current = Questionnaire.objects.select_for_update().get(pk=questionnaire.pk)
    require(actor, PERM, current)
    refuse_stale(questionnaire_fingerprint(current), expected_fingerprint)
    before = _questionnaire_snapshot(current)
    texts = _texts_of(data, QUESTIONNAIRE_TEXTS)
    _require_finnish(texts, "name")
    _apply_texts(current, texts)
    current.full_clean(exclude=["organiser"])
    current.save()
    change_record(
        obj=current, actor=actor, action=Action.UPDATE, changes=diff(before, _questionnaire_snapshot(current))
    )
    return current


VERSION_TEXTS = ("introduction", "reference_period")


@checks_text_sizes(QuestionnaireVersion, long_text=qf.LONG_TEXT_LIMIT)
@transaction.atomic
def questionnaire_version_update(
    *, actor: Actor, version: QuestionnaireVersion, expected_revision: int, data: Mapping[str, Any]
) -> QuestionnaireVersion:
    """Changes the version's introduction and reference period."""
    current = _lock_draft(actor, version, expected_revision)
    texts = _texts_of(data, VERSION_TEXTS)
    before = _snapshot(current, texts, "version")
    _apply_texts(current, texts)
    current.full_clean(exclude=["questionnaire"])
    current.save()
    return _finish(actor, current, diff(before, _snapshot(current, texts, "version")))


@transaction.atomic
def questionnaire_version_delete(*, actor: Actor, version: QuestionnaireVersion, expected_revision: int) -> None:
    """Deletes a draft version that no round uses; the questionnaire goes with its last version."""
    current = _lock_draft(actor, version, expected_revision)
    if current.rounds.exists():
        raise ValidationError(_("A survey round uses this version: choose another version for the round first."))
    questionnaire = current.questionnaire
    change_record(obj=current, actor=actor, action=Action.DELETE, changes={"number": [current.number, None]})
    current.delete()
    if not questionnaire.versions.exists():
        change_record(
            obj=questionnaire, actor=actor, action=Action.DELETE, changes={"code": [questionnaire.code, None]}
        )
        questionnaire.delete()


# --- definitions --------------------------------------------------------------------------------------------------

DEFINITION_TEXTS = ("term", "text")


def _definition_texts(version: QuestionnaireVersion, data: Mapping[str, Any], exclude: int = 0) -> dict[str, str]:
    texts = _texts_of(data, DEFINITION_TEXTS)
    _require_finnish(texts, "term")
    _require_finnish(texts, "text")
    # Questions (and files) refer to a definition by its Finnish term.
    if version.definitions.filter(term_fi=texts["term_fi"]).exclude(pk=exclude).exists():
        raise ValidationError({"term_fi": _("This term is defined already.")})
    return texts


@checks_text_sizes(Definition, long_text=qf.LONG_TEXT_LIMIT)
@transaction.atomic
def definition_create(
    *, actor: Actor, version: QuestionnaireVersion, expected_revision: int, data: Mapping[str, Any]
) -> Definition:
    current = _lock_draft(actor, version, expected_revision)
    texts = _definition_texts(current, data)
    definition = Definition(version=current)
    _apply_texts(definition, texts)
    definition.full_clean(exclude=["version"])
    definition.save()
    _finish(actor, current, diff({}, _snapshot(definition, texts, "definition")))
    return definition


@checks_text_sizes(Definition, long_text=qf.LONG_TEXT_LIMIT)
@transaction.atomic
def definition_update(
    *, actor: Actor, definition: Definition, expected_revision: int, data: Mapping[str, Any]
) -> Definition:
    current = _lock_draft(actor, definition.version, expected_revision)
    definition = Definition.objects.get(pk=definition.pk)
    texts = _definition_texts(current, data, definition.pk)
    before = _snapshot(definition, texts, "definition")
    _apply_texts(definition, texts)
    definition.full_clean(exclude=["version"])
    definition.save()
    _finish(actor, current, diff(before, _snapshot(definition, texts, "definition")))
    return definition


@transaction.atomic
def definition_delete(*, actor: Actor, definition: Definition, expected_revision: int) -> None:
    current = _lock_draft(actor, definition.version, expected_revision)
    term = definition.term_fi  # type: ignore[attr-defined]
    definition.delete()
    _finish(actor, current, {"definition": [term, None]})


# --- sections -----------------------------------------------------------------------------------------------------

SECTION_TEXTS = ("title", "introduction")


def _section_apply(version: QuestionnaireVersion, section: Section, data: Mapping[str, Any]) -> list[str]:
    code = _check_code(data.get("code", ""), qf.VARIABLE_CODE, qf.CODE_LENGTH)
    if version.sections.filter(code=code).exclude(pk=section.pk).exists():
        raise ValidationError({"code": _("Another section of this version has this code.")})
    texts = _texts_of(data, SECTION_TEXTS)
    _require_finnish(texts, "title")
    section.code = code
    _apply_texts(section, texts)
    section.show_if = qf.condition(data.get("show_if"))
    section.full_clean(exclude=["version"])
    section.save()
    return ["code", *texts, "show_if"]


@checks_text_sizes(Section, long_text=qf.LONG_TEXT_LIMIT)
@transaction.atomic
def section_create(
    *, actor: Actor, version: QuestionnaireVersion, expected_revision: int, data: Mapping[str, Any]
) -> Section:
    """A new section at the end of the version."""
    current = _lock_draft(actor, version, expected_revision)
    order = (current.sections.aggregate(Max("order"))["order__max"] or 0) + 1
    section = Section(version=current, order=order)
    fields = _section_apply(current, section, data)
    _finish(actor, current, diff({}, _snapshot(section, fields, f"section {section.code}")))
    return section


@checks_text_sizes(Section, long_text=qf.LONG_TEXT_LIMIT)
@transaction.atomic
def section_update(*, actor: Actor, section: Section, expected_revision: int, data: Mapping[str, Any]) -> Section:
    current = _lock_draft(actor, section.version, expected_revision)
    section = Section.objects.get(pk=section.pk)
    fields = ["code", *_texts_of(data, SECTION_TEXTS), "show_if"]
    prefix = f"section {section.code}"  # the code before a rename, so that the log reads as one change
    before = _snapshot(section, fields, prefix)
    _section_apply(current, section, data)
    _finish(actor, current, diff(before, _snapshot(section, fields, prefix)))
    return section


@transaction.atomic
def section_delete(*, actor: Actor, section: Section, expected_revision: int) -> None:
    """Deletes a section with its questions (refused when a later condition uses one of them)."""
    current = _lock_draft(actor, section.version, expected_revision)
    codes = list(section.questions.values_list("code", flat=True))
    section.delete()
    _finish(actor, current, {"sections": [section.code, None], "questions": [codes, None]})


def _swap(rows: list[Section] | list[Question], row_pk: int, direction: int) -> tuple[int, int] | None:
    """Swaps a row's order with its neighbour's; (old, new) position, or None at either end."""
    position = next(index for index, row in enumerate(rows) if row.pk == row_pk)
    other = position + direction
    if direction not in (-1, 1) or not 0 <= other < len(rows):
        return None
    # Rows are renumbered 0, 1, 2 … so that equal or missing orders cannot make a swap a no-op.
    ordered: list[Section | Question] = list(rows)
    ordered[position], ordered[other] = ordered[other], ordered[position]
    for order, row in enumerate(ordered):
        if row.order != order:
            row.order = order
            row.save(update_fields=["order"])
    return position, other


@transaction.atomic
def section_move(*, actor: Actor, section: Section, expected_revision: int, direction: int) -> Section:
    """Moves a section one place up (-1) or down (+1)."""
    current = _lock_draft(actor, section.version, expected_revision)
    moved = _swap(list(current.sections.order_by("order", "pk")), section.pk, direction)
    if moved is None:
        return section
    _finish(actor, current, {f"section {section.code}.position": [moved[0] + 1, moved[1] + 1]})
    return section


# --- questions ----------------------------------------------------------------------------------------------------

QUESTION_TEXTS = ("text", "help_text", "unit_label")
QUESTION_FIELDS = ("code", "kind", "required", "show_if", "background", "min_value", "max_value")


def _rows(
    question: Question,
    model: type[Choice] | type[Item],
    rows: Sequence[Mapping[str, Any]],
    flags: tuple[str, ...],
    field: str,
) -> list[str]:
    """Makes a question's choices or items match `rows` (in order; a row with an "id" updates that row, one
    without is new, rows left out are deleted). Returns the codes in order, for the change log."""
    existing = {row.pk: row for row in model.objects.filter(question=question)}
    seen: set[str] = set()
    kept: list[Choice | Item] = []
    for order, data in enumerate(rows):
        code = _check_code(data.get("code", ""), qf.VALUE_CODE, qf.CODE_LENGTH, field)
        if code in seen:
            raise ValidationError({field: qf.Problem("", "duplicate_code", {"code": code}).message})
        seen.add(code)
        texts = _texts_of(data, ("label",))
        if not texts["label_fi"]:
            raise ValidationError({field: _("Write the Finnish text of every option (“%(code)s”).") % {"code": code}})
        row = existing.pop(data["id"]) if data.get("id") in existing else model(question=question)
        row.code, row.order = code, order
        _apply_texts(row, texts)
        for flag in flags:
            setattr(row, flag, bool(data.get(flag)))
        kept.append(row)
    # Deleted first, then saved with temporary codes out of the way, so that swapping two codes cannot collide
    # with the (question, code) uniqueness half-way.
    model.objects.filter(pk__in=list(existing)).delete()
    for row in kept:
        if row.pk:
            model.objects.filter(pk=row.pk).update(code=f"~{row.pk}")
    for row in kept:
        row.save()
    return [row.code for row in kept]


def _question_apply(
    version: QuestionnaireVersion,
    question: Question,
    data: Mapping[str, Any],
    choices: Sequence[Mapping[str, Any]],
    items: Sequence[Mapping[str, Any]],
    prefix: str = "",
) -> dict[str, Any]:
    """Sets a question's fields, definitions, options and rows; returns its snapshot for the change log."""
    code = _check_code(data.get("code", ""), qf.VARIABLE_CODE, qf.CODE_LENGTH)
    if version.questions.filter(code=code).exclude(pk=question.pk).exists():
        raise ValidationError({"code": _("Another question of this version has this code.")})
    texts = _texts_of(data, QUESTION_TEXTS)
    _require_finnish(texts, "text")
    question.code = code
    question.kind = data.get("kind", "")
    _apply_texts(question, texts)
    question.required = bool(data.get("required"))
    question.show_if = qf.condition(data.get("show_if"))
    question.background = data.get("background") or ""
    question.min_value = data.get("min_value")
    question.max_value = data.get("max_value")
    question.full_clean(exclude=["section", "version"])
    question.save()
    definitions = list(data.get("definitions") or [])
    if any(definition.version_id != version.pk for definition in definitions):
        raise ValidationError({"definitions": _("Choose definitions of this version.")})
    question.definitions.set(definitions)
    prefix = prefix or f"question {code}"
    snapshot = _snapshot(question, [*QUESTION_FIELDS, *texts], prefix)
    snapshot[f"{prefix}.definitions"] = sorted(d.term_fi for d in definitions)
    snapshot[f"{prefix}.choices"] = _rows(question, Choice, choices, ("excluded_from_percent", "exclusive"), "choices")
    snapshot[f"{prefix}.items"] = _rows(question, Item, items, (), "items")
    return snapshot


def _question_snapshot(question: Question) -> dict[str, Any]:
    prefix = f"question {question.code}"
    texts = [f"{name}_{lang}" for name in QUESTION_TEXTS for lang in LANGUAGES]
    snapshot = _snapshot(question, [*QUESTION_FIELDS, *texts], prefix)
    snapshot[f"{prefix}.definitions"] = sorted(d.term_fi for d in question.definitions.all())  # type: ignore[attr-defined]
    snapshot[f"{prefix}.choices"] = list(question.choices.values_list("code", flat=True))
    snapshot[f"{prefix}.items"] = list(question.items.values_list("code", flat=True))
    return snapshot


@checks_text_sizes(Question, long_text=qf.LONG_TEXT_LIMIT)
@checks_text_sizes(Choice, "choices")
@checks_text_sizes(Item, "items")
@transaction.atomic
def question_create(
    *,
    actor: Actor,
    section: Section,
    expected_revision: int,
    data: Mapping[str, Any],
    choices: Sequence[Mapping[str, Any]] = (),
    items: Sequence[Mapping[str, Any]] = (),
) -> Question:
    """A new question at the end of a section. `data` has the question's fields (texts as text_fi …, definitions
    as Definition rows); `choices` and `items` are rows {code, label_fi, label_sv, label_en, flags} in order."""
    current = _lock_draft(actor, section.version, expected_revision)
    order = (section.questions.aggregate(Max("order"))["order__max"] or 0) + 1
    question = Question(section=section, version=current, order=order)
    snapshot = _question_apply(current, question, data, choices, items)
    _finish(actor, current, diff({}, snapshot))
    return question


@checks_text_sizes(Question, long_text=qf.LONG_TEXT_LIMIT)
@checks_text_sizes(Choice, "choices")
@checks_text_sizes(Item, "items")
@transaction.atomic
def question_update(
    *,
    actor: Actor,
    question: Question,
    expected_revision: int,
    data: Mapping[str, Any],
    choices: Sequence[Mapping[str, Any]] = (),
    items: Sequence[Mapping[str, Any]] = (),
) -> Question:
    """Changes a question, its options and rows; data["section"] moves it to the end of another section."""
    current = _lock_draft(actor, question.version, expected_revision)
    question = Question.objects.select_related("section").get(pk=question.pk)
    before = _question_snapshot(question)
    target = data.get("section") or question.section
    if target.version_id != current.pk:
        raise ValidationError({"section": _("Choose a section of this version.")})
    if target.pk != question.section_id:
        question.section = target
        question.order = (target.questions.aggregate(Max("order"))["order__max"] or 0) + 1
    # Logged under the code before a rename, so that the change reads as one.
    after = _question_apply(current, question, data, choices, items, prefix=f"question {question.code}")
    _finish(actor, current, diff(before, after))
    return question


@transaction.atomic
def question_delete(*, actor: Actor, question: Question, expected_revision: int) -> None:
    current = _lock_draft(actor, question.version, expected_revision)
    try:
        question.delete()
    except ProtectedError:
        raise ValidationError(_("This question already has answers, so it cannot be removed.")) from None
    _finish(actor, current, {"questions": [question.code, None]})


@transaction.atomic
def question_move(*, actor: Actor, question: Question, expected_revision: int, direction: int) -> Question:
    """Moves a question one place up (-1) or down (+1) within its section (the form moves it between sections)."""
    current = _lock_draft(actor, question.version, expected_revision)
    moved = _swap(list(question.section.questions.order_by("order", "pk")), question.pk, direction)
    if moved is None:
        return question
    _finish(actor, current, {f"question {question.code}.position": [moved[0] + 1, moved[1] + 1]})
    return question
