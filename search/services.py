"""Writes of the search as a whole: every searchable record's search document made anew.

A query is analysed by this process's analyser (core.finnish: Voikko, or simplemma without it), and it finds only
documents analysed the same way: after Voikko is installed or removed, or the analysis changes, the documents are
rebuilt (`manage.py rebuild_search_documents`; a migration did it when Voikko's analysis came in).
"""

import uuid
from collections.abc import Callable
from typing import Any

from django.apps import apps as global_apps
from django.apps.registry import Apps
from django.db import transaction

from experiments.services import experiment_search_document
from ideas.services.ideas import idea_search_document
from innovations.services import innovation_search_document

# Records read and written per round: bounds memory on a registry of hundreds of thousands.
BATCH = 1000


def _rewrite(queryset: Any, document: Callable[[Any], str]) -> int:
    """Writes document(record) into each record's search_document, in batches of BATCH by primary key."""
    model = queryset.model
    count = 0
    last = 0
    while True:
        batch = list(queryset.filter(pk__gt=last).order_by("pk")[:BATCH])
        if not batch:
            return count
        for record in batch:
            record.search_document = document(record)
        model._base_manager.bulk_update(batch, ["search_document"], batch_size=BATCH)
        count += len(batch)
        last = batch[-1].pk


@transaction.atomic
def rebuild_documents(registry: Apps = global_apps) -> dict[str, int]:
    """Every innovation's, experiment's and idea's search document anew; how many of each. One transaction: a search
    never sees half the records rebuilt. The catalogue's cached counts are retired, since a search may now find
    other innovations. A migration passes its own registry of models, as they were then."""
    innovation = registry.get_model("innovations", "Innovation")
    counts = {
        "innovations": _rewrite(
            innovation._base_manager.select_related("owner").prefetch_related("themes"),
            lambda record: innovation_search_document(record, record.themes.all()),
        ),
        "experiments": _rewrite(
            registry.get_model("experiments", "Experiment")._base_manager.select_related("owner"),
            experiment_search_document,
        ),
        "ideas": _rewrite(registry.get_model("ideas", "Idea")._base_manager.all(), idea_search_document),
    }
    if any(counts.values()):  # what catalogue.bump() does, through the registry given (nothing on an empty database)
        registry.get_model("innovations", "CatalogueVersion")._base_manager.update_or_create(
            pk=1, defaults={"token": uuid.uuid4().hex}
        )
    return counts
