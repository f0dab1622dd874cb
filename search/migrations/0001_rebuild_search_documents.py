"""Every search document made anew with Voikko's analysis of Finnish (base forms and compound parts, core.finnish):
documents made before it hold Snowball's stems, which the queries no longer ask for. An empty database has nothing
to rebuild."""

from django.db import migrations


def rebuild(apps, schema_editor):  # type: ignore[no-untyped-def]
    from search.services import rebuild_documents

    rebuild_documents(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("innovations", "0007_restore_search_fts5_triggers"),
        ("experiments", "0002_search_fulltext_index"),
        ("ideas", "0003_search_fulltext_index"),
    ]
    operations = [migrations.RunPython(rebuild, migrations.RunPython.noop)]
