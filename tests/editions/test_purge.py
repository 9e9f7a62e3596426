"""Publishing in the Russian edition purges the Russian edition's kept pages (by their own keys, not the English
pages' addresses), and leaves the English edition's pages kept."""

import pytest

from newsdesk.edge.pagecache import PageCacheMiddleware
from newsdesk.edge.services import purge_article
from newsdesk.news import services
from newsdesk.news.models import Article, Section
from tests.edge.conftest import _fresh_backends  # noqa: F401 - the purger and live back end per test
from tests.edge.test_page_cache import MB, log_path  # noqa: F401 - the purge log the processes share
from tests.edge.wsgi import DjangoInTestTransaction, call
from tests.factories import ArticleFactory, PersonFactory

from .conftest import RU_HEADLINES

pytestmark = pytest.mark.django_db


@pytest.fixture
def process(db, log_path):  # noqa: F811
    app = DjangoInTestTransaction()
    return lambda: PageCacheMiddleware(app, log_path=log_path, max_bytes=16 * MB)


def test_publishing_a_russian_story_purges_the_russian_pages(process, ru_article, ru_sections):
    person = PersonFactory(name="Барак Обама", slug="barack-obama")
    story = ru_article(headline=RU_HEADLINES[0])
    story.persons.add(person)
    english = ArticleFactory(section=Section.objects.get(slug="politics", language="en"))
    ru_pages = [
        "/ru/",
        "/ru/news/",
        "/ru/section/politika/",
        "/ru/persons/barack-obama/",
        story.get_absolute_url(),
        "/ru/feeds/news.rss",
        "/ru/sitemap-news.xml",
    ]
    kept = ["/", "/news/", "/section/politics/", english.get_absolute_url(), "/ru/section/sport/"]
    one, two = process(), process()
    for cache in (one, two):
        for path in [*ru_pages, *kept]:
            call(cache, path)
            assert call(cache, path).cache == "HIT", path

    # An editor publishes a new Russian story; the pipeline purges after commit (what its effect runs).
    new = ru_article(
        headline=RU_HEADLINES[1], status=Article.Status.DRAFT, publish_at=None, first_published_at=None
    )
    new.persons.add(person)
    services.article_save(article=new, by=None, status=Article.Status.PUBLISHED)
    keys = purge_article(new.pk)
    assert {
        "ru:home",
        "ru:feed",
        "ru:section:politika",
        "ru:person:barack-obama",
        "ru:feeds",
        "ru:sitemaps",
    } <= keys
    assert not {"home", "feed", "section:politics", "feeds"} & keys  # the English lists stay kept

    for cache in (two, one):
        for path in ru_pages:
            if path == story.get_absolute_url():
                continue  # its own page does not list the new story (its sidebar is kept a minute)
            reply = call(cache, path)
            assert reply.cache == "MISS", path
            assert RU_HEADLINES[1] in reply.text, path
        for path in kept:
            assert call(cache, path).cache == "HIT", path
