"""Helpers for the round tests (no tests here): a round's form data and responses for frame units (a round itself
comes from tests.factories.RoundFactory).

Responses are rows made directly: the answering form is another module's business, and these tests only need
a response's status to exist.
"""

import datetime
from typing import Any

from django.utils import timezone

from barometer.models import FrameUnit, Invitation, QuestionnaireVersion, Response
from barometer.vocabulary import ResponseStatus
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


def respond(unit: FrameUnit, status: str = ResponseStatus.SUBMITTED, invitation: Invitation | None = None) -> Response:
    return Response.objects.create(
        round=unit.round,
        frame_unit=unit,
        invitation=invitation,
        status=status,
        submitted_at=timezone.now() if status == ResponseStatus.SUBMITTED else None,
    )
