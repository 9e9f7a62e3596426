"""Russian search on both back ends (conftest.backend): Snowball stemming of Russian documents and queries, ё
read as е, Cyrillic highlights and "did you mean", and the edition's search finding its own language only."""

import datetime as dt
import io

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.utils import timezone

from newsdesk.news.models import Section
from newsdesk.search.models import SearchDocument
from newsdesk.search.selectors import newsroom_search, search_articles
from newsdesk.search.services import search_sync_pending
from tests.factories import ArticleFactory

from .conftest import _section

SANCTIONS = (
    "<p>Евросоюз продлил санкции против России ещё на полгода, сообщили в Брюсселе.</p>"
    "<p>Решение приняли на встрече министров иностранных дел.</p>"
)
PUTIN = "<p>Президент России Владимир Путин провёл в Кремле совещание с членами правительства.</p>"
KOROLEV = "<p>Сергей Королёв руководил созданием первого искусственного спутника Земли.</p>"
KOROLEV_PLAIN = "<p>Конструктор Королев получил первую премию за новый двигатель.</p>"


def ids(result) -> list[int]:
    return [hit.article.pk for hit in result.hits]


def _russian_section() -> Section:
    return Section.objects.get_or_create(slug="politika", language="ru", defaults={"name": "Политика"})[0]


def russian(
    headline: str, body: str, *, hours_ago: float = 1, language: str = "ru", dateline_place: str = ""
):
    """A story of the edition, without a dateline unless given (a dateline's country is among the keywords:
    tests/search/test_places.py)."""
    at = timezone.now() - dt.timedelta(hours=hours_ago)
    section = _russian_section() if language == "ru" else _section("politics")
    return ArticleFactory(
        headline=headline, lead="", body=body, publish_at=at, first_published_at=at, section=section,
        language=language, dateline_place=dateline_place,
    )  # fmt: skip


@pytest.fixture
def editions(backend):
    found = {
        "sanctions": russian("ЕС продлил санкции против России", SANCTIONS),
        "putin": russian("Путин провёл совещание в Кремле", PUTIN, hours_ago=2),
        "korolev": russian("Королёв и первый спутник", KOROLEV, hours_ago=3),
        "street": russian("Королев получил премию", KOROLEV_PLAIN, hours_ago=4),
        # An English story quoting Russian words, and a Russian one naming Putin in Latin letters: each
        # edition's search must find its own language only.
        "english": russian(
            "Putin holds meeting on sanctions",
            "<p>Vladimir Putin (Путин) discussed санкции.</p>",
            language="en",
        ),
        "latin": russian(
            "Интервью: Putin and the sanctions", "<p>Путин ответил на вопросы.</p>", hours_ago=5
        ),
    }
    search_sync_pending()
    return found


def test_inflected_words_find_each_other(editions):
    assert ids(search_articles(q="санкциями", language="ru")) == [editions["sanctions"].pk]
    assert set(ids(search_articles(q="Путина", language="ru"))) == {
        editions["putin"].pk,
        editions["latin"].pk,
    }
    assert ids(search_articles(q="Кремлём", language="ru")) == [editions["putin"].pk]
    # A phrase in other cases ("санкциях против России" is "санкции против России"), a prefix of a stem.
    assert ids(search_articles(q='"санкциях против россии"', language="ru")) == [editions["sanctions"].pk]
    assert ids(search_articles(q="санкци*", language="ru")) == [editions["sanctions"].pk]


def test_yo_and_ye_are_the_same_letter(editions):
    both = {editions["korolev"].pk, editions["street"].pk}
    assert set(ids(search_articles(q="Королёв", language="ru"))) == both
    assert set(ids(search_articles(q="Королев", language="ru"))) == both
    assert ids(search_articles(q="ещё полгода", language="ru")) == [editions["sanctions"].pk]


def test_other_forms_of_a_russian_query_word():
    """analysis.other_terms: the whole word where Snowball shortens it, and the stems of the adjectives made of
    it with -ск- by the rules of word formation; nothing for English, nor with RUSSIAN_FORMS "stem"."""
    from newsdesk.search.analysis import other_terms

    assert other_terms("киев", "ru") == ("киев", "киевск")
    assert other_terms("киев", "ru", "whole") == ("киев",)
    assert other_terms("киев", "ru", "stem") == ()
    assert other_terms("рим", "ru") == ("римск",)  # its stem is the word: only the adjective
    assert "одесск" in other_terms("одесса", "ru")  # сс + ск is written сск
    assert "казанск" in other_terms("казань", "ru") and "израильск" in other_terms("израиль", "ru")
    assert {"российск", "германск"} <= {*other_terms("россия", "ru"), *other_terms("германия", "ru")}
    assert "китайск" in other_terms("китай", "ru") and "французск" in other_terms("французы", "ru")
    assert other_terms("london", "ru") == other_terms("киев", "en") == other_terms("ки", "ru") == ()


