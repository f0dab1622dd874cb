"""The barometer team's pages for running a round: the list of their rounds, create and edit, opening, closing
and publishing, the sampling frame, invitations and reminders, responses (with reopening) and the live
dashboard of response rates.

Views parse the request, call one service or selector and render. Every page needs barometer.manage_round on
the round (the organiser's editors and administrators; platform administrators); the services check again.
Someone who is not signed in is sent to log in; a signed-in person outside the team gets 403.
"""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts import roles
from barometer.models import FrameUnit, Questionnaire, Response, Round
from barometer.rounds import services
from barometer.rounds.forms import (
    FrameAddForm,
    FrameDrawForm,
    InvitationForm,
    InvitationUploadForm,
    RoundForm,
    VersionForm,
)
from barometer.rounds.selectors import (
    InvitationStatus,
    OrganisationFinder,
    Progress,
    RateRow,
    frame_cells,
    frame_units,
    invitation_counts,
    invitation_list,
    invitation_status,
    reminders_due,
    response_list,
    round_list,
    round_progress,
    stratum_labels,
)
from barometer.vocabulary import ResponseStatus, RoundStatus
from core import formatting
from core.errors import ConflictError
from core.forms import attach_errors
from organisations.models import Organisation

PER_PAGE = 100


def _managed_or_403(request: HttpRequest, slug: str, perm: str = services.MANAGE) -> Round:
    round: Round = get_object_or_404(
        Round.objects.select_related("organiser", "questionnaire_version__questionnaire"), slug=slug
    )
    if not request.user.has_perm(perm, round):
        raise PermissionDenied
    return round


def _page(request: HttpRequest, items: Any) -> Page[Any]:
    try:
        number = max(int(request.GET.get("page", "1")), 1)
    except ValueError:
        number = 1
    return Paginator(items, PER_PAGE).get_page(number)


def _context(request: HttpRequest, round: Round, section: str, **extra: Any) -> dict[str, Any]:
    """What every page of a round shows: the round, the sub-navigation and what the person may do."""
    return {
        "round": round,
        "section": section,
        "can_delete": request.user.has_perm("barometer.delete_round", round),
        "can_reopen": request.user.has_perm("barometer.reopen_response", round),
        **extra,
    }


def _with_version(request: HttpRequest, round: Round) -> QueryDict:
    """The posted data with the saved version in place of the one the person started from."""
    data = request.POST.copy()
    data["version"] = str(round.version)
    return data


# --- the list, create and edit -----------------------------------------------------------------------------------


def _organisers(user: Any) -> QuerySet[Organisation]:
    """Organisations a person may create a round for: those they edit; platform administrators also any
    organisation that has a questionnaire."""
    ids = set(roles.editable_organisation_ids(user))
    if getattr(user, "is_superuser", False):
        ids |= set(Questionnaire.objects.values_list("organiser_id", flat=True))
    return Organisation.objects.filter(pk__in=ids).order_by("name")


@login_required
def round_list_view(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "barometer/rounds/list.html",
        {"rounds": list(round_list(user=request.user)), "can_create": _organisers(request.user).exists()},
    )


@login_required
def round_create_view(request: HttpRequest) -> HttpResponse:
    organisers = _organisers(request.user)
    if not organisers.exists():
        raise PermissionDenied
    form = RoundForm(request.POST or None, organisers=organisers)
    if request.method == "POST" and form.is_valid():
        try:
            round = services.round_create(
                actor=request.user, organiser=form.cleaned_data["organiser"], data=form.round_data()
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("The round was created. Next, draw its sampling frame."))
            return redirect("barometer:round_frame", slug=round.slug)
    return render(request, "barometer/rounds/form.html", {"form": form, "error_forms": [form], "round": None})


@login_required
def round_edit_view(request: HttpRequest, slug: str) -> HttpResponse:
    round = _managed_or_403(request, slug)
    conflict = False
    if request.method == "POST":
        form = RoundForm(request.POST, initial=RoundForm.initial_for(round), round=round)
        if form.is_valid():
            try:
                round = services.round_update(
                    actor=request.user,
                    round=round,
                    expected_version=form.cleaned_data["version"],
                    data=form.round_data(),
                )
            except ConflictError:
                conflict = True
                form.add_error(None, ConflictError.message)
                # Keep what the person typed; saving again after comparing deliberately replaces the other change.
                form.data = _with_version(request, round)
            except ValidationError as error:
                attach_errors(form, error)
            else:
                messages.success(request, _("Your changes were saved."))
                return redirect("barometer:round_detail", slug=round.slug)
    else:
        form = RoundForm(initial=RoundForm.initial_for(round), round=round)
    return render(
        request,
        "barometer/rounds/form.html",
        _context(request, round, "edit", form=form, error_forms=[form], conflict=conflict),
    )


