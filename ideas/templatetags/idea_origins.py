"""`{% ideas_behind innovation %}` (or an experiment): the section that links a record to the ideas it was made
from, listing only the ideas the viewer may see; nothing at all when there are none."""

from typing import Any

from django import template

from experiments.models import Experiment
from ideas import selectors

register = template.Library()


@register.inclusion_tag("ideas/includes/ideas_behind.html", takes_context=True)
def ideas_behind(context: Any, record: Any) -> dict[str, Any]:
    user = context["request"].user
    if isinstance(record, Experiment):
        ideas = selectors.ideas_behind(user=user, experiment=record)
    else:
        ideas = selectors.ideas_behind(user=user, innovation=record)
    return {"ideas": ideas}
