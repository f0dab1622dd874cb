"""Barometer fixtures: a small questionnaire that has every question kind and routing, and a round on it.

small_version   questionnaire version: background (kind), introduced (yes/no/dk), types (multiple, routed
                on introduced=yes, "dont_know" excluded), enablers (scale with 2 items), staff (number),
                comments (text)
round_open      an open round on it, organised by org_a, with org_a and org_b in the frame
invitation_b    an invitation for org_b in round_open
clients         a signed-in client for each role of ROLES ("anonymous": nobody)
"""

import datetime
from typing import Any

import pytest
from django.test import Client

from barometer.models import (
    FrameUnit,
    Invitation,
    QuestionnaireVersion,
    Round,
)
from barometer.questionnaires import services as questionnaire_services
from barometer.vocabulary import QuestionKind, RoundStatus
from organisations.models import Organisation
from tests.factories import robot
from tests.pages import client_as


def _question(
    code: str, kind: str, *, choices: tuple[str, ...] = (), excluded: tuple[str, ...] = (), **fields: Any
) -> dict[str, Any]:
    """A question of the small questionnaire in the questionnaire file format: its code is its Finnish text, and
    each choice's code its Finnish and English label."""
    return {
        "code": code,
        "kind": kind,
        "text": {"fi": code},
        "choices": [
            {"code": choice, "label": {"fi": choice, "en": choice}, "excluded_from_percent": choice in excluded}
            for choice in choices
        ],
        **fields,
    }


# Not a background variable here ("background" unset), so that a new response starts empty; tests of the
# prefilling mark it one.
SMALL_QUESTIONNAIRE: dict[str, Any] = {
    "format": "innoverkko-questionnaire/1",
    "questionnaire": {"code": "small", "name": {"fi": "Pieni kysely", "en": "Small"}},
    "version": {"number": 1},
    "sections": [
        {
            "code": "background",
            "title": {"fi": "Taustatiedot"},
            "questions": [
                _question("kind", QuestionKind.SINGLE, choices=("municipality", "joint_authority"), required=True),
                _question(
                    "introduced",
                    QuestionKind.SINGLE,
                    choices=("yes", "no", "dont_know"),
                    excluded=("dont_know",),
                    required=True,
                ),
            ],
        },
        {
            "code": "latest",
            "title": {"fi": "Uusin innovaatio"},
            "show_if": {"question": "introduced", "any_of": ["yes"]},
            "questions": [
                _question(
                    "types", QuestionKind.MULTIPLE, choices=("service", "process", "dont_know"), excluded=("dont_know",)
                )
            ],
        },
        {
            "code": "other",
            "title": {"fi": "Muuta"},
            "questions": [
                {
                    **_question(
                        "enablers",
                        QuestionKind.SCALE,
                        choices=("large", "some", "little", "not_at_all", "dont_know"),
                        excluded=("dont_know",),
                    ),
                    "items": [{"code": code, "label": {"fi": code}} for code in ("technology", "competence")],
                },
                _question("staff", QuestionKind.NUMBER, min_value=0, max_value=100000),
                _question("comments", QuestionKind.TEXT),
            ],
        },
    ],
}


@pytest.fixture
def small_version(org_a: Organisation) -> QuestionnaireVersion:
    """The small questionnaire imported for org_a by the questionnaire service, as a draft version 1."""
    return questionnaire_services.questionnaire_import(actor=robot(), organiser=org_a, data=SMALL_QUESTIONNAIRE).version


def make_open_round(version: QuestionnaireVersion, organiser: Organisation, *, slug: str, **fields: Any) -> Round:
    """A round open since yesterday for 30 more days, on `version`, about the last two years.

    A row, not tests.factories.RoundFactory: opening a round through the services freezes its questionnaire
    version, and tests of the questionnaire editor check the refusals that guard a draft version in a round."""
    today = datetime.date.today()
    return Round.objects.create(
        slug=slug,
        questionnaire_version=version,
        organiser=organiser,
        year=today.year,
        reference_period_start=today.replace(year=today.year - 2),
        reference_period_end=today,
        opens_on=today - datetime.timedelta(days=1),
        closes_on=today + datetime.timedelta(days=30),
        status=RoundStatus.OPEN,
        **fields,
    )


@pytest.fixture
def round_open(small_version: QuestionnaireVersion, org_a: Organisation, org_b: Organisation) -> Round:
    round_ = make_open_round(small_version, org_a, slug="test-round", name_fi="Testikierros", name_en="Test round")
    for org in (org_a, org_b):
        FrameUnit.objects.create(
            round=round_,
            organisation=org,
            kind=org.kind,
            size_class=org.size_class,
            region_code=org.region.code if org.region else "",
        )
    return round_


@pytest.fixture
def invitation_b(round_open: Round, org_b: Organisation) -> Invitation:
    return Invitation.objects.create(
        round=round_open,
        frame_unit=round_open.frame.get(organisation=org_b),
        email="respondent@example.org",
        token="t" * 43,
    )


ROLES = ("anonymous", "registered_user", "editor_a", "admin_a", "editor_b", "platform_admin")


@pytest.fixture
def clients(request: pytest.FixtureRequest) -> dict[str, Client]:
    return {role: client_as(role, request) for role in ROLES}