@login_required
def round_detail_view(request: HttpRequest, slug: str) -> HttpResponse:
    round = _managed_or_403(request, slug)
    return render(
        request,
        "barometer/rounds/detail.html",
        _context(
            request,
            round,
            "overview",
            progress=round_progress(round=round),
            invitations=invitation_counts(round=round),
            statuses=InvitationStatus,
        ),
    )


# --- open, close, publish, delete --------------------------------------------------------------------------------

STATUS_ACTIONS = {
    "open": (services.round_open, RoundStatus.OPEN),
    "close": (services.round_close, RoundStatus.CLOSED),
    "publish": (services.round_publish, RoundStatus.PUBLISHED),
}


def _status_view(request: HttpRequest, slug: str, action: str) -> HttpResponse:
    round = _managed_or_403(request, slug)
    service, status = STATUS_ACTIONS[action]
    form = VersionForm(request.POST or None, initial={"version": round.version})
    if request.method == "POST" and form.is_valid():
        try:
            service(actor=request.user, round=round, expected_version=form.cleaned_data["version"])
        except ConflictError:
            form.data = _with_version(request, round)
            form.add_error(None, ConflictError.message)
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            done = {
                "open": _("The round is open for answers."),
                "close": _("The round is closed: no more answers are taken."),
                "publish": _("The results are published: everyone can see them."),
            }
            messages.success(request, done[action])
            return redirect("barometer:round_detail", slug=round.slug)
    return render(
        request,
        "barometer/rounds/confirm_status.html",
        _context(request, round, "overview", form=form, error_forms=[form], action=action, new_status=status),
    )


@login_required
def round_open_view(request: HttpRequest, slug: str) -> HttpResponse:
    return _status_view(request, slug, "open")


@login_required
def round_close_view(request: HttpRequest, slug: str) -> HttpResponse:
    return _status_view(request, slug, "close")


@login_required
def round_publish_view(request: HttpRequest, slug: str) -> HttpResponse:
    return _status_view(request, slug, "publish")


@login_required
def round_delete_view(request: HttpRequest, slug: str) -> HttpResponse:
    round = _managed_or_403(request, slug, "barometer.delete_round")
    errors: list[str] = []
    if request.method == "POST":
        name = str(round.name)
        try:
            services.round_delete(actor=request.user, round=round)
        except ValidationError as error:
            errors = error.messages
        else:
            messages.success(request, _("“%(name)s” was deleted.") % {"name": name})
            return redirect("barometer:round_list")
    has_responses = round.responses.exists()
    return render(
        request,
        "barometer/rounds/confirm_delete.html",
        _context(request, round, "overview", errors=errors, has_responses=has_responses),
    )


# --- the sampling frame ------------------------------------------------------------------------------------------


def _render_frame(request: HttpRequest, round: Round, **bound: Any) -> HttpResponse:
    draw_form = bound.get("draw_form") or FrameDrawForm()
    add_form = bound.get("add_form") or FrameAddForm()
    progress = round_progress(round=round)
    return render(
        request,
        "barometer/rounds/frame.html",
        _context(
            request,
            round,
            "frame",
            draw_form=draw_form,
            add_form=add_form,
            error_forms=[draw_form, add_form],
            errors=bound.get("errors", []),
            tables=progress.tables,
            total=progress.overall.frame,
            cells=frame_cells(round=round),
            units=_page(request, frame_units(round=round)),
            labels=stratum_labels(),
            editable=round.status in (RoundStatus.DRAFT, RoundStatus.OPEN),
        ),
    )


@login_required
def frame_view(request: HttpRequest, slug: str) -> HttpResponse:
    return _render_frame(request, _managed_or_403(request, slug))


