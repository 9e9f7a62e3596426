"""On PostgreSQL, each field is also indexed with the parts of its addresses ("Lenta.ru" as "lenta ru"), its
accented words without their accents ("Élysée" as "elysee") and its codes' letters and numbers ("COVID-19" as
"covid 19"), so that "lenta", "elysee" and "covid 19" find them, as they do on SQLite (backends/postgres.py,
``EXTRA_WORDS``): the trigger that makes a document's vector is installed again, and the documents indexed
before it that may hold any of them are indexed again.

Those are the documents whose text has what every address, accented word or code has (``ADDRESS_HINT``,
``ACCENT_HINT``, ``CODE_HINT``: the trigger's own tests; "U.S." and "11.9" do not), read in batches of
``BATCH`` by article id, each batch in its own transaction; writing a document's body to itself fires the
trigger: one pass over the table by primary key, reading every text. Going back leaves the words in place:
they only add words the document has. Nothing to do on SQLite, whose tokenizer splits addresses and codes and
folds accents."""

from django.db import migrations, transaction
from django.utils.module_loading import import_string

from newsdesk.search.backends.postgres import ACCENT_HINT, ADDRESS_HINT, CODE_HINT

POSTGRES = "newsdesk.search.backends.postgres.PostgresSearchBackend"
BATCH = 1000


def reindex(connection, *, batch: int = BATCH, hints: str = f"{ADDRESS_HINT}|{ACCENT_HINT}|{CODE_HINT}") -> int:
    done, last = 0, 0
    find = (
        "SELECT article_id FROM search_searchdocument WHERE article_id > %s AND concat_ws(' ', headline, "
        "lead, keywords, body) ~ %s ORDER BY article_id LIMIT %s"
    )
    while True:
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            cursor.execute(find, [last, hints, batch])
            found = [row[0] for row in cursor.fetchall()]
            if not found:
                return done
            cursor.execute("UPDATE search_searchdocument SET body = body WHERE article_id = ANY(%s)", [found])
        done, last = done + len(found), found[-1]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        import_string(POSTGRES)(alias="migration", options={}).install_languages(schema_editor)
        reindex(schema_editor.connection)


class Migration(migrations.Migration):
    atomic = False  # each batch commits on its own (see reindex), as 0014's
    dependencies = [("search", "0014_ampersand_terms")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
