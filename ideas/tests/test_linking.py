"""Handling an idea beyond its state: where it came from (derived when it is sent, corrected by handlers), its
partner organisations, and turning it into an experiment or an innovation record (services and pages)."""

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from accounts.models import Role
from experiments.models import Experiment
from ideas.models import Challenge, Idea, IdeaSource, IdeaState, IdeaStateOption
from ideas.selectors import ideas as selectors
from ideas.services import ideas as services
from ideas.services import linking, states
from ideas.sources import SOURCE_BY_KIND, source_of
from ideas.tests.conftest import ROLES
from innovations.models import Innovation
from innovations.vocabulary import Stage, Status
from notifications.models import Notification
from organisations.models import Organisation, OrganisationKind
from tests.concurrency import at_once, postgres_only
from tests.factories import MembershipFactory, OrganisationFactory
from tests.pages import client_for, url

# The handlers of idea_a who are org_a's editors (only they may make records owned by org_a) or platform admins.
MAKERS = {"editor_a", "platform_admin"}
HANDLERS = MAKERS | {"challenge_handler"}


# --- the source, derived (plain, no database) ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("memberships", "expected"),
    [
        ([], "users"),
        ([(7, "municipality")], "own_staff"),
        ([(3, "municipality"), (7, "company")], "own_staff"),  # staff of the receiver, whatever else they are
        ([(3, "municipality")], "other_municipalities"),
        ([(3, "joint_authority")], "other_municipalities"),
        ([(3, "company")], "companies"),
        ([(3, "university")], "universities"),
        ([(3, "uas")], "universities"),
        ([(3, "research_institute")], "universities"),
        ([(3, "third_sector")], "third_sector"),
        ([(3, "state_agency")], "state_agencies"),
        ([(3, "ministry")], "state_agencies"),
        ([(3, "international")], "international"),
        ([(3, "wellbeing_county")], "other"),
        ([(3, "company"), (4, "municipality")], "companies"),  # the first membership decides
    ],
)
def test_source_of(memberships: list[tuple[int, str]], expected: str) -> None:
    assert source_of(receiver_id=7, memberships=memberships) == expected


def test_every_mapped_source_and_kind_exists() -> None:
    assert set(SOURCE_BY_KIND) <= set(OrganisationKind.values)
    assert set(SOURCE_BY_KIND.values()) <= set(IdeaSource.values)


# --- the source, when sent and corrected -------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("sender_kind", "expected"),
    [
        ("own", IdeaSource.OWN_STAFF),
        (OrganisationKind.MUNICIPALITY, IdeaSource.OTHER_MUNICIPALITIES),
        (OrganisationKind.COMPANY, IdeaSource.COMPANIES),
        (OrganisationKind.UNIVERSITY, IdeaSource.UNIVERSITIES),
        (OrganisationKind.THIRD_SECTOR, IdeaSource.THIRD_SECTOR),
        (OrganisationKind.MINISTRY, IdeaSource.STATE_AGENCIES),
        ("resident", IdeaSource.USERS),
    ],
)
def test_sending_derives_the_source(
    challenge_a: Challenge, org_a: Organisation, registered_user: Any, sender_kind: str, expected: str
) -> None:
    if sender_kind == "own":
        MembershipFactory(organisation=org_a, user=registered_user, role=Role.EDITOR)
    elif sender_kind != "resident":
        MembershipFactory(organisation=OrganisationFactory(kind=sender_kind), user=registered_user, role=Role.EDITOR)
    idea = services.idea_send(actor=registered_user, challenge=challenge_a, title="Idea", text="Teksti")
    assert idea.source == expected


@pytest.mark.django_db
def test_sending_without_an_account_is_from_users(challenge_a: Challenge, anonymous: Any) -> None:
    idea = services.idea_send(
        actor=anonymous, challenge=challenge_a, title="Idea", text="Teksti", sender_email="a@example.fi"
    )
    assert idea.source == IdeaSource.USERS


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_set_source_and_partners_per_role(
    request: pytest.FixtureRequest, idea_a: Idea, org_b: Organisation, role: str
) -> None:
    actor = request.getfixturevalue(role)
    if role in HANDLERS:
        linking.idea_set_source(actor=actor, idea=idea_a, source=IdeaSource.COMPANIES)
        linking.idea_set_partners(actor=actor, idea=idea_a, partners=[org_b])
    else:
        with pytest.raises(PermissionDenied):
            linking.idea_set_source(actor=actor, idea=idea_a, source=IdeaSource.COMPANIES)
        with pytest.raises(PermissionDenied):
            linking.idea_set_partners(actor=actor, idea=idea_a, partners=[org_b])
    idea_a.refresh_from_db()
    assert idea_a.source == (IdeaSource.COMPANIES if role in HANDLERS else IdeaSource.USERS)
    assert list(idea_a.partners.all()) == ([org_b] if role in HANDLERS else [])


