"""Each ampersand name of a document ("AT&T") is also among its keywords, whole ("atandt"), as
``documents.build_document`` now writes it (analysis.ampersand_terms): PostgreSQL, which leaves "at" and "t" out
of its index as stop words, finds the stories indexed before it.

Only documents with an ``&`` in their text are read, in batches of ``BATCH`` by article id, each batch in its
own transaction; a document's keywords are written only when they change, and the engines index it again
(PostgreSQL's trigger, SQLite's FTS5 triggers). Going back takes the terms away."""

from django.db import migrations, transaction

from newsdesk.search.analysis import ampersand_terms

BATCH = 1000
SEPARATOR = " · "  # documents.build_document's


def keywords_with(keywords: str, terms: list[str], *, add: bool) -> str:
    """The keywords with the document's ampersand terms last (as build_document writes them), or without."""
    kept = [part for part in keywords.split(SEPARATOR) if part and part not in terms] if keywords else []
    return SEPARATOR.join(kept + (terms if add else []))


def rewrite(connection, *, add: bool, batch: int = BATCH) -> int:
    done, last = 0, 0
    find = (
        "SELECT article_id, headline, lead, body, keywords FROM search_searchdocument WHERE article_id > %s "
        "AND (headline LIKE %s OR lead LIKE %s OR body LIKE %s) ORDER BY article_id LIMIT %s"
    )
    while True:
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            cursor.execute(find, [last, "%&%", "%&%", "%&%", batch])
            rows = cursor.fetchall()
            if not rows:
                return done
            changed = []
            for pk, headline, lead, body, keywords in rows:
                terms = ampersand_terms(" ".join((headline or "", lead or "", body or "")))
                rewritten = keywords_with(keywords or "", terms, add=add)
                if terms and rewritten != (keywords or ""):
                    changed.append((rewritten, pk))
            cursor.executemany("UPDATE search_searchdocument SET keywords = %s WHERE article_id = %s", changed)
        done, last = done + len(changed), rows[-1][0]


def forwards(apps, schema_editor):
    rewrite(schema_editor.connection, add=True)


def backwards(apps, schema_editor):
    rewrite(schema_editor.connection, add=False)


class Migration(migrations.Migration):
    atomic = False  # each batch commits on its own (see rewrite), as 0009's
    dependencies = [("search", "0013_vector_statistics")]

    operations = [migrations.RunPython(forwards, backwards)]
