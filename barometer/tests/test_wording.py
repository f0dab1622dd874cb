"""Issue 12, item 15: the round pages' words and figures in Finnish and Swedish; each test fails on the code before
the fix."""

import pytest
from django.utils import translation

from barometer.imports import views as import_views
from barometer.models import Invitation, Round
from barometer.tests.test_rounds_support import respond, url
from barometer.vocabulary import QuestionKind
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def test_no_button_offers_to_send_zero_invitations(client, editor_a, round_open, invitation_b):
    Invitation.objects.filter(pk=invitation_b.pk).update(sent_at="2026-12-01T10:00:00+02:00")
    client.force_login(editor_a)
    page = client.get(url("barometer:round_invitations", language="fi", slug=round_open.slug)).content.decode()
    assert "Lähetä 0 kutsua" not in page
    assert "Lähettämättömiä kutsuja ei ole." in page
    assert "Lähetä 0 muistutusta" not in page


def test_one_waiting_invitation_is_offered_in_the_singular(client, editor_a, round_open, invitation_b):
    client.force_login(editor_a)
    page = client.get(url("barometer:round_invitations", language="fi", slug=round_open.slug)).content.decode()
    assert "Lähetä 1 kutsu<" in page


def test_invitation_status_column_says_answers_submitted_not_sent(client, editor_a, round_open, invitation_b):
    """ "Lähetetty" in the invitation-status column read as "sent", after "Kutsu lähetetty"."""
    Invitation.objects.filter(pk=invitation_b.pk).update(sent_at="2026-12-01T10:00:00+02:00")
    respond(invitation_b.frame_unit, invitation=invitation_b)
    client.force_login(editor_a)
    page = client.get(url("barometer:round_invitations", language="fi", slug=round_open.slug)).content.decode()
    assert "Vastaukset lähetetty" in page


def test_response_rate_headline_and_table_round_alike(client, editor_a, round_open: Round):
    """2 of 3 organisations: the headline said 66,7 % (floatformat rounds), the table 66,6 % (number_format cuts)."""
    frame = list(round_open.frame.all())
    third = OrganisationFactory.create()
    frame.append(round_open.frame.create(organisation=third, kind=third.kind, size_class=third.size_class))
    assert len(frame) == 3
    for unit in frame[:2]:
        respond(unit)
    client.force_login(editor_a)
    detail = client.get(url("barometer:round_detail", language="fi", slug=round_open.slug)).content.decode()
    dashboard = client.get(url("barometer:round_dashboard", language="fi", slug=round_open.slug)).content.decode()
    data = client.get(url("barometer:round_dashboard_data", language="fi", slug=round_open.slug)).json()
    assert "66,7\u00a0%" in detail
    assert "66,7\u00a0%" in dashboard
    assert "66,6" not in detail + dashboard
    assert data["overall"]["rate_text"] == "66,7\u00a0%"


@pytest.mark.parametrize(
    ("count", "fi", "sv"),
    [(1, "1 rivi tarkistettu", "1 rad kontrollerad"), (2, "2 riviä tarkistettu", "2 rader kontrollerade")],
)
def test_rows_checked_in_the_singular_and_plural(count, fi, sv):
    class Progress:
        stale = saving = False
        working = True
        rows_done = count
        rows_total = 0
        status = "checking"

    for language, expected in (("fi", fi), ("sv", sv)):
        with translation.override(language):
            assert import_views._progress_text(Progress()) == expected


def test_number_as_a_question_type_is_luku_not_numero():
    """One msgid served the Lab table's count column (Lukumäärä) and the question type (Luku): both read "Numero"."""
    with translation.override("fi"):
        assert str(QuestionKind.NUMBER.label) == "Luku"
    with translation.override("sv"):
        assert str(QuestionKind.NUMBER.label) == "Tal"
