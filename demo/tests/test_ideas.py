"""The demo co-development data: loaded once for the module on top of the demo registry, then checked."""

from collections.abc import Iterator

import pytest
from pytest_django import DjangoDbBlocker

from demo.ideas import CHALLENGES, IDEAS_WITHOUT_CHALLENGE, demo_codevelopment_delete, demo_codevelopment_load
from demo.registry import demo_data_load
from experiments.models import Decision
from ideas.models import Challenge, ChallengeStatus, Comment, Idea, IdeaState, Support
from innovations.models import Adoption
from innovations.vocabulary import Stage
from tests.db import kept_for_the_module

pytestmark = [pytest.mark.slow, pytest.mark.django_db]


@pytest.fixture(scope="module")
def loaded(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[dict[str, int]]:
    with kept_for_the_module(django_db_blocker):
        demo_data_load(innovations=40)
        yield demo_codevelopment_load()


def test_challenges_in_three_languages_in_several_municipalities(loaded: dict[str, int]) -> None:
    challenges = Challenge.objects.filter(title_fi__in=[spec.title[0] for spec in CHALLENGES])
    assert challenges.count() == loaded["challenges"] == 3
    assert len({challenge.owner_id for challenge in challenges}) == 3
    for challenge in challenges:
        assert all(
            getattr(challenge, f"{field}_{lang}") for field in ("title", "question") for lang in ("fi", "sv", "en")
        )
    assert {c.status for c in challenges} == {ChallengeStatus.OPEN, ChallengeStatus.CLOSED}


def test_ideas_comments_supports_and_states(loaded: dict[str, int]) -> None:
    ideas = Idea.objects.all()
    assert ideas.count() == loaded["ideas"] == 10
    assert all(idea.confirmed for idea in ideas)
    assert ideas.filter(challenge=None).count() == 2
    assert ideas.filter(sender=None).exclude(sender_email="").count() == 1  # sent without an account
    assert {idea.state for idea in ideas} >= {IdeaState.IN_USE, IdeaState.NOT_TAKEN_FORWARD, IdeaState.EXPERIMENTING}
    assert all(idea.state_reason for idea in ideas.filter(state=IdeaState.NOT_TAKEN_FORWARD))
    specs = [*(spec for challenge in CHALLENGES for spec in challenge.ideas), *(s for _o, s in IDEAS_WITHOUT_CHALLENGE)]
    assert Support.objects.count() == sum(spec.supporters for spec in specs) == 42
    assert Comment.objects.count() == sum(len(spec.comments) for spec in specs) == 5
    assert ideas.exclude(latitude=None).count() == 3


def test_ideas_carried_into_experiments_and_an_adopted_innovation(loaded: dict[str, int]) -> None:
    assert loaded["experiments"] == 3
    carried = Idea.objects.exclude(experiment=None).select_related("experiment", "innovation")
    assert carried.count() == 3
    decisions = set(carried.values_list("experiment__decision", flat=True))
    assert decisions == {Decision.SCALE_UP, Decision.STOP, ""}
    scaled = carried.get(experiment__decision=Decision.SCALE_UP)
    experiment, innovation = scaled.experiment, scaled.innovation
    assert experiment is not None
    assert innovation is not None
    assert innovation == experiment.resulting_innovation
    assert innovation.stage == Stage.IN_USE
    adopters = set(Adoption.objects.filter(source=scaled.innovation).values_list("result__owner__name_fi", flat=True))
    assert adopters == {"Tampere", "Vantaa"}


def test_loading_again_changes_nothing_and_delete_removes_it(loaded: dict[str, int]) -> None:
    assert demo_codevelopment_load() == {}
    assert Idea.objects.count() == 10
    demo_codevelopment_delete()
    assert not Challenge.objects.filter(title_fi__in=[spec.title[0] for spec in CHALLENGES]).exists()
    assert not Idea.objects.exists()
