"""0006 added NOT NULL columns with defaults to the innovation table; on SQLite Django does that by copying the
table into a new one, which drops the triggers that keep the FTS5 search index current (0005). Without them the
catalogue search found nothing written after the migration. Re-create them and rebuild the index; any later
migration that remakes innovations_innovation on SQLite must end the same way (innovations/tests/
test_search_index_triggers.py checks it)."""

import importlib

from django.db import migrations

fts5 = importlib.import_module("innovations.migrations.0005_search_fts5")


class Migration(migrations.Migration):
    dependencies = [("innovations", "0006_adopter_fields_images_lineage_proposals")]
    operations = [migrations.RunPython(fts5._run(fts5.CREATE), migrations.RunPython.noop)]
