"""The whole path of co-development in a browser, as the issue describes it: a resident sends an idea without an
account and confirms it from the e-mail link; a handler of the organisation turns it into an experiment, records
the dates and the decision to scale up, and scales the finished experiment up into an innovation in use. The idea,
the experiment and the innovation stay one connected record, and the pages on the way pass axe."""

import datetime
import re
from typing import Any

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from tests.browser.test_accessibility import assert_no_axe_violations

pytestmark = pytest.mark.browser

TITLE = "Lukupiiri ikäihmisille kirjastoon"


def test_an_idea_becomes_an_experiment_and_then_an_innovation(
    page: Page, scenario: Any, url: Any, log_in: Any, settings: Any
) -> None:
    from ideas.models import Idea
    from ideas.services import challenges as services

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    challenge = services.challenge_create(
        actor=scenario.source_editor,
        owner=scenario.source_org,
        data={
            "title_fi": "Miten voisimme vähentää yksinäisyyttä?",
            "title_sv": "Hur kunde vi minska ensamheten?",
            "title_en": "How might we reduce loneliness?",
            "status": "open",
        },
    )

    # A resident without an account sends the idea and confirms it.
    page.goto(url("ideas:detail", pk=challenge.pk))
    page.locator(f"main a[href='{url('ideas:send', pk=challenge.pk)}']").click()
    page.locator("#id_title").fill(TITLE)
    page.locator("#id_text").fill("Viikoittainen lukupiiri kirjastossa, jossa luetaan ääneen ja jutellaan.")
    page.locator("#id_sender_email").fill("lukija@example.fi")
    page.locator("main form[enctype] button[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"/fi/challenges/{challenge.pk}/$"))
    link = re.search(r"https?://\S+/confirm/\S+/", str(mail.outbox[-1].body))
    assert link is not None
    page.goto(link.group(0))
    page.get_by_role("main").get_by_role("button").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)

    # The handler turns it into an experiment …
    idea = Idea.objects.get(title=TITLE)
    log_in(page, scenario.source_editor, next_path=url("ideas:idea", pk=idea.pk))
    page.locator(f"form[action='{url('ideas:to_experiment', pk=idea.pk)}'] button").click()
    expect(page).to_have_url(re.compile(r"/fi/experiments/\d+/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.locator(f"main a[href='{url('ideas:idea', pk=idea.pk)}']")).to_be_visible()  # where it came from
    assert_no_axe_violations(page, "experiment made from an idea")
    idea.refresh_from_db()
    experiment = idea.experiment
    assert experiment is not None

    # … completes it: it ran and ended yesterday, and the decision was to scale it up …
    today = datetime.date.today()
    page.goto(url("experiments:edit", pk=experiment.pk))
    page.locator("#id_starts_on").fill((today - datetime.timedelta(days=120)).isoformat())
    page.locator("#id_ends_on").fill((today - datetime.timedelta(days=1)).isoformat())
    page.locator("main form.stacked-form button[type=submit]").first.click()
    expect(page).to_have_url(re.compile(rf"/fi/experiments/{experiment.pk}/$"))
    page.goto(url("experiments:decide", pk=experiment.pk))
    page.locator("input[name=decision][value=scale_up]").check()
    page.locator("#id_reasons_fi").fill("Osallistujat kokivat itsensä vähemmän yksinäisiksi.")
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"/fi/experiments/{experiment.pk}/$"))

    # … and scales it up into an innovation in use.
    page.goto(url("experiments:scale_up", pk=experiment.pk))
    assert_no_axe_violations(page, "scale-up confirmation")
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/fi/innovations/[^/]+/edit/$"))  # the new record, to complete
    expect(page.get_by_role("heading", level=1)).to_contain_text(TITLE)
    experiment.refresh_from_db()
    innovation = experiment.resulting_innovation
    assert innovation is not None
    page.goto(innovation.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.locator(f"main a[href='{url('ideas:idea', pk=idea.pk)}']")).to_be_visible()
    assert_no_axe_violations(page, "innovation scaled up from an idea's experiment")

    # One connected record: the idea is in use and its page links to both.
    idea.refresh_from_db()
    assert (idea.innovation, idea.state) == (innovation, "in_use")
    page.goto(url("ideas:idea", pk=idea.pk))
    main = page.get_by_role("main")
    expect(main.locator(f"a[href='{experiment.get_absolute_url()}']").first).to_be_visible()
    expect(main.locator(f"a[href='{innovation.get_absolute_url()}']").first).to_be_visible()
