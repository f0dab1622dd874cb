"""Reads of moderation: a handler's queue of open reports, what they have hidden, an organisation's banned words.

A handler's scope is the rule `ideas.handle_idea` as a query: ideas sent to an organisation they edit, or to a
challenge they handle (ideas.rules.challenge_handler_q); platform administrators see every queue. Nobody sees another
organisation's reports.
"""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet

from accounts import roles
from ideas.models import BannedWord, Challenge, Comment, Idea, Report, ReportStatus
from ideas.rules import challenge_handler_q
from organisations.models import Organisation

HIDDEN_SHOWN = 50  # the most recently changed hidden ideas and comments on the queue page


def _handles(user: Any, prefix: str = "") -> Q | None:
    """The ideas (through `prefix`, e.g. "idea__") the person handles; None for everything (administrators)."""
    if getattr(user, "is_superuser", False):
        return None
    if not getattr(user, "is_authenticated", False):
        return Q(pk__in=[])
    # The challenges they handle: named on it, or an editor of its owner, a co-organiser or the network's coordinator.
    handled = Challenge.objects.filter(challenge_handler_q(user)).values("pk")
    return Q(**{f"{prefix}organisation_id__in": roles.editable_organisation_ids(user)}) | Q(
        **{f"{prefix}challenge__in": handled}
    )


def _in_scope(qs: QuerySet[Any], user: Any, prefix: str) -> QuerySet[Any]:
    scope = _handles(user, prefix)
    return qs if scope is None else qs.filter(scope)


@dataclass
class QueueItem:
    """One reported idea or comment with its open reports, oldest first."""

    idea: Idea
    comment: Comment | None
    reports: list[Report] = field(default_factory=list)

    @property
    def first_reported(self) -> datetime:
        return self.reports[0].created_at


def open_reports(*, user: Any) -> QuerySet[Report]:
    return _in_scope(Report.objects.filter(status=ReportStatus.OPEN), user, "idea__")


def open_report_count(*, user: Any) -> int:
    return open_reports(user=user).count()


def moderation_queue(*, user: Any) -> list[QueueItem]:
    """The open reports the person handles, grouped by the idea or comment reported, the longest-waiting first."""
    reports = open_reports(user=user).select_related("idea__organisation", "comment__author", "reporter")
    items: dict[tuple[int, int | None], QueueItem] = {}
    for report in reports.order_by("created_at", "id"):
        key = (report.idea_id, report.comment_id)
        if key not in items:
            items[key] = QueueItem(idea=report.idea, comment=report.comment)
        items[key].reports.append(report)
    # dicts keep the order of insertion, and the reports came oldest first: the oldest group leads.
    return list(items.values())


def hidden_ideas(*, user: Any) -> list[Idea]:
    qs = _in_scope(Idea.objects.filter(hidden=True), user, "").select_related("organisation")
    return list(qs.order_by("-updated_at", "-id")[:HIDDEN_SHOWN])


def hidden_comments(*, user: Any) -> list[Comment]:
    qs = _in_scope(Comment.objects.filter(hidden=True), user, "idea__").select_related("idea", "author")
    return list(qs.order_by("-created_at", "-id")[:HIDDEN_SHOWN])


def banned_words(*, organisation: Organisation) -> QuerySet[BannedWord]:
    return BannedWord.objects.filter(organisation=organisation).order_by("word", "id")


def banned_word_organisations(*, user: Any) -> QuerySet[Organisation]:
    """The organisations whose banned words the person keeps (those they edit)."""
    return Organisation.objects.filter(pk__in=roles.editable_organisation_ids(user)).order_by("name")


def open_reports_of(*, idea: Idea) -> list[Report]:
    """An idea's own open reports (not its comments'), oldest first; for its handlers."""
    return list(
        Report.objects.filter(idea=idea, comment__isnull=True, status=ReportStatus.OPEN).order_by("created_at", "id")
    )
