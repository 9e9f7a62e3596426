"""Reader pages: thin adapters over newsdesk.news.selectors and the presenters.

Pages never vary by cookie, so a shared cache can keep one copy per URL: the reader's section filter lives in
the URL; the cookie that remembers it is read only by the two private redirects (feed_filter, my_feed) and by
site.js.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import BadRequest
from django.http import Http404, HttpResponse, HttpResponseRedirect, HttpResponseServerError, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.template import loader
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_safe

from newsdesk import editions
from newsdesk.formatting import day_text
from newsdesk.news import selectors
from newsdesk.news.models import Article, Person, Section, Topic
from newsdesk.syndication.views import is_api_request, json_error
from newsdesk.syndication.widgets import LABELS as FEED_LABELS
from newsdesk.syndication.widgets import TYPES as FEED_TYPES

from . import fragments
from .presenters import (
    Cards,
    PageOutOfRange,
    absolute_url,
    article_page_context,
    feed_groups,
    page_number,
    photo_context,
)
from .sidebar import sidebar_fill

FEED_LIMIT = 30
HOME_LATEST = 12
FILTER_COOKIE = "feed_sections"
FILTER_COOKIE_AGE = 365 * 24 * 3600
# Far enough back for any wire archive; earlier midnights can't be converted to UTC safely (year 1 overflows).
ARCHIVE_FIRST_DAY = dt.date(1900, 1, 1)


def _press_review_slug() -> str:
    return getattr(settings, "NEWSDESK_PRESS_REVIEW_SECTION", "pressreview")


@require_safe
def home(request):
    sections = fragments.request_sections(request)
    page = selectors.home_page(sections=sections, latest=HOME_LATEST)
    context = {
        "cards": Cards(),
        "top_stories": page.top_stories,
        "lead_photo": page.lead_photo,
        "photos": page.photos,
        "latest": page.latest,
        "section_blocks": page.section_blocks,
        "galleries": page.galleries,
        "infographics": page.infographics,
    }
    return fragments.render_page(request, "site/home.html", context)


# --- Feeds -------------------------------------------------------------------------------------------------


def _cursor(request) -> selectors.FeedCursor | None:
    raw = request.GET.get("before")
    if raw is None:
        return None
    try:
        return selectors.FeedCursor.decode(raw)
    except ValueError as exc:
        message = gettext(
            "This “More news” link is damaged (%(error)s) — start again from the news feed."
        ) % {"error": exc}
        raise BadRequest(message) from exc


def _more_url(request, page: selectors.FeedPage) -> str:
    if page.next_cursor is None:
        return ""
    query = request.GET.copy()
    query["before"] = page.next_cursor.encode()
    return f"{request.path}?{query.urlencode()}"


# What a feed page may show; each view gives its own (site/feed.html serves them all).
FEED_DEFAULTS: dict[str, Any] = {
    "section": None,
    "description": "",
    "photo": None,
    "own_feeds": [],
    "chosen": [],
    "is_feed_root": False,
    "filter_html": "",
    "archive_day": None,
    "previous_day": None,
    "next_day": None,
    "show_leads": False,
}


def _feed_context(request, title: str, page: selectors.FeedPage, **extra) -> dict:
    return {
        **FEED_DEFAULTS,
        "title": title,
        "cards": Cards(),
        "groups": feed_groups(page.articles),
        "photos": selectors.card_photos(page.articles),
        "lead_id": None,
        "with_section": "section" not in extra,
        "more_url": _more_url(request, page),
        "is_continuation": "before" in request.GET,
        "canonical_url": absolute_url(request.get_full_path()),
        **extra,
    }


def chosen_sections(slugs: list[str], sections: list[Section]) -> list[Section]:
    """The sections a reader chose, in the site's order; unknown slugs are ignored; all of them is none."""
    wanted = set(slugs)
    chosen = [section for section in sections if section.slug in wanted]
    return [] if len(chosen) == len(sections) else chosen


def _feed_url(chosen: list[Section], **params: str) -> str:
    query = QueryDict(mutable=True)
    query.setlist("section", [section.slug for section in chosen])
    query.update(params)
    encoded = query.urlencode()
    return reverse("site:latest") + (f"?{encoded}" if encoded else "")