@login_required
@require_POST
def frame_draw_view(request: HttpRequest, slug: str) -> HttpResponse:
    round = _managed_or_403(request, slug)
    form = FrameDrawForm(request.POST)
    if form.is_valid():
        try:
            added = services.frame_draw(
                actor=request.user, round=round, kinds=form.cleaned_data["kinds"], regions=form.cleaned_data["regions"]
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            if added:
                message = ngettext(
                    "%(count)s organisation was added to the frame.",
                    "%(count)s organisations were added to the frame.",
                    added,
                ) % {"count": added}
            else:
                message = _("All these organisations were in the frame already.")
            messages.success(request, message)
            return redirect("barometer:round_frame", slug=round.slug)
    return _render_frame(request, round, draw_form=form)


@login_required
@require_POST
def frame_add_view(request: HttpRequest, slug: str) -> HttpResponse:
    round = _managed_or_403(request, slug)
    form = FrameAddForm(request.POST)
    if form.is_valid():
        organisation, problem = OrganisationFinder(round)(form.cleaned_data["organisation"])
        try:
            if organisation is None:
                raise ValidationError({"organisation": problem})
            services.frame_add(actor=request.user, round=round, organisation=organisation)
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("%(organisation)s was added to the frame.") % {"organisation": organisation})
            return redirect(reverse("barometer:round_frame", kwargs={"slug": round.slug}) + "#units")
    return _render_frame(request, round, add_form=form)


@login_required
@require_POST
def frame_remove_view(request: HttpRequest, slug: str, unit_pk: int) -> HttpResponse:
    round = _managed_or_403(request, slug)
    unit = get_object_or_404(FrameUnit.objects.select_related("organisation"), pk=unit_pk, round=round)
    try:
        services.frame_remove(actor=request.user, round=round, unit=unit)
    except ValidationError as error:
        return _render_frame(request, round, errors=error.messages)
    messages.success(request, _("%(organisation)s was removed from the frame.") % {"organisation": unit.organisation})
    return redirect(reverse("barometer:round_frame", kwargs={"slug": round.slug}) + "#units")


# --- invitations -------------------------------------------------------------------------------------------------


def _render_invitations(request: HttpRequest, round: Round, **bound: Any) -> HttpResponse:
    invite_form = bound.get("invite_form") or InvitationForm(round=round)
    upload_form = bound.get("upload_form") or InvitationUploadForm()
    page = _page(request, invitation_list(round=round))
    base_url = request.build_absolute_uri("/")
    rows = [
        (invitation, invitation_status(invitation), services.personal_link(invitation, base_url)) for invitation in page
    ]
    due = reminders_due(
        round=round,
        now=timezone.now(),
        interval_days=services.REMINDER_INTERVAL_DAYS,
        max_reminders=services.MAX_REMINDERS,
    ).count()
    return render(
        request,
        "barometer/rounds/invitations.html",
        _context(
            request,
            round,
            "invitations",
            invite_form=invite_form,
            upload_form=upload_form,
            error_forms=[invite_form, upload_form],
            file_problems=bound.get("file_problems", []),
            columns=services.column_labels(),
            send_errors=bound.get("send_errors", []),
            page=page,
            rows=rows,
            counts=invitation_counts(round=round),
            statuses=InvitationStatus,
            reminders_due=due,
            interval_days=services.REMINDER_INTERVAL_DAYS,
            max_reminders=services.MAX_REMINDERS,
            can_invite=round.status in (RoundStatus.DRAFT, RoundStatus.OPEN),
            can_send=round.status == RoundStatus.OPEN,
        ),
    )


@login_required
def invitations_view(request: HttpRequest, slug: str) -> HttpResponse:
    return _render_invitations(request, _managed_or_403(request, slug))


@login_required
@require_POST
def invitation_add_view(request: HttpRequest, slug: str) -> HttpResponse:
    round = _managed_or_403(request, slug)
    form = InvitationForm(request.POST, round=round)
    if form.is_valid():
        unit = get_object_or_404(
            round.frame.select_related("organisation"), organisation_id=form.cleaned_data["organisation"]
        )
        organisation = unit.organisation
        row = services.InvitationRow(
            organisation=organisation,
            email=form.cleaned_data["email"],
            name=form.cleaned_data["name"],
            language=form.cleaned_data["language"],
        )
        try:
            services.invitations_create(actor=request.user, round=round, rows=[row])
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("%(email)s was invited.") % {"email": row.email})
            return redirect(reverse("barometer:round_invitations", kwargs={"slug": round.slug}) + "#list")
    return _render_invitations(request, round, invite_form=form)


