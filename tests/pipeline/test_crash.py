"""`kill -9` in the middle of the pipeline, with real `newsdesk` processes on a SQLite database file.

- The worker killed while it drains a batch: after a restart every effect has happened exactly once where once
  is observable (one live event per new story), and none is lost (every story's pages purged).
- The ingest killed mid-import: every visible article of the committed batches is in the search index, and
  their pipeline work is in the outbox, committed with them.
"""

import datetime as dt
import json
import os
import signal
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.ingest.conftest import corpus
from tests.worker.procs import migrated_data_dir, newsdesk, newsdesk_env, popen, query, stop, wait_for

STORIES = 700  # two batches of the drain (500 each)
COMPANIES = [
    "Gazprom",
    "Rosneft",
    "Lukoil",
    "Novatek",
    "Aeroflot",
    "Sberbank",
    "Rostec",
    "Kamaz",
    "Alrosa",
    "Severstal",
]
CURRENT_DOCUMENTS = """select count(*) from news_article a join search_searchdocument d on d.article_id = a.id
                       and d.source_modified_at = a.modified_at where a.status = 'published'"""


class _Varnish(BaseHTTPRequestHandler):
    """Takes PURGE requests slowly (so a kill lands mid-drain) and remembers their keys."""

    def do_PURGE(self):  # noqa: N802 - http.server's naming
        self.server.purges.append(self.headers.get("X-Purge-Keys", "").split(","))
        time.sleep(0.3)
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def varnish():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Varnish)
    server.purges = []
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


def _wire_file(path, count: int) -> None:
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    items = [
        {
            "uri": f"urn:wire:{n}",
            "headline": f"{COMPANIES[n % len(COMPANIES)]} raises exports to Europe, shipment {n}",
            "body_html": f"<p>{COMPANIES[n % len(COMPANIES)]} raised its exports to Europe in shipment {n}, the company said in a "
            f"statement on Monday, citing demand from Germany, Italy and Austria after a cold week.</p>",
            "firstcreated": (now - dt.timedelta(seconds=count - n)).isoformat(),
        }
        for n in range(count)
    ]
    path.write_text(json.dumps(items))


def test_kill_9_of_the_worker_mid_batch_then_restart_every_effect_once(tmp_path, tmp_path_factory, varnish):
    data_dir = migrated_data_dir(tmp_path, tmp_path_factory)
    env = newsdesk_env(
        data_dir, NEWSDESK_PURGE_URLS=f"http://127.0.0.1:{varnish.server_port}", NEWSDESK_PIPELINE_LEASE_SECONDS="2",
        NEWSDESK_PIPELINE_POLL_SECONDS="0.1",
    )  # fmt: skip
    count = lambda sql: query(data_dir, sql)[0][0]  # noqa: E731
    _wire_file(tmp_path / "wire.json", STORIES)
    result = newsdesk(
        ["ingest", str(tmp_path / "wire.json"), "--section", "world", "--publish"], env, timeout=300
    )
    assert result.returncode == 0, result.stderr
    assert count("select count(*) from pipeline_change") == STORIES  # committed with the stories

    worker = popen(["worker"], env, tmp_path / "worker.log")
    wait_for(lambda: varnish.purges, timeout=120, what="the first purge", proc=worker)
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait()
    assert count("select count(*) from pipeline_change") > 0, "the drain finished before the kill"
    assert count(CURRENT_DOCUMENTS) == STORIES  # search never behind: indexed with the batch

    worker = popen(["worker"], env, tmp_path / "worker-again.log")
    try:
        wait_for(lambda: count("select count(*) from pipeline_change") == 0, timeout=120,
                 what="the restarted worker to drain the outbox", proc=worker)  # fmt: skip
    finally:
        stop(worker)
    assert count("select count(*) from pipeline_effectfailure") == 0
    # No double live event: one per story (the log's keys are unique, and each story has one).
    assert count("select count(*) from live_liveevent") == STORIES
    assert count("select count(distinct key) from live_liveevent") == STORIES
    # No lost purge: every story's page was purged at least once.
    purged = {key for keys in varnish.purges for key in keys}
    public_ids = [row[0] for row in query(data_dir, "select public_id from news_article")]
    assert {f"article:{pid}" for pid in public_ids} <= purged
    assert count("select count(distinct article_id) from news_readalsosuggestion") > STORIES // 2


def test_kill_9_of_a_published_ingest_leaves_every_visible_item_searchable_and_its_work_queued(
    tmp_path, tmp_path_factory
):
    files = [str(corpus(f"reuters21578/reut2-{n:03}.sgm")) for n in range(17, 22)]
    data_dir = migrated_data_dir(tmp_path, tmp_path_factory)
    count = lambda sql: query(data_dir, sql)[0][0]  # noqa: E731
    proc = popen(
        ["ingest", *files, "--section", "world", "--publish"], newsdesk_env(data_dir), tmp_path / "log"
    )
    wait_for(
        lambda: count("select count(*) from news_article") >= 30, timeout=120, what="30 articles", proc=proc
    )
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    published = count("select count(*) from news_article where status = 'published'")
    assert 0 < published < 3500, "the import finished before the kill; the test proves nothing"
    assert count(CURRENT_DOCUMENTS) == published
    # What must follow their publication is in the outbox (no worker ran), one change each.
    assert count("select count(*) from pipeline_change") == published
    assert count("select count(distinct article_id) from pipeline_change") == published
