"""Reads of experiments: visibility (drafts only inside the owning organisation), search and filters."""

from dataclasses import dataclass
from typing import Any

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connection
from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts import roles
from core import text_search
from experiments.models import Experiment
from innovations.vocabulary import Status

SEARCH_VECTOR = SearchVector("search_document", config="simple")


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
    qs = Experiment.objects.all()
    if getattr(user, "is_superuser", False):
        return qs
    own = list(roles.organisation_roles(user))
    return qs.filter(Q(status=Status.PUBLISHED) | Q(owner_id__in=own)) if own else qs.filter(status=Status.PUBLISHED)


def _search(qs: QuerySet[Experiment], q: str) -> QuerySet[Experiment]:
    """Experiments whose search document matches every word of q (see core.text_search): on PostgreSQL as a
    prefix full-text query, elsewhere as substring tests; both find "kokeilun" with "kokeilu"."""
    if q and connection.vendor == "postgresql":
        expression = text_search.tsquery(q)
        if expression:
            qs = qs.alias(search=SEARCH_VECTOR).filter(
                search=SearchQuery(expression, search_type="raw", config="simple")
            )
        return qs
    for alternatives in text_search.query_alternatives(q):
        word = Q()
        for pattern in alternatives:
            word |= Q(search_document__contains=pattern)
        qs = qs.filter(word)
    return qs


def experiment_list(*, user: Any, filters: ExperimentFilters) -> QuerySet[Experiment]:
    """The experiments the person may see that pass every filter, most recently updated first."""
    qs = _search(experiment_visible(user=user), filters.q)
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
