"""Challenges and ideas in a browser: a resident sends an idea without an account, confirms it from the e-mail
link, a handler of the organisation moves it on; every page on the way passes axe with zero violations."""

import re
from typing import Any

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from tests.browser.test_accessibility import assert_no_axe_violations

pytestmark = pytest.mark.browser


@pytest.fixture
def challenge(scenario: Any) -> Any:
    from ideas.services import challenges as challenge_services

    return challenge_services.challenge_create(
        actor=scenario.source_editor,
        owner=scenario.source_org,
        data={
            "title_fi": "Miten voisimme tuoda kirjaston lähemmäs?",
            "title_sv": "Hur kunde vi föra biblioteket närmare?",
            "title_en": "How might we bring the library closer?",
            "description_fi": "<p>Kerro ideasi.</p>",
            "status": "open",
        },
    )


def test_send_confirm_and_handle_an_idea(
    page: Page, challenge: Any, scenario: Any, url: Any, log_in: Any, settings: Any
) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    page.goto(url("ideas:list"))
    assert_no_axe_violations(page, "challenge list")
    page.get_by_role("link", name=challenge.title_fi).click()
    assert_no_axe_violations(page, "challenge page")
    page.locator(f"main a[href='{url('ideas:send', pk=challenge.pk)}']").click()

    # Sent empty first: the error summary must be accessible too.
    page.locator("main form[enctype] button[type=submit]").click()
    expect(page.locator(".error-summary")).to_be_visible()
    assert_no_axe_violations(page, "send form with errors")

    page.locator("#id_title").fill("Kirjastoauto kyliin")
    page.locator("#id_text").fill("Kirjastoauto kävisi kylissä kerran viikossa.")
    page.locator("#id_sender_email").fill("asukas@example.fi")
    page.locator("main form[enctype] button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/fi/challenges/\d+/$"))
    expect(page.get_by_role("main")).not_to_contain_text("Kirjastoauto kyliin")

    link = re.search(r"https?://\S+/confirm/\S+/", str(mail.outbox[-1].body))
    assert link is not None
    page.goto(link.group(0))
    assert_no_axe_violations(page, "confirmation page")
    page.get_by_role("main").get_by_role("button").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kirjastoauto kyliin")
    assert_no_axe_violations(page, "idea page (public)")
    expect(page.get_by_role("main")).not_to_contain_text("asukas@example.fi")

    from ideas.models import Idea

    idea = Idea.objects.get(title="Kirjastoauto kyliin")
    log_in(page, scenario.source_editor, next_path=url("ideas:idea", pk=idea.pk))
    expect(page.get_by_role("main")).to_contain_text("asukas@example.fi")
    assert_no_axe_violations(page, "idea page (handler)")
    page.locator("#id_state").select_option("experimenting")
    page.locator("form[action$='/state/'] button").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kirjastoauto kyliin")
    expect(page.locator("#id_state")).to_have_value("experimenting")
    idea.refresh_from_db()
    assert idea.state == "experimenting"


def test_editor_pages_pass_axe(page: Page, challenge: Any, scenario: Any, url: Any, log_in: Any) -> None:
    from ideas.services import ideas as services

    services.idea_send(actor=scenario.source_editor, challenge=challenge, title="Oma idea", text="Teksti")
    page.goto(url("ideas:choose_organisation"))
    assert_no_axe_violations(page, "choose an organisation")
    log_in(page, scenario.source_editor, next_path=url("ideas:create"))
    page.get_by_role("main").get_by_role("button").first.click()
    expect(page.locator(".error-summary")).to_be_visible()
    assert_no_axe_violations(page, "challenge form with errors")
    page.goto(url("ideas:my_ideas"))
    expect(page.get_by_role("main").get_by_role("link", name="Oma idea")).to_be_visible()
    assert_no_axe_violations(page, "ideas you have sent")
    page.goto(url("ideas:detail", pk=challenge.pk))
    expect(page.locator("#challenge-status")).to_be_visible()
    assert_no_axe_violations(page, "challenge page (editor)")
