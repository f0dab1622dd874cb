"""Issue 12, item 15: words on the idea and challenge pages as Finnish and Swedish readers see them. Each test
fails on the code before the fix."""

import datetime
from typing import Any

import pytest
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.utils import timezone, translation

from ideas.models import Challenge, Idea
from tests.factories import ChallengeFactory
from tests.pages import client_for, url

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "sent", "report", "wrong"),
    [
        ("fi", "<dt>Lähetetty</dt>", "Ilmoita<span", ("Kutsu lähetetty", "Raportti")),
        ("sv", "<dt>Skickad</dt>", "Anmäl<span", ("Inbjudan skickad", "Rapport")),
    ],
)
def test_idea_page_says_sent_and_report_in_the_ideas_sense(
    idea_a: Idea, language: str, sent: str, report: str, wrong: tuple[str, ...]
) -> None:
    """ "Sent" showed as "Kutsu lähetetty" (an invitation's status) and "Report" as "Raportti" on every idea."""
    page = Client().get(url("ideas:idea", language, pk=idea_a.pk)).content.decode()
    assert sent in page
    assert report in page
    for word in wrong:
        assert word not in page


def test_finnish_screen_reader_text_of_the_report_link_is_grammatical(idea_a: Idea) -> None:
    page = Client().get(url("ideas:idea", "fi", pk=idea_a.pk)).content.decode()
    assert "tästä ideasta moderaattoreille" in page


@pytest.mark.parametrize(
    ("language", "closed", "closes"), [("fi", "suljettu", "sulkeutuu"), ("en", "closed", "closes")]
)
def test_a_challenge_past_its_closing_date_says_closed(
    org_a: Any, editor_a: Any, language: str, closed: str, closes: str
) -> None:
    past = ChallengeFactory.create(
        owner=org_a, actor=editor_a, unnumbered=True, title_fi="Mennyt haaste", title_en="Past challenge"
    )
    Challenge.objects.filter(pk=past.pk).update(closes_on=datetime.date(2025, 11, 22))
    future = timezone.localdate() + datetime.timedelta(days=30)
    ChallengeFactory.create(
        owner=org_a,
        actor=editor_a,
        unnumbered=True,
        title_fi="Tuleva haaste",
        title_en="Coming challenge",
        closes_on=future,
    )
    page = Client().get(url("ideas:list", language)).content.decode()
    with translation.override(language):
        date = {"fi": "22.11.2025", "en": "22 Nov 2025"}[language]
    assert f"{closed} {date}" in page
    assert f"{closes} {date}" not in page
    assert closes in page  # the open one still says when it closes


def test_duplicate_suggestion_shows_the_ideas_number(idea_a: Idea, editor_a: Any) -> None:
    """ "nro , samankaltaisuus 15 %": blocktranslate cannot read other.pk, so the number was empty."""
    request = RequestFactory().get("/")
    request.user = editor_a
    with translation.override("fi"):
        html = render_to_string(
            "ideas/merging/tools.html",
            {"idea": idea_a, "is_handler": True, "merged_into": None, "suggestions": [(idea_a, 0.155)]},
            request=request,
        )
    assert f"nro {idea_a.pk}, samankaltaisuus 16\u00a0%" in html


def test_my_ideas_list_says_sent_not_invitation_sent(idea_a: Idea, sender: Any) -> None:
    page = client_for(sender).get(url("ideas:my_ideas", "fi")).content.decode()
    assert "Kutsu lähetetty" not in page
