"""The barometer team runs a round in a real browser: create it, draw the frame, invite, open and send, watch the
live dashboard update itself, copy a personal link — and every page of it passes axe.

Elements are found by their form names and data attributes rather than their visible text, so the flows are
tested whatever the state of the UI translations; the texts themselves are checked in the page tests.
"""

import datetime
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.browser.test_accessibility import assert_no_axe_violations

pytestmark = pytest.mark.browser

QUESTIONNAIRE = Path(__file__).resolve().parents[2] / "barometer" / "fixtures" / "municipal_barometer.json"


@pytest.fixture
def questionnaire(scenario: Any) -> Any:
    """The default municipal-sector questionnaire, organised by Tampere (the scenario's source_org)."""
    from barometer.questionnaires import file as qf
    from barometer.questionnaires.services import questionnaire_import

    data = qf.loads(QUESTIONNAIRE.read_bytes())
    return questionnaire_import(actor=scenario.admin, organiser=scenario.source_org, data=data).version


@pytest.fixture
def running(scenario: Any, questionnaire: Any) -> Any:
    """An open round of Tampere's over all municipalities, with one invitation for Turku."""
    from barometer.rounds import services
    from barometer.tests.test_rounds_support import round_data

    editor = scenario.source_editor
    round = services.round_create(actor=editor, organiser=scenario.source_org, data=round_data(questionnaire))
    services.frame_draw(actor=editor, round=round, kinds=["municipality"])
    services.invitations_create(
        actor=editor,
        round=round,
        rows=[services.InvitationRow(organisation=scenario.adopter_org, email="turku@example.fi", language="sv")],
    )
    return services.round_open(actor=editor, round=round, expected_version=round.version)


def _submit(page: Page, form_action: str) -> None:
    page.locator(f'form[action="{form_action}"] button[type="submit"]').click()


def test_the_team_creates_a_round_draws_the_frame_invites_and_opens_it(
    page: Page, scenario: Any, questionnaire: Any, url: Any, log_in: Any
) -> None:
    from barometer.models import Round

    log_in(page, scenario.source_editor, next_path=url("barometer:round_list"))
    assert_no_axe_violations(page, "round list, empty")
    page.locator(f'a[href="{url("barometer:round_create")}"]').click()

    # A first try without a name and with the dates the wrong way round: the error summary names both.
    page.locator("#id_questionnaire_version").select_option(str(questionnaire.pk))
    page.locator("#id_year").fill("2026")
    page.locator("#id_reference_period_start").fill("2024-01-01")
    page.locator("#id_reference_period_end").fill("2025-12-31")
    page.locator("#id_opens_on").fill("2026-11-01")
    page.locator("#id_closes_on").fill("2026-10-01")
    page.locator("main form button[type=submit]").click()
    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
    expect(summary.locator('a[href="#id_name_fi"]')).to_be_visible()
    expect(summary.locator('a[href="#id_closes_on"]')).to_be_visible()
    assert_no_axe_violations(page, "round form with errors")

    today = datetime.date.today()
    page.locator("#id_name_fi").fill("Innovaatiobarometri selaintesti")
    page.locator("#id_name_en").fill("Innovation barometer browser test")
    page.locator("#id_slug").fill("selaintesti")
    page.locator("#id_opens_on").fill(today.isoformat())
    page.locator("#id_closes_on").fill((today + datetime.timedelta(days=30)).isoformat())
    page.locator("main form button[type=submit]").click()

    frame_url = url("barometer:round_frame", slug="selaintesti")
    expect(page).to_have_url(re.compile(re.escape(frame_url) + "$"))
    assert_no_axe_violations(page, "empty frame")
    # The draw form comes with municipalities and joint municipal authorities ticked.
    expect(page.locator('input[name="draw-kinds"][value="municipality"]')).to_be_checked()
    _submit(page, url("barometer:round_frame_draw", slug="selaintesti"))
    expect(page.locator("#strata table").first).to_be_visible()
    round = Round.objects.get(slug="selaintesti")
    assert round.frame.count() >= 309
    page.locator("details.cells summary").click()
    assert_no_axe_violations(page, "frame with strata")

    page.goto(url("barometer:round_invitations", slug="selaintesti"))
    page.locator("#id_invite-organisation").select_option(str(scenario.adopter_org.pk))
    page.locator("#id_invite-email").fill("turku@example.fi")
    page.locator("#id_invite-language").select_option("sv")
    _submit(page, url("barometer:round_invitation_add", slug="selaintesti"))
    expect(page.locator(".invitation-table tbody tr")).to_have_count(1)

    page.goto(url("barometer:round_open", slug="selaintesti"))
    assert_no_axe_violations(page, "open confirmation")
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(re.escape(url("barometer:round_detail", slug="selaintesti")) + "$"))
    round.refresh_from_db()
    assert round.status == "open"
    assert_no_axe_violations(page, "round overview")


