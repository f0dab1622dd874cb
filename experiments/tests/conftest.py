"""Experiments of org_a for the tests: a running draft, a published finished one decided "scale up"."""

import datetime
from typing import Any

import pytest
from django.utils import timezone

from experiments import services
from experiments.models import Decision, Experiment
from innovations.vocabulary import Status
from organisations.models import Organisation


def make_experiment(owner: Organisation, actor: Any, *, status: str = Status.DRAFT, **data: Any) -> Experiment:
    values: dict[str, Any] = {
        "title_fi": "Liikuntakokeilu kouluissa",
        "title_sv": "Motionsförsök i skolor",
        "title_en": "Exercise experiment in schools",
        "hypothesis_fi": "Päivittäinen liikuntatuokio parantaa keskittymistä.",
        "starts_on": timezone.localdate() - datetime.timedelta(days=30),
        "ends_on": timezone.localdate() + datetime.timedelta(days=30),
        "budget": "12500.50",
    }
    values.update(data)
    return services.experiment_create(actor=actor, owner=owner, data=values, status=status)


def finish_and_scale_up_decision(experiment: Experiment, actor: Any) -> Experiment:
    """Ends the experiment yesterday and records the decision to scale up."""
    experiment = services.experiment_update(
        actor=actor,
        experiment=experiment,
        expected_version=experiment.version,
        data={"ends_on": timezone.localdate() - datetime.timedelta(days=1), "results_fi": "Keskittyminen parani."},
    )
    return services.experiment_decide(
        actor=actor,
        experiment=experiment,
        expected_version=experiment.version,
        decision=Decision.SCALE_UP,
        reasons={"fi": "Tulokset olivat hyviä."},
    )


@pytest.fixture
def running_draft(org_a: Organisation, editor_a: Any) -> Experiment:
    return make_experiment(org_a, editor_a)


@pytest.fixture
def finished_published(org_a: Organisation, editor_a: Any) -> Experiment:
    experiment = make_experiment(org_a, editor_a, status=Status.PUBLISHED, title_fi="Kotihoidon etäkäynnit")
    return finish_and_scale_up_decision(experiment, editor_a)
