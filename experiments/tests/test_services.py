"""The experiment services: validation, permissions for every role, optimistic locking, the change log, the
decision and scaling up into an innovation (all or nothing)."""

import datetime
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from audit.models import Action, ChangeRecord
from core.errors import ConflictError
from experiments import services
from experiments.models import Decision, Experiment
from experiments.tests.conftest import finish_and_scale_up_decision
from innovations.models import Innovation
from innovations.vocabulary import Stage, Status
from tests.factories import ExperimentFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """The refusals are matched in English, whatever the catalogues say."""
    with translation.override("en"):
        yield


ROLES = ("anonymous", "registered_user", "editor_b", "editor_a", "admin_a", "platform_admin")


def _person(request: pytest.FixtureRequest, role: str) -> Any:
    return request.getfixturevalue(role)


def _records(experiment: Experiment) -> list[ChangeRecord]:
    return list(ChangeRecord.objects.filter(object_id=experiment.pk, content_type__model="experiment"))


# --- create and validation --------------------------------------------------------------------------------------


def test_create_saves_every_field_and_records_the_change(org_a: Any, editor_a: Any) -> None:
    partner = OrganisationFactory.create()
    experiment = services.experiment_create(
        actor=editor_a,
        owner=org_a,
        data={
            "title_fi": "Kokeilu",
            "title_sv": "Försök",
            "title_en": "Experiment",
            "places_fi": "Kaksi koulua",
            "starts_on": datetime.date(2025, 1, 1),
            "ends_on": datetime.date(2025, 6, 30),
            "budget": "1000.5",
        },
        partners=[partner],
    )
    experiment.refresh_from_db()
    assert experiment.status == Status.DRAFT
    assert experiment.version == 1
    assert experiment.title_sv == "Försök"
    assert experiment.budget == Decimal("1000.50")
    assert experiment.created_by == editor_a
    assert [p.organisation for p in experiment.partnerships.all()] == [partner]
    assert experiment.search_document  # stemmed texts
    (record,) = _records(experiment)
    assert record.action == Action.CREATE
    assert record.actor == editor_a


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"title_fi": ""}, "title_fi"),
        ({"starts_on": datetime.date(2025, 5, 1), "ends_on": datetime.date(2025, 4, 1)}, "ends_on"),
        ({"budget": "-1"}, "budget"),
        ({"budget": "abc"}, "budget"),
        ({"title_fi": "x" * 201}, "title_fi"),
        ({"decision": "stop"}, "decision"),
        ({"status": "published"}, "status"),
    ],
)
def test_bad_input_is_a_field_error_and_nothing_is_saved(org_a: Any, editor_a: Any, data: Any, field: str) -> None:
    with pytest.raises(ValidationError) as error:
        services.experiment_create(actor=editor_a, owner=org_a, data={"title_fi": "Kokeilu", **data})
    assert field in error.value.message_dict
    assert not Experiment.objects.exists()
    assert not ChangeRecord.objects.filter(content_type__model="experiment").exists()


def test_owner_cannot_be_its_own_partner(org_a: Any, editor_a: Any) -> None:
    with pytest.raises(ValidationError) as error:
        services.experiment_create(actor=editor_a, owner=org_a, data={"title_fi": "Kokeilu"}, partners=[org_a])
    assert "partners" in error.value.message_dict
    assert not Experiment.objects.exists()


def test_html_is_removed_from_the_texts(org_a: Any, editor_a: Any) -> None:
    experiment = ExperimentFactory.create(
        owner=org_a,
        actor=editor_a,
        school_exercise=True,
        title_fi="<script>alert(1)</script>Kokeilu",
        hypothesis_fi='<img src=x onerror="alert(1)">Oletus',
    )
    assert experiment.title_fi == "Kokeilu"
    assert experiment.hypothesis_fi == "Oletus"


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("anonymous", False),
        ("registered_user", False),
        ("editor_b", False),
        ("editor_a", True),
        ("admin_a", True),
        ("platform_admin", True),
    ],
)
def test_who_may_create_for_an_organisation(
    request: pytest.FixtureRequest, org_a: Any, role: str, allowed: bool
) -> None:
    person = _person(request, role)
    if allowed:
        assert ExperimentFactory.create(owner=org_a, actor=person, school_exercise=True).owner == org_a
    else:
        with pytest.raises(PermissionDenied):
            ExperimentFactory.create(owner=org_a, actor=person, school_exercise=True)
        assert not Experiment.objects.exists()