def test_sending_and_copying_a_personal_link(
    page: Page, context: BrowserContext, scenario: Any, running: Any, url: Any, log_in: Any
) -> None:
    from django.core import mail

    context.grant_permissions(["clipboard-read", "clipboard-write"])
    invitations = url("barometer:round_invitations", slug=running.slug)
    log_in(page, scenario.source_editor, next_path=invitations)
    _submit(page, url("barometer:round_invitations_send", slug=running.slug))
    expect(page.locator(".message-success")).to_be_visible()
    assert [message.to for message in mail.outbox] == [["turku@example.fi"]]
    expect(page.locator(".invitation-status-sent")).to_have_count(1)

    invitation = running.invitations.get()
    page.locator(".link-details summary").click()
    copy = page.locator("button[data-copy]")
    expect(copy).to_be_visible()  # shown only when the script runs and the clipboard is there
    copy.click()
    expect(page.locator(".copy-status")).not_to_be_empty()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.endswith(f"/sv/barometer/answer/{invitation.token}/")
    assert_no_axe_violations(page, "invitations with a link shown")


def test_the_dashboard_updates_itself_and_can_be_paused(
    page: Page, scenario: Any, running: Any, url: Any, log_in: Any
) -> None:
    from barometer.tests.test_rounds_support import respond

    dashboard = url("barometer:round_dashboard", slug=running.slug)
    log_in(page, scenario.source_editor, next_path=dashboard)
    page.clock.install()  # the polling interval is run forward instead of waited for
    page.goto(dashboard)
    overall = page.locator('table[data-dimension="all"] tbody tr')
    expect(overall.locator('[data-cell="responded"]')).to_have_text("0")
    summary = page.locator("[data-summary]")
    before = summary.inner_text()
    assert_no_axe_violations(page, "dashboard")

    respond(running.frame.get(organisation=scenario.adopter_org))
    page.clock.run_for(16_000)
    expect(overall.locator('[data-cell="responded"]')).to_have_text("1")
    expect(summary).not_to_have_text(before)
    region = scenario.adopter_org.region.code
    expect(
        page.locator(f'table[data-dimension="region"] tr[data-key="{region}"] [data-cell="responded"]')
    ).to_have_text("1")
    width = float(overall.locator('[data-bar="responded"]').get_attribute("width") or 0)
    assert width == pytest.approx(100 / running.frame.count(), abs=0.01)

    # Paused, the figures stay as they are.
    pause = page.locator("button[data-pause]")
    pause.click()
    expect(pause).to_have_attribute("aria-pressed", "true")
    respond(running.frame.get(organisation=scenario.source_org))
    page.clock.run_for(31_000)
    expect(overall.locator('[data-cell="responded"]')).to_have_text("1")
    pause.click()
    page.clock.run_for(16_000)
    expect(overall.locator('[data-cell="responded"]')).to_have_text("2")
    assert page.javascript_errors == []  # type: ignore[attr-defined]


def test_without_javascript_the_dashboard_reloads_and_shows_no_dead_controls(
    browser: Browser, live_server: Any, scenario: Any, running: Any, url: Any, log_in: Any
) -> None:
    from barometer.tests.test_rounds_support import respond

    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    try:
        dashboard = url("barometer:round_dashboard", slug=running.slug)
        log_in(page, scenario.source_editor, next_path=dashboard)
        expect(page.locator("button[data-pause]")).to_be_hidden()
        responded = page.locator('table[data-dimension="all"] [data-cell="responded"]')
        expect(responded).to_have_text("0")
        respond(running.frame.get(organisation=scenario.adopter_org))
        page.locator(f'.dashboard-controls a[href="{dashboard}"]').click()
        expect(responded).to_have_text("1")
        page.goto(url("barometer:round_invitations", slug=running.slug))
        page.locator(".link-details summary").click()
        expect(page.locator(".link-input")).to_be_visible()  # the link can still be selected and copied by hand
        expect(page.locator("button[data-copy]")).to_be_hidden()
    finally:
        context.close()


@pytest.mark.parametrize(
    "name", ["round_list", "round_detail", "round_edit", "round_frame", "round_invitations", "round_dashboard"]
)
def test_round_pages_reflow_on_a_phone(
    page: Page, scenario: Any, running: Any, url: Any, log_in: Any, name: str
) -> None:
    """At 375 px nothing makes the page scroll sideways (WCAG 1.4.10): wide tables scroll in their own region."""
    log_in(page, scenario.source_editor)
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(url(f"barometer:{name}") if name == "round_list" else url(f"barometer:{name}", slug=running.slug))
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert_no_axe_violations(page, f"{name} at 375 px")


def test_the_responses_page_passes_axe(page: Page, scenario: Any, running: Any, url: Any, log_in: Any) -> None:
    from barometer.tests.test_rounds_support import respond

    respond(running.frame.get(organisation=scenario.adopter_org), invitation=running.invitations.get())
    log_in(page, scenario.admin, next_path=url("barometer:round_responses", slug=running.slug))
    expect(page.locator("main table tbody tr")).to_have_count(1)
    assert_no_axe_violations(page, "responses with reopen")
