"""The import pages: upload a file of responses made with another survey tool, map its columns, check it (dry
run) and import it, with a progress bar for long files.

Every page needs barometer.manage_round on the round (the organiser's editors and administrators; platform
administrators); the services check again. Someone not signed in is sent to log in; others get 403.
"""

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from barometer.imports import readers, services
from barometer.imports.forms import MappingForm, UploadForm, target_choices, value_rows
from barometer.models import Question, ResponseImport, Round
from barometer.selectors import version_contents
from barometer.vocabulary import ImportStatus, RoundStatus
from core.forms import attach_errors

PROBLEMS_PER_PAGE = 100
ROWS_SHOWN = 10


def _round_for(request: HttpRequest, slug: str) -> Round:
    round_ = get_object_or_404(Round, slug=slug)
    if not request.user.has_perm(services.MANAGE, round_):
        raise PermissionDenied
    return round_


def _import_for(request: HttpRequest, slug: str, pk: int) -> tuple[Round, ResponseImport]:
    round_ = _round_for(request, slug)
    return round_, get_object_or_404(ResponseImport.objects.select_related("created_by"), pk=pk, round=round_)


def _detail(response_import: ResponseImport, anchor: str = "") -> HttpResponse:
    url = reverse("barometer:import_detail", kwargs={"slug": response_import.round.slug, "pk": response_import.pk})
    return redirect(f"{url}#{anchor}" if anchor else url)


@login_required
def import_list_view(request: HttpRequest, slug: str) -> HttpResponse:
    round_ = _round_for(request, slug)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            response_import = services.import_upload(
                actor=request.user, round_=round_, file=upload, file_name=upload.name
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("The file was uploaded. Check how its columns are mapped to the questions."))
            return _detail(response_import, "mapping")
    imports = list(round_.imports.select_related("created_by"))
    return render(
        request,
        "barometer/imports/list.html",
        {
            "round": round_,
            "form": form,
            "error_forms": [form],
            "imports": imports,
            "published": round_.status == RoundStatus.PUBLISHED,
            "max_megabytes": services.MAX_BYTES // (1024 * 1024),
        },
    )


def _questions(round_: Round) -> list[Question]:
    return [
        question for section in version_contents(round_.questionnaire_version) for question in section.questions.all()
    ]


def _mapping_form(
    request: HttpRequest, response_import: ResponseImport, preview: services.Preview, questions: list[Question]
) -> MappingForm:
    unmatched = readers.unmatched_values(response_import.problems or [])
    labels = {
        (problem.get("column", ""), problem.get("value", "")): str(problem["params"]["label"])
        for problem in response_import.problems or []
        if problem.get("code") == "unknown_label" and "label" in (problem.get("params") or {})
    }
    return MappingForm(
        request.POST if request.method == "POST" else None,
        columns=preview.columns,
        groups=target_choices(questions),
        mapping=response_import.mapping,
        sheets=preview.sheets,
        value_rows=value_rows(response_import.mapping, unmatched, {q.code: q for q in questions}, labels),
    )


def _problem_rows(problems: list[dict[str, Any]]) -> list[dict[str, Any]]:
    rows = []
    for problem in problems:
        listed = [formats.number_format(row) for row in (problem.get("rows") or [])[:ROWS_SHOWN]]
        more = int(problem.get("count", 1)) - len(listed)
        rows.append(
            {
                "rows": ", ".join(listed),
                "more": more if listed else 0,
                "column": problem.get("column") or "",
                "value": problem.get("value") or "",
                "message": services.message(
                    problem.get("code", ""), {"column": problem.get("column"), **problem.get("params", {})}
                ),
            }
        )
    return rows


