"""Each search document's language (``SearchDocument.language``, the article's): Russian documents are analysed
as Russian (search/analysis.py) — on SQLite the FTS5 triggers index ``analysis.index_text`` of the text, on
PostgreSQL a trigger makes the vector with the document's own configuration ('russian' or 'english').

Cheap at any size: the column is added with a constant default (no copy of the table on either database), the
English documents keep what they have indexed (their analysis did not change), and only the documents of the
other editions' articles are indexed again, in batches of ``BATCH`` in their own transactions (setting their
language fires the triggers). At 1,000,000 articles that is one pass over ``news_article`` by primary key plus
the non-English documents. ``newsdesk reindex --language ru`` does the same for one edition at any time."""

from django.db import migrations, models, transaction
from django.utils.module_loading import import_string

SQLITE = "newsdesk.search.backends.sqlite.SQLiteSearchBackend"
POSTGRES = "newsdesk.search.backends.postgres.PostgresSearchBackend"
BATCH = 1000
TRIGGERS = ("search_fts_ai", "search_fts_ad", "search_fts_au")

# The FTS5 triggers as 0002-0006 made them (every document indexed as stored), for going back.
OLD_SQLITE_TRIGGERS = [
    """CREATE TRIGGER search_fts_ai AFTER INSERT ON search_searchdocument BEGIN
        INSERT INTO search_fts(rowid, headline, lead, body, keywords, tags)
        VALUES (new.article_id, new.headline, new.lead, new.body, new.keywords, new.tags);
    END""",
    """CREATE TRIGGER search_fts_ad AFTER DELETE ON search_searchdocument BEGIN
        INSERT INTO search_fts(search_fts, rowid, headline, lead, body, keywords, tags)
        VALUES ('delete', old.article_id, old.headline, old.lead, old.body, old.keywords, old.tags);
    END""",
    """CREATE TRIGGER search_fts_au AFTER UPDATE ON search_searchdocument BEGIN
        INSERT INTO search_fts(search_fts, rowid, headline, lead, body, keywords, tags)
        VALUES ('delete', old.article_id, old.headline, old.lead, old.body, old.keywords, old.tags);
        INSERT INTO search_fts(rowid, headline, lead, body, keywords, tags)
        VALUES (new.article_id, new.headline, new.lead, new.body, new.keywords, new.tags);
    END""",
]


def _triggers(schema_editor, statements) -> None:
    for name in TRIGGERS:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")
    for statement in statements:
        if "CREATE TRIGGER" in statement:
            schema_editor.execute(statement)


def relabel(connection, *, language_of_article: bool, batch: int = BATCH) -> int:
    """Set each non-English article's document to its article's language (``language_of_article``), or every
    non-English document back to English, in batches by article id, each its own transaction: the triggers
    index each document again as its new language."""
    done, last = 0, 0
    if language_of_article:
        find = "SELECT id, language FROM news_article WHERE id > %s AND language <> 'en' ORDER BY id LIMIT %s"
    else:
        find = (
            "SELECT article_id, 'en' FROM search_searchdocument WHERE article_id > %s AND language <> 'en' "
            "ORDER BY article_id LIMIT %s"
        )
    while True:
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            cursor.execute(find, [last, batch])
            rows = cursor.fetchall()
            if not rows:
                return done
            cursor.executemany(
                "UPDATE search_searchdocument SET language = %s WHERE article_id = %s AND language <> %s",
                [(language, pk, language) for pk, language in rows],
            )
        done, last = done + len(rows), rows[-1][0]


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    with transaction.atomic(using=schema_editor.connection.alias):
        if vendor == "sqlite":
            _triggers(schema_editor, import_string(SQLITE).schema)
        elif vendor == "postgresql":
            import_string(POSTGRES)(alias="migration", options={}).install_languages(schema_editor)
    if vendor in ("sqlite", "postgresql"):
        relabel(schema_editor.connection, language_of_article=True)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor not in ("sqlite", "postgresql"):
        return
    relabel(schema_editor.connection, language_of_article=False)  # indexed as English, as before
    if vendor == "sqlite":
        _triggers(schema_editor, OLD_SQLITE_TRIGGERS)
    else:
        backend = import_string(POSTGRES)(alias="migration", options={})
        backend.uninstall_languages(schema_editor)
        backend.uninstall_narrowing(schema_editor)
        backend.uninstall(schema_editor)  # the generated column again (a rewrite of the table)
        backend.install(schema_editor)
        backend.install_narrowing(schema_editor)


class Migration(migrations.Migration):
    # Each batch commits on its own (see relabel): a migration over a large archive must not hold one
    # transaction for all of it.
    atomic = False
    dependencies = [("search", "0006_section_index"), ("news", "0001_initial")]

    operations = [
        migrations.RunSQL(
            "ALTER TABLE search_searchdocument ADD COLUMN language varchar(10) NOT NULL DEFAULT 'en'",
            "ALTER TABLE search_searchdocument DROP COLUMN language",
            state_operations=[
                migrations.AddField(
                    model_name="searchdocument",
                    name="language",
                    field=models.CharField(default="en", max_length=10),
                )
            ],
        ),
        migrations.RunPython(forwards, backwards),
    ]
