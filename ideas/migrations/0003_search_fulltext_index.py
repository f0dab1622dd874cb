"""On PostgreSQL, the ideas' stem search runs as a full-text query on an expression GIN index, as the innovations'
and experiments' do (innovations/0003, experiments/0002); SQLite keeps its substring test."""

from django.db import migrations

# The expression must be exactly what core.search.SEARCH_VECTOR compiles to.
CREATE_INDEX = (
    "CREATE INDEX IF NOT EXISTS idea_search_fts ON ideas_idea USING gin "
    "(to_tsvector('simple'::regconfig, COALESCE(search_document, '')))"
)
DROP_INDEX = "DROP INDEX IF EXISTS idea_search_fts"


def _run(statement):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("ideas", "0002_codevelopment_links")]
    operations = [migrations.RunPython(_run(CREATE_INDEX), _run(DROP_INDEX))]
