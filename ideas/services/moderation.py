"""Moderation: banned words per organisation, reports, the moderation queue's actions and hiding with a reason.

Who moderates: whoever may handle the idea (`ideas.handle_idea`: the editors of the organisation it was sent to,
the challenge's named handlers, platform administrators). Hiding keeps the record and tells everyone that it was
hidden and why; only the handlers still see the text. Each action resolves the open reports of what it acted on.
"""

import html
import re
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Actor, person_of
from audit.models import Action
from audit.services import change_record
from core import events
from core.permissions import require
from core.sanitise import strip_html
from ideas.models import BannedWord, Comment, Idea, Report, ReportStatus
from organisations.models import Organisation

MAX_REASON = 1_000
MIN_WORD = 2  # one letter would match the start of every word that begins with it
MAX_WORD = 100  # BannedWord.word


def _plain(value: Any) -> str:
    """Plain text: markup removed, entities back to characters, runs of white space made one space."""
    return " ".join(html.unescape(strip_html(str(value or ""))).split())


# --- banned words ----------------------------------------------------------------------------------------------------


def banned_words_in(*, organisation: Organisation, text: str) -> list[str]:
    """The organisation's banned words that occur in the text as whole words, case and accents as written
    (Finnish inflects, so a banned word also matches as the start of a longer word: "tyhmä" finds "tyhmää").
    The text is read without its markup: a banned "strong" must not match the tag <strong>."""
    words = list(BannedWord.objects.filter(organisation=organisation).values_list("word", flat=True))
    if not words:
        return []
    plain = _plain(text)
    found = []
    for word in words:
        if re.search(rf"(?<!\w){re.escape(word)}", plain, flags=re.IGNORECASE):
            found.append(word)
    return found


def check_text(*, organisation: Organisation, texts: Mapping[str, str]) -> None:
    """Refuses texts with the organisation's banned words, naming the words and the field they are in."""
    errors = {}
    for field, text in texts.items():
        found = banned_words_in(organisation=organisation, text=text)
        if found:
            errors[field] = _("Remove these words, which %(organisation)s does not accept: %(words)s.") % {
                "organisation": organisation.name,
                "words": ", ".join(found),
            }
    if errors:
        raise ValidationError(errors)


def banned_word_add(*, actor: Actor, organisation: Organisation, word: str) -> BannedWord:
    """An editor of the organisation bans a word (or a phrase) in the ideas and comments sent to it."""
    require(actor, "ideas.manage_banned_words", organisation)
    word = _plain(word)
    if not word:
        raise ValidationError({"word": _("Write the word to ban.")})
    if len(word) < MIN_WORD:
        raise ValidationError({"word": _("A banned word needs at least %(count)d characters.") % {"count": MIN_WORD}})
    if len(word) > MAX_WORD:
        raise ValidationError({"word": _("A banned word can have at most %(count)d characters.") % {"count": MAX_WORD}})
    with transaction.atomic():
        # The check ignores case like the matching does, so "Tyhmä" and "tyhmä" are one word; the lock on the
        # organisation row makes two editors adding the same word at once meet here, not at the constraint.
        Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
        # Compared in Python: SQLite's case-insensitive match knows only ASCII, and "Ä" must equal "ä".
        existing = BannedWord.objects.filter(organisation=organisation).values_list("word", flat=True)
        if word.casefold() in {other.casefold() for other in existing}:
            raise ValidationError({"word": _("“%(word)s” is already on the list.") % {"word": word}})
        banned = BannedWord.objects.create(organisation=organisation, word=word)
        change_record(obj=banned, actor=actor, action=Action.CREATE, changes={"word": [None, word]})
    return banned


def banned_word_remove(*, actor: Actor, banned: BannedWord) -> None:
    require(actor, "ideas.manage_banned_words", banned.organisation)
    with transaction.atomic():
        change_record(obj=banned, actor=actor, action=Action.DELETE, changes={"word": [banned.word, None]})
        banned.delete()


# --- reports ---------------------------------------------------------------------------------------------------------


def _reason(value: Any, *, field: str, missing: str) -> str:
    reason = _plain(value)
    if not reason:
        raise ValidationError({field: missing})
    if len(reason) > MAX_REASON:
        raise ValidationError({field: _("Keep the reason under %(count)d characters.") % {"count": MAX_REASON}})
    return reason


