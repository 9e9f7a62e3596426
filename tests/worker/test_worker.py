"""The worker: jobs enqueued after commit run once — in-process (immediate), in a real `newsdesk worker`
on the embedded SQLite queue, and with Redis across two workers that never run the same job twice."""

import datetime as dt
import os
import threading
from http.server import ThreadingHTTPServer

import pytest
from django.db import transaction

from newsdesk.worker import queues
from newsdesk.worker.jobs import enqueue_on_commit
from tests.ingest.test_polling import FEED, FeedServer
from tests.servers import redis_server

from .procs import migrated_data_dir, newsdesk, newsdesk_env, popen, query, stop, wait_for


@pytest.fixture
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), FeedServer)
    httpd.daemon_threads = True
    FeedServer.routes, FeedServer.hits = {}, []
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


# ---- in-process (Huey's immediate mode) ----------------------------------------------------------------------


@pytest.mark.django_db
def test_job_runs_after_commit_and_not_after_rollback(
    huey_immediate, world, tmp_path, django_capture_on_commit_callbacks
):
    from newsdesk.ingest.models import IngestSource
    from newsdesk.ingest.tasks import source_poll_job
    from newsdesk.news.models import Article

    (tmp_path / "a.json").write_text(
        '{"uri": "urn:tass:1", "headline": "Putin meets Macron", "body_text": "Russian President Vladimir Putin met French President Emmanuel Macron in Versailles."}'
    )
    source = IngestSource.objects.create(
        name="Bureau", kind="folder", location=str(tmp_path), default_section=world
    )
    with pytest.raises(RuntimeError), transaction.atomic():
        enqueue_on_commit(source_poll_job, source.pk)
        raise RuntimeError("rolled back")
    assert not Article.objects.exists()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        enqueue_on_commit(source_poll_job, source.pk)
        assert not Article.objects.exists()  # nothing runs before the commit
    for callback in callbacks:
        callback()
    assert Article.objects.get().headline == "Putin meets Macron"
    with pytest.raises(TypeError, match="jobs take ids"):
        enqueue_on_commit(source_poll_job, source)


@pytest.fixture
def huey_immediate():
    from huey.contrib.djhuey import HUEY

    HUEY.immediate = True
    yield HUEY
    HUEY.immediate = False


@pytest.fixture
def world(db):
    from newsdesk.news.models import Section

    return Section.objects.get(slug="world")


# ---- schedules: each tick once, however many workers ---------------------------------------------------------


def _periodic_on(huey):
    from huey import crontab

    @huey.periodic_task(crontab(minute="*"), name="refresh")
    def refresh():
        pass

    return refresh


def _two_queues(make):
    first, second = make(), make()
    _periodic_on(first), _periodic_on(second)
    return first, second


def _ticks(first, second):
    tick = dt.datetime(2017, 5, 30, 10, 0, 7)
    claims = [len(first.read_periodic(tick)), len(second.read_periodic(tick.replace(second=41)))]
    later = tick + dt.timedelta(minutes=1)
    claims += [len(second.read_periodic(later)), len(first.read_periodic(later))]
    return claims


def test_each_schedule_tick_is_claimed_once_sqlite(tmp_path):
    first, second = _two_queues(
        lambda: queues.SqliteHuey("t", filename=str(tmp_path / "q.sqlite3"), utc=True)
    )
    assert _ticks(first, second) == [1, 0, 1, 0]


def test_each_schedule_tick_is_claimed_once_redis():
    try:
        with redis_server() as url:
            first, second = _two_queues(lambda: queues.RedisHuey("t", url=url, utc=True))
            assert _ticks(first, second) == [1, 0, 1, 0]
    except FileNotFoundError as exc:
        if os.environ.get("CI"):
            raise
        pytest.skip(str(exc))


# ---- real `newsdesk worker` processes ------------------------------------------------------------------------

