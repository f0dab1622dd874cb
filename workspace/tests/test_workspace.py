"""The workspace: what each role sees of its organisation, that nothing of another organisation leaks in, the
full lists, the switcher for a person in several organisations, the sign-in landing and the query count."""

import datetime
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from barometer.models import Round
from barometer.vocabulary import RoundStatus
from ideas.services import ideas as idea_services
from ideas.services import moderation
from innovations import services as innovation_services
from innovations.vocabulary import Novelty, Status
from organisations.models import Organisation
from tests.factories import (
    AdoptionFactory,
    ChallengeFactory,
    ExperimentFactory,
    IdeaFactory,
    InnovationFactory,
    InvitationFactory,
    MembershipFactory,
    QuestionnaireVersionFactory,
    ResponseFactory,
    RoundFactory,
    UserFactory,
)
from tests.pages import client_for
from workspace import selectors
from workspace.selectors import (
    ADOPTIONS,
    EXPERIMENT_DRAFTS,
    EXPERIMENTS_DUE,
    IDEAS,
    INNOVATION_DRAFTS,
    INVITATIONS,
    ROUNDS,
    SOURCE_PROPOSALS,
)

TODAY = timezone.localdate()


def _experiment(owner: Organisation, actor: Any, title: str, *, ends_on: datetime.date, status: str = Status.DRAFT):
    starts_on = ends_on - datetime.timedelta(days=60)
    return ExperimentFactory.create(
        owner=owner, actor=actor, title_fi=title, starts_on=starts_on, ends_on=ends_on, status=status
    )


def _round(organiser: Organisation, slug: str, status: str, frame: list[Organisation]) -> Round:
    return RoundFactory.create(
        questionnaire_version=QuestionnaireVersionFactory.create(organiser=organiser, frozen=True),
        organiser=organiser,
        slug=slug,
        name_fi=f"Kierros {slug}",
        status=status,
        frame=frame,
    )


# What the shipped questionnaire requires (the background questions and whether innovations were introduced).
REQUIRED_ANSWERS = {
    "q_org_kind": "municipality",
    "q_size": "lt5k",
    "q_region": "01",
    "q_introduced_types": dict.fromkeys(("service", "product", "process", "organisational", "communication"), "no"),
}


@pytest.fixture
def staff_a(org_a: Organisation) -> Any:
    return MembershipFactory(organisation=org_a, role=Role.STAFF).user


@pytest.fixture
def plate(org_a: Organisation, org_b: Organisation, editor_a: Any, editor_b: Any, platform_admin: Any) -> dict:
    """org_a's work in every block, and org_b's own work of the same kinds, which must never show for org_a."""
    things: dict[str, Any] = {}
    things["draft"] = InnovationFactory.create(owner=org_a, actor=editor_a, status=Status.DRAFT, title_fi="A-luonnos")
    InnovationFactory.create(owner=org_b, actor=editor_b, status=Status.DRAFT, title_fi="B-luonnos")
    published = InnovationFactory.create(owner=org_a, actor=editor_a, status=Status.PUBLISHED, title_fi="A-julkaistu")
    things["adoption"] = AdoptionFactory.create(source=published, adopter=org_b, actor=editor_b)
    # org_b says its own record was adapted from org_a's: org_a's editors are to confirm it; org_b's is not theirs.
    b_record = InnovationFactory.create(owner=org_b, actor=editor_b, status=Status.PUBLISHED, title_fi="B-oma")
    a_source = InnovationFactory.create(owner=org_a, actor=editor_a, status=Status.PUBLISHED, title_fi="A-lähde")
    innovation_services.lineage_propose(actor=editor_b, result=b_record, source=a_source, mode=Novelty.ADAPTED)
    a_record = InnovationFactory.create(owner=org_a, actor=editor_a, status=Status.PUBLISHED, title_fi="A-oma")
    b_other = InnovationFactory.create(owner=org_b, actor=editor_b, status=Status.PUBLISHED, title_fi="B-toinen")
    innovation_services.lineage_propose(actor=editor_a, result=a_record, source=b_other, mode=Novelty.COPIED)
    things["exp_draft"] = _experiment(org_a, editor_a, "A-kokeiluluonnos", ends_on=TODAY + datetime.timedelta(days=9))
    things["exp_due"] = _experiment(
        org_a, editor_a, "A-päättynyt", ends_on=TODAY - datetime.timedelta(days=3), status=Status.PUBLISHED
    )
    _experiment(org_b, editor_b, "B-päättynyt", ends_on=TODAY - datetime.timedelta(days=3))
    challenge = ChallengeFactory.create(actor=editor_a, owner=org_a, title_fi="A-haaste")
    sender = UserFactory.create()
    things["idea"] = IdeaFactory.create(actor=sender, title="A-idea", text="Teksti", challenge=challenge)
    hidden = IdeaFactory.create(actor=sender, title="A-piilotettu", text="Teksti", challenge=challenge)
    moderation.idea_set_hidden(actor=editor_a, idea=hidden, hidden=True, reason="Roskaa")
    handled = IdeaFactory.create(actor=sender, title="A-käsitelty", text="Teksti", challenge=challenge)
    idea_services.idea_set_state(actor=editor_a, idea=handled, state="under_review")
    IdeaFactory.create(actor=sender, title="B-idea", text="Teksti", challenge=None, organisation=org_b)
    # org_b runs an open round in which org_a is invited; org_a runs a round of its own being prepared.
    round_b = _round(org_b, "round-b", RoundStatus.OPEN, [org_a, org_b])
    things["invitation"] = InvitationFactory.create(round=round_b, organisation=org_a, email="kirjaamo@a.example.fi")
    answered = InvitationFactory.create(round=round_b, organisation=org_a, email="vastasi@a.example.fi")
    ResponseFactory.create(round=round_b, invitation=answered, answers=REQUIRED_ANSWERS)
    InvitationFactory.create(round=round_b, organisation=org_b, email="b@b.example.fi")
    things["round"] = _round(org_a, "round-a", RoundStatus.DRAFT, [org_a])
    _round(org_a, "round-a-old", RoundStatus.PUBLISHED, [org_a])
    return things


