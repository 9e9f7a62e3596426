"""On SQLite, FTS5 merges index segments less eagerly (automerge 16, not 4): ingest at 1,000,000 articles
costs what it costs on an empty site (backends/sqlite.py says why). A setting kept in the FTS5 table itself;
instant at any size. Nothing to do on PostgreSQL."""

from django.db import migrations

from newsdesk.search.backends.sqlite import AUTOMERGE, FTS

DEFAULT = f"INSERT INTO {FTS}({FTS}, rank) VALUES ('automerge', 4)"  # noqa: S608


def _has_fts(schema_editor) -> bool:
    if schema_editor.connection.vendor != "sqlite":
        return False
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM sqlite_master WHERE name = %s", [FTS])
        return cursor.fetchone() is not None


def forwards(apps, schema_editor):
    if _has_fts(schema_editor):
        schema_editor.execute(AUTOMERGE)


def backwards(apps, schema_editor):
    if _has_fts(schema_editor):
        schema_editor.execute(DEFAULT)


class Migration(migrations.Migration):
    dependencies = [("search", "0007_document_language")]

    operations = [migrations.RunPython(forwards, backwards)]
