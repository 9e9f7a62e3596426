"""On PostgreSQL, a word in angle brackets is indexed: its parser read "<Masy>" (a company's ticker, as
Reuters writes it after the name: "Marketing Systems <Masy> Seeks Acquisitions") as an HTML tag and indexed
nothing of it, so "masy" found that story on SQLite and not there. The trigger's function now reads "<" and ">"
as spaces (backends/postgres.py, ``FIELD_VECTOR``); it is installed again, and the documents indexed before it
whose text has a "<" are indexed again, as 0015 did (in batches, each in its own transaction). Going back
leaves the words in place: they are words the document has. Nothing to do on SQLite, whose tokenizer splits
at "<" and ">"."""

import importlib

from django.db import migrations
from django.utils.module_loading import import_string

POSTGRES = "newsdesk.search.backends.postgres.PostgresSearchBackend"
reindex = importlib.import_module("newsdesk.search.migrations.0015_extra_words").reindex  # the same pass


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        import_string(POSTGRES)(alias="migration", options={}).install_languages(schema_editor)
        reindex(schema_editor.connection, hints="<")


class Migration(migrations.Migration):
    atomic = False  # each batch commits on its own, as 0015's
    dependencies = [("search", "0019_dateline_countries")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