@login_required
def import_detail_view(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    round_, response_import = _import_for(request, slug, pk)
    progress = services.import_progress(response_import)
    busy = progress.working and not progress.stale
    questions = _questions(round_)
    # The file is not read while it is worked on: the page shows only the progress then.
    preview = services.Preview() if busy else services.import_preview(response_import)
    form = _mapping_form(request, response_import, preview, questions)
    if request.method == "POST" and not busy and not preview.error and form.is_valid():
        sheet_before = response_import.mapping.get("sheet")
        try:
            saved = services.import_set_mapping(
                actor=request.user, response_import=response_import, mapping=form.mapping()
            )
            if saved.mapping.get("sheet") != sheet_before:
                messages.info(request, _("The columns of the sheet were mapped from their names. Check the mapping."))
                return _detail(saved, "mapping")
            services.import_start(actor=request.user, response_import=saved, dry_run=True)
        except ValidationError as error:
            form.attach(error)
        else:
            return _detail(saved, "result")
    elif request.method == "POST" and busy:
        messages.error(request, _("The file is being checked or imported right now: wait until that is done."))
        return _detail(response_import)
    problems = response_import.problems or []
    page = Paginator(problems, PROBLEMS_PER_PAGE).get_page(request.GET.get("page"))
    total_problems = sum(int(problem.get("count", 1)) for problem in problems)
    return render(
        request,
        "barometer/imports/detail.html",
        {
            "round": round_,
            "response_import": response_import,
            "progress": progress,
            "progress_text": _progress_text(progress),
            "busy": busy,
            "preview": preview,
            "form": form,
            "error_forms": [form],
            "problem_page": page,
            "problem_rows": _problem_rows(list(page.object_list)),
            "problem_total": total_problems,
            "problem_groups_full": len(problems) >= readers.MAX_PROBLEM_GROUPS,
            "ignored": preview.ignored(response_import.mapping),
            "importable": response_import.status == ImportStatus.CHECKED and not problems,
            "published": round_.status == RoundStatus.PUBLISHED,
        },
    )


def _start(request: HttpRequest, slug: str, pk: int, *, dry_run: bool) -> HttpResponse:
    _round, response_import = _import_for(request, slug, pk)
    try:
        started = services.import_start(actor=request.user, response_import=response_import, dry_run=dry_run)
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
        return _detail(response_import)
    return _detail(started, "result")


@login_required
@require_POST
def import_check_view(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    return _start(request, slug, pk, dry_run=True)


@login_required
@require_POST
def import_run_view(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    return _start(request, slug, pk, dry_run=False)


def _progress_text(progress: services.Progress) -> str:
    done, total = formats.number_format(progress.rows_done), formats.number_format(progress.rows_total)
    if progress.stale:
        return _("The work stopped before it was done, and nothing was saved. Start it again.")
    if progress.saving:
        return _("Every row is checked. Saving the responses…")
    if progress.working and progress.rows_total > 0 and progress.rows_done <= progress.rows_total:
        return ngettext(
            "%(done)s of %(total)s row checked", "%(done)s of %(total)s rows checked", progress.rows_total
        ) % {"done": done, "total": total}
    if progress.working:
        return ngettext("%(done)s row checked", "%(done)s rows checked", progress.rows_done) % {"done": done}
    return str(ImportStatus(progress.status).label)


@never_cache
@login_required
def import_progress_view(request: HttpRequest, slug: str, pk: int) -> JsonResponse:
    _round, response_import = _import_for(request, slug, pk)
    progress = services.import_progress(response_import)
    return JsonResponse(
        {
            "status": progress.status,
            "working": progress.working,
            "stale": progress.stale,
            "saving": progress.saving,
            "rows_done": progress.rows_done,
            "rows_total": progress.rows_total,
            "percent": progress.percent,
            "text": _progress_text(progress),
        }
    )


@login_required
def import_mapping_view(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The mapping as a JSON file, for `manage.py import_barometer_responses … --mapping`."""
    _round, response_import = _import_for(request, slug, pk)
    response = HttpResponse(
        json.dumps(response_import.mapping, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="mapping-{response_import.pk}.json"'
    return response


urls = [
    path("rounds/<slug:slug>/imports/", import_list_view, name="imports"),
    path("rounds/<slug:slug>/imports/<int:pk>/", import_detail_view, name="import_detail"),
    path("rounds/<slug:slug>/imports/<int:pk>/check/", import_check_view, name="import_check"),
    path("rounds/<slug:slug>/imports/<int:pk>/run/", import_run_view, name="import_run"),
    path("rounds/<slug:slug>/imports/<int:pk>/progress/", import_progress_view, name="import_progress"),
    path("rounds/<slug:slug>/imports/<int:pk>/mapping.json", import_mapping_view, name="import_mapping"),
]
