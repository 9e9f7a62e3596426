"""On PostgreSQL, the other editions' words: a GIN index of the vectors of every document outside the default
edition (a partial index: ``WHERE language <> 'en'``), which an edition's search narrowed by its token reads,
where the edition's token, in half the documents of a two-edition archive, was too broad to use
(backends/postgres.py, LANGUAGE_INDEX_SCHEMA). Made from the vectors stored (no re-analysis)."""

from django.db import migrations
from django.utils.module_loading import import_string

POSTGRES = "newsdesk.search.backends.postgres.PostgresSearchBackend"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        import_string(POSTGRES)(alias="migration", options={}).install_language_index(schema_editor)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        import_string(POSTGRES)(alias="migration", options={}).uninstall_language_index(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("search", "0009_edition_token")]

    operations = [migrations.RunPython(forwards, backwards)]
