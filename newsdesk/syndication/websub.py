"""WebSub: tell the configured hub which of our feeds changed, so subscribers get news in seconds.

Called after commit from newsdesk.news.services (publish, correct, withdraw). A hub that is down must never
break publishing: failures are logged, not raised.
"""

from __future__ import annotations

import logging
import urllib.error
import urllib.parse
import urllib.request

from django.conf import settings

from newsdesk.news.models import Article

from . import items as wire

logger = logging.getLogger(__name__)
FORMATS = ("rss", "atom", "json")


def topic_urls(article: Article) -> list[str]:
    """Every feed URL the article appears in (or has just left)."""
    urls = [wire.feed_url(f"news-{fmt}") for fmt in FORMATS]
    scopes = [("section", article.section.slug)]
    scopes += [("person", slug) for slug in article.persons.values_list("slug", flat=True)]
    scopes += [("topic", slug) for slug in article.topics.values_list("slug", flat=True)]
    for kind, slug in scopes:
        urls += [wire.feed_url(f"{kind}-{fmt}", slug=slug) for fmt in FORMATS]
    return urls


def ping_hub(*, hub: str, urls: list[str], timeout: float) -> bool:
    """POST hub.mode=publish with every changed topic URL (repeated hub.url, as hubs accept). True on 2xx."""
    body = urllib.parse.urlencode([("hub.mode", "publish"), *(("hub.url", url) for url in urls)]).encode()
    request = urllib.request.Request(  # noqa: S310 - the hub URL comes from the operator's settings
        hub, data=body, method="POST", headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return 200 <= response.status < 300
    except (urllib.error.URLError, OSError, ValueError) as exc:
        logger.warning("WebSub hub %s did not take the ping: %s", hub, exc)
        return False


def ping_hub_for_article(article_id: int) -> None:
    hub = settings.NEWSDESK_WEBSUB_HUB
    if not hub:
        return
    article = Article.objects.select_related("section").filter(pk=article_id).first()
    if article is None:
        return
    ping_hub(hub=hub, urls=topic_urls(article), timeout=settings.NEWSDESK_WEBSUB_TIMEOUT)
