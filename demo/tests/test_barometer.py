"""The synthetic barometer rounds: loaded once for the module (inside a transaction rolled back at the end), then
checked by recounting the stored answers with plain Python, independently of the generator and the analysis.

The frame is the reference data's 309 municipalities plus three joint municipal authorities made here, and
Kuntaliitto (the questionnaire's organiser), as the demo registry would have them.
"""

import datetime
import math
import random
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.test import Client
from pytest_django import DjangoDbBlocker

from barometer import answers as answer_rules
from barometer.models import Answer, Choice, FrameUnit, Questionnaire, Response, Round
from barometer.selectors import version_spec
from barometer.vocabulary import ResponseStatus, RoundStatus, Unit, VersionStatus
from demo.barometer import (
    DEFAULT_SEED,
    INVITED_SLUG,
    ROUND_2018,
    ROUND_2022,
    TRYOUT_SLUG,
    DemoRoundsResult,
    Planner,
    _questions,
    demo_rounds_delete,
    demo_rounds_load,
    draw_respondents,
    exact_count,
    frame_rows,
)
from organisations.models import Organisation, OrganisationKind
from tests.db import kept_for_the_module
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

# The figures of the Innovation Barometer 2022 (municipal sector) as the issue lists them:
# (question, what counts as the answer (choice code; for a scale or grid, item and the counting columns), %).
HEADLINE_2022: list[tuple[str, str, tuple[str, ...], int]] = [
    ("q_established", "yes", (), 58),
    ("q_supports", "yes", (), 90),
    ("q_partners", "other_municipalities", (), 79),
    ("q_partners", "companies", (), 64),
    ("q_partners", "universities", (), 58),
    ("q_steering", "regional_council", (), 71),
    ("q_steering", "ministry", (), 66),
    ("q_steering", "government", (), 61),
    ("q_enablers", "technology", ("large", "some"), 78),
    ("q_enablers", "staff_competence", ("large", "some"), 75),
    ("q_enablers", "cooperation", ("large", "some"), 70),
    ("q_coordination", "yes", (), 33),  # a separate central function (unit, team or Lab): one in three
    ("q_channels", "own_website", (), 80),  # four in five
    ("q_channels", "own_networks", (), 80),
    ("q_channels", "partner_channels", (), 50),  # half
]


def report_round(share: float) -> int:
    """A percentage rounded as a report rounds it (half up)."""
    return math.floor(100 * share + 0.5)