def test_a_name_the_stemmer_shortens_finds_its_other_forms(backend):
    """Snowball stems the nominative "Киев" to "ки" and "Милан" to "мила", but "Киеве" to "киев" and "Милане"
    to "милан": the query word is looked for whole beside its stem, on both engines."""
    kyiv = russian("Переговоры в Киеве", "<p>Делегации встретились в Киеве во вторник.</p>")
    capital = russian("Киев готовится к саммиту", "<p>Город закрыл центр для машин.</p>", hours_ago=2)
    milan = russian("Выставка открылась", "<p>В Милане открылась выставка дизайна.</p>", hours_ago=3)
    search_sync_pending()
    assert set(ids(search_articles(q="Киев", language="ru"))) == {kyiv.pk, capital.pk}
    assert ids(search_articles(q="милан", language="ru")) == [milan.pk]
    assert ids(search_articles(q="Милане", language="ru")) == [milan.pk]
    assert "<mark>Киеве</mark>" in search_articles(q="Киев", language="ru").hits[0].highlight.headline


def test_a_place_is_found_by_the_adjective_made_of_it(backend, settings):
    """News names a place by its adjective as often as by its name ("римская полиция", "в киевском суде",
    "российской стороны"): a Russian query word also finds the adjectives Russian forms from it with -ск-,
    on both engines, unless RUSSIAN_FORMS leaves them out."""
    from newsdesk.search.backends import reset_backend

    rome = russian("Римская полиция задержала похитителей", "<p>Картину вернули в музей.</p>")
    kyiv = russian("Суд вынес приговор", "<p>Дело рассматривал киевский районный суд.</p>", hours_ago=2)
    russia = russian("Переговоры продолжатся", "<p>С российской стороны прибыл министр.</p>", hours_ago=3)
    milan = russian("Выставка открылась", "<p>В Милане открылась выставка дизайна.</p>", hours_ago=4)
    search_sync_pending()
    assert ids(search_articles(q="Рим", language="ru")) == [rome.pk]
    assert ids(search_articles(q="Киев", language="ru")) == [kyiv.pk]
    assert ids(search_articles(q="Россия", language="ru")) == [russia.pk]
    assert "<mark>Римская</mark>" in search_articles(q="Рим", language="ru").hits[0].highlight.headline
    settings.SEARCH_BACKENDS["default"]["OPTIONS"] = {"RUSSIAN_FORMS": "whole"}
    reset_backend()
    assert ids(search_articles(q="Рим", language="ru")) == []
    assert ids(search_articles(q="милан", language="ru")) == [milan.pk]  # the whole word still
    settings.SEARCH_BACKENDS["default"]["OPTIONS"] = {"RUSSIAN_FORMS": "stem"}
    reset_backend()
    assert ids(search_articles(q="милан", language="ru")) == []
    settings.SEARCH_BACKENDS["default"]["OPTIONS"] = {"RUSSIAN_FORMS": "lemmas"}
    reset_backend()
    with pytest.raises(ImproperlyConfigured, match="RUSSIAN_FORMS"):
        search_articles(q="милан", language="ru")


def test_cyrillic_matches_are_highlighted(editions):
    hit = search_articles(q="Путина", language="ru").hits[0]
    assert "<mark>Путин</mark>" in hit.highlight.headline
    assert "<mark>Путин</mark>" in hit.highlight.excerpt
    sanctions = search_articles(q="санкциями", language="ru").hits[0].highlight
    assert "<mark>санкции</mark>" in sanctions.headline
    korolev = search_articles(q="королев спутник", language="ru").hits[0].highlight
    assert "<mark>Королёв</mark>" in korolev.headline and "<mark>спутник</mark>" in korolev.headline


def test_each_edition_finds_its_own_language_only(editions):
    for q in ("Путин", "санкции", "Putin", "sanctions"):
        found = search_articles(q=q, language="ru").hits
        assert found and all(hit.article.language == "ru" for hit in found), q
    for q in ("Путин", "Putin", "sanctions"):
        found = search_articles(q=q, language="en").hits
        assert ids(search_articles(q=q, language="en")) == [editions["english"].pk], q
        assert all(hit.article.language == "en" for hit in found)


def test_did_you_mean_respells_cyrillic_words(editions):
    result = search_articles(q="Кремпе", language="ru")
    assert result.hits == [] or result.any_words
    assert result.did_you_mean == "Кремле"


def test_russian_stop_words_are_ignored_alike(editions):
    # "в" and "и" are in nearly every Russian story: as single words they search nothing, on both engines.
    assert search_articles(q="в и", language="ru").query.is_empty
    assert ids(search_articles(q="совещание в Кремле", language="ru")) == [editions["putin"].pk]


