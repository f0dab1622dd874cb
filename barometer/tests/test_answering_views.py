"""The answering form's pages: the personal link, one page per section with routing and progress, the page save
without JavaScript, the autosave endpoint, check and submit, thanks, and the answers as PDF and CSV.

small_version (conftest): background (kind*, introduced*), latest (types; only when introduced = yes),
other (enablers, staff, comments). * = required.
"""

import csv
import io
import json
import re
from typing import Any

import pytest
from django.db.models import F
from django.test import Client
from django.utils import translation

from barometer.answering.services import answer_save, response_answers
from barometer.models import Answer, Choice, Definition, Invitation, Question, QuestionnaireVersion, Response, Round
from barometer.vocabulary import ResponseStatus, RoundStatus
from tests.pages import url

pytestmark = pytest.mark.django_db


def invitation_url(name: str, invitation: Invitation | str, language: str = "fi", **kwargs: Any) -> str:
    """An answering page of the invitation (or of a token as it stands)."""
    token = invitation if isinstance(invitation, str) else invitation.token
    return url(f"barometer:{name}", language, token=token, **kwargs)


def in_finnish(message: str) -> str:
    """The Finnish of a UI message (the English itself while it is untranslated)."""
    with translation.override("fi"):
        return translation.gettext(message)


def page(invitation: Invitation, section: str, language: str = "fi") -> str:
    return invitation_url("answer_page", invitation, language, section=section)


def answers(invitation: Invitation) -> dict[str, Any]:
    response = Response.objects.filter(invitation=invitation).first()
    return response_answers(response) if response else {}


def save(client: Client, invitation: Invitation, question: str, value: Any, language: str = "fi") -> Any:
    return client.post(
        invitation_url("answer_save", invitation, language),
        data=json.dumps({"question": question, "value": value}),
        content_type="application/json",
    )


def give(invitation: Invitation, **values: Any) -> None:
    fresh = Invitation.objects.select_related("round__questionnaire_version", "frame_unit").get(pk=invitation.pk)
    for code, value in values.items():
        answer_save(invitation=fresh, question_code=code, value=value)


@pytest.fixture
def worded(invitation_b: Invitation) -> Invitation:
    """The small questionnaire with Finnish and English wording and a definition on "introduced"."""
    version = invitation_b.round.questionnaire_version
    Question.objects.filter(version=version, code="introduced").update(
        text_fi="Onko organisaationne ottanut käyttöön innovaatioita?",
        text_en="Has your organisation introduced innovations?",
    )
    introduced = Question.objects.get(version=version, code="introduced")
    for code, fi, en in (("yes", "Kyllä", "Yes"), ("no", "Ei", "No"), ("dont_know", "En osaa sanoa", "Don't know")):
        introduced.choices.filter(code=code).update(label_fi=fi, label_en=en)
    definition = Definition.objects.create(
        version=version,
        term_fi="innovaatio",
        term_en="innovation",
        text_fi="Uusi tai merkittävästi parannettu palvelu.",
        text_en="A new or significantly improved service.",
    )
    introduced.definitions.add(definition)
    Question.objects.filter(version=version, code="staff").update(
        text_fi="Henkilöstön määrä", text_en="Number of staff", unit_label_fi="henkeä", unit_label_en="people"
    )
    return invitation_b


# --- the link -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["answer", "answer_check", "answer_thanks", "answer_pdf", "answer_csv"])
def test_an_unknown_link_is_a_friendly_404_that_tells_nothing(client: Client, invitation_b: Invitation, name: str):
    for token in ("x" * 43, invitation_b.token[:-1], "' or 1=1 --"):
        response = client.get(invitation_url(name, token))
        assert response.status_code == 404
        text = response.content.decode()
        assert in_finnish("This answer link is not valid") in text
        assert "Testikierros" not in text
        assert invitation_b.round.slug not in text


def test_an_unknown_link_in_autosave_is_a_json_404(client: Client, invitation_b: Invitation) -> None:
    response = save(client, Invitation(token="y" * 43), "kind", "municipality")
    assert response.status_code == 404
    assert response.json()["code"] == "unknown_link"


def test_the_link_opens_the_first_page_and_creates_the_response(client: Client, invitation_b: Invitation) -> None:
    response = client.get(invitation_url("answer", invitation_b))
    assert response.status_code == 302
    assert response["Location"] == page(invitation_b, "background")
    assert Response.objects.filter(invitation=invitation_b).count() == 1
    assert "no-store" in response["Cache-Control"]


