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
    Choice,
    FrameUnit,
    Invitation,
    Item,
    Question,
    Questionnaire,
    QuestionnaireVersion,
    Round,
    Section,
)
from barometer.vocabulary import QuestionKind, RoundStatus
from organisations.models import Organisation
from tests.pages import client_as


def _question(section: Section, order: int, code: str, kind: str, **fields: Any) -> Question:
    return Question.objects.create(
        section=section, version=section.version, order=order, code=code, kind=kind, text_fi=code, **fields
    )


def _choices(question: Question, *codes: str, excluded: tuple[str, ...] = ()) -> None:
    for order, code in enumerate(codes):
        Choice.objects.create(
            question=question,
            order=order,
            code=code,
            label_fi=code,
            label_en=code,
            excluded_from_percent=code in excluded,
        )


@pytest.fixture
def small_version(org_a: Organisation) -> QuestionnaireVersion:
    questionnaire = Questionnaire.objects.create(code="small", name_fi="Pieni kysely", name_en="Small", organiser=org_a)
    version = QuestionnaireVersion.objects.create(questionnaire=questionnaire, number=1)
    background = Section.objects.create(version=version, order=0, code="background", title_fi="Taustatiedot")
    # Not a background variable here, so that a new response starts empty; tests of the prefilling mark it one.
    kind = _question(background, 0, "kind", QuestionKind.SINGLE, required=True)
    _choices(kind, "municipality", "joint_authority")
    introduced = _question(background, 1, "introduced", QuestionKind.SINGLE, required=True)
    _choices(introduced, "yes", "no", "dont_know", excluded=("dont_know",))
    latest = Section.objects.create(
        version=version,
        order=1,
        code="latest",
        title_fi="Uusin innovaatio",
        show_if={"question": "introduced", "any_of": ["yes"]},
    )
    types = _question(latest, 0, "types", QuestionKind.MULTIPLE)
    _choices(types, "service", "process", "dont_know", excluded=("dont_know",))
    other = Section.objects.create(version=version, order=2, code="other", title_fi="Muuta")
    enablers = _question(other, 0, "enablers", QuestionKind.SCALE)
    _choices(enablers, "large", "some", "little", "not_at_all", "dont_know", excluded=("dont_know",))
    for order, code in enumerate(("technology", "competence")):
        Item.objects.create(question=enablers, order=order, code=code, label_fi=code)
    _question(other, 1, "staff", QuestionKind.NUMBER, min_value=0, max_value=100000)
    _question(other, 2, "comments", QuestionKind.TEXT)
    return version


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
