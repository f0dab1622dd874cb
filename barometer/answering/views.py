"""The answering form: a respondent's personal link, one page per section, every answer saved as it is given, a
check-and-submit page, and afterwards the answers to read, print and download.

The invitation's token in the address is the respondent's only key: it works for whoever holds it, signed in or
not, and an unknown token gets the same friendly "link not valid" page whatever it looks like. The form works
without JavaScript (each page's button saves the page); with it, answers.js saves each answer as it is given
through `answer_save`, which is CSRF-protected by the cookie that the form page sets.
"""

import csv
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property, wraps
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import URLPattern, path, reverse
from django.utils import translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from barometer.answering.forms import ShownAnswer, page_values, question_field, shown_answer
from barometer.answering.services import (
    ResponseReadOnlyError,
    answer_save,
    answers_save,
    response_answers,
    response_open,
    response_set_section,
    response_submit,
    round_state,
)
from barometer.answers import QuestionSpec, asked, condition_met, missing_required
from barometer.models import Invitation, Question, Response, Round, Section
from barometer.rounds import services as round_services
from barometer.selectors import question_spec, version_contents
from barometer.vocabulary import ITEM_KINDS, ResponseStatus, RoundStatus
from core import limits
from core.pdf import html_to_pdf

# Where a page change puts the reader: the page's heading (answers.js moves the focus there too).
HEADING = "#page-heading"
# A JSON body bigger than this is not an answer (the longest text answer is 10,000 characters).
MAX_BODY_BYTES = 64 * 1024


# --- finding the invitation -------------------------------------------------------------------------------------


def _invitation(token: str) -> Invitation | None:
    # get(), not first(): first() would sort by the model's ordering, a join to the organisation on every save.
    try:
        return Invitation.objects.select_related(
            "round__questionnaire_version", "frame_unit__organisation", "response"
        ).get(token=token)
    except Invitation.DoesNotExist:
        return None


def _unknown_link(request: HttpRequest) -> HttpResponse:
    return render(request, "barometer/answering/unknown_link.html", status=404)


View = Callable[..., HttpResponse]


def by_token(view: View, *, as_json: bool = False) -> View:
    """Looks the invitation up by the address's token; an unknown one gets the friendly 404 page (or its JSON).
    Answers are personal: no page of the form is cached anywhere or indexed."""

    @wraps(view)
    def wrapped(request: HttpRequest, token: str, *args: Any, **kwargs: Any) -> HttpResponse:
        invitation = _invitation(token)
        if invitation is None:
            if as_json:
                return JsonResponse({"saved": False, "code": "unknown_link", "message": _unknown_message()}, status=404)
            return _unknown_link(request)
        response = view(request, invitation, *args, **kwargs)
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    return never_cache(wrapped)


def by_token_json(view: View) -> View:
    return by_token(view, as_json=True)


def _unknown_message() -> str:
    return _("This answer link is not valid. Open the link in your invitation e-mail again.")


# --- the survey as this respondent sees it ----------------------------------------------------------------------


@dataclass
class Survey:
    """The questionnaire, the respondent's answers, and what the routing shows with those answers."""

    invitation: Invitation
    response: Response
    sections: list[Section]
    answers: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, invitation: Invitation, response: Response) -> "Survey":
        sections = version_contents(invitation.round.questionnaire_version)
        return cls(invitation, response, sections, response_answers(response))

    @cached_property
    def specs(self) -> list[QuestionSpec]:
        return [question_spec(q) for s in self.sections for q in s.questions.all()]

    @cached_property
    def conditions(self) -> dict[str, Any]:
        return {q.code: s.show_if or {} for s in self.sections for q in s.questions.all()}

    @cached_property
    def shown(self) -> set[str]:
        return asked(self.specs, self.answers, self.conditions)

    @cached_property
    def pages(self) -> list[Section]:
        """The sections this respondent answers: those with a question the routing shows."""
        return [
            s
            for s in self.sections
            if any(q.code in self.shown for q in s.questions.all())
            or (not s.questions.all() and condition_met(s.show_if or {}, self.answers))
        ]

    def with_answers(self, answers: dict[str, Any]) -> "Survey":
        return Survey(self.invitation, self.response, self.sections, answers)

    def section(self, code: str) -> Section | None:
        return next((s for s in self.sections if s.code == code), None)

    def page_number(self, section: Section) -> int:
        codes = [s.code for s in self.pages]
        return codes.index(section.code) + 1 if section.code in codes else 0

    def page_after(self, section: Section) -> Section | None:
        """The next page the respondent answers, in questionnaire order (also when `section` is not shown)."""
        return next((s for s in self.pages if s.order > section.order), None)

    def page_before(self, section: Section) -> Section | None:
        return next((s for s in reversed(self.pages) if s.order < section.order), None)

    @cached_property
    def missing(self) -> list[str]:
        return missing_required(self.specs, self.answers, self.conditions)