@pytest.fixture(scope="module")
def loaded(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[DemoRoundsResult]:
    with kept_for_the_module(django_db_blocker):
        OrganisationFactory(
            kind=OrganisationKind.OTHER,
            name_fi="Suomen Kuntaliitto",
            name_sv="Finlands Kommunförbund",
            name_en="Association of Finnish Municipalities",
            is_synthetic=True,
        )
        # Named here, not by the factory's counter: the frame is drawn in the order of its slugs, so a name that
        # depended on how many organisations earlier tests made would change the draw and the figures.
        for place in ("Kallio", "Koivula", "Kuusela"):
            OrganisationFactory(
                kind=OrganisationKind.JOINT_AUTHORITY,
                name_fi=f"{place}n kuntayhtymä",
                name_sv=f"Samkommunen {place}",
                name_en=f"{place} joint municipal authority",
                is_synthetic=True,
            )
        yield demo_rounds_load()


@pytest.fixture
def round_2022(loaded: DemoRoundsResult) -> Round:
    return Round.objects.get(slug=ROUND_2022.slug)


@pytest.fixture
def round_2018(loaded: DemoRoundsResult) -> Round:
    return Round.objects.get(slug=ROUND_2018.slug)


def answers_of(round_: Round, code: str) -> list[Any]:
    return list(Answer.objects.filter(response__round=round_, question__code=code).values_list("value", flat=True))


def share(round_: Round, code: str, answer: str, columns: tuple[str, ...] = ()) -> tuple[int, int]:
    """(count, denominator) by a plain recount: those who answered, minus those whose only answers the question
    leaves out of percentages; for a scale or grid item, `answer` is the item and `columns` the counted choices."""
    excluded = set(
        Choice.objects.filter(
            question__version=round_.questionnaire_version, question__code=code, excluded_from_percent=True
        ).values_list("code", flat=True)
    )
    count = denominator = 0
    for value in answers_of(round_, code):
        chosen = [value.get(answer)] if columns else (value if isinstance(value, list) else [value])
        chosen = [c for c in chosen if c is not None]
        if not chosen or set(chosen) <= excluded:
            continue
        denominator += 1
        count += bool(set(columns) & set(chosen)) if columns else answer in chosen
    return count, denominator


# --- the figures ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("code", "answer", "columns", "percent"), HEADLINE_2022, ids=lambda v: str(v))
def test_unweighted_results_reproduce_the_report(
    round_2022: Round, code: str, answer: str, columns: tuple[str, ...], percent: int
) -> None:
    count, denominator = share(round_2022, code, answer, columns)
    assert denominator >= 150  # the right denominator: those asked, minus "don't know"
    assert report_round(count / denominator) == percent, f"{count}/{denominator}"


def test_96_percent_introduced_innovations(round_2022: Round) -> None:
    grids = answers_of(round_2022, "q_introduced_types")
    assert len(grids) == 182
    introduced = sum("yes" in grid.values() for grid in grids)
    assert (introduced, report_round(introduced / 182)) == (175, 96)
    # Service innovations are the most common type; process and organisational ones next.
    yes = {item: share(round_2022, "q_introduced_types", item, ("yes",))[0] for item in grids[0]}
    assert sorted(yes, key=yes.__getitem__, reverse=True)[:3] == ["service", "process", "organisational"]


def test_adaptations_new_and_copies_as_in_the_seed(round_2022: Round) -> None:
    """Over half adaptations, about half entirely new, a good third copies (several answers allowed)."""
    percent = {
        code: report_round(count / n)
        for code in ("adapted", "new", "copied")
        for count, n in [share(round_2022, "q_novelty", code)]
    }
    assert percent["adapted"] > 50
    assert 48 <= percent["new"] <= 52
    assert 33 <= percent["copied"] <= 37


def test_the_three_steering_strategies_and_enablers_lead(round_2022: Round) -> None:
    def ranked(code: str, options: list[str], columns: tuple[str, ...] = ()) -> list[str]:
        counts = {o: share(round_2022, code, o, columns) for o in options}
        return sorted(options, key=lambda o: counts[o][0] / counts[o][1], reverse=True)

    steering = [c.code for c in Choice.objects.filter(question__code="q_steering", question__version__number=1)]
    assert ranked("q_steering", [c for c in steering if c not in ("none", "dont_know")])[:3] == [
        "regional_council",
        "ministry",
        "government",
    ]
    items = sorted({item for value in answers_of(round_2022, "q_enablers") for item in value})
    assert ranked("q_enablers", items, ("large", "some"))[:3] == ["technology", "staff_competence", "cooperation"]


# --- the round and its frame ------------------------------------------------------------------------------------


def test_182_organisations_from_the_whole_frame(round_2022: Round) -> None:
    frame = Organisation.objects.filter(kind__in=[OrganisationKind.MUNICIPALITY, OrganisationKind.JOINT_AUTHORITY])
    assert round_2022.frame.count() == frame.count() == 309 + 3
    responses = round_2022.responses.all()
    assert responses.count() == responses.filter(status=ResponseStatus.SUBMITTED).count() == 182
    assert len(set(responses.values_list("frame_unit", flat=True))) == 182  # one per organisation
    assert responses.filter(frame_unit__kind=OrganisationKind.JOINT_AUTHORITY).exists()
    # The strata are the organisations' own, snapshotted.
    for unit in round_2022.frame.select_related("organisation__region")[:50]:
        organisation = unit.organisation
        assert (unit.kind, unit.size_class) == (organisation.kind, organisation.size_class)
        assert unit.region_code == (organisation.region.code if organisation.region else "")


def test_background_answers_agree_with_the_frame(round_2022: Round) -> None:
    for response in round_2022.responses.select_related("frame_unit").prefetch_related("answers__question"):
        given = {a.question.code: a.value for a in response.answers.all()}
        unit = response.frame_unit
        assert given["q_org_kind"] == unit.kind
        assert given["q_region"] == unit.region_code
        if unit.size_class:
            assert given["q_size"] == unit.size_class


def test_both_rounds_are_published_synthetic_and_labelled(round_2022: Round, round_2018: Round) -> None:
    assert round_2022.previous_round == round_2018
    for round_, year, n in ((round_2022, 2022, 182), (round_2018, 2018, 120)):
        assert (round_.status, round_.is_synthetic, round_.year, round_.unit) == (
            RoundStatus.PUBLISHED,
            True,
            year,
            Unit.ORGANISATION,
        )
        assert not round_.answers_public
        assert round_.responses.count() == n
        assert "synteettinen" in (round_.name_fi or "")
        assert "syntetisk" in (round_.name_sv or "")
        assert "synthetic" in (round_.name_en or "")
        assert "SYNTEETTINEN" in (round_.description_fi or "")  # type: ignore[attr-defined]
        assert round_.questionnaire_version.status == VersionStatus.FROZEN
    assert round_2022.questionnaire_version == round_2018.questionnaire_version
    assert round_2022.questionnaire_version.questionnaire.code == "municipal-barometer"


def test_2018_figures_are_somewhat_lower(round_2022: Round, round_2018: Round) -> None:
    for code, answer, columns, _percent in HEADLINE_2022:
        now, before = share(round_2022, code, answer, columns), share(round_2018, code, answer, columns)
        assert before[0] / before[1] < now[0] / now[1], (code, answer)


# --- consistency ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("slug", [ROUND_2022.slug, ROUND_2018.slug])
def test_every_answer_is_valid_asked_and_complete(loaded: DemoRoundsResult, slug: str) -> None:
    round_ = Round.objects.get(slug=slug)
    spec = version_spec(round_.questionnaire_version)
    specs = spec.by_code()
    for response in round_.responses.prefetch_related("answers__question"):
        given = {a.question.code: a.value for a in response.answers.all()}
        asked = answer_rules.asked(spec.questions, given, spec.section_conditions)
        for code, value in given.items():
            assert code in asked, (code, value)
            assert answer_rules.clean(specs[code], value) == value
        assert not answer_rules.missing_required(spec.questions, given, spec.section_conditions)
        introduced = [item for item, v in given["q_introduced_types"].items() if v == "yes"]
        # The latest-innovation block exactly for those who introduced one, its type among the types introduced.
        assert ("q_novelty" in given) == bool(introduced)
        if "q_latest_type" in given and given["q_latest_type"] != ["dont_know"]:
            assert set(given["q_latest_type"]) <= set(introduced)
        assert ("q_support_forms" in given) <= (given.get("q_supports") == "yes")


def test_exclusive_options_stand_alone_and_dont_knows_exist(round_2022: Round) -> None:
    exclusive = dict.fromkeys(("none", "not_communicated", "dont_know"), 0)
    for code in ("q_partners", "q_channels", "q_steering", "q_novelty"):
        for value in answers_of(round_2022, code):
            for option in exclusive:
                if option in value:
                    assert value == [option], (code, value)
                    exclusive[option] += 1
    assert all(exclusive.values()), exclusive
    assert "dont_know" in answers_of(round_2022, "q_established")
    assert any("dont_know" in grid.values() for grid in answers_of(round_2022, "q_enablers"))


def test_free_texts_are_few_and_labelled_synthetic(round_2022: Round) -> None:
    comments = answers_of(round_2022, "q_comments")
    assert 5 <= len(comments) <= 60
    for text in comments + answers_of(round_2022, "q_latest_description"):
        assert "synteettinen esimerkkivastaus" in text or "syntetiskt exempelsvar" in text


# --- loading ----------------------------------------------------------------------------------------------------


def test_loaded_fast(loaded: DemoRoundsResult) -> None:
    assert loaded.created == [ROUND_2018.slug, ROUND_2022.slug, TRYOUT_SLUG, INVITED_SLUG]
    assert loaded.responses == 302
    assert loaded.answers == Answer.objects.filter(response__round__is_synthetic=True).count()
    assert loaded.seconds < 10  # measured ~0.6 s; a regression to answer-by-answer writes would take minutes


def test_loading_again_changes_nothing(loaded: DemoRoundsResult) -> None:
    before = (Round.objects.count(), Response.objects.count(), Answer.objects.count(), FrameUnit.objects.count())
    again = demo_rounds_load()
    assert (again.created, again.existing) == ([], [ROUND_2018.slug, ROUND_2022.slug, TRYOUT_SLUG, INVITED_SLUG])
    after = (Round.objects.count(), Response.objects.count(), Answer.objects.count(), FrameUnit.objects.count())
    assert after == before


def test_the_plan_is_deterministic(round_2022: Round) -> None:
    """The stored answers are exactly the plan for the seed: the same seed makes the same round."""
    questions = _questions(round_2022.questionnaire_version)
    frame = frame_rows(round_2022)

    def plan(seed: str) -> dict[int, dict[str, Any]]:
        rng = random.Random(seed)
        people = Planner(rng, ROUND_2022, questions).run(draw_respondents(rng, frame, 182))
        return {r.frame_unit_id: r.answers for r in people}

    stored: dict[int, dict[str, Any]] = {}
    for unit, code, value in Answer.objects.filter(response__round=round_2022).values_list(
        "response__frame_unit_id", "question__code", "value"
    ):
        stored.setdefault(unit, {})[code] = value
    assert plan(f"{DEFAULT_SEED}-{ROUND_2022.slug}") == stored
    assert plan("another seed") != stored


def test_delete_removes_the_rounds_and_the_demo_questionnaire(loaded: DemoRoundsResult) -> None:
    with transaction.atomic():
        demo_rounds_delete()
        assert not Round.objects.filter(is_synthetic=True).exists()
        assert not Response.objects.exists()
        assert not Questionnaire.objects.filter(code="municipal-barometer").exists()
        transaction.set_rollback(True)


def test_delete_refuses_when_a_real_round_samples_demo_organisations(round_2022: Round) -> None:
    with transaction.atomic():
        real = Round.objects.create(
            slug="real",
            name_fi="Oikea",
            questionnaire_version=round_2022.questionnaire_version,
            organiser=round_2022.organiser,
            year=2024,
            reference_period_start=datetime.date(2022, 1, 1),
            reference_period_end=datetime.date(2023, 12, 31),
            opens_on=datetime.date(2024, 1, 1),
            closes_on=datetime.date(2024, 2, 1),
        )
        with pytest.raises(ValidationError, match="synthetic organisations"):
            demo_rounds_delete()
        assert real.pk
        transaction.set_rollback(True)


# --- the pieces -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("percent", "denominator", "count"),
    [(96, 182, 175), (58, 176, 102), (33, 179, 59), (79, 172, 136), (50, 172, 86), (0, 10, 0), (100, 7, 7)],
)
def test_exact_count(percent: float, denominator: int, count: int) -> None:
    assert exact_count(percent, denominator) == count
    assert report_round(count / denominator) == percent


