"""Experiments of org_a for the tests (tests.factories.ExperimentFactory, school_exercise): a running draft, a
published finished one decided "scale up"."""

import datetime
from typing import Any

import pytest
from django.utils import timezone

from experiments import services
from experiments.models import Decision, Experiment
from innovations.vocabulary import Status
from organisations.models import Organisation
from tests.factories import ExperimentFactory


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
    return ExperimentFactory.create(owner=org_a, actor=editor_a, school_exercise=True)


@pytest.fixture
def finished_published(org_a: Organisation, editor_a: Any) -> Experiment:
    experiment = ExperimentFactory.create(
        owner=org_a, actor=editor_a, school_exercise=True, status=Status.PUBLISHED, title_fi="Kotihoidon etäkäynnit"
    )
    return finish_and_scale_up_decision(experiment, editor_a)


@pytest.fixture
def kokeilun_arviointi(org_a: Organisation, editor_a: Any) -> Experiment:
    """Published and running, titled in Finnish only: "Kokeilun arviointi" (the inflected form search must find)."""
    return ExperimentFactory.create(
        owner=org_a,
        actor=editor_a,
        school_exercise=True,
        status=Status.PUBLISHED,
        title_fi="Kokeilun arviointi",
        title_sv="",
        title_en="",
    )
