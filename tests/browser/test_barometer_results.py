"""The barometer's results in a real browser, on the synthetic demo rounds (the default questionnaire, 182 and 120
responding organisations): the landing page, the round report and the explorer pass axe, the explorer works
with the keyboard and without JavaScript (a GET form whose address is the link to share), and the charts are
inline SVG images with the data table beside them.

Elements are found by form names, ids and addresses rather than visible text, so the flows are tested whatever
the state of the UI translations.
"""

from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_accessibility import assert_no_axe_violations

pytestmark = pytest.mark.browser

# A report draws every chart of the round on its first visit (later ones come from the cache): on a busy test
# machine that can take longer than the default navigation timeout.
FIRST_DRAW_MS = 90_000
LATEST = "innovaatiobarometri-2022-kuntasektori-synteettinen"
EARLIER = "innovaatiobarometri-2018-kuntasektori-synteettinen"


@pytest.fixture
def demo_rounds(scenario: Any) -> Any:
    """The synthetic 2022 and 2018 rounds, organised by a ministry (the demo questionnaire's default organiser)."""
    from demo.barometer import demo_rounds_load
    from organisations.models import OrganisationKind
    from tests.factories import OrganisationFactory

    OrganisationFactory(kind=OrganisationKind.MINISTRY, name_fi="Valtiovarainministeriö")
    return demo_rounds_load()


def test_landing_page_and_report_pass_axe(page: Page, demo_rounds: Any, url: Any) -> None:
    page.goto(url("barometer:index"))
    expect(page.locator(f'main a[href="{url("barometer:report", slug=LATEST)}"]').first).to_be_visible()
    assert_no_axe_violations(page, "barometer landing page")

    page.goto(url("barometer:report", slug=LATEST), timeout=FIRST_DRAW_MS)
    charts = page.locator("main figure svg[role=img]")
    expect(charts.first).to_be_visible()
    assert charts.count() >= 15
    # Every chart is named by its figure's heading and has its data table beside it.
    first = page.locator("main figure.result-figure").first
    labelled_by = first.locator("svg").get_attribute("aria-labelledby")
    assert labelled_by
    expect(page.locator(f"#{labelled_by}")).to_have_text(first.locator("h3").inner_text())
    expect(first.locator("table caption")).to_be_visible()
    assert_no_axe_violations(page, "round report, fi")

    page.goto(url("barometer:report", slug=LATEST, language="en", query="weighted=1"), timeout=FIRST_DRAW_MS)
    expect(page.locator('input[name=weighted][value="1"]')).to_be_checked()
    assert_no_axe_violations(page, "round report, weighted, en")


def test_the_explorer_by_keyboard_gives_a_link_to_share(page: Page, demo_rounds: Any, url: Any) -> None:
    page.goto(url("barometer:explorer", language="sv"), timeout=FIRST_DRAW_MS)
    expect(page.locator("#id_round")).to_have_value(LATEST)
    expect(page.locator("#id_compare")).to_have_value(EARLIER)  # the previous round, by default
    assert_no_axe_violations(page, "explorer, default view, sv")

    page.locator("#id_question").select_option("q_partners")
    page.locator("#id_breakdown").select_option("region")
    page.locator("#id_weighted_1").check()
    page.locator("main form.explorer-form button[type=submit]").focus()
    page.keyboard.press("Enter")  # submits the GET form
    page.wait_for_url(lambda address: "breakdown=region" in address, timeout=FIRST_DRAW_MS)
    query = parse_qs(urlsplit(page.url).query)
    assert query["question"] == ["q_partners"]
    assert query["weighted"] == ["1"]

    expect(page.locator("#figure-chart svg[role=img]")).to_be_visible()
    expect(page.locator("#figure-map svg[role=img]")).to_be_visible()
    expect(page.locator("#figure-trend svg[role=img]")).to_be_visible()
    expect(page.locator("#id_choice")).to_be_visible()
    assert_no_axe_violations(page, "explorer, breakdown by region with map and trend, sv")

    # The link to share opens the same view.
    shared = page.locator("#share-link").input_value()
    page.goto(shared, timeout=FIRST_DRAW_MS)
    expect(page.locator("#id_question")).to_have_value("q_partners")
    expect(page.locator("#id_breakdown")).to_have_value("region")

    # The downloads answer with files of their kind.
    png = page.locator("#figure-map .result-downloads a").first.get_attribute("href")
    assert png
    response = page.request.get(png)
    assert response.ok
    assert response.headers["content-type"] == "image/png"


def test_the_team_explores_with_filters_and_an_error_is_summarised(
    page: Page, demo_rounds: Any, scenario: Any, url: Any, log_in: Any
) -> None:
    page.set_default_navigation_timeout(FIRST_DRAW_MS)
    log_in(page, scenario.admin, next_path=url("barometer:explorer", language="en"))
    page.locator("#id_question").select_option("q_enablers")
    page.locator("#id_kind").select_option("municipality")
    page.locator("main form.explorer-form button[type=submit]").click()
    page.wait_for_url(lambda address: "kind=municipality" in address, timeout=FIRST_DRAW_MS)
    expect(page.locator("#figure-chart svg[role=img]")).to_be_visible()
    assert_no_axe_violations(page, "explorer for the team, filtered scale, en")

    page.goto(url("barometer:explorer", language="en", query="round=no-such-round"))
    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
    expect(summary.locator('a[href="#id_round"]')).to_be_visible()
    assert_no_axe_violations(page, "explorer with an error")
