"""Sitemaps (django.contrib.sitemaps): paginated article sitemaps with lastmod, section pages, Google News."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap

from newsdesk.news.models import Article, Section

from . import selectors


class _OnSiteUrl(Sitemap):
    """Locations on NEWSDESK_SITE_URL, whatever host the request came in on."""

    def get_protocol(self, protocol=None):
        return urlsplit(settings.NEWSDESK_SITE_URL).scheme

    def get_domain(self, site=None):
        return urlsplit(settings.NEWSDESK_SITE_URL).netloc


class ArticleSitemap(_OnSiteUrl):
    @property
    def limit(self) -> int:
        return settings.NEWSDESK_SITEMAP_PAGE_SIZE

    def items(self):
        return selectors.sitemap_articles()

    def lastmod(self, article: Article):
        return article.updated_at or article.publish_at

    def get_latest_lastmod(self):
        # One aggregate instead of Django's default, which would read every article for the index.
        return selectors.sitemap_articles_lastmod()


class SectionSitemap(_OnSiteUrl):
    changefreq = "always"

    def items(self):
        return Section.objects.order_by("order", "name")


class GoogleNewsSitemap(_OnSiteUrl):
    """Rendered with templates/syndication/sitemap_news.xml, which adds the news: elements."""

    limit = 1000

    def items(self):
        return selectors.google_news_articles(limit=self.limit)

    def lastmod(self, article: Article):
        return article.updated_at or article.publish_at

    def get_latest_lastmod(self):
        return None


SITEMAPS = {"articles": ArticleSitemap, "sections": SectionSitemap, "news": GoogleNewsSitemap}