@require_safe
def latest(request):
    """The news feed, filtered by the reader's sections (in the URL, so it can be shared and cached)."""
    sections = fragments.request_sections(request)
    raw = request.GET.getlist("section")
    chosen = chosen_sections(raw, sections)
    if raw != [section.slug for section in chosen]:
        # One URL per choice: unknown, repeated or unordered slugs go to the normalized address.
        extra = {"before": request.GET["before"]} if "before" in request.GET else {}
        return redirect(_feed_url(chosen, **extra))
    page = selectors.feed_page(
        limit=FEED_LIMIT,
        cursor=_cursor(request),
        section_ids=[section.id for section in chosen],
        sections=sections,
    )
    context = _feed_context(
        request,
        gettext("News feed"),
        page,
        chosen=chosen,
        is_feed_root=True,
        filter_html=fragments.feed_filter(request, chosen),
    )
    return fragments.render_page(request, "site/feed.html", context)


def _with_no_store(response):
    response["Cache-Control"] = "private, no-store"
    return response


@require_safe
def feed_filter(request):
    """The filter form's target: remember the choice in a cookie, then show the filtered feed's shared URL."""
    chosen = chosen_sections(request.GET.getlist("section"), fragments.request_sections(request))
    response = HttpResponseRedirect(_feed_url(chosen))
    if chosen:
        response.set_cookie(
            FILTER_COOKIE,
            ".".join(section.slug for section in chosen),
            max_age=FILTER_COOKIE_AGE,
            samesite="Lax",
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=False,  # site.js reads it to apply the choice on the next visit
        )
    else:
        response.delete_cookie(FILTER_COOKIE, samesite="Lax")
    return _with_no_store(response)


@require_safe
def my_feed(request):
    """ "My sections": the remembered filter applied by a redirect, for readers without JavaScript."""
    slugs = request.COOKIES.get(FILTER_COOKIE, "")[:1000].split(".")
    chosen = chosen_sections(slugs, fragments.request_sections(request))
    response = HttpResponseRedirect(_feed_url(chosen))
    if not chosen and FILTER_COOKIE in request.COOKIES:
        response.delete_cookie(FILTER_COOKIE, samesite="Lax")
    return _with_no_store(response)


@require_safe
def section(request, slug: str):
    obj = next((s for s in fragments.request_sections(request) if s.slug == slug), None)
    if obj is None:
        raise Http404("No such section.")
    page = selectors.feed_page(
        limit=FEED_LIMIT,
        cursor=_cursor(request),
        section_ids=[obj.id],
        sections=fragments.request_sections(request),
    )
    press_review = obj.slug == _press_review_slug()
    # The section's newest story leads its first page, with its photo large (docs/design.md#cards).
    lead_id = page.articles[0].id if page.articles and "before" not in request.GET else None
    context = _feed_context(
        request,
        obj.name,
        page,
        description=obj.description,
        section=obj,
        show_leads=press_review,
        lead_id=lead_id,
    )
    return fragments.render_page(request, "site/feed.html", context)


@require_safe
def press_review(request):
    return redirect("site:section", slug=_press_review_slug(), permanent=False)


@require_safe
def person(request, slug: str):
    obj = get_object_or_404(Person.objects.select_related("photo"), slug=slug)
    page = selectors.feed_page(
        limit=FEED_LIMIT,
        cursor=_cursor(request),
        person_id=obj.id,
        sections=fragments.request_sections(request),
    )
    photo = photo_context(obj.photo) if obj.photo is not None else None
    context = _feed_context(
        request,
        obj.name,
        page,
        description=obj.description,
        person=obj,
        photo=photo,
        own_feeds=_own_feeds("person", obj.slug),
    )
    return fragments.render_page(request, "site/feed.html", context)


@require_safe
def topic(request, slug: str):
    obj = get_object_or_404(Topic, slug=slug)
    page = selectors.feed_page(
        limit=FEED_LIMIT,
        cursor=_cursor(request),
        topic_id=obj.id,
        sections=fragments.request_sections(request),
    )
    context = _feed_context(
        request,
        obj.name,
        page,
        description=obj.description,
        topic=obj,
        own_feeds=_own_feeds("topic", obj.slug),
    )
    return fragments.render_page(request, "site/feed.html", context)


def _own_feeds(kind: str, slug: str) -> list[dict]:
    """The syndication app's RSS and Atom feeds of one person or topic, linked visibly on its page (the head's
    <link rel="alternate"> only helps readers whose browser or feed reader looks for it)."""
    return [
        {
            "url": reverse(f"syndication:{kind}-{fmt}", kwargs={"slug": slug}),
            "type": FEED_TYPES[fmt],
            "label": gettext("%(format)s feed") % {"format": FEED_LABELS[fmt]},
        }
        for fmt in ("rss", "atom")
    ]


