"""In Chromium: an open feed shows stories published in the newsroom within seconds, section filter respected —
by polling (the default) and over Server-Sent Events (NEWSDESK_LIVE_TRANSPORT=sse)."""

from __future__ import annotations

import threading
import time

import pytest

from newsdesk.news import services
from newsdesk.news.models import Article, Section
from newsdesk.newsroom.roles import sync_roles
from tests.browser import axe_violations
from tests.factories import ArticleFactory, user_with_role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _streams_end_before_the_flush(monkeypatch):
    """The test database is flushed only after every stream the live server opened has stopped reading it.
    With in-memory SQLite the server's threads share the test's one connection, and a stream's read racing
    the flush's deletes can deadlock the two (seen once in a full run). A stream ends at its lifetime (10 s
    here) or at its first write after the page has gone."""
    from newsdesk.live import views

    ended: list[threading.Event] = []
    serve = views._sync_stream

    def tracked(*args, **kwargs):
        done = threading.Event()
        ended.append(done)
        try:
            yield from serve(*args, **kwargs)
        finally:
            done.set()

    monkeypatch.setattr(views, "_sync_stream", tracked)
    yield
    assert all(done.wait(timeout=30) for done in ended), "a live stream still open after 30 s"


@pytest.fixture
def newsroom(settings):
    settings.NEWSDESK_LIVE_WSGI_STREAM_SECONDS = 10
    settings.NEWSDESK_LIVE_POLL_SECONDS = 0.5  # the tests wait less; the pace itself is the same code
    sync_roles()  # a transactional test's flush removes what the migrations made
    for name, slug in [("Russian Politics & Diplomacy", "politics"), ("Sport", "sport")]:
        Section.objects.get_or_create(slug=slug, defaults={"name": name})
    return user_with_role("Editor")


def draft(section: str, headline: str, urgency: int = 5) -> Article:
    return ArticleFactory(section=Section.objects.get(slug=section), headline=headline, urgency=urgency,
                          status=Article.Status.DRAFT, publish_at=None, first_published_at=None)  # fmt: skip


def publish_and_time(editor, article: Article) -> float:
    services.article_publish(article=article, by=editor)
    return time.monotonic()


@pytest.mark.parametrize("transport, endpoint", [("poll", "/live/events"), ("sse", "/live/stream")])
def test_new_stories_appear_in_an_open_filtered_feed(
    live_server, browser_page, newsroom, settings, transport, endpoint
):
    settings.NEWSDESK_LIVE_TRANSPORT = transport
    ArticleFactory(section=Section.objects.get(slug="politics"), headline="Putin meets Macron at Versailles")
    page = browser_page
    with page.expect_response(lambda response: endpoint in response.url):
        page.goto(f"{live_server.url}/news/?section=politics")
    # From here on every story is caught: the page follows the log from its render time, open or not yet.

    other = draft("sport", "Russia's national team beats Hungary in a friendly")
    urgent = draft("politics", "Kremlin confirms Putin-Trump meeting in Hamburg", urgency=1)
    publish_and_time(newsroom, other)
    publish_and_time(newsroom, urgent)
    page.locator(".cards a", has_text=urgent.headline).wait_for(timeout=3000)  # urgent: inserted at once

    routine = draft("politics", "Lavrov and Tillerson discuss Syria by phone")
    publish_and_time(newsroom, routine)
    notice = page.locator("[data-live-notice]")
    notice.wait_for(state="visible", timeout=3000)
    assert notice.inner_text() == "Show 1 new story"
    assert page.locator(".cards a", has_text=routine.headline).count() == 0  # only on request
    assert axe_violations(page) == []
    notice.click()
    assert page.locator(".cards a", has_text=routine.headline).count() == 1
    assert notice.is_hidden()

    assert page.locator("a", has_text=other.headline).count() == 0  # another section's story never shows
    headlines = page.locator(".cards .card__headline a").all_inner_texts()
    assert headlines[:2] == [routine.headline, urgent.headline]
    assert len(headlines) == len(set(headlines))  # no duplicates
    page.goto("about:blank")  # close the stream before the test database goes away


def test_home_page_shows_new_stories_of_every_section(live_server, browser_page, newsroom):
    page = browser_page
    with page.expect_response(lambda response: "/live/events" in response.url):
        page.goto(f"{live_server.url}/")
    story = draft("sport", "Russia's national team beats Hungary in a friendly")
    publish_and_time(newsroom, story)
    page.locator("[data-live-notice]").wait_for(state="visible", timeout=3000)
    page.locator("[data-live-notice]").click()
    assert page.locator(".cards a", has_text=story.headline).count() == 1
    page.goto("about:blank")


def test_polls_hold_no_connection_and_nothing_new_is_a_304(live_server, browser_page, newsroom):
    page = browser_page
    polls: list[tuple[int, str | None]] = []
    page.on(
        "response",
        lambda response: (
            "/live/events" in response.url
            and polls.append((response.status, response.request.headers.get("if-none-match")))
        ),
    )
    page.goto(f"{live_server.url}/")
    deadline = time.monotonic() + 10
    while len(polls) < 3 and time.monotonic() < deadline:
        page.wait_for_timeout(100)
    assert polls[0] == (200, None)  # the first poll: where this page's updates start, and its ETag
    assert all(status == 304 and tag for status, tag in polls[1:3])  # then: nothing new, nothing sent
    streams = "performance.getEntriesByType('resource').filter(e => e.name.includes('/live/stream')).length"
    assert page.evaluate(streams) == 0
    story = draft("sport", "Russia's national team beats Hungary in a friendly")
    publish_and_time(newsroom, story)
    page.locator("[data-live-notice]").wait_for(state="visible", timeout=3000)
    assert any(status == 200 for status, _ in polls[3:])
    page.goto("about:blank")
