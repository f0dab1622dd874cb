"""Permission rules for challenges and ideas (django-rules). Platform administrators (superusers) pass every check.

Who sees a challenge is its audience:
- public: everyone; registered: every signed-in person;
- residents: people whose home municipality (reported by strong identification) is one of the challenge's
  municipalities, and the organisers' staff;
- staff: members of the owner, the co-organisers and, when a network opens it, the network's member organisations;
- partners: members of the invited partner organisations, and the organisers' staff.
The organisers are the owner and the co-organisers. A challenge's handlers (its named handlers, the editors of the
owner, of the co-organisers and of the network's coordinator) always see it, drafts too, and handle its ideas.

Who may send ideas, comment and support is set per challenge (anyone / registered / strong identification).
Comments and supports always need a signed-in person: one support per person needs to know the person. A
signed-in person takes part once their e-mail address is verified or an identification provider knows them
(accounts.verification.is_vouched_for); reports stay open to everyone who sees the idea, as without an account. Handlers
may always comment on the ideas they handle (to answer them). `participation_refusal` says why someone may not
take part, in the words the pages show; the permissions below are its "no reason" answer, so the two never
disagree.
"""

from typing import Any

import rules
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import roles
from accounts.identity import home_municipality_code, is_strongly_identified
from accounts.verification import is_vouched_for
from ideas.models import Audience, Challenge, ChallengeStatus, Idea, IdeaState, Participation
from organisations.models import NetworkMembership

SEND, COMMENT, SUPPORT = "send", "comment", "support"
HIDDEN_NO_COMMENTS = gettext_lazy("The moderators have hidden this idea: it takes no comments.")
ACTIONS = (SEND, COMMENT, SUPPORT)


