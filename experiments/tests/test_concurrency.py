"""Two people scale up the same experiment at the same moment: exactly one innovation is made, the other request
is refused (the row lock in services._lock_current makes the second wait, then see the new version)."""

from typing import Any

import pytest

from core.errors import ConflictError
from experiments import services
from experiments.models import Experiment
from experiments.tests.conftest import finish_and_scale_up_decision
from innovations.models import Innovation
from innovations.vocabulary import Status
from tests.concurrency import at_once, postgres_only
from tests.factories import ExperimentFactory


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_scale_ups_make_one_innovation(org_a: Any, editor_a: Any, admin_a: Any) -> None:
    experiment = finish_and_scale_up_decision(
        ExperimentFactory.create(owner=org_a, actor=editor_a, school_exercise=True, status=Status.PUBLISHED), editor_a
    )
    version = experiment.version
    people = (editor_a, admin_a)

    def scale_up(index: int) -> str:
        try:
            services.experiment_scale_up(
                actor=people[index], experiment=Experiment.objects.get(pk=experiment.pk), expected_version=version
            )
        except ConflictError:
            return "conflict"
        return "created"

    outcomes = at_once(scale_up, 2)
    assert sorted(outcomes) == ["conflict", "created"]
    assert Innovation.objects.count() == 1
    experiment.refresh_from_db()
    assert experiment.resulting_innovation == Innovation.objects.get()
