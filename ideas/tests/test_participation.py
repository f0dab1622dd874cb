"""Who sees a challenge and who may send ideas, comment and support: every audience × participation level × role.

The tables below are written out by hand (not computed by the rules' own code): for each audience, the people who
belong to it; for each participation level, the people it lets in. A challenge of org_a, co-organised by org_c,
opened with a network coordinated by org_k (members org_a and org_n), for the residents of municipality org_m,
with the company org_p as an invited partner.
"""

import datetime
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import Role
from ideas import rules as idea_rules
from ideas.models import Audience, Challenge, ChallengeStatus, Comment, Idea, Participation, Support
from ideas.selectors import ideas as selectors
from ideas.services import ideas as services
from organisations.models import Organisation, OrganisationKind
from tests.factories import ChallengeFactory, MembershipFactory, NetworkFactory, OrganisationFactory, UserFactory

ROLES = [
    "anonymous",
    "registered",
    "strong_listed",  # strongly identified, home municipality org_m (listed)
    "strong_other",  # strongly identified, home municipality elsewhere
    "staff_owner",
    "staff_coorganiser",
    "staff_network_member",
    "partner",
    "editor_owner",
    "editor_coordinator",
    "named_handler",
    "editor_other",
    "platform_admin",
]
HANDLERS = {"editor_owner", "editor_coordinator", "named_handler", "platform_admin"}
ORGANISERS_STAFF = {"staff_owner", "staff_coorganiser", "editor_owner"}

VIEW: dict[str, set[str]] = {
    Audience.PUBLIC: set(ROLES),
    Audience.REGISTERED: set(ROLES) - {"anonymous"},
    Audience.RESIDENTS: {"strong_listed"} | ORGANISERS_STAFF | HANDLERS,
    Audience.STAFF: {"staff_network_member"} | ORGANISERS_STAFF | HANDLERS,
    Audience.PARTNERS: {"partner"} | ORGANISERS_STAFF | HANDLERS,
}
LEVEL: dict[str, set[str]] = {
    Participation.ANYONE: set(ROLES),
    Participation.REGISTERED: set(ROLES) - {"anonymous"},
    Participation.STRONG: {"strong_listed", "strong_other", "platform_admin"},
}


class World:
    def __init__(self) -> None:
        self.org_a = OrganisationFactory.create()
        self.org_c = OrganisationFactory.create()
        self.org_k = OrganisationFactory.create()
        self.org_n = OrganisationFactory.create()
        self.org_m = OrganisationFactory.create()  # a municipality with its code
        self.org_elsewhere = OrganisationFactory.create()
        self.org_p = OrganisationFactory.create(kind=OrganisationKind.COMPANY)
        self.org_b = OrganisationFactory.create()
        self.network = NetworkFactory.create(coordinator=self.org_k, members=[self.org_a, self.org_n])
        self.people: dict[str, Any] = {"anonymous": None}
        self.people["registered"] = UserFactory()
        self.people["strong_listed"] = self._strong(self.org_m)
        self.people["strong_other"] = self._strong(self.org_elsewhere)
        self.people["staff_owner"] = self._member(self.org_a, Role.STAFF)
        self.people["staff_coorganiser"] = self._member(self.org_c, Role.STAFF)
        self.people["staff_network_member"] = self._member(self.org_n, Role.STAFF)
        self.people["partner"] = self._member(self.org_p, Role.STAFF)
        self.people["editor_owner"] = self._member(self.org_a, Role.EDITOR)
        self.people["editor_coordinator"] = self._member(self.org_k, Role.EDITOR)
        self.people["named_handler"] = UserFactory()
        self.people["editor_other"] = self._member(self.org_b, Role.EDITOR)
        self.people["platform_admin"] = UserFactory(platform_admin=True)

    @staticmethod
    def _strong(municipality: Organisation) -> Any:
        return UserFactory(strongly_identified_at=timezone.now(), home_municipality_code=municipality.municipality_code)

    @staticmethod
    def _member(organisation: Organisation, role: str) -> Any:
        return MembershipFactory(organisation=organisation, role=role).user

    def challenge(self, audience: str, level: str = Participation.ANYONE, **fields: Any) -> Challenge:
        challenge = ChallengeFactory.create(owner=self.org_a, actor=self.people["editor_owner"], unnumbered=True)
        Challenge.objects.filter(pk=challenge.pk).update(
            audience=audience,
            participation=level,
            comment_participation=level,
            support_participation=level,
            network=self.network,
            **fields,
        )
        challenge.co_organisers.add(self.org_c)
        challenge.municipalities.add(self.org_m)
        challenge.invited_partners.add(self.org_p)
        challenge.handlers.add(self.people["named_handler"])
        return Challenge.objects.get(pk=challenge.pk)

    def idea(self, challenge: Challenge) -> Idea:
        # Sent by the platform administrator (who may send to any challenge): a confirmed idea.
        idea = services.idea_send(
            actor=self.people["platform_admin"], challenge=challenge, title="Kylätalo", text="Yhteinen kylätalo"
        )
        return Idea.objects.select_related("challenge").get(pk=idea.pk)

    def who(self, role: str) -> Any:
        from django.contrib.auth.models import AnonymousUser

        person = self.people[role]
        if person is None:
            return AnonymousUser()
        return type(person).objects.get(pk=person.pk)  # fresh: no roles memoised from an earlier check


