"""On PostgreSQL the search is served from the GIN index of migration 0002: the planner may use it."""

import pytest
from django.db import connection

from core.search import matching
from experiments.models import Experiment

pytestmark = pytest.mark.django_db


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the index exists on PostgreSQL only")
def test_the_search_expression_matches_the_index() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'experiment_search_fts'")
        (definition,) = cursor.fetchone()
        cursor.execute("SET enable_seqscan = off")
        try:
            # The search alone, unordered: with the list's ordering the planner may walk the updated_at index.
            plan = matching(Experiment.objects.order_by(), "kokeilu").only("pk").explain()
        finally:
            cursor.execute("SET enable_seqscan = on")
    assert "to_tsvector" in definition
    assert "experiment_search_fts" in plan