def _label(item: Any) -> str:
    if hasattr(item, "result"):  # an adoption: the adopter's record
        return str(item.result.title)
    return str(getattr(item, "title", None) or getattr(item, "email", None) or getattr(item, "name", ""))


def _titles(user: Any, organisation: Organisation) -> dict[str, list[str]]:
    result = selectors.workspace(user=user, organisation=organisation)
    out = {}
    for block in result.blocks:
        out[block.key] = [_label(item) for item in block.items]
    return out


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["editor", "admin"])
def test_editors_and_administrators_see_every_block_of_their_own_organisation(
    role: str, plate: dict, org_a: Organisation, editor_a: Any, admin_a: Any
) -> None:
    user = editor_a if role == "editor" else admin_a
    titles = _titles(user, org_a)
    assert titles == {
        INNOVATION_DRAFTS: ["A-luonnos"],
        EXPERIMENT_DRAFTS: ["A-kokeiluluonnos"],
        IDEAS: ["A-idea"],  # not the hidden one, not the one already under review, not org_b's
        EXPERIMENTS_DUE: ["A-päättynyt"],  # org_a's own draft is not due yet
        INVITATIONS: ["kirjaamo@a.example.fi"],  # not the answered one, not org_b's
        ROUNDS: ["Kierros round-a"],  # not the published one
        SOURCE_PROPOSALS: ["B-oma"],  # not org_a's own proposal to org_b
        ADOPTIONS: [plate["adoption"].result.title],
    }


@pytest.mark.django_db
def test_a_staff_member_sees_no_handling_and_no_barometer_team_blocks(
    plate: dict, org_a: Organisation, staff_a: Any
) -> None:
    titles = _titles(staff_a, org_a)
    assert IDEAS not in titles
    assert ROUNDS not in titles
    assert SOURCE_PROPOSALS not in titles
    assert titles[INNOVATION_DRAFTS] == ["A-luonnos"]
    with pytest.raises(PermissionDenied):
        selectors.block_items(user=staff_a, organisation=org_a, block=IDEAS)


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["editor_b", "registered_user", "platform_admin"])
def test_outsiders_have_no_workspace_of_the_organisation(plate: dict, org_a: Organisation, who: str, request) -> None:
    user = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        selectors.workspace(user=user, organisation=org_a)
    client = client_for(user)
    assert client.get(reverse("workspace:organisation", args=[org_a.slug])).status_code == 403
    assert client.get(reverse("workspace:block", args=[org_a.slug, INNOVATION_DRAFTS])).status_code == 403


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_log_in(org_a: Organisation) -> None:
    response = Client().get(reverse("workspace:organisation", args=[org_a.slug]))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


