"""Try-out rounds: an open link anyone may use to answer the survey, each visitor with a key of their own, limited
per address; a try-out round's results are never published, and answering it leaves other rounds untouched."""

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation

from barometer.answering import views as answering
from barometer.models import Invitation, Response, Round
from barometer.rounds import services as round_services
from barometer.tests.test_answering_views import give, page
from barometer.vocabulary import ResponseStatus, RoundStatus

pytestmark = pytest.mark.django_db


def tryout_url(round_: Round) -> str:
    with translation.override("fi"):
        return reverse("barometer:tryout", kwargs={"slug": round_.slug})


@pytest.fixture
def tryout(round_open: Round) -> Round:
    Round.objects.filter(pk=round_open.pk).update(is_tryout=True)
    round_open.refresh_from_db()
    return round_open


def test_the_open_link_gives_each_visitor_their_own_key_to_answer_and_submit(tryout: Round) -> None:
    first, second = Client(), Client()
    assert first.get(tryout_url(tryout)).status_code == 200
    assert not Invitation.objects.exists()  # looking at the page makes nothing
    to_answer = first.post(tryout_url(tryout))
    other = second.post(tryout_url(tryout))
    assert to_answer.status_code == other.status_code == 302
    mine, theirs = Invitation.objects.order_by("pk")
    assert mine.token != theirs.token
    assert len(mine.token) >= 43  # 256 random bits
    assert to_answer["Location"].endswith(f"/answer/{mine.token}/")
    assert first.get(page(mine, "background")).status_code == 200
    give(mine, kind="municipality", introduced="no")
    with translation.override("fi"):
        submitted = first.post(reverse("barometer:answer_check", kwargs={"token": mine.token}))
    assert submitted.status_code == 302
    assert Response.objects.get(invitation=mine).status == ResponseStatus.SUBMITTED
    assert not Response.objects.filter(invitation=theirs).exists()


def test_only_an_open_try_out_round_has_an_open_link(round_open: Round) -> None:
    client = Client()
    assert client.get(tryout_url(round_open)).status_code == 404  # an ordinary round: invitations only
    assert client.post(tryout_url(round_open)).status_code == 404
    with pytest.raises(ValidationError):
        round_services.tryout_start(round=round_open, language="fi")
    Round.objects.filter(pk=round_open.pk).update(is_tryout=True, status=RoundStatus.CLOSED)
    assert client.post(tryout_url(round_open)).status_code == 404
    assert not Invitation.objects.exists()


def test_starting_try_outs_is_limited_per_address(tryout: Round, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(answering, "TRYOUT_RATE", "2/h")
    statuses = [Client().post(tryout_url(tryout)).status_code for _ in range(4)]
    assert statuses == [302, 302, 429, 429]
    assert Invitation.objects.count() == 2


def test_a_try_out_round_is_never_published_and_leaves_other_rounds_alone(
    tryout: Round, small_version: Any, org_a: Any, platform_admin: Any
) -> None:
    real = Round.objects.create(
        slug="real",
        name_fi="Oikea",
        questionnaire_version=small_version,
        organiser=org_a,
        year=tryout.year,
        reference_period_start=tryout.reference_period_start,
        reference_period_end=tryout.reference_period_end,
        opens_on=tryout.opens_on,
        closes_on=tryout.closes_on,
        status=RoundStatus.OPEN,
    )
    Client().post(tryout_url(tryout))
    assert not real.responses.exists()
    assert not real.invitations.exists()
    Round.objects.filter(pk=tryout.pk).update(status=RoundStatus.CLOSED)
    tryout.refresh_from_db()
    with translation.override("en"), pytest.raises(ValidationError, match="never published"):
        round_services.round_publish(actor=platform_admin, round=tryout, expected_version=tryout.version)


def test_the_barometer_page_links_the_open_try_out(tryout: Round) -> None:
    with translation.override("fi"):
        text = Client().get(reverse("barometer:index")).content.decode()
    assert tryout_url(tryout) in text
