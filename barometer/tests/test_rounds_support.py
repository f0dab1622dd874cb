"""Helpers for the round tests (no tests here): a round's form data, a draft round made through the services, and
responses for frame units.

Responses are rows made directly: the answering form is another module's business, and these tests only need
a response's status to exist.
"""

import datetime
from typing import Any

from django.utils import timezone

from barometer.models import FrameUnit, Invitation, QuestionnaireVersion, Response, Round
from barometer.rounds import services
from barometer.vocabulary import ResponseStatus
from organisations.models import Organisation
from tests.pages import url as url  # shared; imported from here by the round page tests

ROLES = ("anonymous", "registered_user", "editor_b", "editor_a", "admin_a", "platform_admin")
TEAM = {"editor_a", "admin_a", "platform_admin"}
ADMINS = {"admin_a", "platform_admin"}


def round_data(questionnaire_version: QuestionnaireVersion, /, **overrides: Any) -> dict[str, Any]:
    today = timezone.localdate()
    data: dict[str, Any] = {
        "name_fi": "Innovaatiobarometri",
        "name_sv": "Innovationsbarometern",
        "name_en": "Innovation barometer",
        "questionnaire_version": questionnaire_version,
        "sector": "municipal",
        "year": today.year,
        "reference_period_start": today.replace(year=today.year - 2),
        "reference_period_end": today,
        "opens_on": today,
        "closes_on": today + datetime.timedelta(days=30),
        "unit": "organisation",
        "answers_public": False,
    }
    data.update(overrides)
    return data


def make_round(actor: Any, organiser: Organisation, version: QuestionnaireVersion, *frame: Organisation) -> Round:
    round = services.round_create(actor=actor, organiser=organiser, data=round_data(version))
    for organisation in frame:
        services.frame_add(actor=actor, round=round, organisation=organisation)
    round.refresh_from_db()
    return round


def respond(unit: FrameUnit, status: str = ResponseStatus.SUBMITTED, invitation: Invitation | None = None) -> Response:
    return Response.objects.create(
        round=unit.round,
        frame_unit=unit,
        invitation=invitation,
        status=status,
        submitted_at=timezone.now() if status == ResponseStatus.SUBMITTED else None,
    )