def report_add(*, actor: Actor, idea: Idea, comment: Comment | None = None, reason: str) -> tuple[Report, bool]:
    """Reports an idea (or one of its comments) to its handlers. Anyone who sees the idea may report, also without
    an account. A signed-in person reports the same thing once: the second time gives their first report and
    False. (People without an account are held to once by the page, and to a rate by the address.)"""
    require(actor, "ideas.view_idea", idea)
    if comment is not None and comment.idea_id != idea.pk:
        raise ValidationError({"comment": _("The comment is not on this idea.")})
    reason = _reason(reason, field="reason", missing=_("Say what is wrong, so that the handlers can judge it."))
    reporter = person_of(actor)
    with transaction.atomic():
        # The idea's row serialises reports on it, so two clicks by one person make one report; what is hidden
        # is read from the locked rows, not from the caller's copies.
        locked = Idea.objects.select_for_update().get(pk=idea.pk)
        hidden = Comment.objects.get(pk=comment.pk).hidden if comment is not None else locked.hidden
        if hidden:
            raise ValidationError({"reason": _("This has already been hidden by the moderators.")})
        if reporter is not None:
            earlier = Report.objects.filter(idea=idea, comment=comment, reporter=reporter).first()
            if earlier is not None:
                return earlier, False
        report = Report.objects.create(idea=idea, comment=comment, reporter=reporter, reason=reason)
        change_record(obj=report, actor=actor, action=Action.CREATE, changes={"reason": [None, reason]})
        # The reason stays in the queue: a mail tells the moderators only that there is something to look at.
        events.announce_idea_reported(idea=locked, actor=actor)
    return report, True


def _resolve_reports(*, actor: Actor, idea: Idea, comment: Comment | None, status: str) -> int:
    """Closes the open reports of exactly this idea (not its comments) or this comment."""
    reports = Report.objects.filter(idea=idea, comment=comment, status=ReportStatus.OPEN)
    resolved_by = person_of(actor)  # a command's Operator is no person
    return reports.update(status=status, resolved_by=resolved_by, resolved_at=timezone.now())


def report_dismiss(*, actor: Actor, idea: Idea, comment: Comment | None = None) -> int:
    """A handler finds nothing wrong: the open reports of the idea or comment are dismissed. Returns how many."""
    require(actor, "ideas.handle_idea", idea)
    if comment is not None and comment.idea_id != idea.pk:
        raise ValidationError({"comment": _("The comment is not on this idea.")})
    with transaction.atomic():
        count = _resolve_reports(actor=actor, idea=idea, comment=comment, status=ReportStatus.DISMISSED)
        if count:
            change_record(
                obj=comment if comment is not None else idea,
                actor=actor,
                action=Action.UPDATE,
                changes={"reports": [count, 0]},
            )
    return count


# --- hiding ----------------------------------------------------------------------------------------------------------


def _set_hidden(*, actor: Actor, target: Idea | Comment, hidden: bool, reason: str) -> bool:
    """Hides or shows the locked row; True when something changed. Hiding needs a reason, which everyone sees."""
    if hidden:
        reason = _reason(reason, field="reason", missing=_("Say why it is hidden; everyone sees the reason."))
    else:
        reason = ""
    if target.hidden == hidden and target.hidden_reason == reason:
        return False
    changes = {"hidden": [target.hidden, hidden], "hidden_reason": [target.hidden_reason, reason]}
    target.hidden = hidden
    target.hidden_reason = reason
    fields = ["hidden", "hidden_reason"] + (["updated_at"] if isinstance(target, Idea) else [])
    target.save(update_fields=fields)
    change_record(obj=target, actor=actor, action=Action.UPDATE, changes=changes)
    return True


def idea_set_hidden(*, actor: Actor, idea: Idea, hidden: bool, reason: str = "") -> Idea:
    """A handler hides an idea with a reason (its open reports become "content hidden"), or shows it again.
    The sender and supporters hear of the hiding."""
    with transaction.atomic():
        idea = Idea.objects.select_for_update(of=("self",)).select_related("challenge").get(pk=idea.pk)
        require(actor, "ideas.handle_idea", idea)
        changed = _set_hidden(actor=actor, target=idea, hidden=hidden, reason=reason)
        if hidden:
            _resolve_reports(actor=actor, idea=idea, comment=None, status=ReportStatus.HIDDEN)
            if changed:
                events.announce_idea_changed(idea=idea, change="hidden", actor=actor, detail=idea.hidden_reason)
    return idea


def comment_set_hidden(*, actor: Actor, comment: Comment, hidden: bool, reason: str = "") -> Comment:
    """A handler hides a comment with a reason (everyone sees that and the reason, only handlers the text), or
    shows it again."""
    with transaction.atomic():
        comment = Comment.objects.select_for_update(of=("self",)).select_related("idea__challenge").get(pk=comment.pk)
        require(actor, "ideas.handle_idea", comment.idea)
        _set_hidden(actor=actor, target=comment, hidden=hidden, reason=reason)
        if hidden:
            _resolve_reports(actor=actor, idea=comment.idea, comment=comment, status=ReportStatus.HIDDEN)
    return comment
