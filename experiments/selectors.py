"""Reads of experiments: visibility (drafts only inside the owning organisation), search and filters."""

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from core import search
from experiments.models import Experiment
from records import selectors as record_selectors


class Phase:
    RUNNING = "running"
    FINISHED = "finished"


@dataclass
class ExperimentFilters:
    q: str = ""
    phase: str = ""  # "", "running" or "finished"
    decision: str = ""  # a Decision value, "none" for not decided yet, or "" for any
    owner: str = ""  # an organisation's slug


def experiment_visible(*, user: Any) -> QuerySet[Experiment]:
    """Published experiments, and the drafts of the person's own organisations."""
    return record_selectors.visible(Experiment.objects.all(), user=user)


def experiment_list(*, user: Any, filters: ExperimentFilters) -> QuerySet[Experiment]:
    """The experiments the person may see that pass every filter, most recently updated first."""
    qs = search.matching(experiment_visible(user=user), filters.q)
    today = timezone.localdate()
    if filters.phase == Phase.FINISHED:
        qs = qs.filter(ends_on__lt=today)
    elif filters.phase == Phase.RUNNING:
        qs = qs.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
    if filters.decision == "none":
        qs = qs.filter(decision="")
    elif filters.decision:
        qs = qs.filter(decision=filters.decision)
    if filters.owner:
        qs = qs.filter(owner__slug=filters.owner)
    return qs.select_related("owner").order_by("-updated_at", "-id")


def experiment_detail(*, user: Any, pk: int) -> Experiment | None:
    """The experiment with its owner, partners and innovations, or None if it does not exist or is not visible."""
    return (
        experiment_visible(user=user)
        .select_related("owner", "source_innovation", "resulting_innovation")
        .prefetch_related("partnerships__organisation")
        .filter(pk=pk)
        .first()
    )
