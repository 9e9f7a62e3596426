"""Each document whose article has a dateline in a known city also has that city's country among its keywords,
right after the place ("Paris · France", "Псков · Россия" in the Russian edition), as ``documents.build_document`` now writes it (``places``): the
stories indexed before it are found by their country too.

Only the documents of articles with a dateline are read, in batches of ``BATCH`` by article id, each batch in
its own transaction; a document's keywords are written only when they change, and the engines index it again
(PostgreSQL's trigger, SQLite's FTS5 triggers). Going back takes the countries away."""

from django.db import migrations, transaction

from newsdesk.search.places import dateline_country

BATCH = 1000
SEPARATOR = " · "  # documents.build_document's


def keywords_with(keywords: str, place: str, country: str, *, add: bool) -> str:
    """The keywords with the country right after the dateline's place (as build_document writes them), or
    without it."""
    parts = [part for part in keywords.split(SEPARATOR) if part] if keywords else []
    at = parts.index(place) if place in parts else -1
    has = at >= 0 and at + 1 < len(parts) and parts[at + 1] == country
    if add and at >= 0 and not has:
        parts.insert(at + 1, country)
    elif not add and has:
        del parts[at + 1]
    return SEPARATOR.join(parts)


def rewrite(connection, *, add: bool, batch: int = BATCH) -> int:
    done, last = 0, 0
    find = (
        "SELECT doc.article_id, article.dateline_place, article.language, doc.keywords "
        "FROM search_searchdocument AS doc "
        "JOIN news_article AS article ON article.id = doc.article_id "
        "WHERE doc.article_id > %s AND article.dateline_place <> '' ORDER BY doc.article_id LIMIT %s"
    )
    while True:
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            cursor.execute(find, [last, batch])
            rows = cursor.fetchall()
            if not rows:
                return done
            changed = []
            for pk, place, language, keywords in rows:
                country = dateline_country(place, language)
                if country:
                    rewritten = keywords_with(keywords or "", place.title(), country, add=add)
                    if rewritten != (keywords or ""):
                        changed.append((rewritten, pk))
            cursor.executemany("UPDATE search_searchdocument SET keywords = %s WHERE article_id = %s", changed)
        done, last = done + len(changed), rows[-1][0]


def forwards(apps, schema_editor):
    rewrite(schema_editor.connection, add=True)


def backwards(apps, schema_editor):
    rewrite(schema_editor.connection, add=False)


class Migration(migrations.Migration):
    atomic = False  # each batch commits on its own (see rewrite), as 0014's
    dependencies = [("search", "0018_snowball_english")]

    operations = [migrations.RunPython(forwards, backwards)]
