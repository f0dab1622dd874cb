"""Merging a duplicate idea into another: its supports and comments move to the target, and the duplicate keeps
only a pointer (`merged_into`) so that its old address still leads somewhere.

Only handlers of both ideas may merge, and only within one organisation (another organisation's idea is not
theirs to take). A target that was itself merged is followed to the end of the chain, so a chain never forms:
ideas merged earlier into the duplicate are pointed at the final target too.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.models import Actor
from audit.models import Action
from audit.services import change_record
from core import events
from ideas.models import Comment, Idea, Support

# Followed at most this far; a longer chain can only come from data written outside the services.
MAX_CHAIN = 50
# A concurrent support of the target by someone who also supports the duplicate can collide with the move;
# moving again sees that support and leaves that person's duplicate support out.
MOVE_ATTEMPTS = 3


def final_target(idea: Idea) -> Idea:
    """The idea at the end of `idea`'s merge chain (the idea itself when it is not merged), read afresh: the
    object in hand may predate a merge."""
    idea = Idea.objects.select_related("challenge", "organisation").get(pk=idea.pk)
    seen = {idea.pk}
    while idea.merged_into_id is not None:
        if idea.merged_into_id in seen or len(seen) > MAX_CHAIN:
            raise ValidationError({"into": _("These ideas are merged into each other in a loop.")})
        seen.add(idea.merged_into_id)
        idea = Idea.objects.select_related("challenge", "organisation").get(pk=idea.merged_into_id)
    return idea


def _require_handler(actor: Actor, idea: Idea) -> None:
    if not actor.has_perm("ideas.handle_idea", idea):
        raise PermissionDenied(_("Only the handlers of both ideas can merge them."))


def _move_supports(duplicate: Idea, target: Idea) -> tuple[int, int]:
    """Moves the duplicate's supports to the target, one per person: (moved, dropped as already there)."""
    for attempt in range(MOVE_ATTEMPTS):
        try:
            with transaction.atomic():  # a savepoint: a collision undoes only this attempt
                already = Support.objects.filter(idea=target).values("user_id")
                moved = Support.objects.filter(idea=duplicate).exclude(user_id__in=already).update(idea=target)
                dropped, _details = Support.objects.filter(idea=duplicate).delete()
                return moved, dropped
        except IntegrityError:
            if attempt == MOVE_ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")  # pragma: no cover


def idea_merge(*, actor: Actor, duplicate: Idea, into: Idea) -> Idea:
    """Merges `duplicate` into `into` (or the idea at the end of its merge chain) and returns the target.

    Refused: merging an idea into itself, into another organisation's idea, an idea that is already merged,
    and by anyone who is not a handler of both ideas."""
    _require_handler(actor, duplicate)
    target = final_target(into)
    if target.pk == duplicate.pk:
        raise ValidationError({"into": _("An idea cannot be merged into itself.")})
    if target.organisation_id != duplicate.organisation_id:
        raise ValidationError({"into": _("An idea can be merged only into another idea of the same organisation.")})
    _require_handler(actor, target)
    with transaction.atomic():
        # Both rows locked in the order of their ids, so that two merges of the same pair cannot deadlock; FOR NO KEY
        # UPDATE, so that a support or comment being added at the same moment (its foreign key takes KEY SHARE on the
        # idea) is not blocked by the merge while the merge waits for it.
        locked = {
            idea.pk: idea
            for idea in Idea.objects.select_for_update(of=("self",), no_key=True)
            .select_related("challenge")
            .filter(pk__in=[duplicate.pk, target.pk])
            .order_by("pk")
        }
        if len(locked) != 2:
            raise ValidationError({"into": _("The idea no longer exists.")})
        duplicate, target = locked[duplicate.pk], locked[target.pk]
        if duplicate.merged_into_id is not None:
            raise ValidationError({"into": _("This idea has already been merged into another idea.")})
        if target.merged_into_id is not None:
            # Merged by someone else while this merge was chosen: the person should choose again.
            raise ValidationError({"into": _("The target idea was merged into another idea meanwhile. Try again.")})
        # Told before the supports move, so that the duplicate's supporters are among those told.
        events.announce_idea_changed(idea=duplicate, change="merged", actor=actor, detail=target.title)
        moved, dropped = _move_supports(duplicate, target)
        comments = Comment.objects.filter(idea=duplicate).update(idea=target)
        earlier = Idea.objects.filter(merged_into=duplicate).update(merged_into=target)
        duplicate.merged_into = target
        duplicate.save(update_fields=["merged_into", "updated_at"])
        change_record(
            obj=duplicate,
            actor=actor,
            action=Action.UPDATE,
            changes={
                "merged_into": [None, target.pk],
                "supports_moved": [None, moved],
                "supports_already_there": [None, dropped],
                "comments_moved": [None, comments],
                "earlier_merges_moved": [None, earlier],
            },
        )
        change_record(obj=target, actor=actor, action=Action.UPDATE, changes={"merged": [None, duplicate.pk]})
    return target
