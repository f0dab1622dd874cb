"""Two people scale up the same experiment at the same moment: exactly one innovation is made, the other request
is refused (the row lock in services._lock_current makes the second wait, then see the new version)."""

import threading
from typing import Any

import pytest
from django.db import connection, connections

from core.errors import ConflictError
from experiments import services
from experiments.models import Experiment
from experiments.tests.conftest import finish_and_scale_up_decision, make_experiment
from innovations.models import Innovation
from innovations.vocabulary import Status


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks: SQLite serialises all writes anyway")
@pytest.mark.django_db(transaction=True)
def test_concurrent_scale_ups_make_one_innovation(org_a: Any, editor_a: Any, admin_a: Any) -> None:
    experiment = finish_and_scale_up_decision(make_experiment(org_a, editor_a, status=Status.PUBLISHED), editor_a)
    version = experiment.version
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def scale_up(person: Any) -> None:
        try:
            barrier.wait()
            services.experiment_scale_up(
                actor=person, experiment=Experiment.objects.get(pk=experiment.pk), expected_version=version
            )
            outcomes.append("created")
        except ConflictError:
            outcomes.append("conflict")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=scale_up, args=(person,)) for person in (editor_a, admin_a)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["conflict", "created"]
    assert Innovation.objects.count() == 1
    experiment.refresh_from_db()
    assert experiment.resulting_innovation == Innovation.objects.get()
