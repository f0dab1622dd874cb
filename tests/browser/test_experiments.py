"""An experiment's whole path in the browser, in English: record one (first with a mistake, which the error
summary names), record the decision to scale up, publish it, find it in the list, and scale it up into an
innovation in use. Every page on the way passes axe.

Fields and buttons are found by their labels, so the test also proves that they are labelled.
"""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.browser.test_accessibility import assert_no_axe_violations

pytestmark = pytest.mark.browser


def test_record_decide_publish_find_and_scale_up_an_experiment(page: Page, scenario, url, submit_login) -> None:
    from experiments.models import Decision, Experiment
    from innovations.models import Innovation
    from innovations.vocabulary import Stage

    page.goto(url("accounts:login", language="en", query=f"next={url('experiments:create', language='en')}"))
    submit_login(page, scenario.source_editor)
    expect(page).to_have_url(re.compile(re.escape(url("experiments:create", language="en")) + r"$"))
    main = page.get_by_role("main")

    # 1. A mistake: no title, and an end before the start. The error summary names the field and links to it.
    main.get_by_label("Starts on").fill("2025-05-01")
    main.get_by_label("Ends on").fill("2025-04-01")
    main.get_by_role("button", name="Save as draft").click()
    summary = page.get_by_role("alert")
    expect(summary).to_be_visible()
    expect(summary.get_by_role("link")).not_to_have_count(0)
    assert_no_axe_violations(page, "experiment form with errors")
    assert not Experiment.objects.exists()

    # 2. Corrected: saved as a draft.
    ended = timezone.localdate() - datetime.timedelta(days=7)
    main.get_by_label("Title in Finnish").fill("Kirjaston lainattavien työkalujen kokeilu")
    main.get_by_label("Hypothesis in Finnish").fill("Lainattavat työkalut tuovat uusia kävijöitä.")
    main.get_by_label("Results in Finnish").fill("Kävijämäärä kasvoi 12 %.")
    main.get_by_label("Ends on").fill(ended.isoformat())
    main.get_by_label("Budget (euros)").fill("8000")
    main.get_by_role("button", name="Save as draft").click()
    experiment = Experiment.objects.get()
    detail = url("experiments:detail", language="en", pk=experiment.pk)
    expect(page).to_have_url(re.compile(re.escape(detail) + r"$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Kirjaston lainattavien työkalujen kokeilu")
    assert_no_axe_violations(page, "experiment page (draft)")

    # 3. The decision: scale up, with reasons.
    page.get_by_role("main").get_by_role("link", name="Record the decision").click()
    assert_no_axe_violations(page, "decision form")
    page.get_by_role("main").get_by_role("radio", name="Scale up").check()
    page.get_by_role("main").get_by_label("Reasons in Finnish").fill("Kävijöitä tuli enemmän kuin odotettiin.")
    page.get_by_role("main").get_by_role("button", name="Save the decision").click()
    expect(page).to_have_url(re.compile(re.escape(detail) + r"$"))
    experiment.refresh_from_db()
    assert experiment.decision == Decision.SCALE_UP

    # 4. Publish, then find it in the list with an inflected word, among the finished experiments.
    page.get_by_role("main").get_by_role("link", name="Publish").click()
    page.get_by_role("main").get_by_role("button", name="Publish").click()
    expect(page).to_have_url(re.compile(re.escape(detail) + r"$"))
    page.goto(url("experiments:list", language="en", query="phase=finished"))
    search = page.get_by_role("main").get_by_label("Search words")
    search.fill("kokeilu")
    search.press("Enter")
    result = page.get_by_role("main").get_by_role("link", name="Kirjaston lainattavien työkalujen kokeilu")
    expect(result).to_be_visible()
    assert_no_axe_violations(page, "experiment list with a search")
    result.click()

    # 5. Scale up, with a confirmation page in between.
    page.get_by_role("main").get_by_role("link", name="Scale up into an innovation").click()
    assert_no_axe_violations(page, "scale-up confirmation")
    assert not Innovation.objects.filter(
        owner=scenario.source_org, title_fi__startswith="Kirjaston lainattavien"
    ).exists()
    page.get_by_role("main").get_by_role("button", name="Create the innovation").click()
    expect(page).to_have_url(re.compile(r"/en/innovations/\d+/edit/$"))
    experiment.refresh_from_db()
    innovation = experiment.resulting_innovation
    assert innovation is not None
    assert innovation.owner == scenario.source_org
    assert innovation.stage == Stage.IN_USE
    page.goto(detail)
    expect(page.get_by_role("main").get_by_role("link", name=str(innovation.title))).to_be_visible()
