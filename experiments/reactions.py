"""What experiments add to lower apps' pages (core/events.py); connected in ExperimentsConfig.ready()."""

from typing import Any

from django.db.models import Q

from accounts.models import Actor
from experiments.selectors import experiment_visible


def innovation_page(*, record: Any, user: Actor, **kwargs: Any) -> dict[str, Any]:
    """The experiments that tried the innovation out, or that it grew from, as far as this person may see them."""
    experiments = (
        experiment_visible(user=user)
        .filter(Q(source_innovation=record) | Q(resulting_innovation=record))
        .select_related("owner")
        .order_by("-starts_on", "-pk")
    )
    return {"experiments": list(experiments)}
