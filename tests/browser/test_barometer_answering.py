"""The barometer's answering form in a real browser: answers saved as they are given survive a reload and a dropped
connection, routing shows and hides the latest innovation's page live, submitting twice makes one submission,
the form works by keyboard and without JavaScript, and every page of it passes axe.

The questionnaire is a small one in Finnish, Swedish and English with every question kind, a definition and the
barometer's routing ("only organisations that introduced an innovation answer the block about the latest one").
Texts are matched in Finnish or English, so the flows are tested whatever the state of the UI translations.
"""

import datetime
import re
from dataclasses import dataclass
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Route, expect

from tests.browser.test_accessibility import assert_no_axe_violations

pytestmark = pytest.mark.browser

NEXT = re.compile(r"^\s*(tallenna ja jatka|save and continue)", re.IGNORECASE)
TO_CHECK = re.compile(r"^\s*(tallenna ja tarkista|save and check)", re.IGNORECASE)
SUBMIT = re.compile(r"^\s*(lähetä vastaukset|submit answers)", re.IGNORECASE)
THANKS = re.compile(r"kiitos|thank you", re.IGNORECASE)


@dataclass
class Survey:
    invitation: Any
    round: Any

    @property
    def token(self) -> str:
        return str(self.invitation.token)


def _texts(fi: str, sv: str, en: str, field: str = "text") -> dict[str, str]:
    return {f"{field}_fi": fi, f"{field}_sv": sv, f"{field}_en": en}


@pytest.fixture
def survey(live_server: Any, transactional_db: None) -> Survey:
    from barometer.models import (
        Choice,
        Definition,
        FrameUnit,
        Invitation,
        Item,
        Question,
        Questionnaire,
        QuestionnaireVersion,
        Round,
        Section,
    )
    from barometer.vocabulary import QuestionKind, RoundStatus
    from organisations.models import Organisation

    tampere = Organisation.objects.get(municipality_code="837")
    turku = Organisation.objects.get(municipality_code="853")
    questionnaire = Questionnaire.objects.create(
        code="selain", organiser=tampere, **_texts("Selainkysely", "Webbenkät", "Browser survey", "name")
    )
    version = QuestionnaireVersion.objects.create(
        questionnaire=questionnaire, number=1, **_texts("kaksi vuotta", "två år", "two years", "reference_period")
    )
    innovation = Definition.objects.create(
        version=version,
        **_texts("innovaatio", "innovation", "innovation", "term"),
        **_texts(
            "Uusi tai merkittävästi parannettu palvelu, tuote tai toimintatapa.",
            "En ny eller betydligt förbättrad tjänst, produkt eller verksamhetsform.",
            "A new or significantly improved service, product or way of working.",
        ),
    )

    def section(order: int, code: str, fi: str, en: str, **fields: Any) -> Section:
        return Section.objects.create(version=version, order=order, code=code, **_texts(fi, fi, en, "title"), **fields)

    def question(sec: Section, order: int, code: str, kind: str, fi: str, en: str, **fields: Any) -> Question:
        return Question.objects.create(
            section=sec, version=version, order=order, code=code, kind=kind, **_texts(fi, fi, en), **fields
        )

    def choices(q: Question, *options: tuple[str, str, str], excluded: tuple[str, ...] = ()) -> None:
        for order, (code, fi, en) in enumerate(options):
            Choice.objects.create(
                question=q,
                order=order,
                code=code,
                excluded_from_percent=code in excluded,
                **_texts(fi, fi, en, "label"),
            )

    background = section(0, "background", "Taustatiedot", "Background")
    kind = question(
        background, 0, "kind", QuestionKind.SINGLE, "Organisaation tyyppi", "Kind of organisation", required=True
    )
    choices(kind, ("municipality", "Kunta", "Municipality"), ("joint", "Kuntayhtymä", "Joint municipal authority"))
    introduced = question(
        background,
        1,
        "introduced",
        QuestionKind.SINGLE,
        "Onko organisaationne ottanut käyttöön innovaatioita kahden viime vuoden aikana?",
        "Has your organisation introduced innovations in the last two years?",
        required=True,
    )
    choices(introduced, ("yes", "Kyllä", "Yes"), ("no", "Ei", "No"), ("dont_know", "En osaa sanoa", "Don't know"))
    introduced.definitions.add(innovation)
    latest = section(
        1, "latest", "Uusin innovaatio", "Latest innovation", show_if={"question": "introduced", "any_of": ["yes"]}
    )
    types = question(latest, 0, "types", QuestionKind.MULTIPLE, "Minkä tyyppinen se oli?", "What type was it?")
    choices(
        types,
        ("service", "Palvelu", "Service"),
        ("process", "Prosessi", "Process"),
        ("none", "Ei mikään näistä", "None of these"),
    )
    types.choices.filter(code="none").update(exclusive=True)
    other = section(2, "other", "Edellytykset", "Enablers")
    enablers = question(
        other,
        0,
        "enablers",
        QuestionKind.SCALE,
        "Missä määrin nämä edistävät innovointia?",
        "To what extent do these enable innovation?",
    )
    choices(
        enablers,
        ("large", "Paljon", "To a large extent"),
        ("little", "Vähän", "A little"),
        ("dont_know", "En osaa sanoa", "Don't know"),
    )
    for order, (code, fi, en) in enumerate(
        (("technology", "Uusi teknologia", "New technology"), ("competence", "Osaaminen", "Competence"))
    ):
        Item.objects.create(question=enablers, order=order, code=code, **_texts(fi, fi, en, "label"))
    question(
        other,
        1,
        "staff",
        QuestionKind.NUMBER,
        "Henkilöstön määrä",
        "Number of staff",
        min_value=0,
        max_value=100000,
        **_texts("henkeä", "personer", "people", "unit_label"),
    )
    question(other, 2, "comments", QuestionKind.TEXT, "Vapaat kommentit", "Comments")
    today = datetime.date.today()
    round_ = Round.objects.create(
        slug="selainkierros",
        questionnaire_version=version,
        organiser=tampere,
        year=today.year,
        reference_period_start=today.replace(year=today.year - 2),
        reference_period_end=today,
        opens_on=today - datetime.timedelta(days=1),
        closes_on=today + datetime.timedelta(days=30),
        status=RoundStatus.OPEN,
        **_texts("Innovaatiobarometri (testi)", "Innovationsbarometern (test)", "Innovation barometer (test)", "name"),
    )
    frame = FrameUnit.objects.create(round=round_, organisation=turku, kind=turku.kind, size_class=turku.size_class)
    invitation = Invitation.objects.create(
        round=round_, frame_unit=frame, email="vastaaja@turku.example", token="selain" + "x" * 37
    )
    return Survey(invitation, round_)


