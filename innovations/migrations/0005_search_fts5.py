"""On SQLite, the catalogue's stem search gets an index too: an FTS5 table over the search documents (the prefix
query "stem"* is the same test as the substring " stem"), kept current by triggers on the innovation table, so
every write that changes a document (services, loaders, bulk inserts) updates it. Without FTS5 in the SQLite
library nothing is made and the search stays a scan (innovations.selectors checks that the table exists).
PostgreSQL has its own index (0003)."""

from django.db import migrations

TABLE = "innovation_search_fts"
# The document tokens are already lower-case words of letters and digits separated by spaces; keep ä, ö and å.
CREATE = [
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {TABLE} USING fts5(search_document, content='innovations_innovation', "
    "content_rowid='id', tokenize='unicode61 remove_diacritics 0')",
    f"CREATE TRIGGER IF NOT EXISTS {TABLE}_insert AFTER INSERT ON innovations_innovation BEGIN "
    f"INSERT INTO {TABLE}(rowid, search_document) VALUES (new.id, new.search_document); END",
    f"CREATE TRIGGER IF NOT EXISTS {TABLE}_delete AFTER DELETE ON innovations_innovation BEGIN "
    f"INSERT INTO {TABLE}({TABLE}, rowid, search_document) VALUES ('delete', old.id, old.search_document); END",
    f"CREATE TRIGGER IF NOT EXISTS {TABLE}_update AFTER UPDATE OF search_document ON innovations_innovation "
    "WHEN old.search_document IS NOT new.search_document BEGIN "
    f"INSERT INTO {TABLE}({TABLE}, rowid, search_document) VALUES ('delete', old.id, old.search_document); "
    f"INSERT INTO {TABLE}(rowid, search_document) VALUES (new.id, new.search_document); END",
    f"INSERT INTO {TABLE}({TABLE}) VALUES ('rebuild')",
]
DROP = [
    f"DROP TRIGGER IF EXISTS {TABLE}_insert",
    f"DROP TRIGGER IF EXISTS {TABLE}_delete",
    f"DROP TRIGGER IF EXISTS {TABLE}_update",
    f"DROP TABLE IF EXISTS {TABLE}",
]


def has_fts5(connection) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA compile_options")
        return any(option == "ENABLE_FTS5" for (option,) in cursor.fetchall())


def _run(statements):
    def run(apps, schema_editor):
        connection = schema_editor.connection
        if connection.vendor != "sqlite" or not has_fts5(connection):
            return
        for sql in statements:
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("innovations", "0004_catalogue")]
    operations = [migrations.RunPython(_run(CREATE), _run(DROP))]