def _page_url(invitation: Invitation, section: Section | None) -> str:
    if section is None:
        return reverse("barometer:answer_check", kwargs={"token": invitation.token})
    return reverse("barometer:answer_page", kwargs={"token": invitation.token, "section": section.code})


def _context(survey: Survey, **extra: Any) -> dict[str, Any]:
    round_ = survey.invitation.round
    return {
        "invitation": survey.invitation,
        "round": round_,
        "version": round_.questionnaire_version,
        "organisation": survey.invitation.frame_unit.organisation,
        "response": survey.response,
        "survey": survey,
        "token": survey.invitation.token,
        **extra,
    }


def _closed(request: HttpRequest, invitation: Invitation) -> HttpResponse:
    """The page for a round that is not open (yet or any more)."""
    response = getattr(invitation, "response", None)
    return render(
        request,
        "barometer/answering/closed.html",
        {
            "invitation": invitation,
            "round": invitation.round,
            "version": invitation.round.questionnaire_version,
            "organisation": invitation.frame_unit.organisation,
            "state": round_state(invitation.round),
            "has_answers": response is not None and response.answers.exists(),
        },
    )


def _submitted(invitation: Invitation) -> bool:
    response = getattr(invitation, "response", None)
    return response is not None and response.status == ResponseStatus.SUBMITTED


def _thanks(invitation: Invitation) -> HttpResponse:
    return redirect("barometer:answer_thanks", token=invitation.token)


# --- the link, the pages ----------------------------------------------------------------------------------------


@by_token
def answer_view(request: HttpRequest, invitation: Invitation) -> HttpResponse:
    """The personal link: resumes on the page the respondent was on, or shows the submitted answers."""
    if _submitted(invitation):
        return _thanks(invitation)
    if not round_state(invitation.round).accepts_answers:
        return _closed(request, invitation)
    response = response_open(invitation=invitation)
    survey = Survey.of(invitation, response)
    section = survey.section(response.current_section)
    if section is None:
        section = survey.pages[0] if survey.pages else None
    elif section not in survey.pages:
        section = survey.page_after(section)  # routing has since hidden it: the next page the respondent answers
    return redirect(_page_url(invitation, section))


@by_token
def page_view(request: HttpRequest, invitation: Invitation, section: str) -> HttpResponse:
    if _submitted(invitation):
        return _thanks(invitation)
    if not round_state(invitation.round).accepts_answers:
        return _closed(request, invitation)
    response = response_open(invitation=invitation)
    survey = Survey.of(invitation, response)
    current = survey.section(section)
    if current is None:
        raise Http404(_("The survey has no such page."))
    if request.method == "POST":
        return _save_page(request, survey, current)
    if current not in survey.pages:
        return redirect(_page_url(invitation, survey.page_after(current)) + HEADING)
    response_set_section(response=response, section_code=current.code)
    return _render_page(request, survey, current)