def _answers(survey: Survey) -> dict[str, Any]:
    from barometer.answering.services import response_answers
    from barometer.models import Response

    response = Response.objects.filter(invitation=survey.invitation).first()
    return response_answers(response) if response else {}


def _link(survey: Survey, language: str = "fi") -> str:
    return f"/{language}/barometer/answer/{survey.token}/"


def _saved(page: Page) -> None:
    """Waits until every answer given is acknowledged by the server."""
    expect(page.locator("#save-status")).to_have_attribute("data-busy", "false")
    expect(page.locator("#save-status")).to_have_attribute("data-state", "saved")


def _main(page: Page) -> Any:
    return page.get_by_role("main")


def _group(page: Page, name: str) -> Any:
    return _main(page).get_by_role("group", name=re.compile(name, re.IGNORECASE))


# --- nothing is lost ----------------------------------------------------------------------------------------------


def test_answers_are_saved_as_given_and_still_there_after_a_reload(page: Page, survey: Survey) -> None:
    page.goto(_link(survey))
    expect(page).to_have_url(re.compile(r"/page/background/$"))
    _group(page, "Organisaation tyyppi").get_by_label("Kuntayhtymä").check()
    _group(page, "käyttöön innovaatioita").get_by_label("Kyllä").check()
    _saved(page)
    assert _answers(survey) == {"kind": "joint", "introduced": "yes"}
    page.reload()
    expect(_group(page, "Organisaation tyyppi").get_by_label("Kuntayhtymä")).to_be_checked()
    expect(_group(page, "käyttöön innovaatioita").get_by_label("Kyllä")).to_be_checked()
    # The personal link, opened again later, resumes on this page with the answers.
    page.goto(_link(survey))
    expect(page).to_have_url(re.compile(r"/page/background/$"))
    expect(_group(page, "käyttöön innovaatioita").get_by_label("Kyllä")).to_be_checked()