@pytest.mark.django_db
def test_bad_source_and_own_organisation_as_partner_are_refused(
    idea_a: Idea, org_a: Organisation, org_b: Organisation, editor_a: Any
) -> None:
    with pytest.raises(ValidationError) as error:
        linking.idea_set_source(actor=editor_a, idea=idea_a, source="aliens")
    assert "source" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        linking.idea_set_partners(actor=editor_a, idea=idea_a, partners=[org_b, org_a])
    assert "partners" in error.value.message_dict
    assert not idea_a.partners.exists()


# --- turning into an experiment or an innovation -----------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_turn_into_experiment_per_role(request: pytest.FixtureRequest, idea_a: Idea, role: str) -> None:
    actor = request.getfixturevalue(role)
    if role in MAKERS:
        experiment = linking.idea_to_experiment(actor=actor, idea=idea_a)
        assert experiment.owner_id == idea_a.organisation_id
    else:
        with pytest.raises(PermissionDenied):
            linking.idea_to_experiment(actor=actor, idea=idea_a)
    idea_a.refresh_from_db()
    assert Experiment.objects.count() == (1 if role in MAKERS else 0)
    assert idea_a.state == (IdeaState.EXPERIMENTING if role in MAKERS else IdeaState.RECEIVED)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_turn_into_innovation_per_role(request: pytest.FixtureRequest, idea_a: Idea, role: str) -> None:
    actor = request.getfixturevalue(role)
    before = Innovation.objects.count()
    if role in MAKERS:
        linking.idea_to_innovation(actor=actor, idea=idea_a)
    else:
        with pytest.raises(PermissionDenied):
            linking.idea_to_innovation(actor=actor, idea=idea_a)
    idea_a.refresh_from_db()
    assert Innovation.objects.count() == before + (1 if role in MAKERS else 0)
    assert (idea_a.innovation_id is not None) == (role in MAKERS)


@pytest.mark.django_db
def test_experiment_from_an_idea(idea_a: Idea, editor_a: Any, org_b: Organisation) -> None:
    linking.idea_set_partners(actor=editor_a, idea=idea_a, partners=[org_b])
    option = states.idea_state_create(
        actor=editor_a, organisation=idea_a.organisation, kind=IdeaState.EXPERIMENTING, names={"fi": "Kokeilussa"}
    )
    with translation.override("en"):
        experiment = linking.idea_to_experiment(actor=editor_a, idea=idea_a)
    assert experiment.title_en == "Kylätalo"
    assert experiment.summary_en == "Yhteinen kylätalo"
    assert experiment.status == Status.DRAFT
    assert [p.organisation for p in experiment.partnerships.all()] == [org_b]
    idea_a.refresh_from_db()
    assert (idea_a.experiment_id, idea_a.state, idea_a.state_option_id) == (
        experiment.pk,
        IdeaState.EXPERIMENTING,
        option.pk,
    )
    assert list(experiment.ideas.all()) == [idea_a]
    # A second click gives the same experiment, not another.
    assert linking.idea_to_experiment(actor=editor_a, idea=idea_a).pk == experiment.pk
    assert Experiment.objects.count() == 1


@pytest.mark.django_db
def test_innovation_from_an_idea(idea_a: Idea, editor_a: Any) -> None:
    innovation = linking.idea_to_innovation(actor=editor_a, idea=idea_a)
    assert innovation.title_fi == "Kylätalo"
    assert innovation.stage == Stage.DEVELOPMENT
    assert innovation.status == Status.DRAFT
    assert innovation.owner_id == idea_a.organisation_id
    assert "Yhteinen kylätalo" in (innovation.description_fi or "")
    idea_a.refresh_from_db()
    assert (idea_a.innovation_id, idea_a.state) == (innovation.pk, IdeaState.IN_DEVELOPMENT)
    assert linking.idea_to_innovation(actor=editor_a, idea=idea_a).pk == innovation.pk
    assert Innovation.objects.filter(ideas=idea_a).count() == 1


