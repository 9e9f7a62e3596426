"""WebSub: tell the configured hub which of our feeds changed, so subscribers get news in seconds.

An effect of the publishing pipeline (publish, correct, withdraw), run by the worker after commit, so a hub
that is slow or down never holds up publishing: a refused ping raises, and the pipeline retries it. Pings are
debounced: each feed is pinged at most once per NEWSDESK_WEBSUB_DEBOUNCE seconds, and a change waits for the
next ping of each of its feeds rather than being dropped. Backfill (an archive, a backlog) is not news: its
feeds show it by its old date, nowhere near their top, so it is never pinged.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
import urllib.error
import urllib.parse
import urllib.request

from django.conf import settings
from django.core.cache import cache

from newsdesk import editions
from newsdesk.news.models import Article

from . import items as wire

logger = logging.getLogger(__name__)
FORMATS = ("rss", "atom", "json")


def topic_urls(article: Article) -> list[str]:
    """Every feed URL the article appears in (or has just left): its edition's feeds (/ru/feeds/… for ru)."""
    with editions.edition(article.language if article.language in editions.codes() else editions.default()):
        urls = [wire.feed_url(f"news-{fmt}") for fmt in FORMATS]
        scopes = [("section", article.section.slug)]
        scopes += [
            ("person", person.slug) for person in article.persons.all()
        ]  # .all(): prefetched in a batch
        scopes += [("topic", topic.slug) for topic in article.topics.all()]
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


class HubRefused(Exception):
    pass


LAST_PING_KEY = "websub:pinged:"


def ping_hub_for_changes(changes: list) -> dict[int, dt.datetime]:
    """The pipeline's effect: one ping for the feeds of a batch of changes (objects with ``pk``, ``article_id``
    and ``created_at``). A feed pinged after a change was made has told the hub about it; a feed pinged less
    than the debounce ago waits, and so do its changes: returned as {change id: when to come back}."""
    hub = settings.NEWSDESK_WEBSUB_HUB
    if not hub:
        return {}
    ids = {change.article_id for change in changes}
    articles = (
        Article.objects.filter(pk__in=ids)
        .exclude(is_backfill=True)
        .select_related("section")
        .prefetch_related("persons", "topics")
    )
    urls = {article.pk: topic_urls(article) for article in articles}
    wanted = sorted({url for article_urls in urls.values() for url in article_urls})
    if not wanted:
        return {}
    pinged = _last_pings(wanted)
    now, every = time.time(), settings.NEWSDESK_WEBSUB_DEBOUNCE
    due = [url for url in wanted if now - pinged.get(url, float("-inf")) >= every]
    if due:
        if not ping_hub(hub=hub, urls=due, timeout=settings.NEWSDESK_WEBSUB_TIMEOUT):
            raise HubRefused(f"the WebSub hub {hub} did not take the ping for {len(due)} feeds; see the log")
        cache.set_many({LAST_PING_KEY + url: now for url in due}, timeout=int(every) + 60)
        pinged |= dict.fromkeys(due, now)
    waiting = {}
    for change in changes:
        made = change.created_at.timestamp()
        late = [
            pinged[url] + every for url in urls.get(change.article_id, ()) if pinged.get(url, made - 1) < made
        ]
        if late:
            waiting[change.pk] = dt.datetime.fromtimestamp(max(late), tz=dt.UTC)
    return waiting


def _last_pings(urls: list[str]) -> dict[str, float]:
    found = cache.get_many([LAST_PING_KEY + url for url in urls])
    return {key.removeprefix(LAST_PING_KEY): when for key, when in found.items()}