def test_the_link_resumes_where_the_respondent_left(client: Client, invitation_b: Invitation) -> None:
    client.get(page(invitation_b, "other"))
    assert client.get(invitation_url("answer", invitation_b))["Location"] == page(invitation_b, "other")


def test_a_page_hidden_since_resumes_on_the_next_one(client: Client, invitation_b: Invitation) -> None:
    give(invitation_b, introduced="yes")
    client.get(page(invitation_b, "latest"))
    give(invitation_b, introduced="no")
    assert client.get(invitation_url("answer", invitation_b))["Location"] == page(invitation_b, "other")


def test_the_link_in_another_language_keeps_its_language(client: Client, invitation_b: Invitation) -> None:
    assert client.get(invitation_url("answer", invitation_b, "sv"))["Location"] == page(
        invitation_b, "background", "sv"
    )


# --- a page -----------------------------------------------------------------------------------------------------


def test_a_page_shows_the_round_the_questions_and_the_definition(client: Client, worded: Invitation) -> None:
    response = client.get(page(worded, "background", "en"))
    assert response.status_code == 200
    text = response.content.decode()
    assert "Test round" in text
    assert str(worded.frame_unit.organisation.name) in text
    assert "Has your organisation introduced innovations?" in text
    assert "What does “innovation” mean?" in text
    assert "A new or significantly improved service." in text
    assert "Page 1 of 2" in text  # the latest innovation's page comes when an innovation was introduced
    assert '<progress id="progress-bar" max="2" value="1"' in text
    assert 'name="robots" content="noindex, nofollow"' in text
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    # Choice questions are fieldsets whose legend is the question.
    assert re.search(r"<legend class=\"question-text\">Has your organisation introduced innovations\?", text)


def test_a_page_in_finnish(client: Client, worded: Invitation) -> None:
    text = client.get(page(worded, "background")).content.decode()
    assert "Onko organisaationne ottanut käyttöön innovaatioita?" in text
    assert "Kyllä" in text
    assert "Uusi tai merkittävästi parannettu palvelu." in text


def test_a_page_shows_the_saved_answers(client: Client, worded: Invitation) -> None:
    give(worded, introduced="no", staff=1234.5, enablers={"competence": "little"})
    background = client.get(page(worded, "background")).content.decode()
    assert re.search(r'value="no" checked', background)
    other = client.get(page(worded, "other")).content.decode()
    assert 'value="1234,5"' in other  # the Finnish decimal comma
    assert re.search(r'name="q-enablers.competence" value="little" checked', other)
    assert "henkeä" in other


def test_routing_leaves_the_latest_innovation_page_out_when_none_was_introduced(client, invitation_b) -> None:
    give(invitation_b, introduced="no")
    text = client.get(page(invitation_b, "other", "en")).content.decode()
    assert "Page 2 of 2" in text
    response = client.get(page(invitation_b, "latest"))
    assert response.status_code == 302
    assert response["Location"] == page(invitation_b, "other") + "#page-heading"
    give(invitation_b, introduced="yes")
    assert "Page 3 of 3" in client.get(page(invitation_b, "other", "en")).content.decode()


def test_the_page_tells_the_script_how_to_route(client: Client, invitation_b: Invitation) -> None:
    give(invitation_b, introduced="yes", comments="not needed for routing")
    text = client.get(page(invitation_b, "background")).content.decode()
    script = re.search(r'<script id="answering-routing" type="application/json">(.*?)</script>', text)
    assert script is not None
    routing = json.loads(script[1])
    assert routing["answers"] == {"introduced": "yes"}
    latest = next(s for s in routing["sections"] if s["code"] == "latest")
    assert latest["show_if"] == {"question": "introduced", "any_of": ["yes"]}


def test_a_page_that_does_not_exist_is_404(client: Client, invitation_b: Invitation) -> None:
    assert client.get(page(invitation_b, "nosuch")).status_code == 404


# --- the page's button (without JavaScript) ---------------------------------------------------------------------


def test_the_button_saves_the_page_and_goes_to_the_next(client: Client, invitation_b: Invitation) -> None:
    response = client.post(page(invitation_b, "background"), {"q-kind": "municipality", "q-introduced": "no"})
    assert response.status_code == 302
    # introduced = no: the latest innovation page is skipped.
    assert response["Location"] == page(invitation_b, "other") + "#page-heading"
    assert answers(invitation_b) == {"kind": "municipality", "introduced": "no"}
    assert Response.objects.get(invitation=invitation_b).current_section == "other"


