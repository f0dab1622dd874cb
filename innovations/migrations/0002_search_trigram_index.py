"""On PostgreSQL, a trigram index serves the catalogue's stem search (LIKE '% stem%'); SQLite scans instead."""

from django.db import migrations

CREATE = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS innovation_search_trgm ON innovations_innovation "
    "USING gin (search_document gin_trgm_ops)",
]
DROP = ["DROP INDEX IF EXISTS innovation_search_trgm"]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for sql in statements:
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("innovations", "0001_initial")]
    operations = [migrations.RunPython(_run(CREATE), _run(DROP))]
