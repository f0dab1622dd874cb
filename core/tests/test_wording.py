"""Issue 12, item 15 (wording and formats): each test reads a page or a function as a Finnish, Swedish or English
reader meets it, and fails on the code before the fix."""

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.staticfiles import finders
from django.test import Client, override_settings
from django.utils import formats, translation

from core.templatetags.innoverkko import percent
from experiments.forms import ExperimentForm
from innovations import services as innovation_services
from innovations.vocabulary import Novelty
from tests.factories import AdoptionFactory, InnovationFactory, OrganisationFactory, ThemeFactory
from tests.pages import client_for, url

APRIL_6 = datetime.date(2025, 4, 6)


# --- dates ----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "short", "long"),
    [("fi", "6.4.2025", "6. huhtikuuta 2025"), ("sv", "6.4.2025", "6.4.2025"), ("en", "6 Apr 2025", "6 April 2025")],
)
def test_dates_as_written_in_finland_in_every_language(language: str, short: str, long: str) -> None:
    """Swedish showed Sweden's 2025-04-06 and English the US 04/06/2025 and "April 6, 2025"."""
    with translation.override(language):
        assert formats.date_format(APRIL_6, "SHORT_DATE_FORMAT") == short
        assert formats.date_format(APRIL_6) == long
        moment = datetime.datetime(2025, 4, 6, 14, 5)
        assert formats.date_format(moment, "SHORT_DATETIME_FORMAT").startswith(short)


def test_swedish_date_inputs_take_the_finnish_order() -> None:
    with translation.override("sv"):
        assert "%d.%m.%Y" in formats.get_format("DATE_INPUT_FORMATS")


# --- percentages: one rounding everywhere ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "places", "expected"),
    [(57.55, 1, "57.6"), (2.5, 0, "3"), (0.5, 0, "1"), (-0.5, 0, "-1"), (12.45, 1, "12.5"), (-0.04, 1, "0.0")],
)
def test_round_half_away_from_zero(value: float, places: int, expected: str) -> None:
    from core.rounding import round_half_away

    assert str(round_half_away(value, places)) == expected


def test_every_percentage_rounds_the_same_way() -> None:
    """Python's round() gave 12 % for 0.125 and Django's number_format cut 66.67 to "66.6": the response-rate
    headline and its table disagreed (57.5 % vs 57.6 %)."""
    from barometer.results.charts import percent_text
    from barometer.rounds.views import rate_text

    with translation.override("en"):
        assert percent(0.125) == "13%"
        assert percent_text(62.5) == "63%"
        assert rate_text(2 / 3) == "66.7%"
        assert rate_text(0.5755) == "57.6%"
    with translation.override("fi"):
        assert rate_text(2 / 3) == "66,7\u00a0%"


# --- the budget field takes a decimal comma --------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "typed", "expected"),
    [
        ("fi", "12 500,50", Decimal("12500.50")),
        ("fi", "12500,5", Decimal("12500.5")),
        ("sv", "12\u00a0500,50", Decimal("12500.50")),
        ("fi", "12500.50", Decimal("12500.50")),
        ("en", "12,500.50", Decimal("12500.50")),
    ],
)
def test_budget_accepts_the_languages_own_number(language: str, typed: str, expected: Decimal) -> None:
    with translation.override(language):
        field = ExperimentForm.base_fields["budget"]
        assert field.clean(typed) == expected


@pytest.mark.django_db
def test_budget_refuses_an_ambiguous_english_comma() -> None:
    from django.core.exceptions import ValidationError

    with translation.override("en"), pytest.raises(ValidationError):
        ExperimentForm.base_fields["budget"].clean("12,50")


# --- favicon --------------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_every_page_links_a_favicon_that_is_served() -> None:
    page = Client().get(url("core:home", "fi")).content.decode()
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in page
    assert 'href="/static/favicon.png"' in page
    for name in ("favicon.svg", "favicon.png", "favicon.ico"):
        assert finders.find(name), name
    with override_settings(WHITENOISE_USE_FINDERS=True, WHITENOISE_AUTOREFRESH=True):
        client = Client()  # a new client builds its middleware with these settings
        for path, kind in (("/static/favicon.svg", "image/svg+xml"), ("/static/favicon.png", "image/png")):
            response = client.get(path)
            assert response.status_code == 200, path
            assert response["Content-Type"].startswith(kind)
        redirect = client.get("/favicon.ico")
        assert redirect.status_code == 301
        assert client.get(redirect["Location"]).status_code == 200


# --- front page -----------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_front_page_does_not_repeat_one_innovation_as_identical_cards() -> None:
    source = InnovationFactory(title_fi="Ikäihmisten kotikuntoutus", summary_fi="Sama tiivistelmä kaikille.")
    for _ in range(3):
        AdoptionFactory(source=source, adopter=OrganisationFactory(), mode=Novelty.COPIED)
    InnovationFactory(title_fi="Kirjaston lainauspalvelu")
    page = Client().get(url("core:home", "fi")).content.decode()
    latest = page.split('id="latest-title"')[1]
    assert latest.count("Ikäihmisten kotikuntoutus") == 1
    assert "Kirjaston lainauspalvelu" in latest


# --- change history -------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_change_history_names_themes_in_the_readers_language(org_a: Any, editor_a: Any) -> None:
    theme = ThemeFactory.create(
        slug="hyvinvointi-ja-terveys", name_fi="Hyvinvointi ja terveys", name_sv="Välfärd och hälsa"
    )
    innovation = InnovationFactory.create(owner=org_a, actor=editor_a)
    innovation_services.innovation_update(
        actor=editor_a, innovation=innovation, expected_version=innovation.version, data={}, themes=[theme]
    )
    client = client_for(editor_a)
    for language, name in (("fi", "Hyvinvointi ja terveys"), ("sv", "Välfärd och hälsa")):
        page = client.get(url("innovations:detail", language, pk=innovation.pk)).content.decode()
        history = page.split('id="changes-title"')[1]
        assert name in history
        assert "hyvinvointi-ja-terveys" not in history


# --- Django's own password message in the service's words ------------------------------------------------------------


@pytest.mark.django_db
def test_register_page_says_the_password_length_in_good_finnish() -> None:
    page = Client().get(url("accounts:register", "fi")).content.decode()
    assert "tulee sisältää" not in page
    assert "Salasanassa on oltava vähintään 8 merkkiä." in page


def test_quotation_marks_follow_the_language() -> None:
    from core import formatting

    with translation.override("fi"):
        assert formatting.quoted("Kyllä") == "”Kyllä”"
    with translation.override("en"):
        assert formatting.quoted("Yes") == "“Yes”"
