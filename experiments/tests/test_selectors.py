"""Reading experiments: who sees drafts, the running/finished/decision/organisation filters and search with
Finnish inflection."""

import datetime
from typing import Any

import pytest
from django.utils import timezone

from experiments import services
from experiments.models import Decision, Experiment
from experiments.selectors import ExperimentFilters, experiment_detail, experiment_list
from innovations.vocabulary import Status
from tests.factories import ExperimentFactory

pytestmark = pytest.mark.django_db


def _titles(user: Any, **filters: Any) -> set[str]:
    return {str(e.title_fi) for e in experiment_list(user=user, filters=ExperimentFilters(**filters))}


@pytest.mark.parametrize(
    ("role", "sees_draft"),
    [
        ("anonymous", False),
        ("registered_user", False),
        ("editor_b", False),
        ("editor_a", True),
        ("admin_a", True),
        ("platform_admin", True),
    ],
)
def test_drafts_are_visible_only_inside_the_owner(
    request: pytest.FixtureRequest,
    running_draft: Experiment,
    finished_published: Experiment,
    role: str,
    sees_draft: bool,
) -> None:
    person = request.getfixturevalue(role)
    expected = {"Kotihoidon etäkäynnit"} | ({"Liikuntakokeilu kouluissa"} if sees_draft else set())
    assert _titles(person) == expected
    assert (experiment_detail(user=person, pk=running_draft.pk) is not None) == sees_draft
    assert experiment_detail(user=person, pk=finished_published.pk) is not None


def test_running_and_finished(running_draft: Experiment, finished_published: Experiment, editor_a: Any) -> None:
    open_ended = ExperimentFactory.create(
        owner=running_draft.owner, actor=editor_a, school_exercise=True, title_fi="Avoin", ends_on=None
    )
    ends_today = ExperimentFactory.create(
        owner=running_draft.owner, actor=editor_a, school_exercise=True, title_fi="Tänään", ends_on=timezone.localdate()
    )
    assert _titles(editor_a, phase="running") == {"Liikuntakokeilu kouluissa", "Avoin", "Tänään"}
    assert _titles(editor_a, phase="finished") == {"Kotihoidon etäkäynnit"}
    assert open_ended.is_running
    assert ends_today.is_running
    assert finished_published.is_finished


def test_decision_and_organisation_filters(
    running_draft: Experiment, finished_published: Experiment, org_b: Any, editor_b: Any, platform_admin: Any
) -> None:
    ExperimentFactory.create(
        owner=org_b, actor=editor_b, school_exercise=True, title_fi="B:n kokeilu", status=Status.PUBLISHED
    )
    assert _titles(platform_admin, decision=Decision.SCALE_UP) == {"Kotihoidon etäkäynnit"}
    assert _titles(platform_admin, decision="none") == {"Liikuntakokeilu kouluissa", "B:n kokeilu"}
    assert _titles(platform_admin, owner=org_b.slug) == {"B:n kokeilu"}
    assert _titles(platform_admin, owner=org_b.slug, decision=Decision.STOP) == set()


def test_failed_experiments_are_listed_for_everyone(org_a: Any, editor_a: Any, anonymous: Any) -> None:
    experiment = ExperimentFactory.create(
        owner=org_a,
        actor=editor_a,
        school_exercise=True,
        title_fi="Epäonnistunut",
        status=Status.PUBLISHED,
        ends_on=timezone.localdate() - datetime.timedelta(days=3),
    )
    services.experiment_decide(
        actor=editor_a, experiment=experiment, expected_version=1, decision=Decision.STOP, reasons={"fi": "Ei säästöjä"}
    )
    assert _titles(anonymous, phase="finished", decision=Decision.STOP) == {"Epäonnistunut"}


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("liikuntakokeilu", True),  # the title says "Liikuntakokeilun"
        ("liikuntakokeiluja", True),
        ("tuloksia", True),
        ("keskittymistä", True),  # in the hypothesis
        ("skolorna", True),  # Swedish: "skolor" in the title
        ("school", True),  # English title
        ("koira", False),
    ],
)
def test_search_finds_inflected_forms(org_a: Any, editor_a: Any, anonymous: Any, query: str, found: bool) -> None:
    ExperimentFactory.create(
        owner=org_a, actor=editor_a, school_exercise=True, status=Status.PUBLISHED, title_fi="Liikuntakokeilun tulokset"
    )
    assert bool(_titles(anonymous, q=query)) == found


def test_kokeilu_finds_kokeilun(org_a: Any, editor_a: Any, anonymous: Any, kokeilun_arviointi: Experiment) -> None:
    ExperimentFactory.create(
        owner=org_a,
        actor=editor_a,
        school_exercise=True,
        status=Status.PUBLISHED,
        title_fi="Muuta",
        title_sv="",
        title_en="",
        hypothesis_fi="",
    )
    assert _titles(anonymous, q="kokeilu") == {"Kokeilun arviointi"}


def test_search_sees_results_and_decision_reasons(running_draft: Experiment, editor_a: Any) -> None:
    services.experiment_update(
        actor=editor_a, experiment=running_draft, expected_version=1, data={"results_fi": "Poissaolot vähenivät"}
    )
    assert _titles(editor_a, q="poissaoloja") == {"Liikuntakokeilu kouluissa"}
    assert _titles(editor_a, q="poissaolot liikunta") == {"Liikuntakokeilu kouluissa"}
    assert _titles(editor_a, q="poissaolot koira") == set()
