"""On PostgreSQL, a company's ticker with its exchange ("BP.L", "VOWG.F", "PGLO.AS", "GRGI.O": Reuters writes
one in one of nine stories) is also indexed as its parts: its parser reads it as one file name ("grgi.o"), so
"grgi" found the story on SQLite, whose tokenizer splits at the dot, and not there (backends/postgres.py,
``DOTTED_FILE``). The trigger's function is installed again, and the documents indexed before it whose text
may hold one (``DOTTED_HINT``) are indexed again, as 0015 did (in batches, each in its own transaction).
Going back leaves the words in place: they are words the document has. Nothing to do on SQLite."""

import importlib

from django.db import migrations
from django.utils.module_loading import import_string

from newsdesk.search.backends.postgres import DOTTED_HINT

POSTGRES = "newsdesk.search.backends.postgres.PostgresSearchBackend"
reindex = importlib.import_module("newsdesk.search.migrations.0015_extra_words").reindex  # the same pass


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        import_string(POSTGRES)(alias="migration", options={}).install_languages(schema_editor)
        reindex(schema_editor.connection, hints=DOTTED_HINT)


class Migration(migrations.Migration):
    atomic = False  # each batch commits on its own, as 0015's
    dependencies = [("search", "0020_tag_words")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