def test_an_answer_given_before_the_pages_script_ran_is_saved(page: Page, survey: Survey) -> None:
    """A quick click while the page still loads (CI once lost "Kunta" this way: the script took the checked choice
    for what the server had) is sent once the script runs, and so is one the browser puts back."""
    held: list[Route] = []
    page.route("**/barometer/answering*.js", lambda route: held.append(route))
    page.goto(f"/fi/barometer/answer/{survey.token}/page/background/", wait_until="commit")
    _group(page, "Organisaation tyyppi").get_by_label("Kuntayhtymä").check()  # the form is there, its script not yet
    while not held:
        page.wait_for_timeout(50)
    assert _answers(survey) == {}
    held[0].continue_()
    _group(page, "käyttöön innovaatioita").get_by_label("Kyllä").check()
    _saved(page)
    assert _answers(survey) == {"kind": "joint", "introduced": "yes"}


def test_text_is_saved_after_a_pause_in_typing(page: Page, survey: Survey) -> None:
    page.goto(f"/fi/barometer/answer/{survey.token}/page/other/")
    _main(page).get_by_label("Henkilöstön määrä").fill("1 250,5")
    _main(page).get_by_label("Vapaat kommentit").press_sequentially("Hyvä kysely", delay=20)
    _saved(page)
    assert _answers(survey) == {"staff": 1250.5, "comments": "Hyvä kysely"}


def test_answers_given_offline_are_kept_and_saved_when_the_connection_returns(
    page: Page, context: BrowserContext, survey: Survey
) -> None:
    page.goto(f"/fi/barometer/answer/{survey.token}/page/other/")
    _saved_or_empty = page.locator("#save-status")
    expect(_saved_or_empty).to_have_attribute("data-state", "")
    context.set_offline(True)
    row = _group(page, "Uusi teknologia")
    row.get_by_label("Paljon").check()
    _main(page).get_by_label("Vapaat kommentit").fill("Kirjoitettu ilman yhteyttä")
    _main(page).get_by_label("Vapaat kommentit").blur()
    expect(page.locator("#save-status")).to_have_attribute("data-state", "offline")
    expect(page.locator("#save-status")).to_have_attribute("role", "status")
    assert _answers(survey) == {}
    queued = page.evaluate("Object.values(localStorage).join(' ')")
    assert "Kirjoitettu ilman yhteyttä" in queued
    # Going to the next page would fail in the browser: the form stays, and says why.
    _main(page).get_by_role("button", name=TO_CHECK).click()
    expect(page).to_have_url(re.compile(r"/page/other/$"))
    context.set_offline(False)
    _saved(page)
    assert _answers(survey) == {"enablers": {"technology": "large"}, "comments": "Kirjoitettu ilman yhteyttä"}
    assert page.evaluate("Object.keys(localStorage).length") == 0


def test_answers_queued_when_the_tab_was_closed_offline_are_sent_on_the_next_visit(
    browser: Browser, live_server: Any, survey: Survey
) -> None:
    context = browser.new_context(base_url=live_server.url, locale="fi-FI")
    try:
        first = context.new_page()
        first.goto(f"/fi/barometer/answer/{survey.token}/page/other/")
        context.set_offline(True)
        first.get_by_role("main").get_by_label("Vapaat kommentit").fill("Jäi jonoon")
        first.get_by_role("main").get_by_label("Vapaat kommentit").blur()
        expect(first.locator("#save-status")).to_have_attribute("data-state", "offline")
        first.close()  # the tab is closed before the connection returns
        context.set_offline(False)
        assert _answers(survey) == {}
        later = context.new_page()
        later.goto(_link(survey, "sv"))  # in another language, too: one queue per personal link
        expect(later.locator("#save-status")).to_have_attribute("data-state", "saved")
        assert _answers(survey) == {"comments": "Jäi jonoon"}
        expect(later.get_by_role("main").get_by_label("Vapaat kommentit")).to_have_value("Jäi jonoon")
    finally:
        context.close()