# --- update, status, delete: every role ------------------------------------------------------------------------

CHANGE = {"anonymous": False, "registered_user": False, "editor_b": False, "editor_a": True, "admin_a": True}
CHANGE["platform_admin"] = True
DELETE = {**CHANGE, "editor_a": False}


@pytest.mark.parametrize("role", ROLES)
def test_who_may_update(request: pytest.FixtureRequest, running_draft: Experiment, role: str) -> None:
    person = _person(request, role)
    call = lambda: services.experiment_update(  # noqa: E731
        actor=person, experiment=running_draft, expected_version=1, data={"title_fi": "Uusi nimi"}
    )
    if CHANGE[role]:
        assert call().title_fi == "Uusi nimi"
    else:
        with pytest.raises(PermissionDenied):
            call()
        running_draft.refresh_from_db()
        assert running_draft.title_fi == "Liikuntakokeilu kouluissa"


@pytest.mark.parametrize("role", ROLES)
def test_who_may_publish(request: pytest.FixtureRequest, running_draft: Experiment, role: str) -> None:
    person = _person(request, role)
    call = lambda: services.experiment_set_status(  # noqa: E731
        actor=person, experiment=running_draft, status=Status.PUBLISHED, expected_version=1
    )
    if CHANGE[role]:
        assert call().status == Status.PUBLISHED
        assert _records(running_draft)[0].action == Action.PUBLISH
    else:
        with pytest.raises(PermissionDenied):
            call()


@pytest.mark.parametrize("role", ROLES)
def test_who_may_decide(request: pytest.FixtureRequest, running_draft: Experiment, role: str) -> None:
    person = _person(request, role)
    call = lambda: services.experiment_decide(  # noqa: E731
        actor=person,
        experiment=running_draft,
        expected_version=1,
        decision=Decision.STOP,
        reasons={"fi": "Ei toiminut"},
    )
    if CHANGE[role]:
        assert call().decision == Decision.STOP
    else:
        with pytest.raises(PermissionDenied):
            call()


@pytest.mark.parametrize("role", ROLES)
def test_who_may_delete(request: pytest.FixtureRequest, running_draft: Experiment, role: str) -> None:
    person = _person(request, role)
    pk = running_draft.pk
    if DELETE[role]:
        services.experiment_delete(actor=person, experiment=running_draft)
        assert not Experiment.objects.exists()
        assert ChangeRecord.objects.filter(action=Action.DELETE, object_id=pk).exists()
    else:
        with pytest.raises(PermissionDenied):
            services.experiment_delete(actor=person, experiment=running_draft)
        assert Experiment.objects.exists()


@pytest.mark.parametrize("role", ROLES)
def test_who_may_scale_up(request: pytest.FixtureRequest, finished_published: Experiment, role: str) -> None:
    person = _person(request, role)
    call = lambda: services.experiment_scale_up(  # noqa: E731
        actor=person, experiment=finished_published, expected_version=finished_published.version
    )
    if CHANGE[role]:
        assert call().owner == finished_published.owner
    else:
        with pytest.raises(PermissionDenied):
            call()
        assert not Innovation.objects.filter(from_experiment=finished_published).exists()


# --- optimistic locking -----------------------------------------------------------------------------------------


def test_a_stale_version_is_refused_and_nothing_changes(running_draft: Experiment, editor_a: Any, admin_a: Any) -> None:
    services.experiment_update(actor=admin_a, experiment=running_draft, expected_version=1, data={"title_fi": "Ensin"})
    with pytest.raises(ConflictError):
        services.experiment_update(
            actor=editor_a, experiment=running_draft, expected_version=1, data={"title_fi": "Myöhemmin"}
        )
    with pytest.raises(ConflictError):
        services.experiment_decide(
            actor=editor_a, experiment=running_draft, expected_version=1, decision=Decision.STOP, reasons={"fi": "x"}
        )
    with pytest.raises(ConflictError):
        services.experiment_set_status(
            actor=editor_a, experiment=running_draft, status=Status.PUBLISHED, expected_version=1
        )
    running_draft.refresh_from_db()
    assert (running_draft.title_fi, running_draft.version, running_draft.decision) == ("Ensin", 2, "")