@pytest.mark.django_db
def test_the_page_shows_the_blocks_and_links_to_their_full_lists(plate: dict, org_a: Organisation, editor_a) -> None:
    client = client_for(editor_a)
    response = client.get(reverse("workspace:home"))
    assert response.status_code == 200
    html = response.content.decode()
    for text in ("A-luonnos", "A-kokeiluluonnos", "A-idea", "A-päättynyt", "kirjaamo@a.example.fi", "Kierros round-a"):
        assert text in html
    for leaked in ("B-luonnos", "B-päättynyt", "B-idea", "A-piilotettu", "b@b.example.fi"):
        assert leaked not in html
    assert reverse("lab:portfolio", args=[org_a.pk]) in html
    for key in (INNOVATION_DRAFTS, IDEAS, ADOPTIONS):
        url = reverse("workspace:block", args=[org_a.slug, key])
        assert url in html
        assert client.get(url).status_code == 200
    # The main navigation offers the workspace to members, and marks it as the current page.
    assert f'href="{reverse("workspace:home")}" aria-current="page"' in html


@pytest.mark.django_db
def test_a_full_list_pages_through_everything(org_a: Organisation, editor_a: Any) -> None:
    for n in range(30):
        InnovationFactory.create(owner=org_a, actor=editor_a, status=Status.DRAFT, title_fi=f"Luonnos {n:02d}")
    client = client_for(editor_a)
    home = client.get(reverse("workspace:home")).content.decode()
    assert "30" in home
    url = reverse("workspace:block", args=[org_a.slug, INNOVATION_DRAFTS])
    first, second = client.get(url).content.decode(), client.get(url + "?page=2").content.decode()
    shown = {f"Luonnos {n:02d}" for n in range(30) if f"Luonnos {n:02d}" in first + second}
    assert len(shown) == 30
    assert client.get(reverse("workspace:block", args=[org_a.slug, "no-such-block"])).status_code == 404


@pytest.mark.django_db
def test_a_person_in_several_organisations_switches_between_them(
    plate: dict, org_a: Organisation, org_b: Organisation, editor_a: Any
) -> None:
    MembershipFactory(user=editor_a, organisation=org_b, role=Role.STAFF)
    client = client_for(editor_a)
    page = client.get(reverse("workspace:home")).content.decode()
    assert reverse("workspace:organisation", args=[org_b.slug]) in page
    assert reverse("workspace:organisation", args=[org_a.slug]) in page
    other = client.get(reverse("workspace:organisation", args=[org_b.slug])).content.decode()
    assert "B-luonnos" in other
    assert "A-luonnos" not in other
    assert "B-idea" not in other  # a staff member of org_b is not its handler


@pytest.mark.django_db
def test_sign_in_lands_members_in_the_workspace_and_others_on_the_front_page(editor_a: Any) -> None:
    from tests.factories import PASSWORD

    outsider: Any = UserFactory()
    for user, target in ((editor_a, reverse("workspace:home")), (outsider, reverse("core:home"))):
        client = Client()
        response = client.post(
            reverse("accounts:login"), {"username": user.username, "password": PASSWORD}, follow=True
        )
        assert response.redirect_chain[-1][0] == target
    # Only members are offered the workspace in the navigation.
    client = client_for(outsider)
    assert reverse("workspace:home") not in client.get(reverse("core:home")).content.decode()
    assert client.get(reverse("workspace:home")).templates[0].name == "workspace/no_organisation.html"


@pytest.mark.django_db
def test_the_number_of_queries_does_not_grow_with_the_amounts(
    plate: dict, org_a: Organisation, org_b: Organisation, editor_a: Any, editor_b: Any, django_assert_max_num_queries
) -> None:
    client = client_for(editor_a)
    url = reverse("workspace:home")
    client.get(url)
    with django_assert_max_num_queries(32) as small:
        client.get(url)

    def add(n: int) -> None:
        for _ in range(n):
            InnovationFactory.create(owner=org_a, actor=editor_a, status=Status.DRAFT)
            AdoptionFactory.create(
                source=InnovationFactory.create(owner=org_a, actor=editor_a, status=Status.PUBLISHED),
                adopter=org_b,
                actor=editor_b,
            )

    # A block longer than its preview costs one COUNT more; from then on, the amounts change nothing.
    add(6)
    with django_assert_max_num_queries(len(small.captured_queries) + 2) as full:
        client.get(url)
    add(20)
    with django_assert_max_num_queries(len(full.captured_queries)):
        client.get(url)