@login_required
@require_POST
def invitation_upload_view(request: HttpRequest, slug: str) -> HttpResponse:
    round = _managed_or_403(request, slug)
    form = InvitationUploadForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            created = services.invitations_create_from_csv(
                actor=request.user, round=round, data=form.cleaned_data["file"].read()
            )
        except services.InvitationRowsError as error:
            form.add_error(
                "file",
                ngettext(
                    "The file has %(count)s problem; nothing was saved. Correct it and upload the file again.",
                    "The file has %(count)s problems; nothing was saved. Correct them and upload the file again.",
                    len(error.problems),
                )
                % {"count": len(error.problems)},
            )
            return _render_invitations(request, round, upload_form=form, file_problems=error.problems)
        except ValidationError as error:
            attach_errors(form, error)
        else:
            count = len(created)
            messages.success(
                request,
                ngettext("%(count)s invitation was added.", "%(count)s invitations were added.", count)
                % {"count": count},
            )
            return redirect(reverse("barometer:round_invitations", kwargs={"slug": round.slug}) + "#list")
    return _render_invitations(request, round, upload_form=form)


@login_required
@require_POST
def invitations_send_view(request: HttpRequest, slug: str) -> HttpResponse:
    round = _managed_or_403(request, slug)
    return _deliver(
        request,
        round,
        lambda: services.invitations_send(actor=request.user, round=round, time_limit=services.PAGE_SEND_SECONDS),
        lambda count: (
            ngettext("%(count)s invitation was sent.", "%(count)s invitations were sent.", count) % {"count": count}
        ),
        _("Every invitation had been sent already."),
    )


@login_required
@require_POST
def reminders_send_view(request: HttpRequest, slug: str) -> HttpResponse:
    round = _managed_or_403(request, slug)
    return _deliver(
        request,
        round,
        lambda: services.reminders_send(
            actor=request.user, round=round, now=timezone.now(), time_limit=services.PAGE_SEND_SECONDS
        ),
        lambda count: (
            ngettext("%(count)s reminder was sent.", "%(count)s reminders were sent.", count) % {"count": count}
        ),
        _("Nobody is due a reminder now."),
    )


def _deliver(
    request: HttpRequest,
    round: Round,
    send: Callable[[], services.Delivery],
    sent: Callable[[int], str],
    nothing_to_do: str,
) -> HttpResponse:
    """Sends (invitations or reminders), then says what happened and goes back to the invitations page."""
    try:
        delivery = send()
    except ValidationError as error:
        return _render_invitations(request, round, send_errors=error.messages)
    if delivery.sent:
        messages.success(request, sent(delivery.sent))
    _problems(request, delivery, nothing_to_do)
    return redirect("barometer:round_invitations", slug=round.slug)


def _problems(request: HttpRequest, delivery: services.Delivery, nothing_to_do: str) -> None:
    if not delivery.sent and not delivery.failed and not delivery.left:
        messages.info(request, nothing_to_do)
    if delivery.left:
        messages.warning(
            request,
            ngettext(
                "Sending stopped after %(seconds)s seconds so that the page answers: %(count)s e-mail is still "
                "waiting. Press the button again to send it.",
                "Sending stopped after %(seconds)s seconds so that the page answers: %(count)s e-mails are still "
                "waiting. Press the button again to send them.",
                delivery.left,
            )
            % {"seconds": int(services.PAGE_SEND_SECONDS), "count": delivery.left},
        )
    if delivery.failed:
        messages.error(
            request,
            _("The mail server refused these addresses; they are tried again next time: %(emails)s")
            % {"emails": ", ".join(delivery.failed)},
        )


# --- responses ---------------------------------------------------------------------------------------------------


@login_required
def responses_view(request: HttpRequest, slug: str) -> HttpResponse:
    round = _managed_or_403(request, slug)
    return render(
        request,
        "barometer/rounds/responses.html",
        _context(
            request,
            round,
            "responses",
            page=_page(request, response_list(round=round)),
            submitted=ResponseStatus.SUBMITTED,
            is_open=round.status == RoundStatus.OPEN,
        ),
    )


@login_required
def response_reopen_view(request: HttpRequest, slug: str, response_pk: int) -> HttpResponse:
    round = _managed_or_403(request, slug, "barometer.reopen_response")
    response = get_object_or_404(
        Response.objects.select_related("frame_unit__organisation", "invitation"), pk=response_pk, round=round
    )
    errors: list[str] = []
    if request.method == "POST":
        try:
            services.response_reopen(actor=request.user, response=response)
        except ValidationError as error:
            errors = error.messages
        else:
            messages.success(
                request,
                _("The response of %(organisation)s is open again; it counts as in progress until it is submitted.")
                % {"organisation": response.frame_unit.organisation},
            )
            return redirect("barometer:round_responses", slug=round.slug)
    return render(
        request,
        "barometer/rounds/confirm_reopen.html",
        _context(request, round, "responses", response=response, errors=errors),
    )


