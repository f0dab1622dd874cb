"""On PostgreSQL, the catalogue's stem search runs as a full-text query on an expression GIN index (the trigram
index needed a recheck of every candidate document); SQLite keeps its substring test."""

from django.db import migrations

# The expression must be exactly what core.search.SEARCH_VECTOR compiles to. The bench drops and
# rebuilds the index around its bulk load with these two statements.
CREATE_INDEX = (
    "CREATE INDEX IF NOT EXISTS innovation_search_fts ON innovations_innovation USING gin "
    "(to_tsvector('simple'::regconfig, COALESCE(search_document, '')))"
)
DROP_INDEX = "DROP INDEX IF EXISTS innovation_search_fts"
TRIGRAM_INDEX = (
    "CREATE INDEX IF NOT EXISTS innovation_search_trgm ON innovations_innovation "
    "USING gin (search_document gin_trgm_ops)"
)
CREATE = [CREATE_INDEX, "DROP INDEX IF EXISTS innovation_search_trgm"]
DROP = [DROP_INDEX, TRIGRAM_INDEX]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for sql in statements:
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("innovations", "0002_search_trigram_index")]
    operations = [migrations.RunPython(_run(CREATE), _run(DROP))]
