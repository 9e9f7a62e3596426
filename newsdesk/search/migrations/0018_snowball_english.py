"""On SQLite, English words are indexed as Snowball stems (``analysis.index_text``), as PostgreSQL's ``english``
indexes them, and FTS5's tokenizer no longer stems with Porter, which made words one that Snowball keeps apart
("news" and "new", "way" and "Wai"). Both FTS5 tables are made anew from the documents stored: one pass over
them (docs/search.md has the time at 1,000,000 articles), reads go on meanwhile from the database's last
commit. Nothing to do on PostgreSQL.

Going back makes them again as they were: the Porter tokenizer, English text as stored and Russian words as
their Snowball stems (the function of that code, registered here for the rebuild under a name of its own)."""

import sqlite3

from django.db import migrations
from django.utils.module_loading import import_string

SQLITE = "newsdesk.search.backends.sqlite.SQLiteSearchBackend"
PORTER = "porter unicode61 remove_diacritics 2"
OLD_FUNCTION = "newsdesk_index_text_0017"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        import_string(SQLITE)(alias="migration", options={}).install_anew(schema_editor)


def _index_text_0017(text, language):
    from newsdesk.search import analysis

    if language != analysis.RUSSIAN or not text or not analysis.has_cyrillic(text):
        return text
    return analysis._CYRILLIC_RUN.sub(analysis._stem_run, text)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    from newsdesk.search.analysis import INDEX_FUNCTION
    from newsdesk.search.backends import sqlite

    schema_editor.connection.ensure_connection()
    try:
        schema_editor.connection.connection.create_function(OLD_FUNCTION, 2, _index_text_0017, deterministic=True)
    except sqlite3.OperationalError:  # registered by an earlier run in this process, and a statement is active
        pass

    def porter(statements):
        return [s.replace(f"tokenize='{sqlite.TOKENIZER}'", f"tokenize='{PORTER}'") for s in statements]

    fill = sqlite.FILL[0].replace(f"{INDEX_FUNCTION}(", f"{OLD_FUNCTION}(")
    # The fills only: the triggers keep calling the function by its name, the old code's once it runs again.
    editions = [
        s.replace(f"{INDEX_FUNCTION}(", f"{OLD_FUNCTION}(") if f"FROM {sqlite.DOCS}" in s else s
        for s in sqlite.EDITIONS_SCHEMA
    ]
    for statement in [
        *sqlite.DROP,
        *porter(sqlite.SCHEMA),
        fill,
        sqlite.FILL[1],
        *sqlite.EDITIONS_DROP,
        *porter(editions),
    ]:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("search", "0017_id_ranges")]

    operations = [migrations.RunPython(forwards, backwards)]