# --- the live dashboard ------------------------------------------------------------------------------------------


def rate_text(rate: float | None) -> str:
    """A response rate with one decimal, as rate_table.html shows it: a first answer in a frame of 309 is
    "0.3 %", not "0 %". Same message id as core's percent filter, so the spacing of % follows the language."""
    return formatting.share_text(rate, 1)


def _summary(progress: Progress) -> str:
    overall = progress.overall
    return _("%(responded)s of %(frame)s organisations have answered (%(rate)s); %(answering)s are answering.") % {
        "responded": formats.number_format(overall.responded),
        "frame": formats.number_format(overall.frame),
        "rate": rate_text(overall.rate),
        "answering": formats.number_format(overall.answering),
    }


@login_required
def dashboard_view(request: HttpRequest, slug: str) -> HttpResponse:
    round = _managed_or_403(request, slug)
    progress = round_progress(round=round)
    return render(
        request,
        "barometer/rounds/dashboard.html",
        _context(
            request,
            round,
            "dashboard",
            progress=progress,
            summary=_summary(progress),
            updated=timezone.localtime(),
            data_url=reverse("barometer:round_dashboard_data", kwargs={"slug": round.slug}),
        ),
    )


def _row_json(row: RateRow) -> dict[str, Any]:
    return {
        "key": row.key,
        "label": row.label,
        "frame": row.frame,
        "responded": row.responded,
        "answering": row.answering,
        "not_started": row.not_started,
        "rate": row.rate,
        "rate_text": rate_text(row.rate),
    }


@login_required
@never_cache
def dashboard_data_view(request: HttpRequest, slug: str) -> JsonResponse:
    """The dashboard's figures as JSON, for the page's polling script (and anyone on the team who wants them)."""
    round = _managed_or_403(request, slug)
    progress = round_progress(round=round)
    updated = timezone.localtime()
    return JsonResponse(
        {
            "round": round.slug,
            "status": round.status,
            "updated": updated.isoformat(),
            "updated_text": formats.time_format(updated, "TIME_FORMAT"),
            "summary": _summary(progress),
            "overall": _row_json(progress.overall),
            "respondents_submitted": progress.respondents_submitted,
            "responses_in_progress": progress.responses_in_progress,
            "tables": {table.dimension: [_row_json(row) for row in table.rows] for table in progress.tables},
        }
    )


urls = [
    path("rounds/", round_list_view, name="round_list"),
    path("rounds/new/", round_create_view, name="round_create"),
    path("rounds/<slug:slug>/", round_detail_view, name="round_detail"),
    path("rounds/<slug:slug>/edit/", round_edit_view, name="round_edit"),
    path("rounds/<slug:slug>/open/", round_open_view, name="round_open"),
    path("rounds/<slug:slug>/close/", round_close_view, name="round_close"),
    path("rounds/<slug:slug>/publish/", round_publish_view, name="round_publish"),
    path("rounds/<slug:slug>/delete/", round_delete_view, name="round_delete"),
    path("rounds/<slug:slug>/frame/", frame_view, name="round_frame"),
    path("rounds/<slug:slug>/frame/draw/", frame_draw_view, name="round_frame_draw"),
    path("rounds/<slug:slug>/frame/add/", frame_add_view, name="round_frame_add"),
    path("rounds/<slug:slug>/frame/<int:unit_pk>/remove/", frame_remove_view, name="round_frame_remove"),
    path("rounds/<slug:slug>/invitations/", invitations_view, name="round_invitations"),
    path("rounds/<slug:slug>/invitations/add/", invitation_add_view, name="round_invitation_add"),
    path("rounds/<slug:slug>/invitations/upload/", invitation_upload_view, name="round_invitation_upload"),
    path("rounds/<slug:slug>/invitations/send/", invitations_send_view, name="round_invitations_send"),
    path("rounds/<slug:slug>/invitations/remind/", reminders_send_view, name="round_reminders_send"),
    path("rounds/<slug:slug>/responses/", responses_view, name="round_responses"),
    path("rounds/<slug:slug>/responses/<int:response_pk>/reopen/", response_reopen_view, name="round_response_reopen"),
    path("rounds/<slug:slug>/dashboard/", dashboard_view, name="round_dashboard"),
    path("rounds/<slug:slug>/dashboard/data/", dashboard_data_view, name="round_dashboard_data"),
]