def test_update_records_what_changed(running_draft: Experiment, editor_a: Any) -> None:
    services.experiment_update(
        actor=editor_a, experiment=running_draft, expected_version=1, data={"results_fi": "Hyvät tulokset"}
    )
    record = _records(running_draft)[0]
    assert record.action == Action.UPDATE
    assert record.changes == {"results_fi": [None, "Hyvät tulokset"]}


# --- decision ---------------------------------------------------------------------------------------------------


def test_decision_needs_a_known_choice_and_reasons(running_draft: Experiment, editor_a: Any) -> None:
    with pytest.raises(ValidationError) as error:
        services.experiment_decide(
            actor=editor_a, experiment=running_draft, expected_version=1, decision="maybe", reasons={"fi": "x"}
        )
    assert "decision" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.experiment_decide(
            actor=editor_a, experiment=running_draft, expected_version=1, decision=Decision.STOP, reasons={"fi": " "}
        )
    assert "reasons_fi" in error.value.message_dict
    running_draft.refresh_from_db()
    assert (running_draft.decision, running_draft.version) == ("", 1)


def test_decision_and_reasons_are_saved_and_searchable(running_draft: Experiment, editor_a: Any) -> None:
    experiment = services.experiment_decide(
        actor=editor_a,
        experiment=running_draft,
        expected_version=1,
        decision=Decision.CHANGE,
        reasons={"fi": "<b>Osallistujia</b> oli liian vähän", "en": "Too few participants"},
    )
    experiment.refresh_from_db()
    assert experiment.decision == Decision.CHANGE
    assert experiment.decision_reasons_fi == "Osallistujia oli liian vähän"
    assert experiment.version == 2
    assert " osallistuj" in experiment.search_document
    assert _records(experiment)[0].changes["decision"] == [None, "change"]


# --- scaling up -------------------------------------------------------------------------------------------------


def test_scale_up_creates_the_owners_innovation_in_use_linked_back(
    finished_published: Experiment, editor_a: Any
) -> None:
    innovation = services.experiment_scale_up(
        actor=editor_a, experiment=finished_published, expected_version=finished_published.version
    )
    innovation.refresh_from_db()
    finished_published.refresh_from_db()
    assert innovation.owner == finished_published.owner
    assert innovation.stage == Stage.IN_USE
    assert innovation.introduced_on == timezone.localdate()
    assert innovation.status == Status.PUBLISHED
    assert innovation.title_fi == "Kotihoidon etäkäynnit"
    assert "Keskittyminen parani." in str(innovation.description_fi)
    assert finished_published.resulting_innovation == innovation
    assert ChangeRecord.objects.filter(object_id=innovation.pk, content_type__model="innovation").exists()
    assert "resulting_innovation" in _records(finished_published)[0].changes


