"""Moderation on the idea page, for its handlers: the open reports of the idea and the size of their queue."""

from typing import Any

from django import template

from ideas import selectors_moderation
from ideas.models import Idea, Report

register = template.Library()


@register.simple_tag
def open_reports_of(idea: Idea) -> list[Report]:
    """The idea's own open reports (not its comments'), oldest first. Only for handlers' parts of a page."""
    return selectors_moderation.open_reports_of(idea=idea)


@register.simple_tag
def moderation_count(user: Any) -> int:
    return selectors_moderation.open_report_count(user=user)
