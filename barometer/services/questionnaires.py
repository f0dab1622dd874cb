"""Every write to questionnaires: import and export of the questionnaire file, freezing and copying a version, and
the editor's changes to a draft version.

Each write checks `barometer.change_questionnaire`, runs in one transaction, and records the change on the version
(or the questionnaire). Editor writes carry the version's `revision` they started from and are refused with
ConflictError when someone saved in between; after the change the whole version is checked with the file's
validator, so that the editor can never leave a version whose routing or codes are broken (only unfinished, e.g.
a question still without options, which a round refuses until it is finished).
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Max, ProtectedError
from django.utils.translation import gettext as _

from audit.models import Action
from audit.services import change_record, diff
from barometer import questionnaire_file as qf
from barometer.models import Choice, Definition, Item, Question, Questionnaire, QuestionnaireVersion, Section
from barometer.selectors import version_contents
from barometer.vocabulary import VersionStatus
from core.translated import LANGUAGES
from organisations.models import Organisation

PERM = "barometer.change_questionnaire"


class InvalidQuestionnaireError(ValidationError):
    """A questionnaire (a file, or a version about to be used) has problems; `problems` lists them all."""

    def __init__(self, problems: Sequence[qf.Problem]) -> None:
        super().__init__([str(problem) for problem in problems])
        self.problems = list(problems)


def _require(actor: Any, obj: Any) -> None:
    if not actor.has_perm(PERM, obj):
        raise PermissionDenied(_("You do not have permission to do this."))


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
def questionnaire_import(*, actor: Any, organiser: Organisation, data: Any) -> ImportResult:
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
        raise InvalidQuestionnaireError(problems)
    clean = qf.normalise(data)
    questionnaire = _lock_questionnaire(clean["questionnaire"]["code"])
    if questionnaire is None:
        questionnaire = Questionnaire(code=clean["questionnaire"]["code"], organiser=organiser)
        _require(actor, questionnaire)
        _questionnaire_texts(questionnaire, clean["questionnaire"])
        questionnaire.save()
        change_record(
            obj=questionnaire, actor=actor, action=Action.CREATE, changes=diff({}, {"code": questionnaire.code})
        )
        version = QuestionnaireVersion.objects.create(questionnaire=questionnaire, number=clean["version"]["number"])
        _write_contents(version, clean)
        change_record(obj=version, actor=actor, action=Action.CREATE, changes=diff({}, _summary(clean)))
        return ImportResult(version, "created")

    _require(actor, questionnaire)
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
def questionnaire_version_freeze(version: QuestionnaireVersion, *, actor: Any = None) -> QuestionnaireVersion:
    """Freezes a version for use by a round (the round's service checked the permission). Idempotent.

    A version with problems (unfinished questions, missing Finnish texts …) cannot be frozen: InvalidQuestionnaireError
    lists them. The revision goes up, so an editor who had the draft open gets a conflict, not a change to a
    questionnaire in use."""
    current = QuestionnaireVersion.objects.select_for_update().select_related("questionnaire").get(pk=version.pk)
    if current.status == VersionStatus.FROZEN:
        return current
    problems = version_problems(current)
    if problems:
        raise InvalidQuestionnaireError(problems)
    current.status = VersionStatus.FROZEN
    current.revision += 1
    current.save(update_fields=["status", "revision"])
    change_record(
        obj=current, actor=actor, action=Action.UPDATE, changes={"status": [VersionStatus.DRAFT, VersionStatus.FROZEN]}
    )
    version.status, version.revision = current.status, current.revision
    return current


@transaction.atomic
def questionnaire_version_copy(*, actor: Any, version: QuestionnaireVersion) -> QuestionnaireVersion:
    """A new draft version with the same contents, numbered after the questionnaire's latest version."""
    questionnaire = Questionnaire.objects.select_for_update().get(pk=version.questionnaire_id)
    _require(actor, questionnaire)
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
