"""The barometer team edits questionnaires in a real browser: import a file (first a broken one), build a new
questionnaire section by section with options and routing, reorder, preview, and make a new version of one in
use — and every page of it passes axe.

Elements are found by form names, ids and addresses rather than visible text, so the flows are tested whatever
the state of the UI translations; the texts themselves are checked in barometer/tests/test_questionnaire_views.py.
"""

import json
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_accessibility import assert_no_axe_violations

pytestmark = pytest.mark.browser

QUESTIONNAIRE = Path(__file__).resolve().parents[2] / "barometer" / "fixtures" / "municipal_barometer.json"


def _version_url(url: Any, code: str, number: int, name: str = "barometer:questionnaire_version", **kw: Any) -> str:
    return url(name, code=code, number=number, **kw)


def test_import_a_broken_file_then_the_real_one_and_preview_it(
    page: Page, scenario: Any, url: Any, log_in: Any, tmp_path: Path
) -> None:
    log_in(page, scenario.source_editor, next_path=url("barometer:questionnaire_list"))
    assert_no_axe_violations(page, "questionnaire list, empty")
    page.locator(f'a[href="{url("barometer:questionnaire_import")}"]').click()
    assert_no_axe_violations(page, "import page")

    broken = json.loads(QUESTIONNAIRE.read_text(encoding="utf-8"))
    broken["sections"][2]["questions"][4]["kind"] = "ranking"
    broken["sections"][3]["questions"][1]["show_if"] = {"question": "q_comments", "any_of": ["yes"]}
    (tmp_path / "broken.json").write_text(json.dumps(broken), encoding="utf-8")
    page.locator("#id_file").set_input_files(str(tmp_path / "broken.json"))
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".error-summary")).to_be_visible()
    problems = page.locator(".file-problems tbody tr")
    expect(problems).to_have_count(2)
    expect(page.locator(".file-problems")).to_contain_text("sections[2].questions[4].kind")
    expect(page.locator(".file-problems")).to_contain_text("q_support_forms")
    assert_no_axe_violations(page, "import page listing the file's problems")

    page.locator("#id_file").set_input_files(str(QUESTIONNAIRE))
    page.locator("main form button[type=submit]").click()
    version_path = _version_url(url, "municipal-barometer", 1)
    expect(page).to_have_url(f"{page.url.split('/fi/')[0]}{version_path}")
    expect(page.locator("#section-" + str(_section_pk("latest")))).to_contain_text("q_introduced_types")
    assert_no_axe_violations(page, "version editor of the default questionnaire")

    page.locator(f'a[href="{_version_url(url, "municipal-barometer", 1, "barometer:questionnaire_preview")}"]').click()
    expect(page.locator(".preview-section")).to_have_count(8)
    expect(page.locator("fieldset[disabled]").first).to_be_visible()
    page.locator("details.definition summary").first.click()
    assert_no_axe_violations(page, "preview, Finnish")
    page.goto(_version_url(url, "municipal-barometer", 1, "barometer:questionnaire_preview", language="sv"))
    expect(page.locator("h1")).to_have_text("Innovationsbarometern — kommunsektorn")
    assert_no_axe_violations(page, "preview, Swedish")


def _section_pk(code: str) -> int:
    from barometer.models import Section

    return Section.objects.get(code=code, version__questionnaire__code="municipal-barometer").pk


