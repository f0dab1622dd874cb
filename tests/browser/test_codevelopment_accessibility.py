"""The co-development pages that other browser tests do not walk through pass axe with zero violations: the
handlers' tools (challenge editing, idea states, moderation, banned words, merging, exports), the Lab portfolio,
a person's own data and notification settings, and sign-in with identification. Each page is checked with what it
exists to show, in Finnish and, for the pages residents use, in Swedish and English too."""

from dataclasses import dataclass
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_accessibility import assert_no_axe_violations

pytestmark = pytest.mark.browser


@dataclass
class World:
    challenge: Any
    idea: Any
    duplicate: Any
    state: Any


@pytest.fixture
def world(scenario: Any) -> World:
    from accounts.dev_provider import register_dev_provider
    from ideas.services import challenges as challenge_services
    from ideas.services import ideas as services
    from ideas.services import moderation, states
    from tests.factories import UserFactory

    editor, tampere = scenario.source_editor, scenario.source_org
    challenge = challenge_services.challenge_create(
        actor=editor,
        owner=tampere,
        data={
            "title_fi": "Miten voisimme tehdä kirjastosta olohuoneen?",
            "title_sv": "Hur kunde biblioteket bli ett vardagsrum?",
            "title_en": "How might the library become a living room?",
            "status": "open",
        },
    )
    resident = UserFactory.create(username="asukas", email="asukas@example.fi")
    idea = services.idea_send(
        actor=resident, challenge=challenge, title="Lukunurkka nuorille", text="Rauhallinen lukunurkka iltaisin."
    )
    duplicate = services.idea_send(
        actor=UserFactory.create(),
        challenge=challenge,
        title="Lukunurkka nuorisolle",
        text="Lukunurkka nuorille iltaisin.",
    )
    services.comment_add(actor=resident, idea=idea, text="Hyvä ajatus!")
    moderation.report_add(actor=UserFactory.create(), idea=duplicate, reason="Sama idea kahdesti.")
    moderation.banned_word_add(actor=editor, organisation=tampere, word="roskaa")
    state = states.idea_state_create(
        actor=editor, organisation=tampere, kind="under_review", names={"fi": "Arvioitavana", "en": "Being assessed"}
    )
    register_dev_provider()
    return World(challenge=challenge, idea=idea, duplicate=duplicate, state=state)


HANDLER_PAGES = {
    "challenge edit form": lambda w, s: ("ideas:challenge_edit", {"pk": w.challenge.pk}, "#id_title_fi"),
    "idea states of an organisation": lambda w, s: ("ideas:states", {"slug": s.source_org.slug}, "text=Arvioitavana"),
    "idea state form": lambda w, s: (
        "ideas:state_edit",
        {"slug": s.source_org.slug, "pk": w.state.pk},
        "#id_name_fi",
    ),
    "moderation queue": lambda w, s: ("ideas:moderation", {}, "text=Sama idea kahdesti."),
    "banned words": lambda w, s: ("ideas:banned_words", {"organisation_pk": s.source_org.pk}, "text=roskaa"),
    "merge an idea": lambda w, s: ("ideas:merge", {"pk": w.duplicate.pk}, f"text={w.idea.title}"),
    "challenge export": lambda w, s: ("ideas:export", {"pk": w.challenge.pk}, "a[href$='.xlsx']"),
    "idea page with the handler's tools": lambda w, s: ("ideas:idea", {"pk": w.idea.pk}, "#id_state"),
    "Lab portfolio": lambda w, s: ("lab:portfolio", {"organisation_id": s.source_org.pk}, "table"),
}


@pytest.mark.parametrize("name", list(HANDLER_PAGES))
def test_handler_pages_have_no_axe_violations(
    name: str, page: Page, scenario: Any, world: World, url: Any, log_in: Any
) -> None:
    url_name, kwargs, shows = HANDLER_PAGES[name](world, scenario)
    path = url(url_name, **kwargs)
    log_in(page, scenario.source_editor, next_path=path)
    expect(page.locator("main").locator(shows).first).to_be_visible()
    assert_no_axe_violations(page, name)


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_a_residents_own_pages_have_no_axe_violations(
    language: str, page: Page, scenario: Any, world: World, url: Any, log_in: Any
) -> None:
    from accounts.models import User

    resident = User.objects.get(username="asukas")
    log_in(page, resident, next_path=url("ideas:my_data", language=language), language=language)
    expect(page.locator("main").get_by_text(world.idea.title).first).to_be_visible()
    assert_no_axe_violations(page, f"own data ({language})")
    page.goto(url("notifications:preferences", language=language))
    expect(page.locator("main input[type=radio]").first).to_be_visible()
    assert_no_axe_violations(page, f"notification preferences ({language})")
    page.goto(url("ideas:report", language=language, pk=world.idea.pk))
    expect(page.locator("main textarea").first).to_be_visible()
    assert_no_axe_violations(page, f"report an idea ({language})")


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_pages_without_an_account_have_no_axe_violations(
    language: str, page: Page, scenario: Any, world: World, url: Any
) -> None:
    page.goto(url("ideas:manage", language=language))
    expect(page.locator("main input[type=email]").first).to_be_visible()
    assert_no_axe_violations(page, f"ideas sent without an account ({language})")
    page.goto(url("accounts:login", language=language))
    expect(page.locator("main").get_by_role("button", name="Suomi.fi (test)")).to_be_visible()
    assert_no_axe_violations(page, f"log-in page with identification ({language})")
