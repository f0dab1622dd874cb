"""Template tags for duplicates: the handlers' similar ideas and merge link on an idea's page, and the similar
ideas on the send page. Tags, so that the pages of others need only one include line and no view changes."""

from typing import Any

from django import template

from ideas import exports  # noqa: F401  # registers the rule "ideas.export_challenge" that the link asks
from ideas.models import Idea
from ideas.selectors.duplicates import duplicates_of, idea_text, likely_duplicates

register = template.Library()


@register.inclusion_tag("ideas/merging/tools.html", takes_context=True)
def merge_tools(context: dict[str, Any], idea: Idea) -> dict[str, Any]:
    """Where a merged idea went (for everyone); likely duplicates and the merge link (for its handlers)."""
    user = context["request"].user
    is_handler = user.has_perm("ideas.handle_idea", idea)
    merged_into = idea.merged_into if idea.merged_into_id else None
    return {
        "idea": idea,
        "merged_into": merged_into,
        "can_view_target": merged_into is not None and user.has_perm("ideas.view_idea", merged_into),
        "is_handler": is_handler,
        "suggestions": duplicates_of(idea=idea, user=user) if is_handler and merged_into is None else [],
    }


@register.inclusion_tag("ideas/merging/similar_on_send.html", takes_context=True)
def similar_on_send(context: dict[str, Any]) -> dict[str, Any]:
    """The public ideas similar to what the person typed, after a send that did not go through (without the
    script there is no other moment to show them); the script fills the same list while they type."""
    request = context["request"]
    form = context.get("form")
    challenge = context.get("challenge")
    organisation = context.get("organisation")
    found: list[Any] = []
    if form is not None and form.is_bound and organisation is not None:
        text = idea_text(str(form.data.get("title", "")), str(form.data.get("text", "")))
        found = likely_duplicates(
            text=text, organisation=organisation, challenge=challenge, user=request.user, public_only=True
        )
    return {"found": found, "challenge": challenge, "organisation": organisation, "user": request.user}


@register.inclusion_tag("ideas/exports/link.html", takes_context=True)
def challenge_export_link(context: dict[str, Any], challenge: Any) -> dict[str, Any]:
    """The link to a challenge's export, for its handlers only."""
    user = context["request"].user
    return {"challenge": challenge, "can_export": user.has_perm("ideas.export_challenge", challenge)}