def _save_page(request: HttpRequest, survey: Survey, current: Section) -> HttpResponse:
    """The page's button without JavaScript (and with it, as a last save): saves the page, then goes on."""
    questions = list(current.questions.all())
    values = page_values(request.POST, questions)
    try:
        saved = answers_save(invitation=survey.invitation, values=values)
    except ResponseReadOnlyError:
        return _thanks(survey.invitation) if _submitted(survey.invitation) else _closed(request, survey.invitation)
    except ValidationError as error:
        # The valid answers were saved; the page shows everything as it was posted, the refused ones marked.
        errors = {code: messages[0] for code, messages in error.message_dict.items()}
        saved_now = survey.with_answers(response_answers(survey.response))
        return _render_page(request, saved_now, current, errors=errors, posted=values)
    answers = {code: value for code, value in {**survey.answers, **saved}.items() if value is not None}
    after = survey.with_answers(answers)
    # Without JavaScript, an answer on this page can bring up more questions on it: show them before going on.
    appeared = [q for q in questions if q.code in after.shown - survey.shown and q.code not in answers]
    if appeared:
        return _render_page(request, after, current, appeared=True)
    go = request.POST.get("go", "next")
    if go == "previous":
        target = after.page_before(current) or current
    elif go == "check":
        target = None
    elif go == "next":
        target = after.page_after(current)
    else:
        chosen = after.section(go)
        target = chosen if chosen in after.pages else current
    if target is not None:
        response_set_section(response=survey.response, section_code=target.code)
    return redirect(_page_url(survey.invitation, target) + HEADING)


def _render_page(
    request: HttpRequest,
    survey: Survey,
    current: Section,
    *,
    errors: dict[str, str] | None = None,
    posted: dict[str, Any] | None = None,
    appeared: bool = False,
) -> HttpResponse:
    errors = errors or {}
    posted = posted or {}
    fields = [
        question_field(
            q,
            posted.get(q.code, survey.answers.get(q.code)),
            hidden=q.code not in survey.shown,
            error=errors.get(q.code, ""),
        )
        for q in current.questions.all()
    ]
    pages = survey.pages
    number = survey.page_number(current)
    context = _context(
        survey,
        section=current,
        fields=fields,
        errors=[f for f in fields if f.error],
        appeared=appeared,
        pages=pages,
        page_number=number,
        page_count=len(pages),
        is_last=survey.page_after(current) is None,
        has_previous=survey.page_before(current) is not None,
        routing=_routing(survey),
        messages_js=_js_messages(),
        save_url=reverse("barometer:answer_save", kwargs={"token": survey.invitation.token}),
    )
    return render(request, "barometer/answering/page.html", context)


def _routing(survey: Survey) -> dict[str, Any]:
    """What answers.js needs to show and hide questions and pages as answers change, like `answers.asked`."""
    conditions = [s.show_if for s in survey.sections] + [q.show_if for s in survey.sections for q in s.questions.all()]
    referenced = {c.get("question") for c in conditions if c}
    return {
        "sections": [
            {
                "code": s.code,
                "show_if": s.show_if or {},
                "questions": [{"code": q.code, "show_if": q.show_if or {}} for q in s.questions.all()],
            }
            for s in survey.sections
        ],
        "answers": {code: value for code, value in survey.answers.items() if code in referenced},
    }


def _js_messages() -> dict[str, str]:
    return {
        "saving": _("Saving your answer…"),
        "saved": _("All answers are saved."),
        "offline": _("No connection: your answers are kept on this device and saved when the connection returns."),
        "not_saved": _("An answer was not saved: see the message at the question."),
        "reload": _("Your answers could not be saved. Reload the page: the answers are kept on this device."),
        "offline_stay": _(
            "No connection: you can go on when your answers are saved. They are kept on this device meanwhile."
        ),
        "page_of": _("Page %(number)s of %(total)s"),
        "error_prefix": _("Error:"),
    }


# --- autosave ---------------------------------------------------------------------------------------------------