def test_build_a_questionnaire_with_options_routing_and_order(page: Page, scenario: Any, url: Any, log_in: Any) -> None:
    from barometer.models import Question, QuestionnaireVersion, Section

    log_in(page, scenario.source_editor, next_path=url("barometer:questionnaire_create"))
    # Nothing filled: the error summary links to the fields.
    page.locator("main form button[type=submit]").click()
    expect(page.locator('.error-summary a[href="#id_code"]')).to_be_visible()
    expect(page.locator('.error-summary a[href="#id_name_fi"]')).to_be_visible()
    assert_no_axe_violations(page, "new questionnaire form with errors")
    page.locator("#id_code").fill("selain")
    page.locator("#id_name_fi").fill("Selainkysely")
    page.locator("main form button[type=submit]").click()
    version = QuestionnaireVersion.objects.get(questionnaire__code="selain")
    expect(page).to_have_url(f"{page.url.split('/fi/')[0]}{_version_url(url, 'selain', 1)}")
    assert_no_axe_violations(page, "empty version with its unfinished list")

    def add_section(code: str, title: str) -> Section:
        page.locator(f'a[href="{_version_url(url, "selain", 1, "barometer:questionnaire_section_add")}"]').click()
        page.locator("#id_code").fill(code)
        page.locator("#id_title_fi").fill(title)
        page.locator("main form button[type=submit]").click()
        return Section.objects.get(version=version, code=code)

    first = add_section("first", "Ensimmäinen")
    add_url = _version_url(url, "selain", 1, "barometer:questionnaire_question_add", section_pk=first.pk)
    page.locator(f'a[href="{add_url}"]').click()
    # The kind decides which parts show (options, rows, limits).
    page.locator("#id_kind").select_option("text")
    expect(page.locator("#options")).to_be_hidden()
    page.locator("#id_kind").select_option("single")
    expect(page.locator("#options")).to_be_visible()
    expect(page.locator("#rows")).to_be_hidden()
    page.locator("#id_code").fill("q_lab")
    page.locator("#id_text_fi").fill("Onko teillä Lab?")
    page.locator("#id_choices-0-code").fill("yes")
    page.locator("#id_choices-0-label_fi").fill("Kyllä")
    page.locator("#id_choices-1-code").fill("no")
    # The second option's Finnish label is missing: the summary names the row.
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".error-summary")).to_contain_text("2")
    assert_no_axe_violations(page, "question form with a row error")
    page.locator("#id_choices-1-label_fi").fill("Ei")
    page.locator("main form button[type=submit]").click()
    expect(page.locator(f"#question-{Question.objects.get(code='q_lab').pk}")).to_be_visible()

    # A routed second section: the condition is chosen from the earlier question's options.
    page.locator(f'a[href="{_version_url(url, "selain", 1, "barometer:questionnaire_section_add")}"]').click()
    page.locator("#id_code").fill("lab")
    page.locator("#id_title_fi").fill("Lab")
    page.locator("details.routing summary").click()
    page.get_by_label("Kyllä").check()
    assert_no_axe_violations(page, "section form with routing open")
    page.locator("main form button[type=submit]").click()
    lab = Section.objects.get(version=version, code="lab")
    assert lab.show_if == {"question": "q_lab", "any_of": ["yes"]}
    expect(page.locator(f"#section-{lab.pk} .condition")).to_contain_text("q_lab")

    # Move the routed section above its condition: refused, and said so.
    page.locator(f"#section-{lab.pk} form.move-form button[value='-1']").click()
    expect(page.locator(".message-error")).to_be_visible()
    assert [s.code for s in version.sections.order_by("order")] == ["first", "lab"]
    assert_no_axe_violations(page, "version editor after a refused move")


def test_a_frozen_version_is_read_only_and_makes_a_new_version(
    page: Page, scenario: Any, url: Any, log_in: Any
) -> None:
    from barometer.models import QuestionnaireVersion
    from barometer.questionnaires import file as qf
    from barometer.questionnaires.services import questionnaire_import, questionnaire_version_freeze

    data = qf.loads(QUESTIONNAIRE.read_bytes())
    version = questionnaire_import(actor=scenario.admin, organiser=scenario.source_org, data=data).version
    questionnaire_version_freeze(version)
    log_in(page, scenario.source_editor, next_path=_version_url(url, "municipal-barometer", 1))
    expect(
        page.locator(f'a[href="{_version_url(url, "municipal-barometer", 1, "barometer:questionnaire_section_add")}"]')
    ).to_have_count(0)
    assert_no_axe_violations(page, "frozen version")
    page.locator(
        f'form[action="{_version_url(url, "municipal-barometer", 1, "barometer:questionnaire_copy")}"] button'
    ).first.click()
    expect(page).to_have_url(f"{page.url.split('/fi/')[0]}{_version_url(url, 'municipal-barometer', 2)}")
    assert QuestionnaireVersion.objects.get(number=2).status == "draft"
    page.goto(url("barometer:questionnaire_detail", code="municipal-barometer"))
    assert_no_axe_violations(page, "questionnaire with two versions")
