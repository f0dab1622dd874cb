"""Reads of challenges and ideas with their visibility rules (see ideas.rules for the same rules per object)."""

from typing import Any

from django.db.models import Count, Q, QuerySet

from accounts import roles
from core import search
from ideas.models import Audience, Challenge, ChallengeStatus, Comment, Idea, IdeaState


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