def test_exact_count_falls_back_to_the_nearest_when_no_count_rounds_right() -> None:
    # 1/3 = 33 %, 2/3 = 67 %: no count of 3 is 50 %.
    assert exact_count(50, 3) in (1, 2)
    assert exact_count(50, 0) == 0


def test_draw_refuses_a_frame_smaller_than_the_sample() -> None:
    with pytest.raises(ValidationError, match="fewer than"):
        draw_respondents(random.Random(1), [(1, "municipality", "lt5k", "01")], 2)


def test_larger_organisations_answer_more_often() -> None:
    frame = [(i, "municipality", "lt5k" if i % 2 else "100k+", "01") for i in range(1000)]
    drawn = draw_respondents(random.Random(3), frame, 400)
    large = sum(r.size_class == "100k+" for r in drawn)
    assert 230 < large < 330  # clearly more than half, far from all


# --- through the API --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "item", "choices", "percent"),
    [
        ("q_established", "", ("yes",), 58),
        ("q_supports", "", ("yes",), 90),
        ("q_partners", "", ("other_municipalities",), 79),
        ("q_steering", "", ("regional_council",), 71),
        ("q_enablers", "technology", ("large", "some"), 78),
        ("q_coordination", "", ("yes",), 33),
        ("q_channels", "", ("own_website",), 80),
    ],
)
def test_the_api_publishes_the_figures_compared_with_2018(
    client: Client, loaded: DemoRoundsResult, question: str, item: str, choices: tuple[str, ...], percent: int
) -> None:
    path = f"/api/v1/barometer/rounds/{ROUND_2022.slug}/results/{question}?compare={ROUND_2018.slug}"
    body = client.get(path).json()
    assert body["is_synthetic"] is True
    block = next(b for b in body["question"]["blocks"] if b["code"] == item)
    found = {row["code"]: row for row in block["rows"]}
    assert report_round(sum(found[c]["count"] for c in choices) / block["n"]) == percent
    # 2018 was lower. For a scale the plan sets only "to a large or some extent" together (the split between the two
    # is drawn at random), so it is their sum that rose; the changes of shares add up.
    assert sum(found[c]["change"] for c in choices) > 0


