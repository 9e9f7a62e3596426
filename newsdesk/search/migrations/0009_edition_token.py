"""Each non-English document carries its edition's token in ``tags`` (documents.language_token: "xl114117" for
Russian), so an edition's search is narrowed to its own documents inside the index, as a section filter is.

Only the documents of the other editions are touched — English ones carry no token — in batches of ``BATCH``
by article id, each in its own transaction; on SQLite the FTS5 triggers index each touched document again
(about 1 ms a Russian story: 50,000 Russian stories about a minute). Going back removes the token."""

from django.db import migrations, transaction

from newsdesk.search.documents import UNTAGGED_LANGUAGE, language_token

BATCH = 1000


def retag(connection, *, add: bool, batch: int = BATCH) -> int:
    done, last = 0, 0
    find = (
        "SELECT article_id, language, tags FROM search_searchdocument WHERE article_id > %s AND language <> %s "
        "ORDER BY article_id LIMIT %s"
    )
    while True:
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            cursor.execute(find, [last, UNTAGGED_LANGUAGE, batch])
            rows = cursor.fetchall()
            if not rows:
                return done
            changed = []
            for pk, language, tags in rows:
                token = language_token(language)
                tokens = [t for t in (tags or "").split() if t != token] + ([token] if add else [])
                if tokens != (tags or "").split():
                    changed.append((" ".join(tokens), pk))
            cursor.executemany("UPDATE search_searchdocument SET tags = %s WHERE article_id = %s", changed)
        done, last = done + len(changed), rows[-1][0]


def forwards(apps, schema_editor):
    retag(schema_editor.connection, add=True)


def backwards(apps, schema_editor):
    retag(schema_editor.connection, add=False)


class Migration(migrations.Migration):
    atomic = False  # each batch commits on its own (see retag), as 0007's
    dependencies = [("search", "0008_fts_automerge")]

    operations = [migrations.RunPython(forwards, backwards)]