def test_newsroom_search_analyses_a_cyrillic_query_as_russian(editions):
    from newsdesk.news.models import Article

    found = set(newsroom_search(queryset=Article.objects.all(), q="санкциями").values_list("pk", flat=True))
    assert editions["sanctions"].pk in found


def test_documents_indexed_before_the_language_column_are_reindexed(editions):
    """Migration 0007 (and ``newsdesk reindex --language``): a Russian article's document indexed as English
    text (as every document was before) finds inflected forms once it is indexed again as Russian."""
    from importlib import import_module

    relabel = import_module("newsdesk.search.migrations.0007_document_language").relabel
    SearchDocument.objects.filter(article_id=editions["putin"].pk).update(language="en")
    assert ids(search_articles(q="Кремлём", language="ru")) == []  # "кремле" was indexed as it stands
    assert relabel(connection, language_of_article=True, batch=1) >= 1
    assert ids(search_articles(q="Кремлём", language="ru")) == [editions["putin"].pk]
    # Back again (the migration's reverse), and English documents are untouched throughout.
    relabel(connection, language_of_article=False, batch=2)
    assert ids(search_articles(q="Кремлём", language="ru")) == []
    assert ids(search_articles(q="sanctions", language="en")) == [editions["english"].pk]


def test_api_and_page_search_one_edition(client, editions):
    api = client.get("/api/v1/search", {"q": "Путина", "language": "ru"}).json()
    assert {hit["id"] for hit in api["hits"]} == {editions["putin"].public_id, editions["latin"].public_id}
    assert "<mark>Путин</mark>" in api["hits"][0]["highlight"]["headline"]
    default = client.get("/api/v1/search", {"q": "Путина"}).json()["hits"]  # the default edition's
    assert [hit["id"] for hit in default] == [editions["english"].public_id]
    bad = client.get("/api/v1/search", {"q": "Путина", "language": "xx"})
    assert bad.status_code == 400 and "language" in bad.json()["errors"]


def test_the_page_searches_the_edition_its_url_names(rf, editions):
    from newsdesk.search.views import search_page

    page = search_page(rf.get("/ru/search/", {"q": "Путина"}), language="ru").content.decode()
    assert "<mark>Путин</mark>" in page and "Putin holds meeting" not in page
    english = search_page(rf.get("/search/", {"q": "Putin"})).content.decode()
    assert "holds meeting on sanctions" in english and "Интервью" not in english


def test_reindex_command_indexes_one_edition_again(editions):
    from django.core.management import call_command

    SearchDocument.objects.filter(article_id=editions["putin"].pk).update(language="en")
    assert ids(search_articles(q="Кремлём", language="ru")) == []
    out = io.StringIO()
    call_command("reindex", "--language", "ru", "--batch-size", "2", stdout=out)
    assert "Indexed 5 articles" in out.getvalue()
    assert ids(search_articles(q="Кремлём", language="ru")) == [editions["putin"].pk]
    assert ids(search_articles(q="sanctions", language="en")) == [editions["english"].pk]
    with pytest.raises(SystemExit):
        call_command("reindex", "--language", "xx", stderr=io.StringIO())


def test_a_russian_query_of_common_words_only_finds_them_as_typed(backend):
    """Common words of the Russian edition ("в", "и", "всё"): no index holds them, so they are looked for as
    typed in headlines and leads (common_words.py), any case, ``ё`` as ``е``, on SQLite too (whose LIKE is
    case-blind for ASCII letters only)."""
    kremlin = russian("Путин провёл совещание в Кремле", PUTIN, hours_ago=2)
    korolev = russian("Королёв и первый спутник", KOROLEV, hours_ago=3)
    everything = russian("Всё о первом спутнике", KOROLEV_PLAIN, hours_ago=4)
    search_sync_pending()
    result = search_articles(q="В", language="ru")
    assert result.common_words and ids(result) == [kremlin.pk]  # not the "в" inside "первый" or "Всё"
    assert "совещание <mark>в</mark> Кремле" in result.hits[0].highlight.headline
    assert ids(search_articles(q="и", language="ru")) == [korolev.pk]
    assert ids(search_articles(q="все", language="ru")) == [everything.pk]
    assert "<mark>Всё</mark> о" in search_articles(q="все", language="ru").hits[0].highlight.headline
    # No headline or lead has "с" or "за": the stories' text does.
    result = search_articles(q="С", language="ru")
    assert result.common_words_in_text and ids(result) == [kremlin.pk]
    assert "совещание <mark>с</mark> членами" in result.hits[0].highlight.excerpt
    assert ids(search_articles(q="ЗА", language="ru")) == [everything.pk]