@pytest.mark.django_db
def test_an_idea_follows_its_experiment_into_use(
    idea_a: Idea, editor_a: Any, sender: Any, registered_user: Any, challenge_a: Challenge
) -> None:
    from experiments import services as experiment_services
    from experiments.tests.conftest import finish_and_scale_up_decision

    services.support_add(actor=registered_user, idea=idea_a)
    other = services.idea_send(actor=sender, challenge=challenge_a, title="Toinen", text="Toinen idea")
    experiment = finish_and_scale_up_decision(linking.idea_to_experiment(actor=editor_a, idea=idea_a), editor_a)
    innovation = experiment_services.experiment_scale_up(
        actor=editor_a, experiment=experiment, expected_version=experiment.version
    )
    idea_a.refresh_from_db()
    assert (idea_a.experiment_id, idea_a.innovation_id, idea_a.state) == (
        experiment.pk,
        innovation.pk,
        IdeaState.IN_USE,
    )
    for person in (sender, registered_user):
        changes = Notification.objects.filter(idea=idea_a, user=person).values_list("change", flat=True)
        assert sorted(changes) == ["experiment", "innovation"]
    other.refresh_from_db()
    assert (other.innovation_id, other.state) == (None, IdeaState.RECEIVED)  # not made into this experiment


@pytest.mark.django_db
def test_an_idea_with_its_own_innovation_keeps_it_when_its_experiment_is_scaled_up(idea_a: Idea, editor_a: Any) -> None:
    from experiments import services as experiment_services
    from experiments.tests.conftest import finish_and_scale_up_decision

    own = linking.idea_to_innovation(actor=editor_a, idea=idea_a)
    experiment = finish_and_scale_up_decision(linking.idea_to_experiment(actor=editor_a, idea=idea_a), editor_a)
    experiment_services.experiment_scale_up(actor=editor_a, experiment=experiment, expected_version=experiment.version)
    idea_a.refresh_from_db()
    assert idea_a.innovation_id == own.pk


@pytest.mark.django_db
def test_unconfirmed_idea_is_not_turned(unconfirmed_a: Idea, editor_a: Any) -> None:
    with pytest.raises(ValidationError):
        linking.idea_to_experiment(actor=editor_a, idea=unconfirmed_a)
    with pytest.raises(ValidationError):
        linking.idea_to_innovation(actor=editor_a, idea=unconfirmed_a)
    assert not Experiment.objects.exists()
    assert not IdeaStateOption.objects.exists()


@pytest.mark.django_db
def test_sender_and_supporters_are_notified_of_state_and_where_the_idea_went(
    idea_a: Idea, editor_a: Any, sender: Any, registered_user: Any
) -> None:
    services.support_add(actor=registered_user, idea=idea_a)
    services.idea_set_state(actor=editor_a, idea=idea_a, state=IdeaState.UNDER_REVIEW)
    services.idea_set_state(actor=editor_a, idea=idea_a, state=IdeaState.UNDER_REVIEW)  # no change: no news
    linking.idea_to_experiment(actor=editor_a, idea=idea_a)
    linking.idea_to_experiment(actor=editor_a, idea=idea_a)  # the second click makes nothing, says nothing
    linking.idea_to_innovation(actor=editor_a, idea=idea_a)
    for person in (sender, registered_user):
        changes = list(Notification.objects.filter(idea=idea_a, user=person).values_list("change", flat=True))
        assert sorted(changes) == ["experiment", "innovation", "state"]
    # Never the actor (who was told of the new idea as its handler, before any of this).
    assert list(Notification.objects.filter(user=editor_a).values_list("change", flat=True)) == ["new_idea"]


@pytest.mark.django_db
def test_a_refused_turn_notifies_nobody(idea_a: Idea, editor_b: Any) -> None:
    before = Notification.objects.count()  # the handlers' news of the new idea
    with pytest.raises(PermissionDenied):
        linking.idea_to_experiment(actor=editor_b, idea=idea_a)
    assert Notification.objects.count() == before


# --- pages --------------------------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_handling_pages_per_role(request: pytest.FixtureRequest, idea_a: Idea, org_b: Organisation, role: str) -> None:
    client = client_for(request.getfixturevalue(role))
    source = client.post(url("ideas:source", pk=idea_a.pk), {"source": IdeaSource.COMPANIES})
    partners = client.post(url("ideas:partners", pk=idea_a.pk), {"partners": org_b.name})
    experiment = client.post(url("ideas:to_experiment", pk=idea_a.pk))
    idea_a.refresh_from_db()
    if role in HANDLERS:
        assert (source.status_code, partners.status_code) == (302, 302)
        assert idea_a.source == IdeaSource.COMPANIES
    else:
        # Ideas a person may see but not handle are refused; the sender sees it, others too (it is public).
        assert (source.status_code, partners.status_code) == (403, 403)
        assert idea_a.source == IdeaSource.USERS
    if role in MAKERS:
        assert experiment.status_code == 302
        assert experiment["Location"] == Experiment.objects.get().get_absolute_url()
    elif role == "challenge_handler":
        assert experiment.status_code == 302  # back to the idea with the refusal as a message
        assert experiment["Location"] == url("ideas:idea", pk=idea_a.pk)
        assert not Experiment.objects.exists()
    else:
        assert experiment.status_code == 403
    assert client.get(url("ideas:source", pk=idea_a.pk)).status_code == 405