# --- routing ------------------------------------------------------------------------------------------------------


def test_routing_hides_the_latest_innovation_page_when_none_was_introduced(page: Page, survey: Survey) -> None:
    page.goto(_link(survey))
    pages = page.get_by_role("navigation", name=re.compile("sivut|pages", re.IGNORECASE))
    latest = pages.get_by_role("button", name="Uusin innovaatio")
    progress = page.locator("#progress-text")
    expect(latest).to_be_hidden()
    expect(progress).to_have_text(re.compile(r"1\D+2"))
    _group(page, "Organisaation tyyppi").get_by_label("Kunta", exact=True).check()
    introduced = _group(page, "käyttöön innovaatioita")
    introduced.get_by_label("Kyllä").check()
    expect(latest).to_be_visible()
    expect(progress).to_have_text(re.compile(r"1\D+3"))
    introduced.get_by_label("Ei", exact=True).check()
    expect(latest).to_be_hidden()
    expect(progress).to_have_text(re.compile(r"1\D+2"))
    _main(page).get_by_role("button", name=NEXT).click()
    expect(page).to_have_url(re.compile(r"/page/other/#page-heading$"))
    # The page change puts the focus on the new page's heading.
    expect(page.get_by_role("heading", level=1)).to_have_text("Edellytykset")
    expect(page.get_by_role("heading", level=1)).to_be_focused()
    expect(page.locator("#progress-text")).to_have_text(re.compile(r"2\D+2"))


def test_yes_leads_to_the_latest_innovation_page_and_none_of_these_stands_alone(page: Page, survey: Survey) -> None:
    page.goto(_link(survey))
    _group(page, "käyttöön innovaatioita").get_by_label("Kyllä").check()
    _main(page).get_by_role("button", name=NEXT).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Uusin innovaatio")
    types = _group(page, "Minkä tyyppinen")
    types.get_by_label("Palvelu").check()
    types.get_by_label("Prosessi").check()
    types.get_by_label("Ei mikään näistä").check()
    expect(types.get_by_label("Palvelu")).not_to_be_checked()
    expect(types.get_by_label("Prosessi")).not_to_be_checked()
    _saved(page)
    assert _answers(survey)["types"] == ["none"]


# --- validation, keyboard, definitions --------------------------------------------------------------------------


def test_a_wrong_number_gets_its_message_at_the_question(page: Page, survey: Survey) -> None:
    page.goto(f"/en/barometer/answer/{survey.token}/page/other/")
    staff = _main(page).get_by_label("Number of staff")
    staff.fill("lots")
    staff.blur()
    error = page.locator("#q-staff-error")
    expect(error).to_contain_text("“lots” is not a number")
    expect(staff).to_have_attribute("aria-invalid", "true")
    expect(staff).to_have_attribute("aria-describedby", re.compile(r"\bq-staff-error\b"))
    expect(page.locator("#save-status")).to_have_attribute("data-state", "error")
    staff.fill("12")
    staff.blur()
    expect(error).to_be_empty()
    expect(staff).not_to_have_attribute("aria-invalid", "true")
    _saved(page)
    assert _answers(survey) == {"staff": 12}


def test_the_form_works_by_keyboard_alone(page: Page, survey: Survey) -> None:
    page.goto(_link(survey))
    first = _group(page, "Organisaation tyyppi").get_by_label("Kunta", exact=True)
    first.focus()
    page.keyboard.press("Space")
    expect(first).to_be_checked()
    page.keyboard.press("ArrowDown")  # the next option of the radio group
    expect(_group(page, "Organisaation tyyppi").get_by_label("Kuntayhtymä")).to_be_checked()
    # Tab: the next question's definition, which opens with Enter, then its options.
    page.keyboard.press("Tab")
    expect(_main(page).locator("summary").first).to_be_focused()
    page.keyboard.press("Enter")
    expect(_main(page).get_by_text("Uusi tai merkittävästi parannettu palvelu")).to_be_visible()
    page.keyboard.press("Tab")
    page.keyboard.press("Space")
    expect(_group(page, "käyttöön innovaatioita").get_by_label("Kyllä")).to_be_checked()
    _saved(page)
    assert _answers(survey) == {"kind": "joint", "introduced": "yes"}
    # Enter in the form sends it with its first button: save and continue.
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Uusin innovaatio")
    expect(page.get_by_role("heading", level=1)).to_be_focused()