# --- Archive by date ---------------------------------------------------------------------------------------


def _day_start(day: dt.date) -> dt.datetime:
    # Midnight in the site's zone, computed per day so that DST changes never shift a day's bounds.
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


@require_safe
def archive_day(request, year: int, month: int, day: int):
    try:
        date = dt.date(year, month, day)
    except (ValueError, OverflowError) as exc:
        raise Http404("There is no such date.") from exc
    if date > timezone.localdate():
        raise Http404("That day has not come yet.")
    if date < ARCHIVE_FIRST_DAY:
        raise Http404("The archive does not go back that far.")
    page = selectors.feed_page(
        limit=FEED_LIMIT,
        cursor=_cursor(request),
        since=_day_start(date),
        until=_day_start(date + dt.timedelta(days=1)),
        sections=fragments.request_sections(request),
    )
    title = gettext("News of %(date)s") % {"date": day_text(date)}
    context = _feed_context(request, title, page, archive_day=date, **_archive_neighbours(date))
    status = 404 if not page.articles and "before" not in request.GET else 200
    return fragments.render_page(request, "site/feed.html", context, status=status)


def _archive_neighbours(date: dt.date) -> dict:
    previous, following = date - dt.timedelta(days=1), date + dt.timedelta(days=1)
    return {
        "previous_day": previous if previous >= ARCHIVE_FIRST_DAY else None,
        "next_day": following if following <= timezone.localdate() else None,
    }


@require_safe
def archive_jump(request):
    """The archive's date field (GET ?date=2017-05-30) → that day's page."""
    raw = request.GET.get("date", "")
    try:
        date = dt.date.fromisoformat(raw) if len(raw) == 10 else None
    except ValueError:
        date = None
    if date is None:
        raise BadRequest(gettext("Give the date as year-month-day, for example 2017-05-30."))
    return redirect("site:archive_day", year=date.year, month=f"{date.month:02d}", day=f"{date.day:02d}")


# --- Article ------------------------------------------------------------------------------------------------


@require_safe
def article(request, public_id: int, slug: str = ""):
    """The article page: decided by one small read (visible? which version?), then served from the page kept
    for that version (fragments.py), rendered on a miss; the per-request parts are filled in either way."""
    state = selectors.article_state(public_id=public_id)
    if state is None:
        raise Http404("No such article.")
    edition = editions.of(state.language)
    if slug != state.slug or edition != editions.current():
        # The article's own address: its slug, under its edition's prefix (an English story asked for at /ru/…
        # goes to its English address; the Russian page is its translation, if any, linked from there).
        query = f"?{request.GET.urlencode()}" if request.GET else ""
        with editions.edition(edition):
            url = fragments.article_url(public_id, state.slug)
        return redirect(url + query, permanent=True)
    if state.status == Article.Status.WITHDRAWN:
        item = selectors.withdrawn_for_reader(public_id=public_id)
        if item is None:  # restored since the state was read
            raise Http404("No such article.")
        return render(request, "site/withdrawn.html", {"article": item}, status=410)
    number = _article_page_number(request.GET.get("page"))
    rows = fragments.request_section_rows(request)
    key = fragments.article_key(
        state, public_id=public_id, page=number, sections_stamp=fragments.sections_stamp(rows)
    )
    page, sidebar = fragments.article_page_and_sidebar(key)
    page = page or _article_render(request, state, number, key, public_id)
    fills = _article_fills(state, page)
    fills["sidebar"] = sidebar_fill(request, sidebar)
    response = _ArticlePageResponse(page.fill(fills))
    response["ETag"] = page.etag(fills)
    return response


class _ArticlePageResponse(HttpResponse):
    # Kept by the page cache and Varnish for a minute at most, not the hour a keyed page may be: the sidebar's
    # Top stories and Most read change with other stories, whose publishing purges only their own pages.
    # (edge.middleware reads ``shared_max_age`` from the response.)
    shared_max_age = fragments.ARTICLE_SHARED_MAX_AGE


def _article_fills(state: selectors.ArticleState, page: fragments.HoledPage) -> dict[str, str]:
    """What changes on its own clock: the header clock and the Read also links' targets (the sidebar, kept on
    its own, is filled by the caller)."""
    links = selectors.read_also_links(article_id=state.id) if state.has_read_also else []
    return {
        "clock": fragments.city_clock(),
        "read_also": fragments.read_also_html(links) if "read_also" in page.names else "",
    }


