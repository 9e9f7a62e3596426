"""Sitemap index, paginated article sitemaps and the Google News sitemap, validated against sitemaps.org's XSDs."""

import datetime as dt
import xml.etree.ElementTree as ET

import pytest
from django.utils import timezone

from newsdesk.news.models import Article
from newsdesk.syndication.sitemaps import GoogleNewsSitemap
from tests.factories import ArticleFactory

from .conftest import make_articles
from .schemas import validate_sitemap

pytestmark = pytest.mark.django_db
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"


def locs(xml: bytes) -> list[str]:
    return [loc.text for loc in ET.fromstring(xml).iter(f"{SM}loc")]


def test_index_lists_paginated_article_sitemaps(client, settings, django_assert_num_queries):
    settings.NEWSDESK_SITEMAP_PAGE_SIZE = 2
    make_articles(5)
    with django_assert_num_queries(4):
        response = client.get("/sitemap.xml")
    assert response.status_code == 200
    validate_sitemap(response.content, index=True)
    found = locs(response.content)
    assert [u for u in found if "sitemap-articles" in u] == [
        "http://testserver/sitemap-articles.xml",
        "http://testserver/sitemap-articles.xml?p=2",
        "http://testserver/sitemap-articles.xml?p=3",
    ]
    assert "http://testserver/sitemap-news.xml" in found
    lastmods = [e.text for e in ET.fromstring(response.content).iter(f"{SM}lastmod")]
    assert lastmods and all(dt.datetime.fromisoformat(x).tzinfo for x in lastmods)


def test_article_sitemap_page_has_lastmod_and_only_visible_articles(
    client, settings, django_assert_num_queries
):
    settings.NEWSDESK_SITEMAP_PAGE_SIZE = 2
    articles = make_articles(3)
    ArticleFactory(status=Article.Status.DRAFT, slug="a-draft")
    pages = [client.get("/sitemap-articles.xml"), client.get("/sitemap-articles.xml?p=2")]
    for page in pages:
        validate_sitemap(page.content)
    urls = locs(pages[0].content) + locs(pages[1].content)
    assert sorted(urls) == sorted(f"https://news.example{a.get_absolute_url()}" for a in articles)
    assert "a-draft" not in b"".join(p.content for p in pages).decode()
    url = ET.fromstring(pages[0].content).find(f"{SM}url")
    assert dt.datetime.fromisoformat(url.findtext(f"{SM}lastmod")).tzinfo is not None
    assert client.get("/sitemap-articles.xml?p=9").status_code == 404
    make_articles(10)
    with django_assert_num_queries(2):
        client.get("/sitemap-articles.xml?p=2")


def test_google_news_sitemap_last_two_days(client, django_assert_num_queries, story):
    old = ArticleFactory(
        publish_at=timezone.now() - dt.timedelta(days=3),
        first_published_at=timezone.now() - dt.timedelta(days=3),
    )
    with django_assert_num_queries(2):
        response = client.get("/sitemap-news.xml")
    validate_sitemap(response.content)
    root = ET.fromstring(response.content)
    (url,) = root.findall(f"{SM}url")
    assert url.findtext(f"{SM}loc") == f"https://news.example{story.get_absolute_url()}"
    news = url.find(f"{NEWS}news")
    assert news.findtext(f"{NEWS}publication/{NEWS}name") == "Newsdesk"
    assert news.findtext(f"{NEWS}publication/{NEWS}language") == "en"
    assert news.findtext(f"{NEWS}title") == story.headline
    assert dt.datetime.fromisoformat(news.findtext(f"{NEWS}publication_date")) == story.first_published_at
    assert old.headline not in response.content.decode()


def test_google_news_sitemap_caps_urls(client, monkeypatch):
    monkeypatch.setattr(GoogleNewsSitemap, "limit", 3)
    make_articles(5)
    response = client.get("/sitemap-news.xml")
    validate_sitemap(response.content)
    assert len(locs(response.content)) == 3
    assert GoogleNewsSitemap.limit == 3 and Article.objects.count() == 5


def test_google_news_default_cap_is_1000():
    monkey = GoogleNewsSitemap()
    assert monkey.limit == 1000


def test_robots_txt_points_to_the_sitemaps(client):
    response = client.get("/robots.txt")
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert "Sitemap: https://news.example/sitemap.xml" in lines
    assert "Sitemap: https://news.example/sitemap-news.xml" in lines
    assert "Disallow: /newsroom/" in lines
