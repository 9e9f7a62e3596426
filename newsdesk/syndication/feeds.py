"""RSS 2.0, Atom and JSON Feed for all news and for each section, person and topic.

What goes in a feed is decided once here (django.contrib.syndication's Feed); how it is written is the feed
generator's business (feedgenerators.py). Every feed answers conditional GETs with 304 and says how long it may be
cached; with a WebSub hub configured it names the hub and itself in Link headers.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.html import escape
from django.utils.http import http_date, quote_etag

from newsdesk.news.models import Article

from . import items as wire
from . import selectors
from .feedgenerators import JsonFeed, NewsAtom, NewsRss

FORMATS = {"rss": NewsRss, "atom": NewsAtom, "json": JsonFeed}


class NewsFeed(Feed):
    """One class for every scope and format; the URL conf picks both."""

    def __init__(self, *, kind: str = "all", fmt: str = "rss"):
        super().__init__()
        self.kind = kind
        self.fmt = fmt
        self.feed_type = FORMATS[fmt]

    def __call__(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        scope = self.get_object(request, *args, **kwargs)
        state = selectors.feed_state(scope=scope, variant=self._variant())
        etag = quote_etag(state.etag)
        # Whole seconds: HTTP dates have no fractions, and a fraction would never compare as "not modified".
        last_modified = int(state.last_modified.timestamp()) if state.last_modified else None
        response = get_conditional_response(request, etag=etag, last_modified=last_modified)
        if response is None:
            response = super().__call__(request, *args, **kwargs)
        response.headers["ETag"] = etag
        if last_modified is not None:
            response.headers["Last-Modified"] = http_date(last_modified)
        patch_cache_control(response, public=True, max_age=settings.NEWSDESK_FEED_MAX_AGE)
        patch_vary_headers(response, ["Accept-Encoding"])
        self._websub_links(response, scope)
        return response

    def _variant(self) -> str:
        return f"{self.fmt}:{'full' if settings.NEWSDESK_FEED_FULL_TEXT else 'summary'}"

    def _websub_links(self, response: HttpResponse, scope: selectors.Scope) -> None:
        if settings.NEWSDESK_WEBSUB_HUB:
            response.headers["Link"] = (
                f'<{settings.NEWSDESK_WEBSUB_HUB}>; rel="hub", <{self.self_url(scope)}>; rel="self"'
            )

    # --- what the feed is ---------------------------------------------------------------------------------------

    def get_object(self, request, slug: str | None = None):
        # Feed.__call__ asks again after our conditional check; answer from the request, not a second query.
        if not hasattr(request, "_feed_scope"):
            request._feed_scope = selectors.feed_scope(kind=self.kind, slug=slug)
        return request._feed_scope

    def self_url(self, scope: selectors.Scope) -> str:
        if scope.obj is None:
            return wire.feed_url(f"news-{self.fmt}")
        return wire.feed_url(f"{self.kind}-{self.fmt}", slug=scope.obj.slug)

    def title(self, scope):
        return scope.title

    def description(self, scope):
        return scope.description

    def link(self, scope):
        return scope.page_url

    def feed_url(self, scope):
        return self.self_url(scope)

    def feed_copyright(self):
        return f"© {settings.NEWSDESK_SITE_NAME}"

    def feed_extra_kwargs(self, scope):
        return {"hub_url": settings.NEWSDESK_WEBSUB_HUB or None}

    def items(self, scope):
        return selectors.feed_items(scope=scope, limit=settings.NEWSDESK_FEED_LIMIT)

    # --- what each item says ------------------------------------------------------------------------------------

    def item_title(self, article: Article) -> str:
        return article.headline

    def item_description(self, article: Article) -> str:
        notes = wire.corrections(article)
        if not notes:
            return escape(article.lead or article.headline)
        # Corrections travel with the item, as they stand under the article: a feed reader never sees the page.
        return f"<p>{escape(article.lead or article.headline)}</p>" + _corrections_html(notes)

    def item_link(self, article: Article) -> str:
        return wire.article_url(article)

    def item_guid(self, article: Article) -> str:
        return article.guid  # urn:newsml:…: stable across edits and slug changes

    def item_guid_is_permalink(self, article: Article) -> bool:
        return False

    def item_pubdate(self, article: Article):
        return wire.first_published(article)

    def item_updateddate(self, article: Article):
        return wire.version_created(article)

    def item_author_name(self, article: Article) -> str | None:
        return article.byline or None

    def item_categories(self, article: Article) -> list[str]:
        return [article.section.name, *(topic.name for topic in article.topics.all())]

    def item_enclosures(self, article: Article):
        from django.utils.feedgenerator import Enclosure

        photo = wire.photo_info(article.lead_photo)
        return [Enclosure(photo.url, str(photo.length), photo.mime_type)] if photo else []

    def item_extra_kwargs(self, article: Article) -> dict:
        notes = wire.corrections(article)
        body = article.body + _corrections_html(notes) if notes else article.body
        return {
            "content_html": body if settings.NEWSDESK_FEED_FULL_TEXT else None,
            "summary_text": "\n\n".join([article.lead, *(note.text for note in notes)])
            if notes
            else article.lead,
            "photo": wire.photo_info(article.lead_photo),
            "language": article.language,
        }


def _corrections_html(notes: list[wire.CorrectionNote]) -> str:
    return "".join(
        f"<p><strong>{escape(n.label)}</strong>{escape(n.text[len(n.label) :])}</p>" for n in notes
    )
