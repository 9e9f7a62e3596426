"""Bad luck and hostile readers on the live feed and Most read (issue 16, findings 11 and 13): a withdrawn story
that the live log kept serving, and read de-duplication that a changed User-Agent got around."""

from __future__ import annotations

import asyncio
import time

import pytest
from django.test import override_settings

from newsdesk.analytics import services as analytics
from newsdesk.live.backends import get_backend, load_backend, reset_backend
from newsdesk.news import services
from newsdesk.news.models import Article
from tests.analytics.helpers import BROWSER_UA, beacon, counted
from tests.factories import ArticleFactory
from tests.live.test_backends import run_coroutine

HEADLINE = "Minister resigns over the grain deal"


# --- 11: a withdrawn story leaves the live log ------------------------------------------------------------------


@pytest.fixture(params=["database", "redis"])
def live_log(request, settings):
    if request.param == "database":
        settings.NEWSDESK_LIVE = {"BACKEND": "database", "OPTIONS": {"POLL_INTERVAL": 0.05}}
    else:
        url = request.getfixturevalue("redis_url")
        stream = f"hostile:{request.node.name}:{time.monotonic_ns()}"
        settings.NEWSDESK_LIVE = {"BACKEND": "redis", "OPTIONS": {"URL": url, "STREAM": stream}}
    reset_backend()
    yield get_backend()
    reset_backend()


def _published(django_capture_on_commit_callbacks) -> Article:
    draft = ArticleFactory(
        headline=HEADLINE, status=Article.Status.DRAFT, publish_at=None, first_published_at=None
    )
    with django_capture_on_commit_callbacks(execute=True):
        return services.article_publish(article=draft, by=None)


def _stream_text(client, **params) -> str:
    response = client.get("/live/stream", params)
    return b"".join(response.streaming_content).decode()


@pytest.mark.django_db(transaction=True)
def test_a_withdrawn_story_is_never_served_by_the_live_log_again(
    client, settings, live_log, django_capture_on_commit_callbacks
):
    settings.NEWSDESK_LIVE_WSGI_STREAM_SECONDS = 0.3  # the WSGI stream ends soon, with what it caught up on
    article = _published(django_capture_on_commit_callbacks)
    assert HEADLINE in client.get("/live/events", {"since": "0"}).content.decode()  # announced
    with django_capture_on_commit_callbacks(execute=True):
        services.article_withdraw(article=article, by=None, note="Withdrawn: the report was not confirmed.")
    # A process may answer polls from what it read of the log a moment ago (live.selectors): within seconds,
    # and from then on, the story is gone.
    deadline = time.monotonic() + 5
    while HEADLINE in client.get("/live/events", {"since": "0"}).content.decode():
        assert time.monotonic() < deadline, "the withdrawn story is still served"
        time.sleep(0.1)
    for params in ({"since": "0"}, {"after": ""}, {}):
        assert HEADLINE not in client.get("/live/events", params).content.decode(), params
    assert HEADLINE not in _stream_text(client, since="0")
    assert all(HEADLINE not in str(event.data) for event in live_log.read(after=""))


@pytest.mark.django_db(transaction=True)
def test_a_retraction_reaches_a_process_that_already_holds_the_story(redis_url):
    """Under ASGI each process keeps the newest events in memory (the hub): a retraction written by another
    process must reach that copy too, or a stream catching up there would still get the headline."""
    stream = f"hostile-hub:{time.monotonic_ns()}"
    here = load_backend({"BACKEND": "redis", "OPTIONS": {"URL": redis_url, "STREAM": stream}})
    elsewhere = load_backend({"BACKEND": "redis", "OPTIONS": {"URL": redis_url, "STREAM": stream}})
    here.announce(key="article:1", data={"headline": "Earlier story", "section": "politics"})
    start = here.latest_id()
    story = {"headline": HEADLINE, "section": "politics", "public_id": 2}

    async def scenario():
        await here.await_events(after=start, timeout=0.1)  # the hub follows the stream from here on
        await asyncio.to_thread(elsewhere.announce, key="article:2", data=story)
        held = await here.await_events(after=start, timeout=5)
        await asyncio.to_thread(elsewhere.retract, key="article:2")
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:  # until the tombstone has reached this process's hub
            later = await here.await_events(after=start, timeout=1)
            if any(event.retracts for event in later):
                return held, later
            await asyncio.sleep(0.05)  # an answer from the buffer never waits: let the follower read on
        raise AssertionError("the retraction never reached the hub")

    held, later = run_coroutine(scenario())
    assert [event.data.get("headline") for event in held] == [HEADLINE]
    assert all(event.data.get("headline") != HEADLINE for event in later)
    assert all(event.data.get("headline") != HEADLINE for event in here.read(after=""))


@pytest.mark.django_db(transaction=True)
def test_a_retraction_finds_a_story_whose_mark_has_expired(redis_url):
    backend = load_backend(
        {"BACKEND": "redis", "OPTIONS": {"URL": redis_url, "STREAM": f"hostile-old:{time.monotonic_ns()}"}}
    )
    backend.announce(key="article:7", data={"headline": HEADLINE, "public_id": 7})
    backend.client.delete(f"{backend.stream}:announced:article:7")  # marks expire after a week; the log lasts
    assert backend.retract(key="article:7")
    assert backend.read(after="") == [] or all(e.retracts for e in backend.read(after=""))


# --- 13: one address reads an article once per window, whatever it calls itself --------------------------------


@pytest.fixture
def counting(settings):
    settings.ANALYTICS = {
        **settings.ANALYTICS,
        "BACKEND": "database",
        "FLUSH_INTERVAL": 0,
        "RATE_LIMIT_PER_MINUTE": 0,
    }
    analytics.reset_state()
    yield
    analytics.reset_state()


@pytest.mark.django_db
def test_changing_the_user_agent_does_not_count_again(client, counting):
    article = ArticleFactory()
    for n in range(60):
        agent = BROWSER_UA.replace("131.0", f"{100 + n}.0")
        assert beacon(client, article, ua=agent, ip="198.51.100.7").status_code == 204
    assert counted(article) == 1
    beacon(client, article, ua=BROWSER_UA, ip="198.51.100.8")  # another address is another reader
    assert counted(article) == 2


@pytest.mark.django_db
def test_forged_forwarded_for_does_not_count_again_behind_the_proxy(client, counting):
    article = ArticleFactory()
    with override_settings(NEWSDESK_CLIENT_IP_HEADER="HTTP_X_FORWARDED_FOR"):
        for n in range(30):
            # The client writes what it likes before the proxy's own entry; only that entry is trusted.
            forwarded = f"203.0.113.{n}, 198.51.100.7"
            beacon(client, article, ip="10.0.0.5", HTTP_X_FORWARDED_FOR=forwarded)
        assert counted(article) == 1
        beacon(client, article, ip="10.0.0.5", HTTP_X_FORWARDED_FOR="198.51.100.8")
        assert counted(article) == 2