def test_the_last_page_goes_to_the_check_page_and_previous_goes_back(client, invitation_b) -> None:
    data = {"q-enablers.technology": "large", "q-enablers.competence": "some", "q-staff": "12", "q-comments": "Hei"}
    response = client.post(page(invitation_b, "other"), {**data, "go": "next"})
    assert response["Location"] == invitation_url("answer_check", invitation_b) + "#page-heading"
    assert answers(invitation_b) == {
        "enablers": {"technology": "large", "competence": "some"},
        "staff": 12,
        "comments": "Hei",
    }
    response = client.post(page(invitation_b, "other"), {**data, "go": "previous"})
    assert response["Location"] == page(invitation_b, "background") + "#page-heading"


def test_a_page_button_can_jump_to_any_page_shown(client: Client, invitation_b: Invitation) -> None:
    response = client.post(page(invitation_b, "other"), {"go": "background"})
    assert response["Location"] == page(invitation_b, "background") + "#page-heading"
    response = client.post(page(invitation_b, "background"), {"q-introduced": "no", "go": "latest"})
    assert response["Location"] == page(invitation_b, "background") + "#page-heading"  # not shown: stays


def test_unticking_everything_removes_the_answer(client: Client, invitation_b: Invitation) -> None:
    give(invitation_b, introduced="yes", types=["service"])
    client.post(page(invitation_b, "latest"), {})
    assert "types" not in answers(invitation_b)


def test_an_invalid_answer_stays_on_the_page_with_an_accessible_error(client: Client, worded: Invitation) -> None:
    response = client.post(page(worded, "other", "en"), {"q-staff": "lots", "q-comments": "Kept"})
    assert response.status_code == 200
    text = response.content.decode()
    assert "<title>Error: " in text
    assert 'class="error-summary" role="alert"' in text
    assert '<a href="#q-staff">Number of staff: “lots” is not a number. Write a number, for example 12.5.</a>' in text
    # The input keeps what was typed, is marked invalid and is described by its error.
    assert re.search(r'id="q-staff" name="q-staff" value="lots" aria-describedby="q-staff-unit q-staff-error"', text)
    assert 'aria-invalid="true"' in text
    assert 'id="q-staff-error"' in text
    # The valid answer on the page was saved all the same.
    assert answers(worded) == {"comments": "Kept"}


def test_the_error_is_in_finnish_on_the_finnish_page(client: Client, worded: Invitation) -> None:
    text = client.post(page(worded, "other"), {"q-staff": "-3"}).content.decode()
    assert "Henkilöstön määrä" in text
    assert in_finnish("The number must be at least %(limit)s.") % {"limit": 0} in text


def test_an_answer_that_brings_up_questions_on_its_own_page_shows_them_first(client, invitation_b) -> None:
    # "staff" is asked only of those for whom some enabler matters "to a large extent" (on the same page).
    Question.objects.filter(code="staff").update(show_if={"question": "enablers", "any_of": ["large"]})
    text = client.get(page(invitation_b, "other", "en")).content.decode()
    assert re.search(r'id="question-staff" data-question="staff" data-kind="number" hidden', text)
    response = client.post(page(invitation_b, "other", "en"), {"q-enablers.technology": "large"})
    assert response.status_code == 200
    text = response.content.decode()
    assert "Your answer brought up more questions on this page." in text
    assert re.search(r'id="question-staff" data-question="staff" data-kind="number">', text)
    # Nothing new comes up the second time: on to the check page.
    response = client.post(page(invitation_b, "other"), {"q-enablers.technology": "large", "q-staff": "3"})
    assert response.status_code == 302


# --- autosave ---------------------------------------------------------------------------------------------------


def test_autosave_stores_one_answer_and_returns_it_canonical(client: Client, invitation_b: Invitation) -> None:
    response = save(client, invitation_b, "types", ["process", "service"])
    assert response.status_code == 200
    assert response.json() == {"saved": True, "question": "types", "value": ["service", "process"]}
    assert answers(invitation_b) == {"types": ["service", "process"]}
    assert save(client, invitation_b, "types", []).json()["value"] is None
    assert answers(invitation_b) == {}


def test_autosave_refuses_a_bad_answer_in_the_language_of_the_address(client, invitation_b) -> None:
    response = save(client, invitation_b, "staff", "12,5,5", language="en")
    assert response.status_code == 400
    assert response.json() == {
        "saved": False,
        "question": "staff",
        "code": "not_a_number",
        "message": "“12,5,5” is not a number. Write a number, for example 12.5.",
    }


