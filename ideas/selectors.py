"""Reads of challenges and ideas with their visibility rules (see ideas.rules for the same rules per object)."""

from typing import Any

from django.db.models import Count, Q, QuerySet

from accounts import roles
from core import search
from ideas.models import Audience, Challenge, ChallengeStatus, Comment, Idea, IdeaState
from organisations.models import Organisation


def challenge_visible(*, user: Any) -> QuerySet[Challenge]:
    """Challenges the person may see: open and closed ones of their audience, drafts only to the owner's editors."""
    qs = Challenge.objects.select_related("owner")
    if getattr(user, "is_superuser", False):
        return qs
    member_of = list(roles.organisation_roles(user))
    audience = Q(audience=Audience.PUBLIC)
    if getattr(user, "is_authenticated", False):
        audience |= Q(audience=Audience.REGISTERED)
    audience |= Q(audience=Audience.STAFF, owner_id__in=member_of)
    published = Q(status__in=[ChallengeStatus.OPEN, ChallengeStatus.CLOSED]) & audience
    return qs.filter(published | Q(status=ChallengeStatus.DRAFT, owner_id__in=roles.editable_organisation_ids(user)))


def challenge_public_list(*, user: Any) -> QuerySet[Challenge]:
    """The challenges of the public list: open and closed ones the person's audience may see, open ones first."""
    return (
        challenge_visible(user=user)
        .exclude(status=ChallengeStatus.DRAFT)
        .order_by("-status", "-created_at", "-id")  # "open" sorts after "closed": descending puts it first
    )


def challenge_feed(*, limit: int = 30) -> QuerySet[Challenge]:
    """The newest open public challenges, for the feed (read by anonymous feed readers)."""
    return Challenge.objects.filter(status=ChallengeStatus.OPEN, audience=Audience.PUBLIC).order_by(
        "-created_at", "-id"
    )[:limit]


def idea_list(*, user: Any, challenge: Challenge, q: str = "", state: str = "") -> QuerySet[Idea]:
    """The confirmed ideas of a challenge (the person must see the challenge), searched and filtered by state."""
    qs = search.substrings(challenge.ideas.filter(confirmed=True), q)
    if state in IdeaState.values:
        qs = qs.filter(state=state)
    return qs.annotate(support_count=Count("supports")).order_by("-created_at", "-id")


def idea_detail(*, idea: Idea, include_hidden: bool = False) -> tuple[list[Comment], int]:
    """The comments (hidden ones only for handlers) and the number of supports of an idea."""
    comments = idea.comments.select_related("author")
    if not include_hidden:
        comments = comments.filter(hidden=False)
    return list(comments), idea.supports.count()


def has_supported(*, user: Any, idea: Idea) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and idea.supports.filter(user=user).exists()


def ideas_sent_by(*, user: Any) -> QuerySet[Idea]:
    """The ideas a signed-in person sent, newest first, with their challenge and support count."""
    if not getattr(user, "is_authenticated", False):
        return Idea.objects.none()
    return (
        Idea.objects.filter(sender=user)
        .select_related("challenge", "organisation")
        .annotate(support_count=Count("supports"))
        .order_by("-created_at", "-id")
    )

# --- lists across challenges (the API's /challenges and /ideas) ------------------------------------------------


def _handled_by(user: Any) -> Q:
    """The ideas the person handles (the rule is_handler as a query): sent to an organisation they edit, or to a
    challenge that names them."""
    return Q(organisation_id__in=roles.editable_organisation_ids(user)) | Q(
        challenge__in=Challenge.objects.filter(handlers=user).values("pk")
    )


def idea_visible(*, user: Any) -> QuerySet[Idea]:
    """The ideas the person may open (the rule ideas.view_idea as a query): confirmed ideas sent to an organisation
    or to a challenge they see, and the ideas they handle or sent themselves."""
    qs = Idea.objects.select_related("challenge__owner", "organisation")
    if getattr(user, "is_superuser", False):
        return qs
    public = Q(confirmed=True) & (
        Q(challenge__isnull=True) | Q(challenge__in=challenge_visible(user=user).values("pk"))
    )
    if not getattr(user, "is_authenticated", False):
        return qs.filter(public)
    return qs.filter(public | _handled_by(user) | Q(sender=user))


def idea_search(
    *,
    user: Any,
    q: str = "",
    organisation: Organisation | None = None,
    challenge: Challenge | None = None,
    state: str = "",
    has_location: bool | None = None,
) -> QuerySet[Idea]:
    """A list of ideas the person may see, newest first with their support counts: hidden ones and unconfirmed
    ones only for their handlers (a sender finds their own among their ideas)."""
    qs = idea_visible(user=user).filter(merged_into__isnull=True)  # a merged idea lives on in its target
    if not getattr(user, "is_superuser", False):
        shown = Q(hidden=False, confirmed=True)
        if getattr(user, "is_authenticated", False):
            shown |= _handled_by(user)
        qs = qs.filter(shown)
    if organisation is not None:
        qs = qs.filter(organisation=organisation)
    if challenge is not None:
        qs = qs.filter(challenge=challenge)
    if state in IdeaState.values:
        qs = qs.filter(state=state)
    if has_location is not None:
        qs = qs.filter(latitude__isnull=not has_location)
    qs = search.matching(qs, q)
    return qs.select_related("state_option").annotate(support_count=Count("supports")).order_by("-created_at", "-id")
