"""Polling, the default transport: ETag and 304 in the view, and the 304 answered in front of Django."""

from __future__ import annotations

import json
import time

import pytest
from django.test import RequestFactory

from newsdesk.live import selectors
from newsdesk.live.backends import get_backend
from newsdesk.live.widgets import live_hook
from newsdesk.live.wsgi import LivePollMiddleware

pytestmark = pytest.mark.django_db


def announce(n: int) -> str:
    return get_backend().announce(key=f"a:{n}", data={"headline": f"Story {n}", "section": "politics"})


def test_a_poll_with_nothing_new_is_a_304_and_a_new_story_a_200(client):
    first = announce(1)
    answer = client.get(f"/live/events?after={first}")
    assert answer.status_code == 200 and answer.json() == {"events": [], "last": first}
    assert answer["ETag"] == f'"{first}"'

    again = client.get(f"/live/events?after={first}", headers={"If-None-Match": answer["ETag"]})
    assert again.status_code == 304
    assert again.content == b"" and again["ETag"] == f'"{first}"' and again["Cache-Control"] == "no-store"

    second = announce(2)
    news = client.get(f"/live/events?after={first}", headers={"If-None-Match": answer["ETag"]})
    assert news.status_code == 200
    assert [event["headline"] for event in news.json()["events"]] == ["Story 2"]
    assert news["ETag"] == f'"{second}"'


def test_a_first_poll_on_an_empty_log_can_be_answered_304_next(client):
    answer = client.get("/live/events?since=1496142000000")
    assert answer.json() == {"events": [], "last": ""}
    assert client.get("/live/events", headers={"If-None-Match": answer["ETag"]}).status_code == 304


class Django:
    """Stands for everything behind the middleware: records what reached it."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, environ, start_response):
        self.calls += 1
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"Django"]


def call(app, *, path="/live/events", query="", method="GET", tag=None):
    environ = {"PATH_INFO": path, "REQUEST_METHOD": method, "QUERY_STRING": query}
    if tag is not None:
        environ["HTTP_IF_NONE_MATCH"] = tag
    seen = {}

    def start_response(status, headers, exc_info=None):
        seen["status"], seen["headers"] = status, dict(headers)

    body = b"".join(app(environ, start_response))
    return seen["status"], seen["headers"], body


@pytest.fixture
def fresh(monkeypatch):
    monkeypatch.setattr(selectors, "LATEST_MAX_AGE", 0.0)  # every poll reads the log


def test_in_front_of_django_a_poll_at_the_newest_event_is_a_304(fresh):
    django = Django()
    app = LivePollMiddleware(django)
    newest = announce(1)
    status, headers, body = call(app, query=f"after={newest}", tag=f'"{newest}"')
    assert (status, body, django.calls) == ("304 Not Modified", b"", 0)
    assert headers["ETag"] == f'"{newest}"' and headers["Cache-Control"] == "no-store"


def test_in_front_of_django_polls_are_answered_with_the_views_rules(fresh):
    django = Django()
    app = LivePollMiddleware(django)
    first = announce(1)
    get_backend().announce(key="a:sport", data={"headline": "Spartak win the league", "section": "sport"})
    third = announce(3)
    status, headers, body = call(app, query=f"after={first}&section=politics", tag=f'"{first}"')
    assert (
        status == "200 OK"
        and headers["Content-Type"] == "application/json"
        and headers["ETag"] == f'"{third}"'
    )
    assert json.loads(body) == {"events": [{"id": third, "headline": "Story 3", "section": "politics"}],
                                "last": third}  # fmt: skip
    status, _, body = call(app, query="since=1496142000000")  # a first poll: from the page's render time
    assert status == "200 OK" and [e["headline"] for e in json.loads(body)["events"]][-1] == "Story 3"
    status, headers, body = call(app, query="after=1;DROP")
    assert status == "400 Bad Request" and "not an event id" in json.loads(body)["error"]
    assert headers["Cache-Control"] == "no-store"
    assert django.calls == 0
    assert call(app, method="POST")[2] == b"Django" and call(app, path="/news/")[2] == b"Django"


def test_polls_read_the_log_at_most_every_half_second_per_position(monkeypatch, django_assert_num_queries):
    now = [1000.0]
    monkeypatch.setattr(selectors.time, "monotonic", lambda: now[0])
    first = announce(1)
    second = announce(2)
    app = LivePollMiddleware(Django())
    with django_assert_num_queries(2):  # the newest id once, the events after ``first`` once
        for _ in range(50):
            assert call(app, tag=f'"{second}"')[0] == "304 Not Modified"
            status, _, body = call(app, query=f"after={first}", tag=f'"{first}"')
            assert status == "200 OK" and json.loads(body)["last"] == second
    third = announce(3)
    assert call(app, query=f"after={second}", tag=f'"{second}"')[0] == "304 Not Modified"  # not read yet
    now[0] += selectors.LATEST_MAX_AGE
    status, _, body = call(app, query=f"after={second}", tag=f'"{second}"')
    assert status == "200 OK" and json.loads(body)["last"] == third


def test_first_polls_of_pages_rendered_in_the_same_second_read_the_log_once(
    monkeypatch, django_assert_num_queries
):
    monkeypatch.setattr(selectors.time, "monotonic", lambda: 1000.0)  # the events read stay fresh
    announce(1)
    app = LivePollMiddleware(Django())
    rendered = int(time.time() * 1000) - 10_000
    with django_assert_num_queries(2):  # where the page's updates start, then the events after it
        first = json.loads(call(app, query=f"since={rendered}")[2])
        for offset in range(0, 1000, 100):
            assert json.loads(call(app, query=f"since={rendered // 1000 * 1000 + offset}")[2]) == first


def test_a_log_that_cannot_be_read_gives_no_news_and_no_error(fresh, monkeypatch):
    def down(**kwargs):
        raise ConnectionError("log down")

    monkeypatch.setattr(get_backend(), "latest_id", down)
    monkeypatch.setattr(get_backend(), "read", down)
    django = Django()
    status, _, body = call(LivePollMiddleware(django), query="after=7", tag='"7"')
    assert status == "200 OK" and json.loads(body) == {"events": [], "last": "7"} and django.calls == 0


@pytest.mark.parametrize("transport, seconds", [("poll", 2.0), ("sse", 0.5)])
def test_the_page_hook_names_the_transport_and_the_pace(settings, transport, seconds):
    settings.NEWSDESK_LIVE_TRANSPORT, settings.NEWSDESK_LIVE_POLL_SECONDS = transport, seconds
    request = RequestFactory().get("/")
    html = live_hook(request)
    assert f'data-live-transport="{transport}"' in html
    assert f'data-live-poll="{seconds:g}"' in html
    assert 'data-live-events="/live/events"' in html and 'data-live-stream="/live/stream"' in html
