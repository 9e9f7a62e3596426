"""Sitemaps (django.contrib.sitemaps): paginated article sitemaps with lastmod, section pages, Google News."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap

from newsdesk import editions
from newsdesk.news.models import Article, Section

from . import selectors


class _OnSiteUrl(Sitemap):
    """Locations on NEWSDESK_SITE_URL, whatever host the request came in on."""

    def get_protocol(self, protocol=None):
        return urlsplit(settings.NEWSDESK_SITE_URL).scheme

    def get_domain(self, site=None):
        return urlsplit(settings.NEWSDESK_SITE_URL).netloc


class ArticleSitemap(_OnSiteUrl):
    def __init__(self) -> None:
        # Read when built: Django's sitemap views build one per request (SITEMAPS holds the classes).
        self.limit = settings.NEWSDESK_SITEMAP_PAGE_SIZE

    def items(self):
        return selectors.sitemap_articles()

    def _urls(self, page, protocol, domain):
        """Django's entries, with ``alternates``: the hreflang links of an article that has versions in other
        editions (itself included, and x-default: the original), read for the whole page at once."""
        urls = super()._urls(page, protocol, domain)
        linked = [url["item"] for url in urls if url["item"].has_versions]
        versions = selectors.article_versions(articles=linked) if linked else {}
        base = f"{protocol}://{domain}"
        for url in urls:
            found = versions.get(url["item"].pk, [])
            if len(found) < 2:
                continue
            url["alternates"] = [
                {"lang_code": version.language, "location": base + version.get_absolute_url()}
                for version in found
            ]
            original = next((v for v in found if v.translation_of_id is None), found[0])
            url["alternates"].append(
                {"lang_code": "x-default", "location": base + original.get_absolute_url()}
            )
        return urls

    def lastmod(self, article: Article):
        return article.updated_at or article.publish_at

    def get_latest_lastmod(self):
        # One aggregate instead of Django's default, which would read every article for the index.
        return selectors.sitemap_articles_lastmod()


class SectionSitemap(_OnSiteUrl):
    changefreq = "always"

    def items(self):
        return Section.objects.filter(language=editions.current()).order_by("order", "name")


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
