"""`kill -9` in the middle of a batch: no half-imported item, and the rerun creates no duplicate.

Stories are written a batch (up to 1,000 items; each document its own) per transaction, so the import is given
five files and killed once the first batch is in: the kill lands in a later one.
"""

import os
import signal

from tests.worker.procs import migrated_data_dir, newsdesk, newsdesk_env, popen, query, wait_for

from .conftest import corpus


def test_kill_9_mid_batch_then_rerun(tmp_path, tmp_path_factory):
    files = [str(corpus(f"reuters21578/reut2-{n:03}.sgm")) for n in range(17, 22)]
    data_dir = migrated_data_dir(tmp_path, tmp_path_factory)
    env = newsdesk_env(data_dir)
    count = lambda sql: query(data_dir, sql)[0][0]  # noqa: E731
    proc = popen(["ingest", *files, "--section", "world"], env, tmp_path / "ingest.log")
    wait_for(
        lambda: count("select count(*) from news_article") >= 30, timeout=120, what="30 articles", proc=proc
    )
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()

    # Every article that exists is whole: it has its ingest record, its revision, and a body.
    articles = count("select count(*) from news_article")
    assert articles < 3500, "the import finished before the kill; the test proves nothing"
    assert (
        count(
            "select count(*) from ingest_ingesteditem where duplicate_of_id is null and article_id is not null"
        )
        == articles
    )
    assert (
        count(
            "select count(*) from news_article a where not exists (select 1 from news_revision r where r.article_id = a.id)"
        )
        == 0
    )
    assert count("select count(*) from news_article where body = ''") == 0

    result = newsdesk(["ingest", *files, "--section", "world"], env, timeout=600)
    assert result.returncode == 0, result.stderr
    assert count("select count(*) from ingest_ingesteditem") == count(
        "select count(distinct guid) from ingest_ingesteditem"
    )
    assert count("select count(*) from news_article") == count(
        "select count(distinct guid) from news_article"
    )
    total = count(
        "select count(*) from ingest_ingesteditem where duplicate_of_id is null and article_id is not null"
    )
    assert count("select count(*) from news_article") == total > articles
