"""Likely duplicates of an idea: the ideas of the same challenge (or organisation) whose text is most similar,
among those the viewer may see. The maths is in ideas.similarity; this module chooses the candidates and caches
their index.

Building the index stems and weighs every candidate (about 0.1 ms an idea), so it is built once per scope and
kept per process, keyed by a version token of the scope (number of ideas, newest change, sum of ids): an idea
sent, edited, merged or deleted changes the token and the next query rebuilds. A query against a built index
touches only the candidates that share a feature with the text (see docs in the report: ~2 ms at 5,000 ideas).
"""

import threading
from collections import OrderedDict
from typing import Any

from django.db.models import Count, Max, Q, QuerySet, Sum

from accounts import roles
from core.sanitise import strip_html
from ideas import similarity
from ideas.models import Challenge, Idea
from ideas.selectors import challenge_visible
from organisations.models import Organisation

# Below this a "similar" idea shares little more than a common word with the text.
MINIMUM_SCORE = 0.15
MAX_TEXT = 10_000
CACHE_SIZE = 64

_cache: "OrderedDict[tuple[Any, ...], similarity.Index]" = OrderedDict()
_lock = threading.Lock()


def idea_text(title: str, text: str) -> str:
    """The text compared: the title twice (it names the idea in few words) and the text without markup."""
    return f"{title}\n{title}\n{strip_html(text or '')}"[:MAX_TEXT]


def _scope(organisation: Organisation, challenge: Challenge | None) -> QuerySet[Idea]:
    # Merged ideas live on in their target: they are never suggested again.
    qs = Idea.objects.filter(organisation=organisation, merged_into__isnull=True)
    return qs.filter(challenge=challenge) if challenge is not None else qs


def _index(organisation: Organisation, challenge: Challenge | None) -> similarity.Index:
    scope = _scope(organisation, challenge)
    version = scope.aggregate(n=Count("id"), changed=Max("updated_at"), ids=Sum("id"))
    key = (organisation.pk, challenge.pk if challenge else None, version["n"], version["changed"], version["ids"])
    with _lock:
        index = _cache.get(key)
        if index is not None:
            _cache.move_to_end(key)
            return index
    rows = scope.values_list("pk", "title", "text").iterator(chunk_size=2000)
    index = similarity.Index.build((pk, idea_text(title, text)) for pk, title, text in rows)
    with _lock:
        _cache[key] = index
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return index


def visible_candidates(
    *, user: Any, organisation: Organisation, challenge: Challenge | None = None, public_only: bool = False
) -> QuerySet[Idea]:
    """The scope's ideas the person may see: all of them for the organisation's editors and the platform
    administrators, and the challenge's ideas for its handlers; confirmed, visible ones for everyone else.
    public_only keeps to what everyone may see (the send page's suggestions)."""
    scope = _scope(organisation, challenge)
    public = Q(confirmed=True, hidden=False) & (
        Q(challenge__isnull=True) | Q(challenge__in=challenge_visible(user=user).values("pk"))
    )
    if public_only or not getattr(user, "is_authenticated", False):
        return scope.filter(public)
    if user.is_superuser or roles.is_editor(user, organisation.pk):
        return scope
    return scope.filter(public | Q(challenge__handlers=user)).distinct()


def likely_duplicates(
    *,
    text: str,
    organisation: Organisation,
    challenge: Challenge | None = None,
    exclude: Idea | None = None,
    limit: int = 5,
    user: Any = None,
    public_only: bool = False,
) -> list[tuple[Idea, float]]:
    """The ideas most similar to `text` (best first, each with its score 0…1) among the same challenge's ideas,
    or the organisation's when there is no challenge, that `user` may see (nobody signed in when None)."""
    if not similarity.features(text):
        return []
    index = _index(organisation, challenge)
    allowed = visible_candidates(user=user, organisation=organisation, challenge=challenge, public_only=public_only)
    ranked = index.rank(
        text,
        limit=limit,
        minimum=MINIMUM_SCORE,
        allowed=allowed.values_list("pk", flat=True),
        exclude=[exclude.pk] if exclude is not None else (),
    )
    ideas = Idea.objects.select_related("challenge").in_bulk([pk for pk, _score in ranked])
    return [(ideas[pk], score) for pk, score in ranked if pk in ideas]


def duplicates_of(*, idea: Idea, user: Any, limit: int = 5) -> list[tuple[Idea, float]]:
    """Likely duplicates of an existing idea, for its handlers."""
    return likely_duplicates(
        text=idea_text(idea.title, idea.text),
        organisation=idea.organisation,
        challenge=idea.challenge,
        exclude=idea,
        limit=limit,
        user=user,
    )
