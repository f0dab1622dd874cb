"""Importing responses made with another survey tool, in a real browser: upload, map the columns, match a value
by hand, check, import — every page axe-clean — and the progress bar of a long file following the work by itself
and showing the result when it is done.

Elements are found by form names, ids and data attributes, so the flows are tested whatever the state of the UI
translations; the texts are checked in barometer/tests/test_import_views.py.
"""

import datetime
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_accessibility import assert_no_axe_violations

pytestmark = pytest.mark.browser

QUESTIONNAIRE = Path(__file__).resolve().parents[2] / "barometer" / "fixtures" / "municipal_barometer.json"


@pytest.fixture
def import_round(scenario: Any) -> Any:
    """An open round of Tampere's on the default municipal questionnaire, with Tampere and Turku in its frame."""
    from barometer.models import FrameUnit, Round
    from barometer.questionnaires import file as qf
    from barometer.questionnaires.services import questionnaire_import
    from barometer.vocabulary import RoundStatus, Unit

    version = questionnaire_import(
        actor=scenario.admin, organiser=scenario.source_org, data=qf.loads(QUESTIONNAIRE.read_bytes())
    ).version
    today = datetime.date.today()
    round_ = Round.objects.create(
        slug="tuonti",
        name_fi="Tuontitesti",
        name_en="Import test",
        questionnaire_version=version,
        organiser=scenario.source_org,
        year=today.year,
        reference_period_start=today.replace(year=today.year - 2),
        reference_period_end=today,
        opens_on=today,
        closes_on=today + datetime.timedelta(days=30),
        status=RoundStatus.OPEN,
        unit=Unit.RESPONDENT,
    )
    for organisation in (scenario.source_org, scenario.adopter_org):
        FrameUnit.objects.create(round=round_, organisation=organisation, kind=organisation.kind)
    return round_


def _csv(scenario: Any, rows: int = 2) -> bytes:
    lines = ["Vastaustunnus;Kunta;q_org_kind;q_established;Kumppanit;q_enablers_technology"]
    codes = (scenario.source_org.municipality_code, "Turku")
    for n in range(rows):
        established = "Joo" if n == 0 else "Kyllä"  # "Joo" is no label of the questionnaire: matched by hand
        lines.append(f"{n + 1};{codes[n % 2]};Kuntayhtymä;{established};Yritykset, universities;large")
    return ("\n".join(lines) + "\n").encode()


def test_upload_map_match_check_and_import(page: Page, scenario: Any, import_round: Any, url: Any, log_in: Any) -> None:
    from barometer.models import Response, ResponseImport

    imports_path = url("barometer:imports", slug=import_round.slug)
    log_in(page, scenario.source_editor, next_path=imports_path)
    assert_no_axe_violations(page, "imports page, nothing uploaded")

    page.locator("#id_file").set_input_files({"name": "webropol.csv", "mimeType": "text/csv", "buffer": _csv(scenario)})
    page.locator("main form[enctype='multipart/form-data'] button[type=submit]").click()
    response_import = ResponseImport.objects.get()
    detail = url("barometer:import_detail", slug=import_round.slug, pk=response_import.pk)
    expect(page).to_have_url(re.compile(re.escape(detail) + "#mapping$"))
    # The automatic mapping: the identifier and organisation by their usual names, the questions by their codes.
    expect(page.locator("#id_column_0")).to_have_value("@id")
    expect(page.locator("#id_column_1")).to_have_value("@organisation")
    expect(page.locator("#id_column_3")).to_have_value("q_established")
    expect(page.locator("#id_column_4")).to_have_value("")
    assert_no_axe_violations(page, "mapping page")

    # The list column of partners is mapped by hand, with its delimiter; then saved and checked.
    page.locator("#id_column_4").select_option("q_partners")
    page.locator("#id_delimiter").select_option(",")
    page.locator("#mapping button[type=submit]").click()
    expect(page.locator(".import-problems")).to_be_visible()
    expect(page.locator(".import-problems tbody tr")).to_have_count(1)
    expect(page.locator(".import-problems code")).to_have_text("Joo")
    expect(page.locator("#result")).to_be_focused()  # the result is where the keyboard and screen reader land
    assert_no_axe_violations(page, "dry run with a problem")

    # "Joo" means yes.
    page.locator(".import-values select").select_option("yes")
    page.locator("#mapping button[type=submit]").click()
    run = page.locator(f'form[action="{url("barometer:import_run", slug=import_round.slug, pk=response_import.pk)}"]')
    expect(run).to_be_visible()
    assert_no_axe_violations(page, "clean dry run")
    assert not Response.objects.exists()

    run.locator("button").click()
    expect(page.locator("#result .message-success")).to_be_visible()
    assert_no_axe_violations(page, "imported")
    answers = {
        response.external_id: {a.question.code: a.value for a in response.answers.all()}
        for response in Response.objects.prefetch_related("answers__question")
    }
    assert answers["1"] == {
        "q_org_kind": "joint_authority",
        "q_established": "yes",
        "q_partners": ["companies", "universities"],
        "q_enablers": {"technology": "large"},
    }
    assert set(answers) == {"1", "2"}


