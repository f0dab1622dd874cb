"""The SQLite full-text index of innovations is kept current by triggers (migration 0005). A migration that
remakes the innovation table on SQLite (adding a NOT NULL column does) silently drops them: the search then
finds nothing written afterwards. After all migrations the triggers must exist and work."""

import importlib

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection

from innovations import services
from innovations.selectors import CatalogueFilters, innovation_list

pytestmark = pytest.mark.django_db
fts5 = importlib.import_module("innovations.migrations.0005_search_fts5")


@pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL indexes the expression itself (0003)")
def test_fts5_triggers_survive_every_migration() -> None:
    if not fts5.has_fts5(connection):
        pytest.skip("this SQLite has no FTS5")
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'innovations_innovation'")
        triggers = {name for (name,) in cursor.fetchall()}
    assert {f"{fts5.TABLE}_insert", f"{fts5.TABLE}_delete", f"{fts5.TABLE}_update"} <= triggers


def test_a_word_written_after_the_migrations_is_found(published_a, editor_a) -> None:
    services.innovation_update(
        actor=editor_a,
        innovation=published_a,
        expected_version=published_a.version,
        data={"evidence_fi": "Käyntejä vähemmän seurannassa"},
    )
    found = innovation_list(user=AnonymousUser(), filters=CatalogueFilters(q="seurannassa"))
    assert [innovation.pk for innovation in found] == [published_a.pk]
