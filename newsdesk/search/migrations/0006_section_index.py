"""On PostgreSQL, a B-tree on (section in the filter tokens, article): a search in one section reads only
the id window's part of the section, not the section token's whole posting list (backends/postgres.py)."""

from django.db import migrations
from django.utils.module_loading import import_string

POSTGRES = "newsdesk.search.backends.postgres.PostgresSearchBackend"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        import_string(POSTGRES)(alias="migration", options={}).install_section_index(schema_editor)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        import_string(POSTGRES)(alias="migration", options={}).uninstall_section_index(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("search", "0005_narrowing_indexes")]

    operations = [migrations.RunPython(forwards, backwards)]