def test_scale_up_is_refused_unless_finished_and_decided_scale_up(org_a: Any, editor_a: Any) -> None:
    running = ExperimentFactory.create(owner=org_a, actor=editor_a, school_exercise=True)
    running = services.experiment_decide(
        actor=editor_a, experiment=running, expected_version=1, decision=Decision.SCALE_UP, reasons={"fi": "Hyvä"}
    )
    with pytest.raises(ValidationError, match="finished"):
        services.experiment_scale_up(actor=editor_a, experiment=running, expected_version=running.version)
    stopped = ExperimentFactory.create(
        owner=org_a, actor=editor_a, school_exercise=True, ends_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    stopped = services.experiment_decide(
        actor=editor_a, experiment=stopped, expected_version=1, decision=Decision.STOP, reasons={"fi": "Ei toiminut"}
    )
    with pytest.raises(ValidationError, match="scale up"):
        services.experiment_scale_up(actor=editor_a, experiment=stopped, expected_version=stopped.version)
    undecided = ExperimentFactory.create(
        owner=org_a, actor=editor_a, school_exercise=True, ends_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    with pytest.raises(ValidationError):
        services.experiment_scale_up(actor=editor_a, experiment=undecided, expected_version=undecided.version)
    assert not Innovation.objects.exists()


def test_scale_up_happens_once(finished_published: Experiment, editor_a: Any) -> None:
    services.experiment_scale_up(
        actor=editor_a, experiment=finished_published, expected_version=finished_published.version
    )
    finished_published.refresh_from_db()
    with pytest.raises(ValidationError, match="already"):
        services.experiment_scale_up(
            actor=editor_a, experiment=finished_published, expected_version=finished_published.version
        )
    with pytest.raises(ValidationError, match="already"):
        services.experiment_decide(
            actor=editor_a,
            experiment=finished_published,
            expected_version=finished_published.version,
            decision=Decision.STOP,
            reasons={"fi": "x"},
        )
    assert Innovation.objects.count() == 1


def test_scale_up_with_a_stale_version_is_refused(finished_published: Experiment, editor_a: Any) -> None:
    with pytest.raises(ConflictError):
        services.experiment_scale_up(actor=editor_a, experiment=finished_published, expected_version=1)
    assert not Innovation.objects.exists()


def test_scale_up_is_all_or_nothing(
    finished_published: Experiment, editor_a: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A failure after the innovation was created (here: writing the experiment's change record) leaves neither
    the innovation nor the link behind."""
    version = finished_published.version

    def broken(**kwargs: Any) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "change_record", broken)
    with pytest.raises(RuntimeError):
        services.experiment_scale_up(actor=editor_a, experiment=finished_published, expected_version=version)
    finished_published.refresh_from_db()
    assert finished_published.resulting_innovation is None
    assert finished_published.version == version
    assert not Innovation.objects.exists()
    assert not ChangeRecord.objects.filter(content_type__model="innovation").exists()


def test_a_draft_experiment_scales_up_into_a_draft_innovation(org_a: Any, editor_a: Any) -> None:
    experiment = finish_and_scale_up_decision(
        ExperimentFactory.create(owner=org_a, actor=editor_a, school_exercise=True), editor_a
    )
    innovation = services.experiment_scale_up(
        actor=editor_a, experiment=experiment, expected_version=experiment.version
    )
    assert innovation.status == Status.DRAFT


def test_source_innovation_must_be_visible(
    org_a: Any, editor_a: Any, editor_b: Any, draft_a: Any, published_a: Any
) -> None:
    org_b = editor_b.memberships.get().organisation
    with pytest.raises(PermissionDenied):
        services.experiment_create(actor=editor_b, owner=org_b, data={"title_fi": "K"}, source_innovation=draft_a)
    experiment = services.experiment_create(
        actor=editor_b, owner=org_b, data={"title_fi": "K"}, source_innovation=published_a
    )
    assert experiment.source_innovation == published_a


def test_partner_roles_are_kept_and_changed(running_draft: Experiment, editor_a: Any, org_b: Any) -> None:
    third = OrganisationFactory.create()
    experiment = services.experiment_update(
        actor=editor_a, experiment=running_draft, expected_version=1, data={}, partners=[(org_b, "funder"), third]
    )
    assert {(p.organisation, p.role) for p in experiment.partnerships.all()} == {
        (org_b, "funder"),
        (third, "co_developer"),
    }
    experiment = services.experiment_update(
        actor=editor_a, experiment=experiment, expected_version=2, data={}, partners=[(org_b, "pilot_site")]
    )
    assert [(p.organisation, p.role) for p in experiment.partnerships.all()] == [(org_b, "pilot_site")]
    assert "partners" in _records(experiment)[0].changes
    with pytest.raises(ValidationError):
        services.experiment_update(
            actor=editor_a, experiment=experiment, expected_version=3, data={}, partners=[(org_b, "boss")]
        )
    assert [p.role for p in experiment.partnerships.all()] == ["pilot_site"]


def test_partners_named_alone_keep_their_roles(running_draft: Experiment, editor_a: Any, org_b: Any) -> None:
    """A caller that names partners without roles (organisations alone) must not reset a role set before."""
    services.experiment_update(
        actor=editor_a, experiment=running_draft, expected_version=1, data={}, partners=[(org_b, "funder")]
    )
    experiment = services.experiment_update(
        actor=editor_a, experiment=running_draft, expected_version=2, data={"title_fi": "Uusi"}, partners=[org_b]
    )
    assert [(p.organisation, p.role) for p in experiment.partnerships.all()] == [(org_b, "funder")]