@require_POST
@by_token_json
def save_view(request: HttpRequest, invitation: Invitation) -> HttpResponse:
    """One answer, as JSON: {"question": "<code>", "value": …}. 200 when it is committed, 400 when it does not fit
    the question (with a message in the address's language), 409 when the answers can no longer be changed."""
    if len(request.body) > MAX_BODY_BYTES:
        return _bad_request(_("The answer is too long."))
    try:
        body = json.loads(request.body)
    except ValueError:
        body = None
    if not isinstance(body, dict) or not isinstance(body.get("question"), str) or "value" not in body:
        return _bad_request(_("The answer could not be read. Reload the page and try again."))
    code = body["question"]
    try:
        value = answer_save(invitation=invitation, question_code=code, value=body["value"])
    except ValidationError as error:
        return JsonResponse(
            {"saved": False, "question": code, "code": error.code, "message": error.messages[0]}, status=400
        )
    except ResponseReadOnlyError as refused:
        return JsonResponse(
            {"saved": False, "question": code, "code": refused.code, "message": refused.message}, status=409
        )
    return JsonResponse({"saved": True, "question": code, "value": value})


def _bad_request(message: str) -> JsonResponse:
    return JsonResponse({"saved": False, "code": "bad_request", "message": message}, status=400)


# --- check and submit -------------------------------------------------------------------------------------------


@dataclass
class Missing:
    question: Question
    url: str
    rows_answered: int = 0  # of a scale or grid answered in part: how many of its rows
    rows: int = 0


@dataclass
class ShownSection:
    section: Section
    answers: list[ShownAnswer]
    url: str = ""


def _shown_sections(survey: Survey, *, with_links: bool = False) -> list[ShownSection]:
    """The pages the respondent answers with their answers, read-only."""
    result = []
    for section in survey.pages:
        answers = [
            shown_answer(q, survey.answers.get(q.code)) for q in section.questions.all() if q.code in survey.shown
        ]
        url = _page_url(survey.invitation, section) + HEADING if with_links else ""
        result.append(ShownSection(section, answers, url))
    return result


def _missing(survey: Survey) -> list[Missing]:
    """The required questions still unanswered, each with a link to its first input on its page."""
    result = []
    for section in survey.sections:
        for question in section.questions.all():
            if question.code in survey.missing:
                anchor = question_field(question, None).anchor
                missing = Missing(question, f"{_page_url(survey.invitation, section)}#{anchor}")
                given = survey.answers.get(question.code)
                if question.kind in ITEM_KINDS and isinstance(given, dict) and given:
                    # Answered in part: say how far, and link to the first row still without an answer.
                    items = list(question.items.all())
                    missing.rows_answered, missing.rows = len(given), len(items)
                    first = next((item for item in items if item.code not in given), None)
                    if first is not None:
                        missing.url = f"{_page_url(survey.invitation, section)}#q-{question.code}-{first.code}-0"
                result.append(missing)
    return result


@by_token
def check_view(request: HttpRequest, invitation: Invitation) -> HttpResponse:
    """The last step: every answer on one page, what required answers are missing, and the submit button."""
    if _submitted(invitation):
        return _thanks(invitation)
    if not round_state(invitation.round).accepts_answers:
        return _closed(request, invitation)
    response = response_open(invitation=invitation)
    submit_failed = False
    if request.method == "POST":
        try:
            response_submit(invitation=invitation)
        except ResponseReadOnlyError:
            return _thanks(invitation) if _submitted(invitation) else _closed(request, invitation)
        except ValidationError:
            submit_failed = True
        else:
            return _thanks(invitation)
    survey = Survey.of(invitation, response)
    last = survey.pages[-1] if survey.pages else None
    context = _context(
        survey,
        sections=_shown_sections(survey, with_links=True),
        missing=_missing(survey),
        submit_failed=submit_failed,
        previous_url=_page_url(invitation, last) + HEADING if last else "",
        messages_js=_js_messages(),
    )
    return render(request, "barometer/answering/check.html", context)


@by_token
def thanks_view(request: HttpRequest, invitation: Invitation) -> HttpResponse:
    """After submitting: thanks, and the answers to read, print and download."""
    if not _submitted(invitation):
        return redirect("barometer:answer", token=invitation.token)
    survey = Survey.of(invitation, invitation.response)
    return render(request, "barometer/answering/thanks.html", _context(survey, sections=_shown_sections(survey)))


# --- downloads --------------------------------------------------------------------------------------------------


def _file_name(invitation: Invitation, extension: str) -> str:
    return f"{slugify(invitation.round.slug)}-{slugify(_('my answers'))}.{extension}"