@pytest.fixture
def world(db: None) -> World:
    return World()


@pytest.mark.parametrize("level", list(LEVEL))
@pytest.mark.parametrize("audience", list(VIEW))
def test_every_role_in_every_audience_and_level(world: World, audience: str, level: str) -> None:
    challenge = world.challenge(audience, level)
    idea = world.idea(challenge)
    # Comments and supports always need a signed-in person, whatever the challenge says.
    taking_part = LEVEL[level] - {"anonymous"}
    expected = {
        ("ideas.view_challenge", challenge): VIEW[audience],
        ("ideas.send_idea", challenge): VIEW[audience] & LEVEL[level],
        ("ideas.comment_idea", idea): (VIEW[audience] & taking_part) | HANDLERS,
        ("ideas.support_idea", idea): VIEW[audience] & taking_part,
        ("ideas.take_part", idea): (VIEW[audience] & taking_part) | HANDLERS,
        ("ideas.handle_idea", idea): HANDLERS,
        ("ideas.handle_challenge", challenge): HANDLERS,
    }
    wrong = []
    for (perm, obj), allowed in expected.items():
        for role in ROLES:
            if world.who(role).has_perm(perm, obj) is not (role in allowed):
                wrong.append((perm, role))
    assert wrong == []


@pytest.mark.parametrize("level", list(LEVEL))
@pytest.mark.parametrize("audience", list(VIEW))
def test_refusal_is_given_exactly_when_the_permission_is_refused(world: World, audience: str, level: str) -> None:
    challenge = world.challenge(audience, level)
    idea = world.idea(challenge)
    for role in ROLES:
        user = world.who(role)
        for action, perm, obj in [
            ("send", "ideas.send_idea", challenge),
            ("comment", "ideas.comment_idea", idea),
            ("support", "ideas.support_idea", idea),
        ]:
            refusal = idea_rules.participation_refusal(user, challenge, action)
            assert (refusal is None) is user.has_perm(perm, obj), (role, action)
            assert refusal is None or refusal.strip()


@pytest.mark.parametrize("audience", list(VIEW))
def test_list_filter_agrees_with_the_rule(world: World, audience: str) -> None:
    challenges = [
        world.challenge(audience),
        world.challenge(audience, status=ChallengeStatus.CLOSED),
        world.challenge(audience, status=ChallengeStatus.DRAFT),
    ]
    ids = [c.pk for c in challenges]
    for role in ROLES:
        user = world.who(role)
        listed = list(Challenge.objects.filter(idea_rules.challenge_visibility_q(user), pk__in=ids).values_list("pk"))
        expected = [(c.pk,) for c in challenges if user.has_perm("ideas.view_challenge", c)]
        assert sorted(listed) == sorted(expected), role
        # The pages' and the API's lists (ideas.selectors) use the same filter.
        selected = selectors.challenge_visible(user=user).filter(pk__in=ids).values_list("pk")
        assert sorted(selected) == sorted(expected), role


def test_idea_lists_agree_with_the_rules(world: World) -> None:
    ideas = [world.idea(world.challenge(audience)) for audience in VIEW]
    ids = [idea.pk for idea in ideas]
    for role in ROLES:
        user = world.who(role)
        listed = sorted(selectors.idea_visible(user=user).filter(pk__in=ids).values_list("pk", flat=True))
        assert listed == sorted(i.pk for i in ideas if user.has_perm("ideas.view_idea", i)), role


def test_drafts_are_seen_by_the_handlers_only(world: World) -> None:
    draft = world.challenge(Audience.PUBLIC, status=ChallengeStatus.DRAFT)
    seen = {role for role in ROLES if world.who(role).has_perm("ideas.view_challenge", draft)}
    assert seen == HANDLERS


def test_refusals_explain_what_to_do(world: World) -> None:
    strong = world.challenge(Audience.PUBLIC, Participation.STRONG)
    residents = world.challenge(Audience.RESIDENTS)
    registered = world.challenge(Audience.PUBLIC, Participation.REGISTERED)
    with translation.override("en"):
        assert idea_rules.participation_refusal(world.who("registered"), strong, "send") == _(
            "Sign in with strong identification to send ideas to this challenge."
        )
        assert idea_rules.participation_refusal(world.who("registered"), strong, "support") == _(
            "Sign in with strong identification to support the ideas of this challenge."
        )
        assert idea_rules.participation_refusal(world.who("anonymous"), registered, "send") == _(
            "Sign in to send ideas to this challenge."
        )
        assert idea_rules.participation_refusal(world.who("anonymous"), registered, "comment") == _(
            "Sign in to comment on ideas."
        )
        names = str(world.org_m)
        assert idea_rules.participation_refusal(world.who("registered"), residents, "send") == _(
            "This challenge is for the residents of %(municipalities)s. Sign in with strong identification to "
            "show your home municipality."
        ) % {"municipalities": names}
        assert idea_rules.participation_refusal(world.who("strong_other"), residents, "send") == _(
            "This challenge is for the residents of %(municipalities)s, and your home municipality is not one of them."
        ) % {"municipalities": names}
        assert idea_rules.participation_refusal(world.who("strong_listed"), residents, "send") is None
    # In the person's language: Finnish is active by default, and the text is not the English one.
    finnish = idea_rules.participation_refusal(world.who("registered"), strong, "send")
    with translation.override("fi"):
        assert finnish == _("Sign in with strong identification to send ideas to this challenge.")


