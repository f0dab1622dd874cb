"""The barometer team's questionnaire pages: the list, creating, importing and exporting a questionnaire file, the
editor of a draft version (texts, definitions, sections, questions with their options and rows, routing, order),
a read-only view of a version in use with "make a new version", and a preview as a respondent sees it.

Views parse the request, call one service and render. Every page needs barometer.change_questionnaire on the
questionnaire (the organiser's editors and administrators; platform administrators); the services check again.
Someone who is not signed in is sent to log in; a signed-in person outside the team gets 403. Every change to a
draft carries the version's revision: a second editor who saved in between turns the save into a conflict
message (the form keeps what was typed), never a lost update.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from accounts import roles
from barometer.models import Definition, Question, Questionnaire, QuestionnaireVersion, Round, Section
from barometer.questionnaires import file as qf
from barometer.questionnaires import services
from barometer.questionnaires.forms import (
    ChoiceFormSet,
    DefinitionForm,
    ImportForm,
    ItemFormSet,
    MoveForm,
    QuestionForm,
    QuestionnaireCreateForm,
    QuestionnaireEditForm,
    RevisionForm,
    SectionForm,
    VersionForm,
    condition_initial,
    formset_rows,
    initial_texts,
    rows_initial,
)
from barometer.selectors import version_contents
from barometer.vocabulary import ITEM_KINDS, QuestionKind, VersionStatus
from core.errors import ConflictError
from core.formatting import quoted
from core.forms import attach_errors
from organisations.models import Organisation

PERM = "barometer.change_questionnaire"
# Uploaded questionnaire files: the shipped one is under 100 kB; ten times that is plenty and keeps memory small.
MAX_FILE_SIZE = 1_000_000

# --- look-ups and permissions -------------------------------------------------------------------------------------


def _organisers(user: Any) -> QuerySet[Organisation]:
    """The organisations on whose behalf the person may make questionnaires (platform administrators: any)."""
    if getattr(user, "is_superuser", False):
        return Organisation.objects.order_by("name")
    return Organisation.objects.filter(pk__in=roles.editable_organisation_ids(user)).order_by("name")


def _require_team_member(user: Any) -> None:
    if not (getattr(user, "is_superuser", False) or roles.editable_organisation_ids(user)):
        raise PermissionDenied


def _questionnaire(request: HttpRequest, code: str) -> Questionnaire:
    questionnaire: Questionnaire = get_object_or_404(Questionnaire.objects.select_related("organiser"), code=code)
    if not request.user.has_perm(PERM, questionnaire):
        raise PermissionDenied
    return questionnaire


def _version(request: HttpRequest, code: str, number: int) -> QuestionnaireVersion:
    version: QuestionnaireVersion = get_object_or_404(
        QuestionnaireVersion.objects.select_related("questionnaire__organiser"),
        questionnaire__code=code,
        number=number,
    )
    if not request.user.has_perm(PERM, version.questionnaire):
        raise PermissionDenied
    return version


def _version_url(version: QuestionnaireVersion, anchor: str = "") -> str:
    url = reverse(
        "barometer:questionnaire_version", kwargs={"code": version.questionnaire.code, "number": version.number}
    )
    return f"{url}#{anchor}" if anchor else url


def _in_order(version: QuestionnaireVersion) -> tuple[list[Section], list[Question]]:
    """Sections (with questions, options, rows and definitions prefetched) and every question in order."""
    sections = version_contents(version)
    return sections, [question for section in sections for question in section.questions.all()]


def _draft_or_read_only(request: HttpRequest, version: QuestionnaireVersion) -> HttpResponse | None:
    """A version in use is not edited: its edit pages send the person back to its (read-only) page."""
    if version.status != VersionStatus.DRAFT:
        messages.error(request, _("This version is in use by a survey round and cannot be changed."))
        return redirect(_version_url(version))
    return None


def _conflict(form: Any, version: QuestionnaireVersion) -> None:
    """Shows the conflict on the form and lets the next save start from the current revision: what the person
    typed stays in the form, and saving it again (after a look) replaces the other change knowingly."""
    fresh = QuestionnaireVersion.objects.get(pk=version.pk)
    form.data = form.data.copy()
    form.data[form.add_prefix("revision")] = str(fresh.revision)
    form.add_error(None, ConflictError.message)
    form.conflict = True


# --- list, create, import -----------------------------------------------------------------------------------------


@login_required
def questionnaire_list_view(request: HttpRequest) -> HttpResponse:
    _require_team_member(request.user)
    questionnaires = Questionnaire.objects.select_related("organiser").order_by("code")
    if not request.user.is_superuser:
        questionnaires = questionnaires.filter(organiser_id__in=roles.editable_organisation_ids(request.user))
    versions = QuestionnaireVersion.objects.annotate(round_count=Count("rounds")).order_by("-number")
    questionnaires = questionnaires.prefetch_related(Prefetch("versions", queryset=versions))
    return render(request, "barometer/questionnaires/list.html", {"questionnaires": list(questionnaires)})


@login_required
def questionnaire_create_view(request: HttpRequest) -> HttpResponse:
    _require_team_member(request.user)
    form = QuestionnaireCreateForm(request.POST or None, organisers=_organisers(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            version = services.questionnaire_create(
                actor=request.user,
                organiser=form.cleaned_data["organiser"],
                data={"code": form.cleaned_data["code"], **form.text_data()},
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("The questionnaire was created. Add its sections and questions here."))
            return redirect(_version_url(version))
    return render(request, "barometer/questionnaires/create.html", {"form": form, "error_forms": [form]})


@login_required
def questionnaire_import_view(request: HttpRequest) -> HttpResponse:
    _require_team_member(request.user)
    form = ImportForm(request.POST or None, request.FILES or None, organisers=_organisers(request.user))
    problems: list[dict[str, str]] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if upload.size > MAX_FILE_SIZE:
                raise ValidationError(
                    _("The file is too large: a questionnaire file is at most %(size)s MB.") % {"size": 1}
                )
            data = qf.loads(upload.read())
            result = services.questionnaire_import(
                actor=request.user, organiser=form.cleaned_data["organiser"], data=data
            )
        except qf.FileError as error:
            form.add_error("file", error.problem.message)
        except services.InvalidQuestionnaireError as error:
            form.add_error(
                "file",
                ngettext(
                    "The file has %(count)s problem, listed below. Nothing was imported.",
                    "The file has %(count)s problems, listed below. Nothing was imported.",
                    len(error.problems),
                )
                % {"count": len(error.problems)},
            )
            problems = [{"path": p.path, "place": error.place(p), "message": p.message} for p in error.problems]
        except ValidationError as error:
            attach_errors(form, error)
        else:
            version = result.version
            text = {
                "created": _("The questionnaire was imported as a new questionnaire."),
                "new_version": _("The file was imported as version %(number)s: the earlier version is in use."),
                "updated": _("The draft version %(number)s was updated from the file."),
                "unchanged": _("Version %(number)s already holds what the file holds: nothing changed."),
            }[result.outcome] % {"number": version.number}
            messages.success(request, text)
            return redirect(_version_url(version))
    return render(
        request,
        "barometer/questionnaires/import.html",
        {"form": form, "error_forms": [form], "problems": problems, "format": qf.FORMAT},
    )


# --- a questionnaire ----------------------------------------------------------------------------------------------


@login_required
def questionnaire_detail_view(request: HttpRequest, code: str) -> HttpResponse:
    questionnaire = _questionnaire(request, code)
    rounds = Round.objects.order_by("-year", "slug")
    versions = questionnaire.versions.order_by("-number").prefetch_related(Prefetch("rounds", queryset=rounds))
    return render(
        request,
        "barometer/questionnaires/detail.html",
        {"questionnaire": questionnaire, "versions": list(versions), "revision_form": RevisionForm()},
    )


@login_required
def questionnaire_edit_view(request: HttpRequest, code: str) -> HttpResponse:
    questionnaire = _questionnaire(request, code)
    texts = QuestionnaireEditForm.texts
    initial = {**initial_texts(questionnaire, texts), "fingerprint": services.questionnaire_fingerprint(questionnaire)}
    form = QuestionnaireEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.questionnaire_update(
                actor=request.user,
                questionnaire=questionnaire,
                expected_fingerprint=form.cleaned_data["fingerprint"],
                data=form.text_data(),
            )
        except ConflictError:
            fresh = Questionnaire.objects.get(pk=questionnaire.pk)
            form.data = request.POST.copy()
            form.data["fingerprint"] = services.questionnaire_fingerprint(fresh)
            form.add_error(None, ConflictError.message)
            form.conflict = True  # type: ignore[attr-defined]
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("The questionnaire's texts were saved."))
            return redirect("barometer:questionnaire_detail", code=questionnaire.code)
    return render(
        request,
        "barometer/questionnaires/edit.html",
        {"questionnaire": questionnaire, "form": form, "error_forms": [form]},
    )


# --- a version ----------------------------------------------------------------------------------------------------


@dataclass
class ProblemLine:
    place: str
    message: str


def _problems(version: QuestionnaireVersion) -> list[ProblemLine]:
    data = services.questionnaire_export(version)
    return [ProblemLine(qf.place(data, p.path), p.message) for p in qf.validate(data)]


@login_required
def version_view(request: HttpRequest, code: str, number: int) -> HttpResponse:
    version = _version(request, code, number)
    sections, questions = _in_order(version)
    _explain_routing(sections, questions)
    return render(
        request,
        "barometer/questionnaires/version.html",
        {
            "version": version,
            "questionnaire": version.questionnaire,
            "sections": sections,
            "definitions": list(version.definitions.order_by("pk")),
            "rounds": list(version.rounds.order_by("-year", "slug")),
            "is_draft": version.status == VersionStatus.DRAFT,
            "problems": _problems(version),
            "revision": version.revision,
        },
    )


@login_required
def version_edit_view(request: HttpRequest, code: str, number: int) -> HttpResponse:
    version = _version(request, code, number)
    if response := _draft_or_read_only(request, version):
        return response
    initial = {**initial_texts(version, VersionForm.texts), "revision": version.revision}
    form = VersionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.questionnaire_version_update(
                actor=request.user,
                version=version,
                expected_revision=form.cleaned_data["revision"],
                data=form.text_data(),
            )
        except ConflictError:
            _conflict(form, version)
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("The introduction and reference period were saved."))
            return redirect(_version_url(version))
    return _form_page(request, version, form, _("Introduction and reference period"))


def _form_page(
    request: HttpRequest,
    version: QuestionnaireVersion,
    form: Any,
    title: str,
    template: str = "barometer/questionnaires/form.html",
    **context: Any,
) -> HttpResponse:
    return render(
        request,
        template,
        {
            "version": version,
            "questionnaire": version.questionnaire,
            "form": form,
            "error_forms": [form, *context.pop("more_forms", [])],
            "title": title,
            **context,
        },
    )


@login_required
def version_preview_view(request: HttpRequest, code: str, number: int) -> HttpResponse:
    version = _version(request, code, number)
    sections, questions = _in_order(version)
    _explain_routing(sections, questions)
    return render(
        request,
        "barometer/questionnaires/preview.html",
        {
            "version": version,
            "questionnaire": version.questionnaire,
            "sections": sections,
        },
    )


@login_required
def version_export_view(request: HttpRequest, code: str, number: int) -> HttpResponse:
    version = _version(request, code, number)
    response = HttpResponse(
        qf.dumps(services.questionnaire_export(version)), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{version.questionnaire.code}-v{version.number}.json"'
    return response


@login_required
@require_POST
def version_copy_view(request: HttpRequest, code: str, number: int) -> HttpResponse:
    version = _version(request, code, number)
    new = services.questionnaire_version_copy(actor=request.user, version=version)
    messages.success(
        request,
        _("Version %(number)s was made as a copy of version %(source)s.") % {"number": new.number, "source": number},
    )
    return redirect(_version_url(new))


@login_required
def version_delete_view(request: HttpRequest, code: str, number: int) -> HttpResponse:
    version = _version(request, code, number)
    if response := _draft_or_read_only(request, version):
        return response
    only = version.questionnaire.versions.count() == 1
    what = (
        _("This is the questionnaire's only version: the questionnaire “%(name)s” is deleted with it.")
        % {"name": version.questionnaire}
        if only
        else _("Version %(number)s and everything in it is deleted.") % {"number": version.number}
    )

    def delete(revision: int) -> None:
        services.questionnaire_version_delete(actor=request.user, version=version, expected_revision=revision)

    target = (
        reverse("barometer:questionnaire_list")
        if only
        else reverse("barometer:questionnaire_detail", kwargs={"code": code})
    )
    return _confirm_delete(
        request, version, _("Delete version %(number)s?") % {"number": version.number}, what, delete, target
    )


def _confirm_delete(
    request: HttpRequest,
    version: QuestionnaireVersion,
    title: str,
    what: str,
    delete: Callable[[int], None],
    success_url: str,
) -> HttpResponse:
    """The shared confirm-and-delete page of the editor."""
    form = RevisionForm(request.POST or None, initial={"revision": version.revision})
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            delete(form.cleaned_data["revision"])
        except ConflictError as error:
            errors = [str(error.message)]
        except ValidationError as error:
            errors = list(error.messages)
        else:
            messages.success(request, _("Deleted."))
            return redirect(success_url)
    return render(
        request,
        "barometer/questionnaires/confirm_delete.html",
        {
            "version": version,
            "questionnaire": version.questionnaire,
            "title": title,
            "what": what,
            "form": form,
            "errors": errors,
        },
    )


# --- definitions --------------------------------------------------------------------------------------------------


@login_required
def definition_view(request: HttpRequest, code: str, number: int, pk: int | None = None) -> HttpResponse:
    version = _version(request, code, number)
    if response := _draft_or_read_only(request, version):
        return response
    definition = get_object_or_404(Definition, pk=pk, version=version) if pk else None
    initial = {**(initial_texts(definition, DefinitionForm.texts) if definition else {}), "revision": version.revision}
    form = DefinitionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        revision = form.cleaned_data["revision"]
        try:
            if definition is None:
                services.definition_create(
                    actor=request.user, version=version, expected_revision=revision, data=form.text_data()
                )
            else:
                services.definition_update(
                    actor=request.user, definition=definition, expected_revision=revision, data=form.text_data()
                )
        except ConflictError:
            _conflict(form, version)
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("The definition was saved."))
            return redirect(_version_url(version, "definitions"))
    title = _("Edit the definition") if definition else _("Add a definition")
    return _form_page(request, version, form, title)


# --- sections -----------------------------------------------------------------------------------------------------


@login_required
def section_view(request: HttpRequest, code: str, number: int, pk: int | None = None) -> HttpResponse:
    version = _version(request, code, number)
    if response := _draft_or_read_only(request, version):
        return response
    sections, questions = _in_order(version)
    section = next((s for s in sections if s.pk == pk), None)
    if pk and section is None:
        raise Http404
    # A section's condition may use the questions of the sections before it.
    earlier = [q for q in questions if section is None or q.section.order < section.order]
    initial: dict[str, Any] = {"revision": version.revision}
    if section is not None:
        initial.update(initial_texts(section, SectionForm.texts))
        initial.update(code=section.code, show_if=condition_initial(section.show_if))
    form = SectionForm(request.POST or None, initial=initial, earlier=earlier)
    if request.method == "POST" and form.is_valid():
        data = {"code": form.cleaned_data["code"], "show_if": form.cleaned_data["show_if"], **form.text_data()}
        revision = form.cleaned_data["revision"]
        try:
            if section is None:
                section = services.section_create(
                    actor=request.user, version=version, expected_revision=revision, data=data
                )
            else:
                services.section_update(actor=request.user, section=section, expected_revision=revision, data=data)
        except ConflictError:
            _conflict(form, version)
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("The section was saved."))
            return redirect(_version_url(version, f"section-{section.pk}"))
    title = _("Edit the section “%(title)s”") % {"title": section.title} if section else _("Add a section")
    return _form_page(request, version, form, title, template="barometer/questionnaires/section_form.html")


def _move(
    request: HttpRequest, version: QuestionnaireVersion, move: Callable[[int, int], Any], anchor: str
) -> HttpResponse:
    form = MoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The move was not understood: reload the page and try again."))
        return redirect(_version_url(version))
    try:
        move(form.cleaned_data["revision"], form.cleaned_data["direction"])
    except ConflictError as error:
        messages.error(request, str(error.message))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(_version_url(version, anchor))


@login_required
@require_POST
def section_move_view(request: HttpRequest, code: str, number: int, pk: int) -> HttpResponse:
    version = _version(request, code, number)
    if response := _draft_or_read_only(request, version):
        return response
    section = get_object_or_404(Section, pk=pk, version=version)

    def move(revision: int, direction: int) -> None:
        services.section_move(actor=request.user, section=section, expected_revision=revision, direction=direction)

    return _move(request, version, move, f"section-{section.pk}")


# --- questions ----------------------------------------------------------------------------------------------------


@login_required
def question_view(
    request: HttpRequest, code: str, number: int, section_pk: int | None = None, pk: int | None = None
) -> HttpResponse:
    version = _version(request, code, number)
    if response := _draft_or_read_only(request, version):
        return response
    sections, questions = _in_order(version)
    question = next((q for q in questions if q.pk == pk), None)
    section = question.section if question else next((s for s in sections if s.pk == section_pk), None)
    if section is None or (pk and question is None):
        raise Http404
    # A condition may use the questions before this one (a new one goes to the end of its section).
    position = questions.index(question) if question else None
    earlier = [q for q in questions if q.section.order <= section.order] if position is None else questions[:position]
    initial: dict[str, Any] = {"revision": version.revision, "section": section}
    choices_initial: list[dict[str, Any]] = []
    items_initial: list[dict[str, Any]] = []
    if question is not None:
        initial.update(initial_texts(question, QuestionForm.texts))
        initial.update(
            code=question.code,
            kind=question.kind,
            required=question.required,
            background=question.background,
            definitions=list(question.definitions.all()),
            min_value=question.min_value,
            max_value=question.max_value,
            show_if=condition_initial(question.show_if),
        )
        choices_initial = rows_initial(question.choices.all(), ("excluded_from_percent", "exclusive"))
        items_initial = rows_initial(question.items.all())
    else:
        initial["kind"] = QuestionKind.SINGLE
    post = request.POST if request.method == "POST" else None
    form = QuestionForm(
        post,
        initial=initial,
        sections=version.sections.order_by("order"),
        definitions=version.definitions.order_by("pk"),
        earlier=earlier,
    )
    choice_formset = ChoiceFormSet(post, initial=choices_initial, prefix="choices")
    item_formset = ItemFormSet(post, initial=items_initial, prefix="items")
    if post is not None and all([form.is_valid(), choice_formset.is_valid(), item_formset.is_valid()]):
        data = form.data_for_service()
        kind = data["kind"]
        # Options and rows of a kind that has none are not kept (the form shows them for every kind).
        choices = formset_rows(choice_formset) if kind not in (QuestionKind.NUMBER, QuestionKind.TEXT) else []
        items = formset_rows(item_formset) if kind in ITEM_KINDS else []
        revision = form.cleaned_data["revision"]
        try:
            if question is None:
                question = services.question_create(
                    actor=request.user,
                    section=data.pop("section") or section,
                    expected_revision=revision,
                    data=data,
                    choices=choices,
                    items=items,
                )
            else:
                services.question_update(
                    actor=request.user,
                    question=question,
                    expected_revision=revision,
                    data=data,
                    choices=choices,
                    items=items,
                )
        except ConflictError:
            _conflict(form, version)
        except ValidationError as error:
            _attach_question_errors(form, choice_formset, item_formset, error)
        else:
            messages.success(request, _("The question was saved."))
            return redirect(_version_url(version, f"question-{question.pk}"))
    title = _("Edit the question “%(code)s”") % {"code": question.code} if question else _("Add a question")
    return _form_page(
        request,
        version,
        form,
        title,
        template="barometer/questionnaires/question_form.html",
        question=question,
        section=section,
        choice_formset=choice_formset,
        item_formset=item_formset,
        more_forms=[],
        formset_errors=[
            *(("options", error) for error in choice_formset.non_form_errors()),
            *(("rows", error) for error in item_formset.non_form_errors()),
        ],
        row_errors=_row_errors(choice_formset, item_formset),
    )


def _attach_question_errors(form: Any, choice_formset: Any, item_formset: Any, error: ValidationError) -> None:
    """A service's errors about options or rows go above their tables; the rest to the question's fields."""
    if hasattr(error, "error_dict"):
        for name, errors in error.message_dict.items():
            if name in ("choices", "items"):
                formset = choice_formset if name == "choices" else item_formset
                formset._non_form_errors = formset.error_class([*formset.non_form_errors(), *errors])
            else:
                form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def _row_errors(*formsets: Any) -> list[tuple[str, str]]:
    """(input id, message) of every error of an option or row, named by its table and row, for the summary."""
    lines = []
    for formset, what in zip(formsets, (_("Answer option %(row)s"), _("Row %(row)s")), strict=True):
        for index, row in enumerate(formset.forms, start=1):
            for field in row:
                for message in field.errors:
                    lines.append((field.auto_id, f"{what % {'row': index}}, {field.label}: {message}"))
    return lines


@login_required
@require_POST
def question_move_view(request: HttpRequest, code: str, number: int, pk: int) -> HttpResponse:
    version = _version(request, code, number)
    if response := _draft_or_read_only(request, version):
        return response
    question: Question = get_object_or_404(Question.objects.select_related("section"), pk=pk, version=version)

    def move(revision: int, direction: int) -> None:
        services.question_move(actor=request.user, question=question, expected_revision=revision, direction=direction)

    return _move(request, version, move, f"question-{question.pk}")


def _with_questions(count: int) -> str:
    return ngettext(
        "The section is deleted with its %(count)s question.",
        "The section is deleted with its %(count)s questions.",
        count,
    ) % {"count": count}


@dataclass(frozen=True)
class _Part:
    """A part of a draft version that its editor deletes on a confirmation page: what the page says and where the
    editor goes next."""

    model: type[Definition] | type[Section] | type[Question]
    delete: Callable[..., None]  # the service, called with the part by its name (definition=…, section=…, …)
    title: Callable[[Any], str]
    what: Callable[[Any], str]
    anchor: Callable[[Any], str]


_PARTS = {
    "definition": _Part(
        model=Definition,
        delete=services.definition_delete,
        title=lambda definition: _("Delete the definition “%(term)s”?") % {"term": definition.term},
        what=lambda definition: _("The definition is no longer shown with the questions that use it."),
        anchor=lambda definition: "definitions",
    ),
    "section": _Part(
        model=Section,
        delete=services.section_delete,
        title=lambda section: _("Delete the section “%(title)s”?") % {"title": section.title},
        what=lambda section: _with_questions(section.questions.count()),
        anchor=lambda section: "",
    ),
    "question": _Part(
        model=Question,
        delete=services.question_delete,
        title=lambda question: _("Delete the question “%(code)s”?") % {"code": question.code},
        what=lambda question: _("The question is deleted with its answer options and rows."),
        anchor=lambda question: f"section-{question.section_id}",
    ),
}


@login_required
def part_delete_view(request: HttpRequest, code: str, number: int, pk: int, part: str) -> HttpResponse:
    """Deleting a definition, section or question of a draft version (`part`, from the URL map)."""
    version = _version(request, code, number)
    if response := _draft_or_read_only(request, version):
        return response
    kind = _PARTS[part]
    obj = get_object_or_404(kind.model, pk=pk, version=version)

    def delete(revision: int) -> None:
        kind.delete(actor=request.user, expected_revision=revision, **{part: obj})

    return _confirm_delete(
        request, version, kind.title(obj), kind.what(obj), delete, _version_url(version, kind.anchor(obj))
    )


# --- routing in words ---------------------------------------------------------------------------------------------


def _explain_routing(sections: list[Section], questions: list[Question]) -> None:
    """Sets `condition_text` ("Asked only when …") on every section and question (empty when always asked)."""
    by_code = {question.code: question for question in questions}
    for section in sections:
        section.condition_text = _condition_text(section.show_if, by_code) if section.show_if else ""  # type: ignore[attr-defined]
    for question in questions:
        question.condition_text = _condition_text(question.show_if, by_code) if question.show_if else ""  # type: ignore[attr-defined]


def _condition_text(condition: dict[str, Any], by_code: dict[str, Question]) -> str:
    question = by_code.get(condition.get("question", ""))
    if question is None:
        return _("Asked only when an earlier answer allows it (the condition refers to a missing question).")
    labels = {choice.code: str(choice.label) for choice in question.choices.all()}
    answers = get_text_list([quoted(labels.get(code, code)) for code in condition.get("any_of", [])], _("or"))
    if question.kind in ITEM_KINDS:
        return _("Asked only when some row of “%(question)s” (%(code)s) was answered %(answers)s.") % {
            "question": question.text,
            "code": question.code,
            "answers": answers,
        }
    return _("Asked only when the answer to “%(question)s” (%(code)s) was %(answers)s.") % {
        "question": question.text,
        "code": question.code,
        "answers": answers,
    }


V = "questionnaires/<slug:code>/<int:number>/"
urls = [
    path("questionnaires/", questionnaire_list_view, name="questionnaire_list"),
    path("questionnaires/new/", questionnaire_create_view, name="questionnaire_create"),
    path("questionnaires/import/", questionnaire_import_view, name="questionnaire_import"),
    path("questionnaires/<slug:code>/", questionnaire_detail_view, name="questionnaire_detail"),
    path("questionnaires/<slug:code>/edit/", questionnaire_edit_view, name="questionnaire_edit"),
    path(V, version_view, name="questionnaire_version"),
    path(f"{V}details/", version_edit_view, name="questionnaire_version_edit"),
    path(f"{V}preview/", version_preview_view, name="questionnaire_preview"),
    path(f"{V}export/", version_export_view, name="questionnaire_export"),
    path(f"{V}copy/", version_copy_view, name="questionnaire_copy"),
    path(f"{V}delete/", version_delete_view, name="questionnaire_version_delete"),
    path(f"{V}definitions/new/", definition_view, name="questionnaire_definition_add"),
    path(f"{V}definitions/<int:pk>/", definition_view, name="questionnaire_definition"),
    path(
        f"{V}definitions/<int:pk>/delete/",
        part_delete_view,
        {"part": "definition"},
        name="questionnaire_definition_delete",
    ),
    path(f"{V}sections/new/", section_view, name="questionnaire_section_add"),
    path(f"{V}sections/<int:pk>/", section_view, name="questionnaire_section"),
    path(f"{V}sections/<int:pk>/delete/", part_delete_view, {"part": "section"}, name="questionnaire_section_delete"),
    path(f"{V}sections/<int:pk>/move/", section_move_view, name="questionnaire_section_move"),
    path(f"{V}sections/<int:section_pk>/questions/new/", question_view, name="questionnaire_question_add"),
    path(f"{V}questions/<int:pk>/", question_view, name="questionnaire_question"),
    path(
        f"{V}questions/<int:pk>/delete/", part_delete_view, {"part": "question"}, name="questionnaire_question_delete"
    ),
    path(f"{V}questions/<int:pk>/move/", question_move_view, name="questionnaire_question_move"),
]
