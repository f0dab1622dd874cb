"""Likely duplicates of an idea: the ideas of the same challenge (or organisation) whose text is most similar,
among those the viewer may see. The maths is in ideas.similarity; this module chooses the candidates and caches
their index.

Building the index stems and weighs every candidate (about 0.4 ms an idea), so it is built once per scope and
kept per process with the id and last change of each idea it holds. Each query first reads one aggregate row
of the scope (count, newest change, sum of ids): unchanged, the index is used as it is. Otherwise the ids and
times tell which ideas were sent, edited, merged or deleted, and those are patched in (milliseconds); after many
changes the index is built again, so the IDF weights stay true.
A query against the index adds up numpy arrays of the candidates that share a feature with the text (~3 ms at
5,000 ideas).
"""

import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Max, Q, QuerySet, Sum

from accounts import roles
from core.sanitise import strip_html
from ideas import similarity
from ideas.models import Challenge, Idea
from ideas.selectors.ideas import challenge_visible
from organisations.models import Organisation

# Below this a "similar" idea shares little more than a common word with the text.
MINIMUM_SCORE = 0.15
MAX_TEXT = 10_000
CACHE_SIZE = 64
VISIBILITY_PAGE = 50

# A few changes barely move the IDF weights: the index is patched until this share of it (or this many ideas)
# has changed, then built again.
REBUILD_SHARE = 0.1
REBUILD_MINIMUM = 20

_cache: "OrderedDict[tuple[Any, ...], _Cached]" = OrderedDict()
_lock = threading.Lock()


def idea_text(title: str, text: str) -> str:
    """The text compared: the title twice (it names the idea in few words) and the text without markup."""
    return f"{title}\n{title}\n{strip_html(text or '')}"[:MAX_TEXT]


def _scope(organisation: Organisation, challenge: Challenge | None) -> QuerySet[Idea]:
    # Merged ideas live on in their target: they are never suggested again.
    qs = Idea.objects.filter(organisation=organisation, merged_into__isnull=True)
    return qs.filter(challenge=challenge) if challenge is not None else qs


@dataclass
class _Cached:
    index: similarity.Index
    # The scope's count, newest change and id sum when read: equal on the next query, nothing changed.
    token: tuple[Any, ...]
    # What the index holds: each idea's id and when it last changed.
    versions: dict[int, Any]
    # Ideas changed since the last full build: past REBUILD_SHARE of the scope, the IDF is recomputed.
    patched: int = 0


def _index(organisation: Organisation, challenge: Challenge | None) -> similarity.Index:
    """The scope's index: built once, then patched with the ideas sent, edited, merged or deleted since."""
    scope = _scope(organisation, challenge)
    # One aggregate row answers "anything changed?" cheaply; the ids and times are read only when it did.
    token = tuple(scope.aggregate(n=Count("id"), changed=Max("updated_at"), ids=Sum("id")).values())
    key = (organisation.pk, challenge.pk if challenge else None)
    with _lock:
        cached = _cache.get(key)
        if cached is not None:
            _cache.move_to_end(key)
    if cached is not None and cached.token == token:
        return cached.index
    versions = dict(scope.values_list("pk", "updated_at"))
    if cached is not None:
        changed = [pk for pk, at in versions.items() if cached.versions.get(pk) != at]
        removed = [pk for pk in cached.versions if pk not in versions]
        patched = cached.patched + len(changed) + len(removed)
        if patched <= max(REBUILD_MINIMUM, REBUILD_SHARE * len(versions)):
            rows = scope.filter(pk__in=changed).values_list("pk", "title", "text")
            index = cached.index.updated(
                changed=[(pk, idea_text(title, text)) for pk, title, text in rows], removed=removed
            )
            _store(key, _Cached(index, token, versions, patched))
            return index
    everything = scope.values_list("pk", "title", "text").iterator(chunk_size=2000)
    index = similarity.Index.build((pk, idea_text(title, text)) for pk, title, text in everything)
    _store(key, _Cached(index, token, versions))
    return index


def _store(key: tuple[Any, ...], entry: _Cached) -> None:
    with _lock:
        _cache[key] = entry
        _cache.move_to_end(key)
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)


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
    visible = visible_candidates(user=user, organisation=organisation, challenge=challenge, public_only=public_only)
    # All that pass the minimum, best first; their visibility is asked a page at a time, so a query reads the
    # few best candidates instead of every visible id of the scope.
    ranked = index.rank(
        text, limit=index.documents, minimum=MINIMUM_SCORE, exclude=[exclude.pk] if exclude is not None else ()
    )
    found: list[tuple[Idea, float]] = []
    for start in range(0, len(ranked), VISIBILITY_PAGE):
        page = ranked[start : start + VISIBILITY_PAGE]
        ideas = visible.select_related("challenge").in_bulk([pk for pk, _score in page])
        found.extend((ideas[pk], score) for pk, score in page if pk in ideas)
        if len(found) >= limit:
            break
    return found[:limit]


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
