"""A small portfolio for org_a, made through the services where they exist: challenges in each status, ideas in
several states and from several sources (and ideas that must not count: unconfirmed, hidden, merged, another
organisation's), experiments with partners and decisions, one scaled up into an innovation, and innovations with
types, idea sources and partners.

An idea's hiding, merging and links to existing experiments and innovations are set on the rows (the handlers'
services make new records from ideas, or hide and merge with side effects this test does not need); the portfolio
only reads those columns."""

import datetime
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.utils import timezone

from experiments import services as experiment_services
from experiments.models import Decision, Experiment
from experiments.tests.conftest import finish_and_scale_up_decision
from ideas.models import Challenge, ChallengeStatus, Idea, IdeaSource, IdeaState
from ideas.services import challenges as challenge_services
from ideas.services import ideas as idea_services
from ideas.services import linking
from innovations.models import Innovation
from innovations.vocabulary import Dimension, Novelty, PartnerRole, Stage, Status
from organisations.models import Organisation, OrganisationKind
from tests.factories import (
    ChallengeFactory,
    ExperimentFactory,
    InnovationFactory,
    OrganisationFactory,
    PartnershipFactory,
    UserFactory,
)


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    # Nothing cached by an earlier test. (Rate limits count in the database, which each test rolls back.)
    cache.clear()


@dataclass
class World:
    org: Organisation
    other: Organisation
    company: Organisation
    university: Organisation
    challenges: dict[str, Challenge]
    ideas: dict[str, Idea]
    experiments: dict[str, Experiment]
    innovations: dict[str, Innovation]
    sender: Any
    handler: Any


def send(challenge: Challenge | None, sender: Any, title: str, organisation: Organisation | None = None) -> Idea:
    return idea_services.idea_send(
        actor=sender, challenge=challenge, organisation=organisation, title=title, text=f"{title}: teksti"
    )


def link(idea: Idea, **fields: Any) -> Idea:
    Idea.objects.filter(pk=idea.pk).update(**fields)
    idea.refresh_from_db()
    return idea