@pytest.mark.parametrize(
    "body", ["not json", "[]", '{"value": 1}', '{"question": 3, "value": 1}', '{"question": "kind"}']
)
def test_autosave_refuses_what_it_cannot_read(client: Client, invitation_b: Invitation, body: str) -> None:
    response = client.post(invitation_url("answer_save", invitation_b), data=body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "bad_request"


def test_autosave_is_post_only(client: Client, invitation_b: Invitation) -> None:
    assert client.get(invitation_url("answer_save", invitation_b)).status_code == 405


def test_autosave_needs_the_csrf_token_that_the_form_page_sets(invitation_b: Invitation) -> None:
    browser = Client(enforce_csrf_checks=True)
    body = json.dumps({"question": "kind", "value": "municipality"})
    refused = browser.post(invitation_url("answer_save", invitation_b), data=body, content_type="application/json")
    assert refused.status_code == 403
    form = browser.get(page(invitation_b, "background"))
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.content.decode())
    assert found is not None
    token = found[1]
    accepted = browser.post(
        invitation_url("answer_save", invitation_b),
        data=body,
        content_type="application/json",
        headers={"X-CSRFToken": token},
    )
    assert accepted.status_code == 200
    assert answers(invitation_b) == {"kind": "municipality"}


def test_autosave_after_submission_is_refused_as_a_conflict(client: Client, invitation_b: Invitation) -> None:
    give(invitation_b, kind="municipality", introduced="no")
    client.post(invitation_url("answer_check", invitation_b))
    response = save(client, invitation_b, "introduced", "yes", language="en")
    assert response.status_code == 409
    assert response.json()["code"] == "submitted"
    assert "can no longer be changed" in response.json()["message"]
    assert answers(invitation_b)["introduced"] == "no"


def test_autosave_in_a_closed_round_is_refused(client: Client, invitation_b: Invitation) -> None:
    Round.objects.filter(pk=invitation_b.round_id).update(status=RoundStatus.CLOSED)
    response = save(client, invitation_b, "introduced", "yes")
    assert response.status_code == 409
    assert response.json()["code"] == "round_closed"


# --- check and submit -------------------------------------------------------------------------------------------


def test_the_check_page_lists_missing_required_answers_with_links(client: Client, worded: Invitation) -> None:
    give(worded, kind="municipality")
    text = client.get(invitation_url("answer_check", worded, "en")).content.decode()
    assert "Required answers are missing" in text
    assert f'<a href="{page(worded, "background", "en")}#q-introduced-0">Has your organisation' in text
    assert "Submit answers" in text


def test_submitting_with_missing_answers_shows_them_as_errors(client: Client, worded: Invitation) -> None:
    response = client.post(invitation_url("answer_check", worded, "en"))
    assert response.status_code == 200
    text = response.content.decode()
    assert 'class="error-summary" role="alert"' in text
    assert "Answer these required questions before you submit" in text
    assert "#q-kind-0" in text
    assert "#q-introduced-0" in text
    assert Response.objects.get(invitation=worded).status == ResponseStatus.IN_PROGRESS


def test_the_check_page_shows_the_answers_with_labels(client: Client, worded: Invitation) -> None:
    give(worded, kind="municipality", introduced="yes", types=["service", "process"], staff=5)
    text = client.get(invitation_url("answer_check", worded, "en")).content.decode()
    assert "<dd>Yes" in text
    assert "<li>service</li>" in text
    assert "<li>process</li>" in text
    assert "5 people" in text
    assert "Not answered" in text  # comments


def test_submitting_twice_gives_one_submission_and_the_thanks_page(client: Client, worded: Invitation) -> None:
    give(worded, kind="municipality", introduced="no")
    first = client.post(invitation_url("answer_check", worded))
    second = client.post(invitation_url("answer_check", worded))
    assert first["Location"] == second["Location"] == invitation_url("answer_thanks", worded)
    response = Response.objects.get(invitation=worded)
    assert response.status == ResponseStatus.SUBMITTED
    assert Response.objects.filter(invitation=worded).count() == 1