def test_the_form_works_without_javascript(browser: Browser, live_server: Any, survey: Survey) -> None:
    context = browser.new_context(base_url=live_server.url, locale="fi-FI", java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(_link(survey))
        _group(page, "Organisaation tyyppi").get_by_label("Kunta", exact=True).check()
        _group(page, "käyttöön innovaatioita").get_by_label("Ei", exact=True).check()
        _main(page).get_by_role("button", name=NEXT).click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Edellytykset")
        assert _answers(survey) == {"kind": "municipality", "introduced": "no"}
        _main(page).get_by_label("Henkilöstön määrä").fill("kolme")
        _main(page).get_by_role("button", name=TO_CHECK).click()
        summary = page.get_by_role("alert")
        expect(summary).to_contain_text("Henkilöstön määrä")
        summary.get_by_role("link").first.click()
        expect(_main(page).get_by_label("Henkilöstön määrä")).to_be_focused()
        _main(page).get_by_label("Henkilöstön määrä").fill("3")
        _main(page).get_by_role("button", name=TO_CHECK).click()
        expect(page).to_have_url(re.compile(r"/check/#page-heading$"))
        _main(page).get_by_role("button", name=SUBMIT).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(THANKS)
    finally:
        context.close()


# --- submitting -------------------------------------------------------------------------------------------------


def _ready(page: Page, survey: Survey) -> None:
    page.goto(f"/fi/barometer/answer/{survey.token}/page/background/")
    _group(page, "Organisaation tyyppi").get_by_label("Kunta", exact=True).check()
    _group(page, "käyttöön innovaatioita").get_by_label("Ei", exact=True).check()
    _saved(page)


def test_submitting_twice_makes_one_submission(page: Page, context: BrowserContext, survey: Survey) -> None:
    from audit.models import ChangeRecord
    from barometer.models import Response

    _ready(page, survey)
    check = f"/fi/barometer/answer/{survey.token}/check/"
    other_tab = context.new_page()
    other_tab.goto(check)
    page.goto(check)
    page.get_by_role("main").get_by_role("button", name=SUBMIT).dblclick()
    expect(page.get_by_role("heading", level=1)).to_have_text(THANKS)
    # The second tab submits too, after the first: it lands on the same thanks page.
    other_tab.get_by_role("main").get_by_role("button", name=SUBMIT).click()
    expect(other_tab.get_by_role("heading", level=1)).to_have_text(THANKS)
    responses = Response.objects.filter(invitation=survey.invitation)
    assert responses.count() == 1
    assert responses.get().status == "submitted"
    assert ChangeRecord.objects.filter(object_id=responses.get().pk, action="update").count() == 1


def test_the_check_page_links_to_a_missing_required_answer(page: Page, survey: Survey) -> None:
    page.goto(_link(survey))
    _group(page, "käyttöön innovaatioita").get_by_label("Ei", exact=True).check()
    _saved(page)
    page.goto(f"/fi/barometer/answer/{survey.token}/check/")
    page.get_by_role("main").get_by_role("button", name=SUBMIT).click()
    summary = page.get_by_role("alert")
    expect(summary).to_be_focused()
    summary.get_by_role("link", name="Organisaation tyyppi").click()
    expect(_group(page, "Organisaation tyyppi").get_by_label("Kunta", exact=True)).to_be_focused()


def test_after_submitting_the_answers_can_be_read_printed_and_downloaded(page: Page, survey: Survey) -> None:
    _ready(page, survey)
    page.goto(f"/fi/barometer/answer/{survey.token}/check/")
    page.get_by_role("main").get_by_role("button", name=SUBMIT).click()
    main = page.get_by_role("main")
    expect(main.get_by_text("Kunta", exact=True)).to_be_visible()
    expect(main.get_by_role("button", name=re.compile("tulosta|print", re.IGNORECASE))).to_be_visible()
    with page.expect_download() as download:
        main.get_by_role("link", name=re.compile("PDF")).click()
    assert download.value.suggested_filename.endswith(".pdf")
    with page.expect_download() as download:
        main.get_by_role("link", name=re.compile("CSV")).click()
    path = download.value.path()
    assert "Kunta" in path.read_text(encoding="utf-8-sig")
    # The link now shows the submitted answers, not the form.
    page.goto(_link(survey))
    expect(page.get_by_role("heading", level=1)).to_have_text(THANKS)
    assert page.locator("main input").count() == 0


# --- accessibility ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_the_question_pages_have_no_axe_violations(page: Page, survey: Survey, language: str) -> None:
    page.goto(_link(survey, language))
    _group(page, "Organisaation tyyppi|Kind of organisation").get_by_role("radio").first.check()
    page.locator("summary").first.click()  # the definition open
    _saved(page)
    assert_no_axe_violations(page, f"answering form, first page ({language})")
    page.goto(f"/{language}/barometer/answer/{survey.token}/page/other/")
    expect(page.locator(".scale-row").first).to_be_visible()
    assert_no_axe_violations(page, f"answering form, scale and number ({language})")


def test_the_other_pages_of_the_form_have_no_axe_violations(page: Page, survey: Survey, browser: Browser) -> None:
    from barometer.models import Invitation, Round

    base = f"/fi/barometer/answer/{survey.token}"
    # A live error at a question (the script's), then the page's error summary (without the script's help).
    page.goto(f"{base}/page/other/")
    page.get_by_role("main").get_by_label("Henkilöstön määrä").fill("-5")
    page.get_by_role("main").get_by_label("Henkilöstön määrä").blur()
    expect(page.locator("#q-staff-error")).not_to_be_empty()
    assert_no_axe_violations(page, "answering form with an error at a question")
    page.get_by_role("main").get_by_role("button", name=TO_CHECK).click()
    expect(page.get_by_role("alert")).to_be_visible()
    assert_no_axe_violations(page, "answering form with an error summary")
    page.goto(f"{base}/check/")
    page.get_by_role("main").get_by_role("button", name=SUBMIT).click()
    expect(page.get_by_role("alert")).to_be_visible()
    assert_no_axe_violations(page, "check page with missing answers")
    _ready(page, survey)
    page.goto(f"{base}/check/")
    assert_no_axe_violations(page, "check page")
    page.get_by_role("main").get_by_role("button", name=SUBMIT).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(THANKS)
    assert_no_axe_violations(page, "thanks page")
    page.goto("/fi/barometer/answer/" + "q" * 43 + "/")
    assert_no_axe_violations(page, "unknown link")
    Round.objects.filter(pk=survey.round.pk).update(status="closed")
    Invitation.objects.create(
        round=survey.round, frame_unit=survey.invitation.frame_unit, email="toinen@turku.example", token="t" * 43
    )
    page.goto("/fi/barometer/answer/" + "t" * 43 + "/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_no_axe_violations(page, "closed round")


# --- the open link of a try-out round -------------------------------------------------------------------------------


def test_anyone_answers_a_try_out_round_through_its_open_link(page: Page, survey: Survey) -> None:
    from barometer.models import Invitation, Response, Round

    Round.objects.filter(pk=survey.round.pk).update(is_tryout=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/fi/barometer/")
    page.get_by_role("main").get_by_role("link", name=re.compile("Kokeile vastaamista")).click()
    assert_no_axe_violations(page, "try-out start page")
    page.get_by_role("main").get_by_role("button", name=re.compile("Aloita vastaaminen")).click()
    expect(page).to_have_url(re.compile(r"/fi/barometer/answer/[A-Za-z0-9_-]{43}/"))
    mine = Invitation.objects.exclude(pk=survey.invitation.pk).get()
    _group(page, "Organisaation tyyppi").get_by_label("Kunta", exact=True).check()
    _group(page, "käyttöön innovaatioita").get_by_label("Ei", exact=True).check()
    _saved(page)
    page.goto(f"/fi/barometer/answer/{mine.token}/check/")
    page.get_by_role("main").get_by_role("button", name=SUBMIT).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(THANKS)
    assert_no_axe_violations(page, "try-out thanks page")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the thanks page is {width} px wide"
    assert Response.objects.get(invitation=mine).status == "submitted"
    assert not Response.objects.filter(invitation=survey.invitation).exists()
