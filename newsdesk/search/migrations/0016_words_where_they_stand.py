"""On PostgreSQL, a field's accented words without their accents ("Élysée" as "elysee") and its codes' letters
and numbers ("COVID-19" as "covid 19") are indexed where they stand, beside the words as written, no longer
after the field's last word (backends/postgres.py, ``FIELD_VECTOR``): a quoted phrase that runs into one
("elysee palace", "sao paulo", "covid 19 cases") finds the story, as it does on SQLite. Words joined by a slash
("HIV/AIDS", "U.S./Canada"), one token to PostgreSQL's parser, are also indexed one by one ("aids", "canada").
The trigger is installed again, and the documents whose text has an accented Latin letter, a code or a letter
beside a slash (``ACCENT_HINT``, ``CODE_HINT``, ``SLASH_HINT``) are indexed again, in batches as 0015 did.
Going back leaves them indexed the new way: they only hold words the document has."""

import importlib

from django.db import migrations
from django.utils.module_loading import import_string

from newsdesk.search.backends.postgres import ACCENT_HINT, CODE_HINT, SLASH_HINT

POSTGRES = "newsdesk.search.backends.postgres.PostgresSearchBackend"


def reindex(connection) -> int:
    previous = importlib.import_module("newsdesk.search.migrations.0015_extra_words")
    return previous.reindex(connection, hints=f"{ACCENT_HINT}|{CODE_HINT}|{SLASH_HINT}")


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        import_string(POSTGRES)(alias="migration", options={}).install_languages(schema_editor)
        reindex(schema_editor.connection)


class Migration(migrations.Migration):
    atomic = False  # each batch commits on its own, as 0015's
    dependencies = [("search", "0015_extra_words")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