def test_the_api_lists_the_demo_rounds(client: Client, loaded: DemoRoundsResult) -> None:
    items = client.get("/api/v1/barometer/rounds?synthetic=true").json()["items"]
    assert [item["slug"] for item in items] == [ROUND_2022.slug, ROUND_2018.slug]
    latest = items[0]
    assert latest["responding_organisations"] == 182
    assert latest["frame_size"] == 312
    assert latest["response_rate"] == pytest.approx(182 / 312, abs=1e-4)
    assert latest["previous_round"]["slug"] == ROUND_2018.slug


def test_the_demo_has_an_open_try_out_round_and_invitations_in_every_state(loaded: DemoRoundsResult) -> None:
    from barometer.vocabulary import RoundStatus

    tryout = Round.objects.get(slug=TRYOUT_SLUG)
    assert (tryout.is_tryout, tryout.status, tryout.is_synthetic) == (True, RoundStatus.OPEN, True)
    assert "demo" in (tryout.name_fi or "")
    invited = Round.objects.get(slug=INVITED_SLUG)
    assert (invited.is_tryout, invited.status) == (False, RoundStatus.OPEN)
    invitations = list(invited.invitations.select_related("response"))
    responses = {getattr(i, "response", None) and i.response.status for i in invitations}
    assert {"submitted", "in_progress", None} <= responses  # answered, opened, only sent
    assert any(i.reminders_sent for i in invitations)  # reminded
    answered = [i.response for i in invitations if getattr(i, "response", None) and i.response.status == "submitted"]
    assert all(r.answers.exists() for r in answered)