@pytest.mark.django_db
def test_bad_handling_input_is_explained(idea_a: Idea, editor_a: Any, org_a: Organisation) -> None:
    client = client_for(editor_a)
    response = client.post(url("ideas:source", pk=idea_a.pk), {"source": "aliens"})
    assert response.status_code == 400
    response = client.post(url("ideas:partners", pk=idea_a.pk), {"partners": org_a.name})
    assert response.status_code == 400
    with translation.override("fi"):
        from django.utils.translation import gettext

        expected = gettext("The organisation the idea was sent to cannot be its own partner.")
    assert expected in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_idea_page_shows_where_the_idea_went(
    idea_a: Idea, editor_a: Any, registered_user: Any, org_b: Organisation, language: str
) -> None:
    linking.idea_set_partners(actor=editor_a, idea=idea_a, partners=[org_b])
    experiment = linking.idea_to_experiment(actor=editor_a, idea=idea_a)
    innovation = linking.idea_to_innovation(actor=editor_a, idea=idea_a)
    page = client_for(editor_a).get(url("ideas:idea", language, pk=idea_a.pk)).content.decode()
    assert experiment.get_absolute_url() in page
    assert innovation.get_absolute_url() in page
    assert str(org_b) in page
    assert url("ideas:to_experiment", language, pk=idea_a.pk) not in page  # already made: no second button
    # Drafts are not public: a resident sees the partners but not links to unpublished records.
    public = client_for(registered_user).get(url("ideas:idea", language, pk=idea_a.pk)).content.decode()
    assert experiment.get_absolute_url() not in public
    assert innovation.get_absolute_url() not in public
    assert url("ideas:source", language, pk=idea_a.pk) not in public


# --- races (PostgreSQL, real threads: tests/concurrency.py) --------------------------------------------


@pytest.mark.django_db(transaction=True)
@postgres_only
@pytest.mark.parametrize("target", ["experiment", "innovation"])
def test_two_clicks_at_once_make_one_record(idea_a: Idea, editor_a: Any, target: str) -> None:
    turn = linking.idea_to_experiment if target == "experiment" else linking.idea_to_innovation
    model = Experiment if target == "experiment" else Innovation
    before = model.objects.count()
    results = at_once(lambda _i: turn(actor=editor_a, idea=Idea.objects.get(pk=idea_a.pk)).pk, 8)
    assert not [r for r in results if isinstance(r, Exception)], results
    assert model.objects.count() == before + 1
    assert len(set(results)) == 1
    idea_a.refresh_from_db()
    assert getattr(idea_a, f"{target}_id") == results[0]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_turn_buttons_only_for_those_who_may_make_the_records(
    request: pytest.FixtureRequest, idea_a: Idea, role: str
) -> None:
    page = client_for(request.getfixturevalue(role)).get(url("ideas:idea", "en", pk=idea_a.pk)).content.decode()
    assert (url("ideas:to_experiment", "en", pk=idea_a.pk) in page) is (role in MAKERS)
    assert (url("ideas:to_innovation", "en", pk=idea_a.pk) in page) is (role in MAKERS)
    with translation.override("en"):
        from django.utils.translation import gettext

        refusal = gettext(
            "Only the editors of %(organisation)s can make an experiment or an innovation record of the idea."
        ) % {"organisation": idea_a.organisation}
    assert (refusal in page) is (role == "challenge_handler")


@pytest.mark.django_db
def test_the_records_pages_link_back_to_their_ideas(idea_a: Idea, editor_a: Any, registered_user: Any) -> None:
    """An innovation's and an experiment's page link to the ideas they were made from, as far as the viewer may see
    them: a hidden idea for its handlers only."""
    innovation = linking.idea_to_innovation(actor=editor_a, idea=idea_a)
    experiment = linking.idea_to_experiment(actor=editor_a, idea=idea_a)
    Innovation.objects.filter(pk=innovation.pk).update(status=Status.PUBLISHED)
    Experiment.objects.filter(pk=experiment.pk).update(status=Status.PUBLISHED)
    link = url("ideas:idea", pk=idea_a.pk)

    def page(user: Any, record: Any) -> str:
        return client_for(user).get(record.get_absolute_url()).content.decode()

    assert link in page(registered_user, innovation)
    assert link in page(registered_user, experiment)
    Idea.objects.filter(pk=idea_a.pk).update(hidden=True)
    assert link not in page(registered_user, innovation)
    assert link not in page(registered_user, experiment)
    assert link in page(editor_a, innovation)
    assert [i.pk for i in selectors.ideas_behind(user=editor_a, experiment=experiment)] == [idea_a.pk]
    assert selectors.ideas_behind(user=editor_a) == []