@pytest.fixture
def world(org_a: Organisation, org_b: Organisation, editor_a: Any, editor_b: Any) -> World:
    company = OrganisationFactory.create(kind=OrganisationKind.COMPANY)
    university = OrganisationFactory.create(kind=OrganisationKind.UNIVERSITY)
    sender = UserFactory.create()
    handler = UserFactory.create()
    today = timezone.localdate()
    open_ = ChallengeFactory.create(
        owner=org_a,
        actor=editor_a,
        unnumbered=True,
        title_fi="Avoin haaste",
        opens_on=today - datetime.timedelta(days=10),
        closes_on=today + datetime.timedelta(days=20),
    )
    closed = ChallengeFactory.create(owner=org_a, actor=editor_a, unnumbered=True, title_fi="=Suljettu haaste")
    draft = ChallengeFactory.create(
        owner=org_a, actor=editor_a, unnumbered=True, title_fi="Luonnos", status=ChallengeStatus.DRAFT
    )
    # org_b's challenge that org_a organises together with it.
    shared = ChallengeFactory.create(owner=org_b, actor=editor_b, unnumbered=True, title_fi="Yhteinen haaste")
    shared.co_organisers.add(org_a)
    open_.handlers.add(handler)  # a named handler who is none of org_a's people

    ideas = {
        "staff": send(open_, sender, "Henkilöstön idea"),
        "user": send(open_, sender, "Asukkaan idea"),
        "company": send(closed, sender, "Yrityksen idea"),
        "direct": send(None, sender, "Suora idea", organisation=org_a),
        "to_innovation": send(None, sender, "Suoraan innovaatioksi", organisation=org_a),
    }
    # Ideas that must not count: unconfirmed (sent without an account), hidden, merged, and org_b's.
    ideas["unconfirmed"] = idea_services.idea_send(
        actor=AnonymousUser(), challenge=open_, title="Vahvistamaton", text="x", sender_email="n@example.fi"
    )
    ideas["hidden"] = link(send(open_, sender, "Piilotettu"), hidden=True, hidden_reason="Roskapostia")
    ideas["merged"] = link(send(open_, sender, "Kaksoiskappale"), merged_into=ideas["user"])
    ideas["other"] = send(shared, sender, "Toisen idea")
    # Closed after the ideas came in.
    shared = challenge_services.challenge_set_status(actor=editor_b, challenge=shared, status=ChallengeStatus.CLOSED)
    closed = challenge_services.challenge_set_status(actor=editor_a, challenge=closed, status=ChallengeStatus.CLOSED)

    for key, source in (
        ("staff", IdeaSource.OWN_STAFF),
        ("user", IdeaSource.USERS),
        ("to_innovation", IdeaSource.USERS),
        ("company", IdeaSource.COMPANIES),
        ("direct", IdeaSource.MANAGEMENT),
    ):
        ideas[key] = linking.idea_set_source(actor=editor_a, idea=ideas[key], source=source)
    idea_services.idea_set_state(actor=editor_a, idea=ideas["staff"], state=IdeaState.UNDER_REVIEW)
    idea_services.idea_set_state(actor=editor_a, idea=ideas["user"], state=IdeaState.EXPERIMENTING)
    idea_services.idea_set_state(actor=editor_a, idea=ideas["company"], state=IdeaState.IN_USE)
    idea_services.idea_set_state(
        actor=editor_a, idea=ideas["direct"], state=IdeaState.NOT_TAKEN_FORWARD, reason="Ei resursseja"
    )
    linking.idea_set_partners(actor=editor_a, idea=ideas["staff"], partners=[company])
    linking.idea_set_partners(actor=editor_a, idea=ideas["user"], partners=[company, org_b])

    running = experiment_services.experiment_create(
        actor=editor_a,
        owner=org_a,
        data={"title_fi": "Käynnissä"},
        partners=[(company, PartnerRole.FUNDER), (org_b, PartnerRole.PILOT_SITE)],
    )
    scaled = finish_and_scale_up_decision(
        ExperimentFactory.create(
            owner=org_a, actor=editor_a, school_exercise=True, status=Status.PUBLISHED, title_fi="Laajennettava"
        ),
        editor_a,
    )
    experiment_services.experiment_update(
        actor=editor_a, experiment=scaled, expected_version=scaled.version, data={}, partners=[(company, "supplier")]
    )
    scaled.refresh_from_db()
    innovation_from_experiment = experiment_services.experiment_scale_up(
        actor=editor_a, experiment=scaled, expected_version=scaled.version
    )
    stopped = ExperimentFactory.create(owner=org_a, actor=editor_a, school_exercise=True, title_fi="Lopetettu")
    stopped = experiment_services.experiment_decide(
        actor=editor_a,
        experiment=stopped,
        expected_version=stopped.version,
        decision=Decision.STOP,
        reasons={"fi": "Ei toiminut."},
    )
    other_experiment = ExperimentFactory.create(
        owner=org_b, actor=editor_b, school_exercise=True, title_fi="Toisen kokeilu"
    )
    link(ideas["user"], experiment=running)
    link(ideas["company"], experiment=scaled)
    link(ideas["other"], experiment=other_experiment)

    service = InnovationFactory.create(
        owner=org_a,
        stage=Stage.IN_USE,
        novelty=Novelty.ADAPTED,
        classifications={
            Dimension.TYPE: ["service", "process"],
            Dimension.IDEA_SOURCE: ["users", "companies", "own_staff"],
        },
    )
    product = InnovationFactory.create(
        owner=org_a,
        status=Status.DRAFT,
        stage=Stage.IDEA,
        classifications={Dimension.TYPE: ["product"], Dimension.IDEA_SOURCE: ["users"]},
    )
    PartnershipFactory.create(innovation=service, organisation=university, role=PartnerRole.RESEARCHER)
    PartnershipFactory.create(innovation=service, organisation=company, role=PartnerRole.SUPPLIER)
    InnovationFactory.create(owner=org_b, classifications={Dimension.IDEA_SOURCE: ["users"]})
    link(ideas["to_innovation"], innovation=product)
    return World(
        org=org_a,
        other=org_b,
        company=company,
        university=university,
        challenges={"open": open_, "closed": closed, "draft": draft, "shared": shared},
        ideas=ideas,
        experiments={"running": running, "scaled": scaled, "stopped": stopped},
        innovations={"service": service, "product": product, "from_experiment": innovation_from_experiment},
        sender=sender,
        handler=handler,
    )


@pytest.fixture
def sender(world: World) -> Any:
    """The world's idea sender, as a role fixture (tests.pages.client_as)."""
    return world.sender


@pytest.fixture
def handler(world: World) -> Any:
    """The world's idea handler, as a role fixture (tests.pages.client_as)."""
    return world.handler


def move_to_last_year(*objects: Any) -> datetime.date:
    """Moves the records' creation a year back (to the same day last year); returns that day."""
    when = timezone.now() - datetime.timedelta(days=366)
    for obj in objects:
        type(obj).objects.filter(pk=obj.pk).update(created_at=when)
    return timezone.localtime(when).date()
