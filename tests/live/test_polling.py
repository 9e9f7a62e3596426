"""Polling, the default transport: ETag and 304 in the view, and the 304 answered in front of Django."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.test import RequestFactory

from newsdesk.live import selectors
from newsdesk.live.backends import get_backend
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
        start_response("200 OK", [("Content-Type", "application/json")])
        return [b"{}"]


def call(app, *, path="/live/events", method="GET", tag=None):
    environ = {"PATH_INFO": path, "REQUEST_METHOD": method, "QUERY_STRING": ""}
    if tag is not None:
        environ["HTTP_IF_NONE_MATCH"] = tag
    seen = {}

    def start_response(status, headers, exc_info=None):
        seen["status"], seen["headers"] = status, dict(headers)

    body = b"".join(app(environ, start_response))
    return seen["status"], seen["headers"], body


def test_in_front_of_django_only_a_poll_at_the_newest_event_is_answered(monkeypatch):
    monkeypatch.setattr(selectors, "LATEST_MAX_AGE", 0.0)  # every call reads the log
    django = Django()
    app = LivePollMiddleware(django)
    newest = announce(1)

    status, headers, body = call(app, tag=f'"{newest}"')
    assert (status, body, django.calls) == ("304 Not Modified", b"", 0)
    assert headers["ETag"] == f'"{newest}"' and headers["Cache-Control"] == "no-store"

    announce(2)  # the reader is behind now: the view answers with the story
    assert call(app, tag=f'"{newest}"')[0] == "200 OK" and django.calls == 1
    assert call(app)[0] == "200 OK" and django.calls == 2  # a first poll
    assert call(app, path="/news/", tag=f'"{newest}"')[0] == "200 OK" and django.calls == 3
    assert call(app, method="POST", tag=f'"{newest}"')[0] == "200 OK" and django.calls == 4


def test_the_newest_id_is_read_at_most_every_half_second(monkeypatch, django_assert_num_queries):
    now = [1000.0]
    monkeypatch.setattr(selectors.time, "monotonic", lambda: now[0])
    newest = announce(1)
    app = LivePollMiddleware(Django())
    with django_assert_num_queries(1):
        for _ in range(50):
            assert call(app, tag=f'"{newest}"')[0] == "304 Not Modified"
    second = announce(2)
    now[0] += selectors.LATEST_MAX_AGE
    assert call(app, tag=f'"{second}"')[0] == "304 Not Modified"


def test_a_log_that_cannot_be_read_sends_the_poll_to_the_view(monkeypatch):
    def down():
        raise ConnectionError("log down")

    monkeypatch.setattr(selectors, "LATEST_MAX_AGE", 0.0)
    monkeypatch.setattr(get_backend(), "latest_id", down)
    django = Django()
    assert call(LivePollMiddleware(django), tag='"7"')[0] == "200 OK" and django.calls == 1


@pytest.mark.parametrize("transport, seconds", [("poll", 2.0), ("sse", 0.5)])
def test_the_page_hook_names_the_transport_and_the_pace(settings, transport, seconds):
    settings.NEWSDESK_LIVE_TRANSPORT, settings.NEWSDESK_LIVE_POLL_SECONDS = transport, seconds
    request = RequestFactory().get("/")
    html = Template("{% load live %}{% live_hook %}").render(Context({"request": request}))
    assert f'data-live-transport="{transport}"' in html
    assert f'data-live-poll="{seconds:g}"' in html
    assert 'data-live-events="/live/events"' in html and 'data-live-stream="/live/stream"' in html
