"""WebSub: publishing pings the configured hub after commit — tested against a real HTTP server on localhost."""

import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from newsdesk.news import services
from newsdesk.news.models import Article
from newsdesk.pipeline.effects import all_effects
from newsdesk.syndication.websub import ping_hub_for_changes
from tests.factories import ArticleFactory, user_with_role

pytestmark = pytest.mark.django_db


class _Hub(BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802 - http.server's naming
        length = int(self.headers.get("Content-Length", 0))
        self.server.received.append(
            (self.headers.get("Content-Type"), urllib.parse.parse_qs(self.rfile.read(length).decode()))
        )
        self.send_response(self.server.status)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def hub():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Hub)
    server.received, server.status = [], 204
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_the_ping_is_an_effect_of_the_publishing_pipeline():
    effect = next(effect for effect in all_effects() if effect.name == "websub-ping")
    assert effect.run is ping_hub_for_changes


def test_publishing_pings_the_hub_after_commit(settings, hub, story, django_capture_on_commit_callbacks):
    settings.NEWSDESK_WEBSUB_HUB = f"http://127.0.0.1:{hub.server_port}/"
    draft = ArticleFactory(status=Article.Status.DRAFT, publish_at=None, first_published_at=None)
    draft.persons.add(story.persons.get())
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.article_publish(article=draft, by=user_with_role("Editor"))
    assert hub.received == []  # nothing before commit
    for callback in callbacks:
        callback()
    content_type, form = hub.received[-1]
    assert content_type == "application/x-www-form-urlencoded"
    assert form["hub.mode"] == ["publish"]
    person = story.persons.get()
    for url in (
        "https://news.example/feeds/news.rss",
        "https://news.example/feeds/news.atom",
        "https://news.example/feeds/news.json",
        "https://news.example/feeds/section/politics.atom",
        f"https://news.example/feeds/person/{person.slug}.rss",
    ):
        assert url in form["hub.url"]


def test_withdrawal_pings_too(settings, hub, story, django_capture_on_commit_callbacks):
    settings.NEWSDESK_WEBSUB_HUB = f"http://127.0.0.1:{hub.server_port}/"
    with django_capture_on_commit_callbacks(execute=True):
        services.article_withdraw(
            article=story, by=None, note="Withdrawn: the source retracted the statement."
        )
    assert (
        f"https://news.example/feeds/topic/{story.topics.get().slug}.json" in hub.received[-1][1]["hub.url"]
    )


def test_a_failing_or_absent_hub_never_breaks_publishing(settings, hub, django_capture_on_commit_callbacks):
    # The ping is retried by the publishing pipeline (tests/pipeline): publishing itself never waits for it.
    hub.status = 500
    settings.NEWSDESK_WEBSUB_HUB = f"http://127.0.0.1:{hub.server_port}/"
    draft = ArticleFactory(status=Article.Status.DRAFT, publish_at=None, first_published_at=None)
    with django_capture_on_commit_callbacks(execute=True):
        services.article_publish(article=draft, by=None)
    assert len(hub.received) == 1
    settings.NEWSDESK_WEBSUB_HUB = "http://127.0.0.1:9/"  # nothing listens on the discard port
    other = ArticleFactory(status=Article.Status.DRAFT, publish_at=None, first_published_at=None)
    with django_capture_on_commit_callbacks(execute=True):
        services.article_publish(article=other, by=None)
    assert Article.objects.get(pk=other.pk).status == Article.Status.PUBLISHED


def test_no_hub_configured_no_ping(hub, story, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.article_correct(article=story, by=None, note="Corrects the governor's name.")
    assert hub.received == []
