"""Moderation on the idea page, for its handlers: the open reports of the idea and the size of their queue."""

from typing import Any

from django import template
from django.utils.translation import gettext as _

from ideas.models import Idea, Report
from ideas.selectors import moderation as moderation_selectors

register = template.Library()


@register.simple_tag
def open_reports_of(idea: Idea) -> list[Report]:
    """The idea's own open reports (not its comments'), oldest first. Only for handlers' parts of a page."""
    return moderation_selectors.open_reports_of(idea=idea)


@register.simple_tag
def moderation_count(user: Any) -> int:
    return moderation_selectors.open_report_count(user=user)


@register.filter
def shown_title(idea: Idea, is_handler: bool) -> str:
    """A hidden idea's title only for its handlers; everyone else reads that it was hidden (its page says why)."""
    if idea.hidden and not is_handler:
        return str(_("Hidden idea"))
    return idea.title