def test_after_submission_the_form_shows_the_answers_read_only(client: Client, worded: Invitation) -> None:
    give(worded, kind="municipality", introduced="no")
    client.post(invitation_url("answer_check", worded))
    for path in (invitation_url("answer", worded), page(worded, "background"), invitation_url("answer_check", worded)):
        assert client.get(path)["Location"] == invitation_url("answer_thanks", worded)
    # A page posted from an old tab saves nothing and shows the thanks page.
    response = client.post(page(worded, "background"), {"q-introduced": "yes"})
    assert response["Location"] == invitation_url("answer_thanks", worded)
    assert answers(worded)["introduced"] == "no"
    text = client.get(invitation_url("answer_thanks", worded, "en")).content.decode()
    assert "Thank you for your answers" in text
    assert "Has your organisation introduced innovations?" in text
    assert "<dd>No" in text
    assert "<input" not in text.split("<main", 1)[1]  # nothing to edit
    assert invitation_url("answer_pdf", worded, "en") in text
    assert invitation_url("answer_csv", worded, "en") in text
    assert "data-print hidden" in text  # the print button appears with JavaScript


def test_a_reopened_response_can_be_edited_again(client: Client, worded: Invitation) -> None:
    give(worded, kind="municipality", introduced="no")
    client.post(invitation_url("answer_check", worded))
    Response.objects.filter(invitation=worded).update(status=ResponseStatus.IN_PROGRESS)  # response_reopen
    assert client.get(invitation_url("answer_thanks", worded))["Location"] == invitation_url("answer", worded)
    assert client.get(page(worded, "background")).status_code == 200
    assert save(client, worded, "introduced", "yes").status_code == 200


def test_the_thanks_page_before_submission_goes_back_to_the_form(client: Client, invitation_b: Invitation) -> None:
    assert client.get(invitation_url("answer_thanks", invitation_b))["Location"] == invitation_url(
        "answer", invitation_b
    )


# --- a round that is not open -----------------------------------------------------------------------------------


def test_a_round_not_open_yet_says_when_it_opens(client: Client, invitation_b: Invitation) -> None:
    round_ = invitation_b.round
    Round.objects.filter(pk=round_.pk).update(status=RoundStatus.DRAFT)
    response = client.get(invitation_url("answer", invitation_b, "en"))
    assert response.status_code == 200
    text = response.content.decode()
    assert "The survey is not open yet" in text
    # English dates put the day first (config/formats/en): 6 Dec 2026, never the US 12/06/2026.
    assert f"{round_.opens_on.day} {round_.opens_on:%b %Y}" in text
    assert not Response.objects.exists()


def test_a_closed_round_says_when_it_closed_and_offers_the_answers_given(client, invitation_b) -> None:
    give(invitation_b, introduced="yes")
    Round.objects.filter(pk=invitation_b.round_id).update(status=RoundStatus.CLOSED)
    for path in (invitation_url("answer", invitation_b, "en"), page(invitation_b, "background", "en")):
        text = client.get(path).content.decode()
        assert "The survey has closed" in text
        assert invitation_url("answer_pdf", invitation_b, "en") in text
    response = client.post(page(invitation_b, "background", "en"), {"q-introduced": "no"})
    assert "The survey has closed" in response.content.decode()
    assert answers(invitation_b) == {"introduced": "yes"}


# --- downloads --------------------------------------------------------------------------------------------------


def test_the_answers_as_csv_in_the_respondents_language(client: Client, worded: Invitation) -> None:
    give(worded, kind="municipality", introduced="yes", types=["service"], enablers={"technology": "large"}, staff=5)
    response = client.get(invitation_url("answer_csv", worded, "en"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="test-round-my-answers.csv"'
    content = response.content.decode("utf-8")
    assert content.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(content[1:])))
    assert rows[0] == ["Page", "Question code", "Question", "Row", "Answer code", "Answer"]
    by_code = {row[1]: row for row in rows[1:]}
    assert by_code["introduced"][2:] == ["Has your organisation introduced innovations?", "", "yes", "Yes"]
    assert by_code["enablers"][3:] == ["technology", "large", "large"]
    assert by_code["staff"][4:] == ["5", "5 people"]
    assert by_code["comments"][4:] == ["", ""]