def test_closed_and_not_yet_open_challenges_refuse_everyone_but_platform_admins(world: World) -> None:
    today = timezone.localdate()
    closed = world.challenge(Audience.PUBLIC, status=ChallengeStatus.CLOSED)
    later = world.challenge(Audience.PUBLIC, opens_on=today + datetime.timedelta(days=3))
    ended = world.challenge(Audience.PUBLIC, closes_on=today - datetime.timedelta(days=1))
    for challenge in (closed, later, ended):
        for role in ROLES:
            assert world.who(role).has_perm("ideas.send_idea", challenge) is (role == "platform_admin"), role
    with translation.override("en"):
        assert idea_rules.participation_refusal(world.who("registered"), closed, "send") == _(
            "This challenge is closed."
        )
        assert idea_rules.participation_refusal(world.who("registered"), ended, "support") == _(
            "This challenge is closed."
        )
        assert "opens on" in (idea_rules.participation_refusal(world.who("registered"), later, "send") or "")


def test_idea_without_a_challenge_needs_a_signed_in_person_to_comment_and_support(world: World) -> None:
    idea = services.idea_send(
        actor=world.people["registered"], organisation=world.org_a, title="Penkki", text="Lisää penkkejä"
    )
    assert not world.who("anonymous").has_perm("ideas.comment_idea", idea)
    assert not world.who("anonymous").has_perm("ideas.support_idea", idea)
    assert world.who("strong_other").has_perm("ideas.support_idea", idea)
    assert idea_rules.participation_refusal(world.who("anonymous"), None, "send") is None
    assert idea_rules.participation_refusal(world.who("anonymous"), None, "support")


def test_services_follow_the_rules_for_comments_and_supports(world: World) -> None:
    challenge = world.challenge(Audience.PUBLIC, Participation.STRONG)
    idea = world.idea(challenge)
    with pytest.raises(PermissionDenied):
        services.comment_add(actor=world.who("registered"), idea=idea, text="Hyvä idea")
    with pytest.raises(PermissionDenied):
        services.support_add(actor=world.who("registered"), idea=idea)
    assert not Comment.objects.filter(idea=idea).exists()
    assert not Support.objects.filter(idea=idea).exists()
    services.comment_add(actor=world.who("strong_other"), idea=idea, text="Hyvä idea")
    assert services.support_add(actor=world.who("strong_other"), idea=idea) is True
    # A handler answers in the comments without strong identification, but does not support as a resident would.
    services.comment_add(actor=world.who("named_handler"), idea=idea, text="Kiitos, katsomme tätä")
    with pytest.raises(PermissionDenied):
        services.support_add(actor=world.who("named_handler"), idea=idea)
    assert Comment.objects.filter(idea=idea).count() == 2
    assert Support.objects.filter(idea=idea).count() == 1


def test_staff_role_edits_nothing(world: World) -> None:
    staff = world.who("staff_owner")
    challenge = world.challenge(Audience.STAFF)
    assert staff.has_perm("ideas.view_challenge", challenge)
    assert not staff.has_perm("ideas.change_challenge", challenge)
    assert not staff.has_perm("ideas.handle_challenge", challenge)
    assert not staff.has_perm("ideas.add_challenge_for", world.org_a)
    assert not staff.has_perm("organisations.change_organisation", world.org_a)
    assert not staff.has_perm("ideas.handle_idea", world.idea(challenge))


def test_pages_say_why_and_offer_identification(world: World, client: Any) -> None:
    from accounts.dev_provider import register_dev_provider

    provider = register_dev_provider(site_url="http://testserver")
    strong = world.challenge(Audience.PUBLIC, Participation.STRONG)
    idea = world.idea(strong)
    client.force_login(world.people["registered"])
    with translation.override("en"):
        send = _("Sign in with strong identification to send ideas to this challenge.")
        support = _("Sign in with strong identification to support the ideas of this challenge.")
        button = _("Sign in with %(name)s") % {"name": provider.name}
    challenge_page = client.get(f"/en/challenges/{strong.pk}/").content.decode()
    assert send in challenge_page
    assert button in challenge_page
    idea_page = client.get(f"/en/challenges/ideas/{idea.pk}/").content.decode()
    assert support in idea_page
    client.force_login(world.people["strong_other"])
    assert send not in client.get(f"/en/challenges/{strong.pk}/").content.decode()
