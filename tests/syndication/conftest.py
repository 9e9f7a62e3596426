import datetime as dt

import pytest
from django.core.cache import cache
from django.utils import timezone

from newsdesk.news import services
from newsdesk.news.models import Article, Section
from tests.factories import ArticleFactory, PersonFactory, TopicFactory, image_upload


@pytest.fixture(autouse=True)
def _syndication_settings(settings):
    settings.NEWSDESK_SITE_URL = "https://news.example"
    settings.NEWSDESK_WEBSUB_HUB = ""
    settings.NEWSDESK_FEED_FULL_TEXT = False
    settings.NEWSDESK_API_ANONYMOUS = True
    settings.NEWSDESK_API_ANONYMOUS_RATE = 10_000
    settings.NEWSDESK_API_SETTLE_SECONDS = 0
    cache.clear()  # rate-limit windows
    yield
    cache.clear()


@pytest.fixture
def photo(db):
    return services.photo_create(
        image=image_upload(),
        caption="Russian President Vladimir Putin at the Pskov Region government building",
        credit="© Mikhail Metzel/TASS",
        alt_text="A man in a dark suit speaks at a lectern",
    )


@pytest.fixture
def story(db, photo):
    """A published article with everything the wire carries: photo, person, topic with a Media Topic code."""
    article = ArticleFactory(
        headline="Putin arrives in Pskov for a meeting on regional development",
        byline="Ivan Petrov",
        lead_photo=photo,
        publish_at=timezone.now() - dt.timedelta(minutes=30),
        first_published_at=timezone.now() - dt.timedelta(minutes=30),
    )
    article.persons.add(PersonFactory(name="Vladimir Putin", slug="vladimir-putin", wikidata_id="Q7747"))
    article.topics.add(
        TopicFactory(
            name="Regional development", slug="regional-development", mediatopic_code="medtop:20000640"
        )
    )
    return article


def make_articles(count: int, **kwargs) -> list[Article]:
    now = timezone.now()
    return [
        ArticleFactory(
            publish_at=now - dt.timedelta(minutes=40 + i),
            first_published_at=now - dt.timedelta(minutes=40 + i),
            **kwargs,
        )
        for i in range(count)
    ]


def economy() -> Section:
    return Section.objects.get(slug="economy")
