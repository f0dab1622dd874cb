"""The adoption story end to end, in Finnish: find an innovation, log in, adopt (adapt) it, see the lineage.

Fields and buttons are found by their roles and accessible names, so the test also proves that the search box,
the log-in form and the adoption form are labelled.
"""

import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

SEARCH_LABEL = re.compile(r"^\s*(hae|haku|hakusana|etsi|search)", re.IGNORECASE)
LOG_IN = re.compile(r"^\s*(kirjaudu|log in)", re.IGNORECASE)
# "Ota (tämä) innovaatio käyttöön" in Finnish; the English words are accepted too, so that the flow is tested
# whatever the state of the translations (their completeness is checked elsewhere).
ADOPT = re.compile(r"^\s*(ota\b.*\bkäyttöön|adopt)", re.IGNORECASE)
# The adapted choice: "We adapted it to our needs", in Finnish "Sovelsimme sitä omiin tarpeisiimme".
ADAPTED = re.compile(r"\b(sovel|mukaut|adapt)", re.IGNORECASE)


def test_search_open_log_in_and_adapt_another_municipalitys_innovation(page: Page, scenario, url, submit_login):
    from innovations.models import Adoption
    from innovations.vocabulary import Novelty

    source = scenario.innovation
    source_path = url("innovations:detail", pk=source.pk)

    # 1. The catalogue, in Finnish: search for "kokeilu" (the stemmed search finds "kokeiluja").
    page.goto(url("innovations:list"))
    expect(page.locator("html")).to_have_attribute("lang", "fi")
    search = page.get_by_role("main").get_by_label(SEARCH_LABEL)
    search.fill("kokeilu")
    search.press("Enter")
    expect(page).to_have_url(re.compile(r"/fi/innovations/\?(.*&)?q=kokeilu(&|$)"))
    result = page.get_by_role("main").get_by_role("link", name="Kirjaston kokeiluja")
    expect(result).to_be_visible()

    # 2. The innovation page.
    result.click()
    expect(page).to_have_url(re.compile(re.escape(source_path) + r"$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Kirjaston kokeiluja")

    # 3. Log in through the header's link: the log-in page sends the person back to the innovation.
    page.get_by_role("navigation").get_by_role("link", name=LOG_IN).click()
    expect(page).to_have_url(re.compile(r"/fi/accounts/login/\?next="))
    submit_login(page, scenario.adopter_editor)
    expect(page).to_have_url(re.compile(re.escape(source_path) + r"$"))

    # 4. Adopt: the page offers it to an editor of another organisation.
    main = page.get_by_role("main")
    main.get_by_role("link", name=ADOPT).or_(main.get_by_role("button", name=ADOPT)).first.click()
    expect(page).to_have_url(re.compile(re.escape(url("innovations:adopt", pk=source.pk)) + r"$"))
    form_main = page.get_by_role("main")
    form_main.get_by_role("radio", name=ADAPTED).check()
    form_main.get_by_role("button", name=ADOPT).click()

    # 5. The new innovation's page: Turku's own record, whose lineage names Tampere's original.
    expect(page).to_have_url(re.compile(r"/fi/innovations/(\d+)/$"))
    match = re.search(r"/fi/innovations/(\d+)/$", page.url)
    assert match, page.url
    new_pk = int(match.group(1))
    assert new_pk != source.pk
    main = page.get_by_role("main")
    expect(page.get_by_role("heading", level=1)).to_have_text("Kirjaston kokeiluja")
    expect(main).to_contain_text(scenario.source_org.name_fi)  # "Tampere"
    lineage_link = main.get_by_role("link", name="Kirjaston kokeiluja")
    expect(lineage_link.first).to_be_visible()
    hrefs = [link.get_attribute("href") for link in lineage_link.all()]
    assert any(href and href.split("?")[0].endswith(source_path) for href in hrefs), hrefs

    # 6. The database: one adoption, adapted, from Tampere's innovation to Turku's new one.
    adoption = Adoption.objects.select_related("result__owner").get(source=source)
    assert adoption.result_id == new_pk
    assert adoption.result.owner == scenario.adopter_org
    assert adoption.mode == Novelty.ADAPTED
    assert adoption.result.novelty == Novelty.ADAPTED
    assert adoption.created_by == scenario.adopter_editor
