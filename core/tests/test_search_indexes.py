"""On PostgreSQL every stem search is served from its table's GIN index on core.search.SEARCH_VECTOR: the index
expression is what the query compiles to, so the planner can use it (a drift would silently scan every row)."""

import pytest
from django.db import connection
from django.db.models import Model

from core.search import matching
from experiments.models import Experiment
from ideas.models import Idea
from innovations.models import Innovation

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the indexes exist on PostgreSQL only"),
]


@pytest.mark.parametrize(
    ("model", "index"),
    [
        (Innovation, "innovation_search_fts"),
        (Experiment, "experiment_search_fts"),
        (Idea, "idea_search_fts"),
    ],
)
def test_the_search_expression_matches_the_index(model: type[Model], index: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = %s", [index])
        (definition,) = cursor.fetchone()
        cursor.execute("SET enable_seqscan = off")
        try:
            # The search alone, unordered: with a list's ordering the planner may walk another index.
            plan = matching(model._default_manager.order_by(), "kokeilu").only("pk").explain()
        finally:
            cursor.execute("SET enable_seqscan = on")
    assert "to_tsvector" in definition
    assert index in plan
