"""Documents are indexed with each letter or digit of a compatibility form as that form ("ﬁnance" as "finance",
"Ｔｏｋｙｏ" as "Tokyo") and decomposed accents composed (analysis.index_form): the query reads them so, and a
story whose copy held one could not be found by the word on either engine. The documents stored before whose
text may hold one are read in batches of ``BATCH`` by article id, each batch in its own transaction, and those
that ``index_form`` changes are written in that form: the engines' triggers index them again. May hold one:
on PostgreSQL, the text matches ``compatible_hint`` (the server's regular expressions read a class of 3,500
letters as fast as one); on SQLite, whose REGEXP is Python's, the text is not ASCII (more bytes than
characters). Going back leaves them so: the text reads the same."""

from django.db import migrations, transaction

from newsdesk.search.analysis import compatible_hint, index_form

BATCH = 1000
FIELDS = ("headline", "lead", "keywords", "body")


def rewrite(connection, *, batch: int = BATCH) -> int:
    """The number of documents rewritten."""
    text = "(headline || ' ' || lead || ' ' || keywords || ' ' || body)"
    if connection.vendor == "postgresql":
        may_hold, arguments = f"{text} ~ %s", [compatible_hint()]
    else:
        may_hold, arguments = f"length(CAST({text} AS BLOB)) <> length({text})", []
    find = (
        f"SELECT article_id, {', '.join(FIELDS)} FROM search_searchdocument WHERE article_id > %s AND "
        f"{may_hold} ORDER BY article_id LIMIT %s"
    )
    update = f"UPDATE search_searchdocument SET {', '.join(f'{f} = %s' for f in FIELDS)} WHERE article_id = %s"
    done, last = 0, 0
    while True:
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            cursor.execute(find, [last, *arguments, batch])
            rows = cursor.fetchall()
            if not rows:
                return done
            for article_id, *texts in rows:
                written = [index_form(text) for text in texts]
                if written != texts:
                    cursor.execute(update, [*written, article_id])
                    done += 1
        last = rows[-1][0]


def forwards(apps, schema_editor):
    rewrite(schema_editor.connection)


class Migration(migrations.Migration):
    atomic = False  # each batch commits on its own, as 0015's
    dependencies = [("search", "0021_dotted_files")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
