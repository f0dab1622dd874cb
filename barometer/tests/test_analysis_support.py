"""Rounds with answers for the analysis, chart, report and results page tests (no tests here).

`round_with_random_answers` is a scenario builder, not a copy of RoundFactory: it opens a round through
RoundFactory (the services) on the small questionnaire (barometer/tests/conftest.py: kind, introduced, types
routed on introduced=yes, the enablers scale, staff number, comments), draws its frame from the reference data's
municipalities into made-up strata and gives one submitted response per responding organisation, as rows (see
the function). The answers come from a seeded random generator, so every run sees the same data and the tests
recount it independently.

    analysed_round   published, 4 strata (kind × region) of 10 organisations each, 7 respondents per stratum
    previous_round   an earlier published round of the same questionnaire with fewer respondents
"""

import datetime
import random
from collections.abc import Sequence
from typing import Any

import pytest
from django.utils import timezone

from barometer.models import Answer, FrameUnit, Question, QuestionnaireVersion, Response, Round
from barometer.vocabulary import ResponseSource, ResponseStatus, RoundStatus, Unit
from organisations.models import Organisation
from tests.factories import RoundFactory

# (kind, size class, region) of each stratum and how many of its 10 organisations answer.
STRATA: tuple[tuple[tuple[str, str, str], int], ...] = (
    (("municipality", "lt5k", "01"), 7),
    (("municipality", "lt5k", "02"), 7),
    (("joint_authority", "lt5k", "01"), 7),
    (("joint_authority", "lt5k", "02"), 7),
)
FRAME_PER_STRATUM = 10


def random_answers(rng: random.Random, kind: str, yes_share: float = 0.7) -> dict[str, Any]:
    """One respondent's answers to the small questionnaire, following its routing, with gaps and "don't know"s."""
    answers: dict[str, Any] = {"kind": "municipality" if kind == "municipality" else "joint_authority"}
    answers["introduced"] = rng.choices(["yes", "no", "dont_know"], [yes_share, 0.9 - yes_share, 0.1])[0]
    if answers["introduced"] == "yes" and rng.random() > 0.05:
        if rng.random() < 0.1:
            answers["types"] = ["dont_know"]
        else:
            answers["types"] = [c for c in ("service", "process") if rng.random() < 0.6] or ["service"]
    enablers = {}
    for item in ("technology", "competence"):
        if rng.random() > 0.05:
            enablers[item] = rng.choice(["large", "large", "some", "some", "little", "not_at_all", "dont_know"])
    if enablers:
        answers["enablers"] = enablers
    if rng.random() > 0.1:
        answers["staff"] = rng.randint(10, 5000)
    if rng.random() < 0.3:
        answers["comments"] = rng.choice(["Hyvä kysely.", "Liian pitkä.", "Kiitos!"])
    return answers


def round_with_random_answers(
    version: QuestionnaireVersion,
    organiser: Organisation,
    *,
    slug: str,
    year: int,
    strata: Sequence[tuple[tuple[str, str, str], int]] = STRATA,
    seed: int = 1,
    status: str = RoundStatus.PUBLISHED,
    unit: str = Unit.ORGANISATION,
    previous: Round | None = None,
    yes_share: float = 0.7,
    **fields: Any,
) -> Round:
    today = datetime.date(year, 6, 1)
    municipalities = iter(Organisation.objects.filter(kind="municipality").order_by("municipality_code"))
    frame = [[next(municipalities) for _ in range(FRAME_PER_STRATUM)] for _stratum in strata]
    round_ = RoundFactory.create(
        slug=slug,
        name_fi=f"Barometri {year}",
        name_sv=f"Barometern {year}",
        name_en=f"Barometer {year}",
        questionnaire_version=version,
        organiser=organiser,
        year=year,
        reference_period_start=today.replace(year=year - 2),
        reference_period_end=today,
        opens_on=today,
        closes_on=today + datetime.timedelta(days=30),
        status=status,
        unit=unit,
        previous_round=previous,
        frame=frame[0][:1],  # a round is opened with a frame; the rest of it is rows, below
        **fields,
    )
    # The strata are made up (e.g. municipalities counted as joint authorities), so the frame units are rows with
    # those strata, not the service's snapshot of each organisation; and so are the answers, as an import leaves
    # them: hundreds of frame units and responses through the services would make every analysis test slower.
    first = round_.frame.get()
    (kind, size_class, region), _responding = strata[0]
    FrameUnit.objects.filter(pk=first.pk).update(kind=kind, size_class=size_class, region_code=region)
    rng = random.Random(seed)
    questions = {q.code: q for q in Question.objects.filter(version=version)}
    for ((kind, size_class, region), responding), organisations in zip(strata, frame, strict=True):
        for index, organisation in enumerate(organisations):
            unit_ = (
                first
                if organisation == first.organisation
                else FrameUnit.objects.create(
                    round=round_, organisation=organisation, kind=kind, size_class=size_class, region_code=region
                )
            )
            if index < responding:
                submit(round_, unit_, questions, random_answers(rng, kind, yes_share))
    return round_


def submit(
    round_: Round,
    frame_unit: FrameUnit,
    questions: dict[str, Question],
    answers: dict[str, Any],
    *,
    status: str = ResponseStatus.SUBMITTED,
    when: datetime.datetime | None = None,
) -> Response:
    response = Response.objects.create(
        round=round_,
        frame_unit=frame_unit,
        source=ResponseSource.IMPORT,
        status=status,
        submitted_at=(when or timezone.now()) if status == ResponseStatus.SUBMITTED else None,
    )
    Answer.objects.bulk_create(
        Answer(response=response, question=questions[code], value=value) for code, value in answers.items()
    )
    return response


@pytest.fixture
def analysed_round(small_version: QuestionnaireVersion, org_a: Organisation) -> Round:
    return round_with_random_answers(small_version, org_a, slug="barometri-2022", year=2022, seed=2022)


@pytest.fixture
def previous_round(small_version: QuestionnaireVersion, org_a: Organisation, analysed_round: Round) -> Round:
    earlier = round_with_random_answers(
        small_version,
        org_a,
        slug="barometri-2018",
        year=2018,
        seed=2018,
        yes_share=0.4,
        strata=[(stratum, 6) for stratum, _n in STRATA],
    )
    analysed_round.previous_round = earlier
    analysed_round.save(update_fields=["previous_round"])
    return earlier