ENQUEUE = """
from django.db import transaction
from huey.contrib.djhuey import HUEY
from newsdesk.ingest.models import IngestSource
from newsdesk.ingest.tasks import source_poll_job
from newsdesk.news.models import Section
from newsdesk.worker.jobs import enqueue_on_commit
import datetime as dt, django.utils.timezone as tz
later = tz.now() + dt.timedelta(days=1)
with transaction.atomic():
    for n in range({count}):
        source = IngestSource.objects.create(name=f"s{{n}}", kind="url", location=f"{url}/feed/{{n}}",
            default_section=Section.objects.get(slug="world"), next_poll_at=later)
        enqueue_on_commit(source_poll_job, source.pk, True)
    print("queued before commit:", HUEY.pending_count())
print("queued after commit:", HUEY.pending_count())
"""


def _serve_feeds(count):
    for n in range(count):
        feed = FEED.replace(b"948400", str(948400 + n).encode()).replace(
            b"Versailles</title>", f"Versailles ({n})</title>".encode()
        )
        FeedServer.routes[f"/feed/{n}"] = ("plain", feed, "application/rss+xml")


def _hits_per_feed():
    paths = [path for path, _ in FeedServer.hits if path.startswith("/feed/")]
    return {path: paths.count(path) for path in paths}


def test_real_worker_runs_a_job_enqueued_after_commit_once(tmp_path, tmp_path_factory, server):
    data_dir = migrated_data_dir(tmp_path, tmp_path_factory)
    env = newsdesk_env(data_dir, NEWSDESK_FETCH_ALLOW_PRIVATE="127.0.0.1")  # the feed server is on loopback
    _serve_feeds(1)
    result = newsdesk(["shell", "-c", ENQUEUE.format(count=1, url=server)], env, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "queued before commit: 0" in result.stdout and "queued after commit: 1" in result.stdout
    worker = popen(["worker"], env, tmp_path / "worker.log")
    try:
        # The poll's result is written after its articles commit (and their after-commit hooks ran): wait for it.
        wait_for(lambda: query(data_dir, "select last_result from ingest_ingestsource") != [("",)], timeout=60,
                 what="the worker to import the feed", proc=worker)  # fmt: skip
    finally:
        stop(worker)
    assert query(data_dir, "select count(*) from news_article") == [(1,)]
    assert _hits_per_feed() == {"/feed/0": 1}
    assert query(data_dir, "select last_result from ingest_ingestsource") == [("1 created",)]


def test_two_workers_on_redis_never_run_a_job_twice(tmp_path, tmp_path_factory, server):
    count = 40
    data_dir = migrated_data_dir(tmp_path, tmp_path_factory)
    _serve_feeds(count)
    try:
        redis = redis_server()
        url = redis.__enter__()
    except FileNotFoundError as exc:
        if os.environ.get("CI"):
            raise
        pytest.skip(str(exc))
    try:
        env = newsdesk_env(data_dir, REDIS_URL=url, NEWSDESK_FETCH_ALLOW_PRIVATE="127.0.0.1")
        workers = [popen(["worker", "--workers", "2"], env, tmp_path / f"worker{n}.log") for n in (1, 2)]
        try:
            result = newsdesk(["shell", "-c", ENQUEUE.format(count=count, url=server)], env, timeout=120)
            assert result.returncode == 0, result.stderr
            wait_for(lambda: query(data_dir, "select count(*) from news_article")[0][0] == count, timeout=120,
                     what=f"{count} imports", proc=workers[0])  # fmt: skip
        finally:
            for worker in workers:
                stop(worker)
    finally:
        redis.__exit__(None, None, None)
    hits = _hits_per_feed()
    assert len(hits) == count and set(hits.values()) == {1}, hits
    logs = [(tmp_path / f"worker{n}.log").read_text() for n in (1, 2)]
    assert all("source_poll_job" in log for log in logs), "both workers should have taken jobs"