def test_the_progress_bar_follows_a_long_check_and_shows_the_result(
    page: Page, scenario: Any, import_round: Any, url: Any, log_in: Any, monkeypatch: Any
) -> None:
    import time

    from barometer.imports import services
    from barometer.tests.test_import_support import upload

    # Every file goes to the thread, and the rows are checked slowly enough to watch.
    monkeypatch.setattr(services, "SYNC_BYTES", 0)
    real = services._progress

    def slow(pk: int) -> Any:
        report = real(pk)

        def reported(rows: int) -> None:
            report(rows)
            time.sleep(1.5)

        return reported

    monkeypatch.setattr(services, "_progress", slow)
    response_import = upload(scenario.source_editor, import_round, _csv(scenario, rows=1_000).replace(b"Joo", b"Ei"))
    detail = url("barometer:import_detail", slug=import_round.slug, pk=response_import.pk)
    log_in(page, scenario.source_editor, next_path=detail)
    page.locator("#mapping button[type=submit]").click()

    bar = page.get_by_role("progressbar")
    expect(bar).to_be_visible()
    assert_no_axe_violations(page, "check in progress")
    expect(page.locator("[data-progress-refresh]")).to_be_hidden()  # JavaScript follows the work by itself
    # The bar moves as the rows are checked (250 rows of 1,000 between reports).
    expect(bar).to_have_attribute("aria-valuenow", re.compile(r"^(25|50|75)$"), timeout=10_000)
    expect(bar).to_have_attribute("aria-valuetext", re.compile(r"\b(250|500|750)\b"))
    # When the check is done the page shows its result without anyone reloading it.
    expect(
        page.locator(f'form[action="{url("barometer:import_run", slug=import_round.slug, pk=response_import.pk)}"]')
    ).to_be_visible(timeout=20_000)
    expect(bar).to_have_count(0)


def test_without_javascript_the_progress_is_refreshed_by_a_link(
    browser: Any, live_server: Any, scenario: Any, import_round: Any, url: Any, log_in: Any
) -> None:
    from django.utils import timezone

    from barometer.models import ResponseImport
    from barometer.tests.test_import_support import upload
    from barometer.vocabulary import ImportStatus

    response_import = upload(scenario.source_editor, import_round, _csv(scenario))
    ResponseImport.objects.filter(pk=response_import.pk).update(
        status=ImportStatus.CHECKING, rows_done=1, rows_total=2, progress_at=timezone.now()
    )
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False, locale="fi-FI")
    page = context.new_page()
    detail = url("barometer:import_detail", slug=import_round.slug, pk=response_import.pk)
    log_in(page, scenario.source_editor, next_path=detail)
    bar = page.get_by_role("progressbar")
    expect(bar).to_have_attribute("aria-valuenow", "50")
    refresh = page.locator("[data-progress-refresh]")
    expect(refresh).to_be_visible()
    ResponseImport.objects.filter(pk=response_import.pk).update(status=ImportStatus.CHECKED, rows_done=2)
    refresh.click()
    expect(page.get_by_role("progressbar")).to_have_count(0)
    expect(page.locator("#result")).to_be_visible()
    context.close()


