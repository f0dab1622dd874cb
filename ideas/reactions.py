"""How co-development reacts to what lower apps announce (core/events.py); connected in IdeasConfig.ready()."""

from typing import Any

from accounts.models import Actor
from experiments.models import Experiment
from ideas.selectors.ideas import ideas_behind
from ideas.services.linking import ideas_follow_scale_up
from innovations.models import Innovation


def experiment_scaled_up(*, experiment: Experiment, innovation: Innovation, actor: Actor, **kwargs: Any) -> None:
    ideas_follow_scale_up(actor=actor, experiment=experiment, innovation=innovation)


# The ideas an innovation or an experiment was made from, on its page (ideas/includes/ideas_behind.html), as far
# as this person may see them (ideas.view_idea; hidden ones to handlers).


def innovation_page(*, record: Any, user: Actor, **kwargs: Any) -> dict[str, Any]:
    return {"ideas": ideas_behind(user=user, innovation=record)}


def experiment_page(*, record: Any, user: Actor, **kwargs: Any) -> dict[str, Any]:
    return {"ideas": ideas_behind(user=user, experiment=record)}
