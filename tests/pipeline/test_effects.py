"""The effects themselves: idempotent when run again after a crash, WebSub debounced without losing a change,
and search never behind what readers may see, whether or not the pipeline has run."""

import json
import time

import pytest

from newsdesk.ingest.services import Routing, ingest_document
from newsdesk.live.models import LiveEvent
from newsdesk.news import services
from newsdesk.news.models import Article, ReadAlsoSuggestion
from newsdesk.pipeline.models import Change
from newsdesk.pipeline.services import ChangeNote, changes_record, pipeline_drain_all
from newsdesk.search.selectors import search_articles
from newsdesk.search.tasks import search_sync_job
from tests.factories import ArticleFactory

from .conftest import purged_keys

pytestmark = pytest.mark.django_db


def drafts(*headlines: str) -> list[Article]:
    return [
        ArticleFactory(headline=h, status=Article.Status.DRAFT, publish_at=None, first_published_at=None)
        for h in headlines
    ]


def test_running_a_batch_again_after_a_crash_changes_nothing(
    sections, purger, django_capture_on_commit_callbacks
):
    articles = drafts("Kamaz trucks for the Philippines", "Philippine army orders Kamaz trucks")
    with django_capture_on_commit_callbacks(execute=True):
        for article in articles:
            services.article_publish(article=article, by=None)
    events = list(LiveEvent.objects.values_list("key", flat=True))
    suggestions = list(ReadAlsoSuggestion.objects.values_list("article_id", "target_id"))
    assert len(events) == 2 and suggestions
    # A worker killed after its effects ran but before it cleared the outbox: the same changes come due again.
    purger.purged.clear()
    with django_capture_on_commit_callbacks(execute=True):
        changes_record(
            changes=[ChangeNote(article_id=a.pk, kind="published", is_news=True) for a in articles]
        )
    assert list(LiveEvent.objects.values_list("key", flat=True)) == events  # no second announcement
    assert list(ReadAlsoSuggestion.objects.values_list("article_id", "target_id")) == suggestions
    assert {f"article:{a.public_id}" for a in articles} <= purged_keys(purger)  # purged again: harmless
    assert not Change.objects.exists()


def test_websub_pings_a_feed_at_most_once_per_debounce_and_loses_no_change(
    sections, hub, settings, django_capture_on_commit_callbacks
):
    settings.NEWSDESK_WEBSUB_DEBOUNCE = 0.5
    first, second = drafts("Kremlin comments on talks", "Lavrov to visit Tokyo")
    with django_capture_on_commit_callbacks(execute=True):
        services.article_publish(article=first, by=None)
    with django_capture_on_commit_callbacks(execute=True):
        services.article_publish(article=second, by=None)
    assert len(hub.received) == 1  # the same feeds, pinged a moment ago: the second change waits for them
    waiting = Change.objects.get()
    assert waiting.article_id == second.pk and not waiting.failures.exists()  # waiting is not failing
    deadline = time.monotonic() + 10
    while Change.objects.exists():
        assert time.monotonic() < deadline, "the waiting change was never pinged"
        time.sleep(0.05)
        pipeline_drain_all()
    assert len(hub.received) == 2
    assert any(url.endswith("/feeds/news.rss") for url in hub.received[1])


def test_a_committed_ingest_batch_is_searchable_before_the_pipeline_runs(
    sections, django_capture_on_commit_callbacks
):
    items = [
        {"uri": f"urn:wire:{n}", "headline": f"Gazprom raises gas exports to Europe by {n} percent",
         "body_html": f"<p>Gazprom raised its exports to Europe by {n} percent in the first quarter, the company "
         f"said in a statement on Monday, citing demand from Germany and Italy (item {n}).</p>"}
        for n in range(5)
    ]  # fmt: skip
    routing = Routing(section=sections["economy"], status=Article.Status.PUBLISHED)
    with django_capture_on_commit_callbacks(execute=False):  # the worker never ran: killed, or not started
        ingest_document(data=json.dumps(items).encode(), origin="wire.json", routing=routing)
    assert Change.objects.count() == 5  # its work is waiting, committed with the batch
    assert search_articles(q="Gazprom exports").total == 5


def test_a_newsroom_publish_is_searchable_once_the_worker_ran_either_job(
    sections, django_capture_on_commit_callbacks
):
    """A search never indexes: a publish whose pipeline has not run yet is found once the worker runs its
    index effect or, if the pipeline is held up, its every-minute search job."""
    (article,) = drafts("Rosneft and BP sign Arctic deal")
    with django_capture_on_commit_callbacks(execute=False):
        services.article_publish(article=article, by=None)
    assert Change.objects.count() == 1
    assert search_articles(q="Rosneft Arctic").hits == []
    search_sync_job.call_local()
    assert [hit.article.pk for hit in search_articles(q="Rosneft Arctic").hits] == [article.pk]
