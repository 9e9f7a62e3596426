from django.contrib.sitemaps import views as sitemap_views
from django.urls import path

from newsdesk.editions import edition_patterns

from . import api, openapi, views
from .feeds import NewsFeed
from .sitemaps import SITEMAPS

app_name = "syndication"

FEED_FORMATS = ("rss", "atom", "json")

urlpatterns = [
    path("robots.txt", views.robots_txt, name="robots"),
    # Sitemaps and feeds once per edition (/sitemap.xml, /ru/sitemap.xml …): each lists its edition's articles.
    *edition_patterns(
    path("sitemap.xml", sitemap_views.index, {"sitemaps": SITEMAPS, "sitemap_url_name": "syndication:sitemap-section"},
         name="sitemap-index"),
    # Google News sitemap before the generic pattern, so "news" gets its own template.
    path("sitemap-news.xml", sitemap_views.sitemap,
         {"sitemaps": {"news": SITEMAPS["news"]}, "template_name": "syndication/sitemap_news.xml"},
         name="sitemap-news"),
    path("sitemap-<section>.xml", sitemap_views.sitemap,
         {"sitemaps": SITEMAPS, "template_name": "syndication/sitemap.xml"}, name="sitemap-section"),  # lastmod with time
    ),
    path("api/v1/openapi.json", openapi.openapi_json, name="openapi"),
    path("api/v1/items", api.items, name="api-items"),
    path("api/v1/items/<str:public_id>", api.item, name="api-item"),
    path("api/v1/newsml/items", api.newsml_items, name="api-newsml-items"),
    path("api/v1/newsml/items/<str:public_id>", api.newsml_item, name="api-newsml-item"),
    path("api/v1/<path:rest>", views.api_not_found),
]  # fmt: skip

urlpatterns += edition_patterns(
    *(
        feed
        for fmt in FEED_FORMATS
        for feed in (
            path(f"feeds/news.{fmt}", NewsFeed(kind="all", fmt=fmt), name=f"news-{fmt}"),
            *(
                path(f"feeds/{kind}/<slug:slug>.{fmt}", NewsFeed(kind=kind, fmt=fmt), name=f"{kind}-{fmt}")
                for kind in ("section", "person", "topic")
            ),
        )
    )
)