def _spss(scenario: Any) -> bytes:
    """An analyst's SPSS file: short variable names, the question texts as variable labels, numeric codes with value
    labels, 9 = "En osaa sanoa" user-missing, a weight that is no question and a misspelt variable name."""
    from barometer.tests.test_import_support import sav_bytes

    return sav_bytes(
        {
            "nro": ["1", "2"],
            "kunta": [scenario.source_org.municipality_code, scenario.adopter_org.municipality_code],
            "k1": [2.0, 1.0],
            "k5": [1.0, 9.0],
            "paino": [1.1, 0.9],
            "q_regoin": [1.0, 2.0],
        },
        {"k1": {1.0: "Kunta tai kaupunki", 2.0: "Kuntayhtymä"}, "k5": {1.0: "Kyllä", 9.0: "En osaa sanoa"}},
        variable_labels={
            "nro": "Vastaustunnus",
            "kunta": "Kuntanumero",
            "k1": "K1. Mikä organisaationne on?",
            "k5": "Onko innovaatiotoiminta osa organisaationne vakiintunutta toimintaa?",
            "paino": "Painokerroin, jolla vastaukset yleistetään koko maahan",
            "q_regoin": "Vanha muuttuja",
        },
        missing={"k5": [9.0]},
    )


def test_the_mapping_screen_shows_spss_labels_and_the_columns_left_out(
    page: Page, scenario: Any, import_round: Any, url: Any, log_in: Any
) -> None:
    from barometer.models import Response, ResponseImport

    imports_path = url("barometer:imports", slug=import_round.slug)
    log_in(page, scenario.source_editor, next_path=imports_path)
    page.locator("#id_file").set_input_files(
        {"name": "aineisto.sav", "mimeType": "application/octet-stream", "buffer": _spss(scenario)}
    )
    page.locator("main form[enctype='multipart/form-data'] button[type=submit]").click()
    response_import = ResponseImport.objects.get()
    detail = url("barometer:import_detail", slug=import_round.slug, pk=response_import.pk)
    expect(page).to_have_url(re.compile(re.escape(detail) + "#mapping$"))
    # Mapped from the variable labels, which the screen shows under the short names.
    expect(page.locator("#id_column_2")).to_have_value("q_org_kind")
    expect(page.locator("#id_column_3")).to_have_value("q_established")
    expect(page.locator(".import-columns .import-column-label").first).to_have_text("Vastaustunnus")
    # The columns left out are listed, the misspelt one with the question its name is like, and a box under it.
    ignored = page.locator("#mapping .import-ignored li")
    expect(ignored).to_have_count(2)
    expect(ignored.nth(0)).to_contain_text("paino")
    expect(ignored.nth(1)).to_contain_text("q_regoin")
    expect(page.locator("#id_leave_5")).to_be_visible()
    assert_no_axe_violations(page, "mapping of an SPSS file")

    # Checked as it is: the misspelt variable is a problem named with its column.
    page.locator("#mapping button[type=submit]").click()
    expect(page.locator(".import-problems tbody tr")).to_have_count(1)
    expect(page.locator(".import-problems tbody tr td").nth(1)).to_have_text("q_regoin")
    assert_no_axe_violations(page, "dry run naming a misspelt variable")

    # Left out on purpose: the check passes, and still lists what is left out.
    page.locator("#id_leave_5").check()
    page.locator("#mapping button[type=submit]").click()
    run = page.locator(f'form[action="{url("barometer:import_run", slug=import_round.slug, pk=response_import.pk)}"]')
    expect(run).to_be_visible()
    expect(page.locator("#result .import-ignored li")).to_have_count(2)
    assert_no_axe_violations(page, "clean dry run listing the columns left out")
    page.set_viewport_size({"width": 390, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert_no_axe_violations(page, "mapping of an SPSS file at 390 px")

    run.locator("button").click()
    expect(page.locator("#result .message-success")).to_be_visible()
    answers = {
        response.external_id: {a.question.code: a.value for a in response.answers.all()}
        for response in Response.objects.prefetch_related("answers__question")
    }
    assert answers == {
        "1": {"q_org_kind": "joint_authority", "q_established": "yes"},
        "2": {"q_org_kind": "municipality", "q_established": "dont_know"},
    }
