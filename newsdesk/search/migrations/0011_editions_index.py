"""On SQLite, the other editions' index: every document of an edition but the default one, a second time, in an
FTS5 table of its own that an edition's search narrowed by its token reads (backends/sqlite.py, EDITIONS_FTS),
kept in step by triggers. Made from the documents already stored: about as long as indexing them took (the
Russian half of a 1,000,000-article archive: docs/search.md). Nothing to do on PostgreSQL, whose index of the
other editions' words is 0010's."""

from django.db import migrations
from django.utils.module_loading import import_string

SQLITE = "newsdesk.search.backends.sqlite.SQLiteSearchBackend"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        import_string(SQLITE)(alias="migration", options={}).install_editions(schema_editor)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        import_string(SQLITE)(alias="migration", options={}).uninstall_editions(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("search", "0010_language_index")]

    operations = [migrations.RunPython(forwards, backwards)]
