"""Stored XSS, executed as a browser would: every payload of ideas/tests/conftest.py written through the services into
a challenge, an idea, a comment, a handler's reason and a report, then the pages that show them opened in Chromium
as a visitor and as the organisation's handler. Every payload calls alert(); a dialog, or a script or handler the
Content-Security-Policy had to refuse (the browser conftest fails a test on the report it logs), fails the test.
ideas/tests/test_xss.py parses the same pages with html5lib; this is the run in a real browser (issue 12's probe).
"""

from typing import Any

import pytest
from playwright.sync_api import Browser, Dialog, Page, expect

from ideas.tests.conftest import XSS_PAYLOADS
from tests.browser.conftest import CSP_LISTENER

pytestmark = pytest.mark.browser


@pytest.fixture
def written(scenario: Any) -> list[dict[str, Any]]:
    """One challenge per payload, with an idea (handled, with a reason), a comment and a report, all carrying it."""
    from ideas.models import IdeaState
    from ideas.services import challenges as challenge_services
    from ideas.services import ideas as services
    from ideas.services import moderation
    from tests.factories import UserFactory

    resident = UserFactory.create(username="asukas", email="asukas@example.fi")
    worlds = []
    for number, payload in enumerate(XSS_PAYLOADS):
        challenge = challenge_services.challenge_create(
            actor=scenario.source_editor,
            owner=scenario.source_org,
            data={
                "title_fi": f"Haaste {number} {payload}",
                "description_fi": f"<p>Kuvaus</p>{payload}",
                "status": "open",
            },
        )
        idea = services.idea_send(
            actor=resident, challenge=challenge, title=f"Idea {number} {payload}", text=f"<p>Teksti</p>{payload}"
        )
        services.idea_set_state(
            actor=scenario.source_editor, idea=idea, state=IdeaState.NOT_TAKEN_FORWARD, reason=f"Syy {payload}"
        )
        comment = services.comment_add(actor=resident, idea=idea, text=f"Kommentti {payload}")
        moderation.report_add(actor=resident, idea=idea, comment=comment, reason=f"Ilmoitus {payload}")
        worlds.append({"payload": payload, "challenge": challenge, "idea": idea})
    return worlds


def test_no_payload_runs_in_chromium(
    browser: Browser, live_server: Any, scenario: Any, written: list[dict[str, Any]], url: Any, log_in: Any
) -> None:
    dialogs: list[str] = []
    refused: list[str] = []  # what the Content-Security-Policy stopped: markup that got through the sanitiser
    opened = 0
    for who in (None, scenario.source_editor):
        context = browser.new_context(base_url=live_server.url, locale="fi-FI")
        context.set_default_timeout(60_000)
        page = context.new_page()

        def on_dialog(dialog: Dialog, page: Page = page) -> None:
            dialogs.append(f"{page.url}: {dialog.message}")
            dialog.dismiss()

        page.on("dialog", on_dialog)
        page.add_init_script(CSP_LISTENER)
        page.on(
            "console",
            lambda message: refused.append(message.text) if "Content Security Policy" in message.text else None,
        )
        try:
            # The listener is not blind: a payload that does run is caught.
            page.set_content("<p>x</p><img src=x onerror=\"alert('self-check')\">")
            expect(page.locator("img")).to_have_count(1)
            page.wait_for_timeout(200)
            assert [d.rsplit(": ", 1)[1] for d in dialogs] == ["self-check"], dialogs
            dialogs.clear()
            if who is not None:
                log_in(page, who)
            addresses = [url("ideas:list")]
            for world in written:
                addresses += [url("ideas:detail", pk=world["challenge"].pk), url("ideas:idea", pk=world["idea"].pk)]
            if who is not None:
                addresses.append(url("ideas:moderation"))
            for address in addresses:
                response = page.goto(address)
                assert response is not None
                assert response.status == 200, address
                expect(page.get_by_role("main")).to_be_visible()
                page.wait_for_timeout(50)  # let autofocus, onload and ontoggle handlers fire if any survived
                opened += 1
        finally:
            context.close()
    print(
        f"{len(XSS_PAYLOADS)} payloads, {opened} pages opened in Chromium, {len(dialogs)} dialogs, "
        f"{len(refused)} scripts refused by the Content-Security-Policy"
    )
    assert opened >= 2 * len(XSS_PAYLOADS) * 2
    assert dialogs == []
    assert refused == []