def _signed_in(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def _organiser_ids(challenge: Challenge) -> set[int]:
    """The owner and the co-organisers."""
    ids = {challenge.owner_id}
    if challenge.pk:
        ids.update(challenge.co_organisers.values_list("pk", flat=True))
    return ids


def _network_member_ids(challenge: Challenge) -> set[int]:
    if challenge.network_id is None:
        return set()
    return set(challenge.network.members.values_list("pk", flat=True))  # type: ignore[union-attr]


def _member_of_any(user: Any, organisation_ids: set[int]) -> bool:
    return bool(organisation_ids & set(roles.organisation_roles(user)))


def is_challenge_handler(user: Any, challenge: Any) -> bool:
    """Named handlers and the editors of the owner, the co-organisers and the network's coordinator."""
    if challenge is None or not _signed_in(user):
        return False
    if getattr(user, "is_superuser", False):
        return True
    editable = set(roles.editable_organisation_ids(user))
    if editable and challenge.owner_id in editable:
        return True
    if editable and editable & _organiser_ids(challenge):  # only editors can be handlers through an organisation
        return True
    if editable and challenge.network_id is not None and challenge.network.coordinator_id in editable:
        return True
    return bool(challenge.pk) and challenge.handlers.filter(pk=user.pk).exists()


def _audience_refusal(user: Any, challenge: Challenge) -> str | None:
    """Why the audience leaves this person out (a reason code), or None when they belong to it."""
    audience = challenge.audience
    if audience == Audience.PUBLIC:
        return None
    if not _signed_in(user):
        return "audience_sign_in"
    if audience == Audience.REGISTERED:
        return None
    if audience == Audience.STAFF:
        staff = _organiser_ids(challenge) | _network_member_ids(challenge)
        return None if _member_of_any(user, staff) else "audience_staff"
    if _member_of_any(user, _organiser_ids(challenge)):
        return None  # the organisers' own staff belong to a residents' or partners' challenge too
    if audience == Audience.PARTNERS:
        partners = set(challenge.invited_partners.values_list("pk", flat=True))
        return None if _member_of_any(user, partners) else "audience_partners"
    if audience == Audience.RESIDENTS:
        if not is_strongly_identified(user):
            return "audience_residents_strong"
        code = home_municipality_code(user)
        listed = challenge.municipalities.filter(municipality_code=code).exists() if code else False
        return None if listed else "audience_residents"
    return "audience_unknown"


def _visibility_refusal(user: Any, challenge: Challenge) -> str | None:
    if getattr(user, "is_superuser", False):
        return None
    # The audience first: for a public challenge it costs no query, and the handler check does.
    reason = "draft" if challenge.status == ChallengeStatus.DRAFT else _audience_refusal(user, challenge)
    if reason is None or is_challenge_handler(user, challenge):
        return None
    return reason


def _open_refusal(challenge: Challenge) -> str | None:
    if challenge.status != ChallengeStatus.OPEN:
        return "closed"
    today = timezone.localdate()
    if challenge.opens_on and today < challenge.opens_on:
        return "not_yet"
    if challenge.closes_on and today > challenge.closes_on:
        return "closed"
    return None


def _level(challenge: Challenge | None, action: str) -> str:
    if challenge is None:  # an idea sent straight to an organisation: anyone sends, signed-in people take part
        return Participation.ANYONE if action == SEND else Participation.REGISTERED
    level = {
        SEND: challenge.participation,
        COMMENT: challenge.comment_participation,
        SUPPORT: challenge.support_participation,
    }[action]
    if action != SEND and level == Participation.ANYONE:
        return Participation.REGISTERED  # one support per person, comments with a name: both need a person
    return level


def _refusal(user: Any, challenge: Challenge | None, action: str) -> str | None:
    """The reason code why the person may not do `action` in the challenge, or None when they may."""
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    if getattr(user, "is_superuser", False) and getattr(user, "is_active", False):
        return None
    reason = _participant_refusal(user, challenge, action)
    if reason and action == COMMENT and challenge is not None and is_challenge_handler(user, challenge):
        return None  # handlers answer in the comments whatever the rule for others
    return reason


def _participant_refusal(user: Any, challenge: Challenge | None, action: str) -> str | None:
    if challenge is not None:
        reason = _visibility_refusal(user, challenge) or _open_refusal(challenge)
        if reason:
            return reason
    level = _level(challenge, action)
    if _signed_in(user) and not is_vouched_for(user):
        # An account is a name anyone can make: what it sends counts once its address is verified (or an
        # identification provider knows the person). Without an account, ideas are confirmed by mail instead.
        return "verify_email" if user.email else "add_email"
    if level == Participation.ANYONE:
        return None
    if not _signed_in(user):
        return "sign_in"
    if level == Participation.STRONG and not is_strongly_identified(user):
        return "strong"
    return None


def _message(reason: str, challenge: Challenge | None, action: str, email: str = "") -> str:
    if reason == "sign_in":
        return {
            SEND: _("Sign in to send ideas to this challenge."),
            COMMENT: _("Sign in to comment on ideas."),
            SUPPORT: _("Sign in to support ideas."),
        }[action]
    if reason == "strong":
        return {
            SEND: _("Sign in with strong identification to send ideas to this challenge."),
            COMMENT: _("Sign in with strong identification to comment on the ideas of this challenge."),
            SUPPORT: _("Sign in with strong identification to support the ideas of this challenge."),
        }[action]
    if reason == "verify_email":
        return _(
            "Verify your e-mail address first: open the link we sent to %(email)s. Then you can send ideas, "
            "comment and support."
        ) % {"email": email}
    if reason == "add_email":
        return _(
            "Add an e-mail address on your profile page and verify it: then you can send ideas, comment and support."
        )
    if reason == "not_yet" and challenge is not None and challenge.opens_on:
        return _("This challenge opens on %(date)s.") % {"date": formats.date_format(challenge.opens_on)}
    municipalities = ""
    if challenge is not None and reason.startswith("audience_residents"):
        municipalities = ", ".join(str(m) for m in challenge.municipalities.order_by("name"))
    return {
        "draft": _("This challenge has not been opened yet."),
        "closed": _("This challenge is closed."),
        "not_yet": _("This challenge is not open yet."),
        "audience_sign_in": _("Sign in to take part in this challenge: it is not open to everyone."),
        "audience_staff": _("This challenge is for the organisers' own staff only."),
        "audience_partners": _("This challenge is for invited partners only."),
        "audience_residents_strong": _(
            "This challenge is for the residents of %(municipalities)s. Sign in with strong identification to "
            "show your home municipality."
        )
        % {"municipalities": municipalities},
        "audience_residents": _(
            "This challenge is for the residents of %(municipalities)s, and your home municipality is not one of them."
        )
        % {"municipalities": municipalities},
    }.get(reason, _("You may not take part in this challenge."))


class Refusal(str):
    """A refusal's words; `identify` is true when signing in (with strong identification) would help, so that a
    page can offer the identification services there and then."""

    identify: bool = False
    verify: bool = False  # the person has not verified their address: the page offers to send the link again


IDENTIFY_HELPS = {"sign_in", "strong", "audience_sign_in", "audience_residents_strong"}


def participation_refusal(user: Any, challenge: Challenge | None, action: str) -> Refusal | None:
    """Why the person may not send ideas to (`"send"`), comment on (`"comment"`) or support (`"support"`) the
    ideas of the challenge, in the active language; None when they may. `challenge` None is an idea sent
    straight to an organisation."""
    reason = _refusal(user, challenge, action)
    if reason is None:
        return None
    refusal = Refusal(_message(reason, challenge, action, email=getattr(user, "email", "")))
    refusal.identify = reason in IDENTIFY_HELPS
    refusal.verify = reason == "verify_email"
    return refusal


def _through(relation: str) -> Any:
    """The table of a many-to-many relation of Challenge (its rows have challenge_id and the other side's id)."""
    return getattr(Challenge, relation).through


def _with_organisation(relation: str, ids: list[int]) -> Q:
    return Q(pk__in=_through(relation).objects.filter(organisation_id__in=ids).values("challenge_id"))


def challenge_handler_q(user: Any) -> Q:
    """The challenges the person handles, as a filter on Challenge (the rule `is_challenge_handler`)."""
    if getattr(user, "is_superuser", False):
        return Q()
    if not _signed_in(user):
        return Q(pk__in=[])
    editable = roles.editable_organisation_ids(user)
    return (
        Q(owner_id__in=editable)
        | _with_organisation("co_organisers", editable)
        | Q(network__coordinator_id__in=editable)
        | Q(pk__in=_through("handlers").objects.filter(user_id=user.pk).values("challenge_id"))
    )


def challenge_visibility_q(user: Any) -> Q:
    """The challenges the person may see, as a filter on Challenge (the same rule as `ideas.view_challenge`), for
    lists. Subqueries rather than joins, so that a challenge is never listed twice."""
    if getattr(user, "is_superuser", False):
        return Q()
    if not _signed_in(user):
        return Q(status__in=[ChallengeStatus.OPEN, ChallengeStatus.CLOSED], audience=Audience.PUBLIC)
    member = list(roles.organisation_roles(user))
    organisers_member = Q(owner_id__in=member) | _with_organisation("co_organisers", member)
    audience = Q(audience__in=[Audience.PUBLIC, Audience.REGISTERED])
    audience |= Q(audience__in=[Audience.STAFF, Audience.PARTNERS, Audience.RESIDENTS]) & organisers_member
    networks = NetworkMembership.objects.filter(organisation_id__in=member).values("network_id")
    audience |= Q(audience=Audience.STAFF, network_id__in=networks)
    audience |= Q(audience=Audience.PARTNERS) & _with_organisation("invited_partners", member)
    code = home_municipality_code(user)
    if code:
        residents = _through("municipalities").objects.filter(organisation__municipality_code=code)
        audience |= Q(audience=Audience.RESIDENTS, pk__in=residents.values("challenge_id"))
    return challenge_handler_q(user) | (Q(status__in=[ChallengeStatus.OPEN, ChallengeStatus.CLOSED]) & audience)


@rules.predicate
def challenge_is_visible(user: Any, challenge: Any) -> bool:
    return challenge is not None and _visibility_refusal(user, challenge) is None


@rules.predicate
def is_editor_of_challenge_owner(user: Any, challenge: Any) -> bool:
    return challenge is not None and roles.is_editor(user, challenge.owner_id)


@rules.predicate
def handles_challenge(user: Any, challenge: Any) -> bool:
    return is_challenge_handler(user, challenge)


@rules.predicate
def may_send_to_challenge(user: Any, challenge: Any) -> bool:
    return challenge is not None and _refusal(user, challenge, SEND) is None


@rules.predicate
def is_handler(user: Any, idea: Any) -> bool:
    if idea is None or not _signed_in(user):
        return False
    if roles.is_editor(user, idea.organisation_id):
        return True
    return idea.challenge_id is not None and is_challenge_handler(user, idea.challenge)


@rules.predicate
def is_sender(user: Any, idea: Any) -> bool:
    return idea is not None and getattr(user, "is_authenticated", False) and idea.sender_id == user.pk


@rules.predicate
def idea_is_public(user: Any, idea: Any) -> bool:
    if idea is None or not idea.confirmed:
        return False
    return idea.challenge_id is None or challenge_is_visible(user, idea.challenge)


@rules.predicate
def idea_hidden(user: Any, idea: Any) -> bool:
    return idea is not None and bool(idea.hidden)


@rules.predicate
def idea_unhandled(user: Any, idea: Any) -> bool:
    return idea is not None and idea.state == IdeaState.RECEIVED


def _may(user: Any, idea: Any, action: str) -> bool:
    if not isinstance(idea, Idea) or not idea.confirmed:
        return False
    return _refusal(user, idea.challenge if idea.challenge_id else None, action) is None


@rules.predicate
def may_comment(user: Any, idea: Any) -> bool:
    """A confirmed idea; the challenge's rule for comments (handlers of the idea may always answer)."""
    return _may(user, idea, COMMENT) or (isinstance(idea, Idea) and idea.confirmed and is_handler(user, idea))


@rules.predicate
def may_support(user: Any, idea: Any) -> bool:
    return _may(user, idea, SUPPORT)


rules.add_perm("ideas.view_challenge", challenge_is_visible)
rules.add_perm("ideas.change_challenge", is_editor_of_challenge_owner)
rules.add_perm("ideas.handle_challenge", handles_challenge)
# The export of a whole challenge (ideas/exports.py): for those who handle its ideas.
rules.add_perm("ideas.export_challenge", handles_challenge)
rules.add_perm("ideas.send_idea", may_send_to_challenge)
rules.add_perm("ideas.view_idea", idea_is_public | is_handler | is_sender)
rules.add_perm("ideas.handle_idea", is_handler)
rules.add_perm("ideas.view_sender", is_handler)
rules.add_perm("ideas.change_idea", is_sender & idea_unhandled)
# The sender may delete what they sent at any time (their own data); comments and supports go with it.
rules.add_perm("ideas.delete_idea", is_sender)
# A hidden idea takes no comments, not even the handlers': its discussion is closed with it.
rules.add_perm("ideas.comment_idea", (idea_is_public | is_handler) & may_comment & ~idea_hidden)
rules.add_perm("ideas.support_idea", (idea_is_public | is_handler) & may_support)
# Either of the two: for pages that show one "take part" section.
rules.add_perm("ideas.take_part", (idea_is_public | is_handler) & (may_comment | may_support))


@rules.predicate
def is_editor_of_organisation(user: Any, organisation: Any) -> bool:
    return organisation is not None and roles.is_editor(user, organisation.pk)


# With an organisation as the object: may this person open challenges for it?
rules.add_perm("ideas.add_challenge_for", is_editor_of_organisation)
rules.add_perm("ideas.manage_idea_states", is_editor_of_organisation)  # the organisation's own idea states (H2)
rules.add_perm("ideas.manage_banned_words", is_editor_of_organisation)  # the organisation's banned words (H3)