def test_the_answers_as_pdf(client: Client, worded: Invitation) -> None:
    give(worded, kind="municipality", introduced="yes")
    response = client.get(invitation_url("answer_pdf", worded, "en"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert response["Content-Disposition"] == 'attachment; filename="test-round-my-answers.pdf"'


def test_the_pdf_page_is_made_from_the_answers(client: Client, worded: Invitation, monkeypatch) -> None:
    """The PDF's text is WeasyPrint's rendering of this HTML: check the HTML it gets."""
    import weasyprint  # type: ignore[import-untyped]

    seen: list[str] = []
    original = weasyprint.HTML

    def spy(*args: Any, **kwargs: Any) -> Any:
        seen.append(kwargs["string"])
        return original(*args, **kwargs)

    monkeypatch.setattr(weasyprint, "HTML", spy)
    give(worded, kind="municipality", introduced="yes")
    client.get(invitation_url("answer_pdf", worded, "en"))
    assert "Has your organisation introduced innovations?" in seen[0]
    assert "Not submitted yet" in seen[0]
    assert '<html lang="en">' in seen[0]


def test_answers_are_only_ever_the_invitations_own(client: Client, round_open: Round, invitation_b) -> None:
    other = Invitation.objects.create(
        round=round_open,
        frame_unit=round_open.frame.exclude(pk=invitation_b.frame_unit_id).get(),
        email="a@example.org",
        token="a" * 43,
    )
    give(other, comments="salainen")
    give(invitation_b, comments="oma")
    text = client.get(invitation_url("answer_csv", invitation_b)).content.decode()
    assert "oma" in text
    assert "salainen" not in text
    assert Answer.objects.count() == 2


def test_an_autosave_is_a_handful_of_queries(client: Client, invitation_b: Invitation, django_assert_max_num_queries):
    """The invitation (with its round and response), the question with its choices and rows, then one UPDATE of
    the response and one upsert in a transaction: the same for every answer, however many there are."""
    save(client, invitation_b, "kind", "municipality")
    with django_assert_max_num_queries(8):
        assert save(client, invitation_b, "enablers", {"technology": "large"}).status_code == 200


def test_on_a_frozen_questionnaire_an_autosave_reads_no_questions(
    client: Client, invitation_b, django_assert_num_queries
):
    """A round's version is frozen: its questions are read once, then every save is the invitation, the response's
    UPDATE and the answer's upsert (and the savepoint the test's transaction makes around them)."""
    QuestionnaireVersion.objects.filter(pk=invitation_b.round.questionnaire_version_id).update(status="frozen")
    save(client, invitation_b, "kind", "municipality")
    with django_assert_num_queries(5):
        assert save(client, invitation_b, "enablers", {"technology": "large"}).status_code == 200
    with django_assert_num_queries(5):
        assert save(client, invitation_b, "comments", "").status_code == 200
    # The rare path still names the option by its label.
    Choice.objects.filter(question__code="types", code="dont_know").update(exclusive=True, label_en="Don't know")
    QuestionnaireVersion.objects.filter(pk=invitation_b.round.questionnaire_version_id).update(
        revision=F("revision") + 1
    )
    response = save(client, invitation_b, "types", ["service", "dont_know"], language="en")
    assert response.json()["message"] == "“Don't know” cannot be chosen together with other options."


def test_submitting_a_required_grid_answered_in_part_names_it_without_javascript(client: Client, worded) -> None:
    """A required scale with 1 of its 2 rows answered: the plain form post is refused, the error summary links to
    the first row still unanswered and says how far the question was answered."""
    Question.objects.filter(version=worded.round.questionnaire_version, code="enablers").update(
        required=True, text_en="To what extent have these enabled innovation?"
    )
    give(worded, kind="municipality", introduced="no", enablers={"technology": "large"})
    response = client.post(invitation_url("answer_check", worded, "en"))
    assert response.status_code == 200
    text = response.content.decode()
    assert 'class="error-summary" role="alert"' in text
    assert f'<a href="{page(worded, "other", "en")}#q-enablers-competence-0">To what extent' in text
    assert "(1 of 2 rows answered)" in text
    assert Response.objects.get(invitation=worded).status == ResponseStatus.IN_PROGRESS
    give(worded, enablers={"technology": "large", "competence": "some"})
    assert client.post(invitation_url("answer_check", worded, "en"))["Location"] == invitation_url(
        "answer_thanks", worded, "en"
    )


def test_the_answers_pdf_is_tagged_and_accessible(client: Client, worded: Invitation) -> None:
    from barometer.tests.test_reports import pdf_structure

    give(worded, kind="municipality", introduced="yes")
    structure = pdf_structure(client.get(invitation_url("answer_pdf", worded, "sv")).content)
    assert structure["marked"]
    assert structure["tagged"]
    assert structure["ua"]
    assert structure["lang"] == "sv"
    assert structure["display_title"]
    assert "Test round" in structure["title"] or "Testikierros" in structure["title"]
    assert {"/H1", "/H2"} <= structure["tags"]