def _download_survey(invitation: Invitation) -> Survey:
    response = getattr(invitation, "response", None) or Response(round=invitation.round)
    if response.pk is None:
        return Survey(invitation, response, version_contents(invitation.round.questionnaire_version))
    return Survey.of(invitation, response)


@by_token
def pdf_view(request: HttpRequest, invitation: Invitation) -> HttpResponse:
    """The answers as a PDF, made from the same HTML as the page (WeasyPrint, no browser needed)."""
    survey = _download_survey(invitation)
    html = render_to_string(
        "barometer/answering/answers_pdf.html", _context(survey, sections=_shown_sections(survey)), request
    )
    pdf = html_to_pdf(html, base_url=request.build_absolute_uri("/"))
    result = HttpResponse(pdf, content_type="application/pdf")
    result["Content-Disposition"] = f'attachment; filename="{_file_name(invitation, "pdf")}"'
    return result


@by_token
def csv_view(request: HttpRequest, invitation: Invitation) -> HttpResponse:
    """The answers as CSV: one row per answer (a scale: one row per row of it), codes beside the labels."""
    survey = _download_survey(invitation)
    result = HttpResponse(content_type="text/csv; charset=utf-8")
    result["Content-Disposition"] = f'attachment; filename="{_file_name(invitation, "csv")}"'
    result.write("\ufeff")  # the byte order mark makes spreadsheet programs read UTF-8 (ä, ö, å) right
    writer = csv.writer(result)
    writer.writerow([_("Page"), _("Question code"), _("Question"), _("Row"), _("Answer code"), _("Answer")])
    for shown in _shown_sections(survey):
        for answer in shown.answers:
            for row in _csv_rows(answer, survey.answers.get(answer.question.code)):
                writer.writerow([shown.section.title, answer.question.code, answer.question.text, *row])
    return result


def _csv_rows(answer: ShownAnswer, value: Any) -> list[list[str]]:
    if answer.is_empty:
        return [["", "", ""]]
    if answer.rows:
        items = [item.code for item in answer.question.items.all() if item.code in (value or {})]
        return [[label, value[code], choice] for code, (label, choice) in zip(items, answer.rows, strict=True)]
    if answer.labels:
        codes = value if isinstance(value, list) else [value]
        return [["", "; ".join(codes), "; ".join(answer.labels)]]
    return [["", str(value), answer.text]]


TRYOUT_RATE = "10/h"  # fresh keys to a try-out round per address: enough for a class, not for a script


@never_cache
def tryout_view(request: HttpRequest, slug: str) -> HttpResponse:
    """The open link of a try-out round: the page says what it is; its button (a POST, so that a link preview or
    a crawler makes no response) gives this visitor a key of their own and goes to the first page."""
    round_ = Round.objects.filter(slug=slug, is_tryout=True, status=RoundStatus.OPEN).first()
    if round_ is None:
        raise Http404
    if request.method == "POST":
        if limits.over_limit(request, group="barometer.tryout", rate=TRYOUT_RATE, by=limits.by_address):
            return limits.too_many_response(
                request,
                message=_("Many try-outs have been started from your address. Try again in an hour."),
                back=reverse("barometer:index"),
                retry_after=3600,
            )
        invitation = round_services.tryout_start(round=round_, language=translation.get_language() or "fi")
        return redirect("barometer:answer", token=invitation.token)
    return render(request, "barometer/answering/tryout.html", {"round": round_})


urls: list[URLPattern] = [
    path("try/<slug:slug>/", tryout_view, name="tryout"),
    path("answer/<str:token>/", answer_view, name="answer"),
    path("answer/<str:token>/page/<str:section>/", page_view, name="answer_page"),
    path("answer/<str:token>/save/", save_view, name="answer_save"),
    path("answer/<str:token>/check/", check_view, name="answer_check"),
    path("answer/<str:token>/thanks/", thanks_view, name="answer_thanks"),
    path("answer/<str:token>/answers.pdf", pdf_view, name="answer_pdf"),
    path("answer/<str:token>/answers.csv", csv_view, name="answer_csv"),
]
