"""Which surrogate keys a page carries, and which keys an article's change must purge.

Page keys are derived from the URL that was resolved (the view's name and arguments), so reader views need no
edits; a view can add its own with ``add_keys(request, ...)``. The two sides must agree: every key a page gets
here is one ``article_keys`` can produce.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from newsdesk import editions

ATTR = "_surrogate_keys"

# Lists that show any article: purged when an article's listed fields change.
GLOBAL_LIST_KEYS = ("home", "feed", "feeds", "sitemaps", "api", "search")
# Keys that name the same page in every edition: an article's (its public id is the site's) and the API's (one
# address, unprefixed). Every other key is an edition's own: "ru:home", "ru:section:sport" (editions.key_prefix;
# the default edition's keys carry no prefix).
SHARED_KEYS = ("api",)


def add_keys(request, *keys: str) -> None:
    """For views that render something the URL does not say (e.g. a block of another section's articles)."""
    if getattr(request, ATTR, None) is None:
        setattr(request, ATTR, set())
    getattr(request, ATTR).update(keys)


def page_keys(request) -> set[str]:
    keys = set(getattr(request, ATTR, ()))
    match = getattr(request, "resolver_match", None)
    if match is not None:
        keys |= _edition_keys(_keys_for_route(match.view_name, match.kwargs, request.GET), editions.current())
    return keys


def _edition_keys(keys: set[str], language: str) -> set[str]:
    prefix = editions.key_prefix(language)
    if not prefix:
        return keys
    return {key if key in SHARED_KEYS or key.startswith("article:") else prefix + key for key in keys}


def _keys_for_route(view_name: str, kwargs: dict, query) -> set[str]:
    namespace, _, name = view_name.rpartition(":")
    if namespace == "site":
        return _site_keys(name, kwargs, query)
    if namespace == "syndication":
        return _syndication_keys(name, kwargs)
    if namespace == "search":
        return {"search"}
    return set()


def _site_keys(name: str, kwargs: dict, query) -> set[str]:
    if name == "home":
        return {"home"}
    if name == "latest":
        sections = query.getlist("section")
        return {f"feed:{slug}" for slug in sections} if sections else {"feed"}
    if name in ("article", "article_short"):
        return {f"article:{kwargs['public_id']}"}
    if name in ("section", "person", "topic"):
        return {f"{name}:{kwargs['slug']}"}
    if name == "archive_day":
        return {f"day:{kwargs['year']:04d}-{kwargs['month']:02d}-{kwargs['day']:02d}"}
    return set()


def _syndication_keys(name: str, kwargs: dict) -> set[str]:
    kind, _, _fmt = name.rpartition("-")
    if kind == "news":
        return {"feeds"}
    if kind in ("section", "person", "topic"):
        return {f"{kind}:{kwargs['slug']}"}
    if name.startswith("sitemap"):
        return {"sitemaps"}
    if name in ("api-item", "api-newsml-item"):
        return {f"article:{kwargs['public_id']}"}
    if name.startswith("api-"):
        return {"api"}
    return set()


def article_keys(article, *, listed: bool, linked: tuple[int, ...] = ()) -> set[str]:
    """Keys of the pages that show ``article``, in its edition. ``listed``: its card changed, so lists showing it
    must go too. ``linked``: the public ids of its versions in other editions, whose pages link to it."""
    keys = _edition_keys(_article_keys(article, listed=listed), article.language)
    return keys | {f"article:{public_id}" for public_id in linked}


def _article_keys(article, *, listed: bool) -> set[str]:
    keys = {f"article:{article.public_id}", "feeds", "api"}
    if not listed:
        return keys
    section = article.section.slug
    keys |= set(GLOBAL_LIST_KEYS) | {f"section:{section}", f"feed:{section}"}
    keys |= {f"person:{person.slug}" for person in article.persons.all()}  # .all(): prefetched in a batch
    keys |= {f"topic:{topic.slug}" for topic in article.topics.all()}
    if article.publish_at:
        keys.add(f"day:{_local_day(article.publish_at)}")
    return keys


def _local_day(moment: dt.datetime) -> str:
    return timezone.localtime(moment).date().isoformat()