def _article_page_number(raw: str | None) -> int:
    try:
        return page_number(raw, count=9999, strict=True)
    except PageOutOfRange as exc:
        raise Http404("This article has no such page.") from exc


def _article_render(request, state, number: int, key: str, public_id: int) -> fragments.HoledPage:
    item = selectors.article_for_page(pk=state.id)
    if item is None or not item.visible_at():  # changed since the state was read
        raise Http404("No such article.")
    holes = fragments.Holes()
    relations = selectors.article_relations(article_id=item.id)
    # Read only for a linked article: the page of one without versions in other editions reads nothing more.
    versions = selectors.translations(article_id=item.id) if state.has_translations else []
    try:
        context = article_page_context(
            item, page=str(number), strict=True, relations=relations, holes=holes, translations=versions
        )
    except PageOutOfRange as exc:
        raise Http404("This article has no such page.") from exc
    page = fragments.render_kept(request, "site/article.html", context, holes)
    fragments.article_page_set(key, page, public_id=public_id)
    return page


def article_preview(request, article: Article, *, page: str | None = None) -> HttpResponse:
    """The newsroom's preview of an article: its reader page through the same path as the public one (the
    template's blocks in the kept frame), marked as a preview (a notice, noindex, no read beacon), with the
    sidebar and the clock filled in at once instead of left as holes."""
    with editions.edition(editions.of(article.language)):  # in the article's edition, as readers will see it
        context = article_page_context(article, page=page)
        context["preview"] = True
        return fragments.render_page(request, "site/article.html", context)


# --- Galleries and infographics -----------------------------------------------------------------------------


@require_safe
def gallery(request, slug: str, number: int = 1):
    obj = selectors.gallery_for_reader(slug=slug)
    if obj is None:
        raise Http404("No such gallery.")
    items = list(obj.items.all())
    if not 1 <= number <= len(items):
        raise Http404("This gallery has no such photo.")
    if request.resolver_match.url_name == "gallery_photo" and number == 1:
        return redirect(obj.get_absolute_url(), permanent=True)
    slides = [_slide(obj, item, n) for n, item in enumerate(items, start=1)]
    context = {
        "gallery": obj,
        "slides": slides,
        "current": slides[number - 1],
        "previous": slides[number - 2] if number > 1 else None,
        "next": slides[number] if number < len(slides) else None,
        "count": len(slides),
    }
    return render(request, "site/gallery.html", context)


def _slide(gallery, item, number: int) -> dict:
    url = gallery.get_absolute_url() + (f"{number}/" if number > 1 else "")
    return {"number": number, "url": url, **photo_context(item.photo)}


@require_safe
def galleries(request):
    galleries = selectors.gallery_cards(limit=FEED_LIMIT)
    return render(request, "site/galleries.html", {"galleries": galleries, "cards": Cards()})


@require_safe
def infographic(request, slug: str):
    obj = get_object_or_404(selectors.infographics_published(), slug=slug)
    return render(request, "site/infographic.html", {"infographic": obj})


@require_safe
def infographics(request):
    items = selectors.infographics_published().order_by("-publish_at", "-id")[:FEED_LIMIT]
    return render(request, "site/infographics.html", {"infographics": list(items)})


# --- Errors, in the site's design ---------------------------------------------------------------------------


# On /api/ the same handlers answer in the API's JSON error shape: an API client never gets an HTML page.


def bad_request(request, exception=None):
    message = str(exception) if isinstance(exception, BadRequest) and str(exception) else ""
    if is_api_request(request):
        return json_error(400, message)
    return render(request, "site/400.html", {"message": message}, status=400)


def permission_denied(request, exception=None):
    if is_api_request(request):
        return json_error(403)
    return render(request, "site/403.html", status=403)  # in the site's design and the page's language


def page_not_found(request, exception=None):
    if is_api_request(request):
        return json_error(404)
    return render(request, "site/404.html", status=404)


def server_error(request):
    if is_api_request(request):
        return json_error(500)
    # No context processors, no database: this page must render when the database is the problem.
    html = loader.get_template("site/500.html").render({"site_name": settings.NEWSDESK_SITE_NAME})
    return _with_no_store(HttpResponseServerError(html))
