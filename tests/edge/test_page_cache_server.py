"""The page cache on the real server, as `make run` starts it (granian WSGI, two worker processes, SQLite).

Pages are kept by both workers; a newsroom process publishes a story and corrects another one, then purges as
the publishing pipeline does after commit. Every answer given after that purge, by either worker, shows the
change (so it is visible as soon as the purge is written, well within the 1 s target), and the pages are kept
again afterwards. A signed-in editor is never answered from the cache.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import urllib.request

import pytest

from tests.analytics.livesrv import BIN, ROOT, granian, prepare_site, server_env, temp_data_dir

pytestmark = pytest.mark.skipif(
    shutil.which("granian") is None and not (BIN / "granian").exists(), reason="needs granian"
)

SETUP = """
import json
from django.test import Client
from newsdesk.news.models import Article, Person, Topic
from tests.factories import user_with_role
Person.objects.create(name="Sergey Lavrov", slug="sergey-lavrov")
Topic.objects.create(name="Foreign policy", slug="foreign-policy", mediatopic_code="medtop:20000640")
client = Client()
client.force_login(user_with_role("Editor"))
print(json.dumps({"session": client.cookies["sessionid"].value}))
"""

# What an editor's publish and correction do, then what the pipeline does after their commit (purge_article is
# the edge's per-article purge; the pipeline may batch it, through the same purger).
PUBLISH = """
from newsdesk.edge.services import purge_article
from newsdesk.news import services
from newsdesk.news.models import Article, Person, Section, Topic
story = Article.objects.create(headline={headline!r}, slug="lavrov-tillerson-talks", status="draft",
    section=Section.objects.get(slug="politics"), body="<p>The ministers met in Washington.</p>")
story.persons.add(Person.objects.get(slug="sergey-lavrov"))
story.topics.add(Topic.objects.get(slug="foreign-policy"))
services.article_publish(article=story, by=None)
corrected = Article.objects.get(public_id={corrected_id})
corrected.headline = {correction!r}
services.article_save(article=corrected, by=None)
services.article_correct(article=corrected, by=None, note="The headline was corrected.")
for article in (story, corrected):
    purge_article(article.pk)
print("published", story.public_id)
"""

HEADLINE = "Lavrov and Tillerson hold talks in Washington"
CORRECTION = "Kremlin comments on the summit: corrected headline"


def get(port: int, path: str, cookie: str = "") -> tuple[int, dict, str]:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}", headers={"Cookie": cookie} if cookie else {}
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - our own local server
        return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read().decode()


def shell(env: dict, code: str) -> str:
    run = subprocess.run(  # noqa: S603 - our own command line
        [str(BIN / "newsdesk"), "shell", "-c", code],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    return run.stdout.strip().splitlines()[-1]


def test_every_answer_after_a_publish_shows_it_from_both_workers():
    data_dir = temp_data_dir()
    try:
        env = server_env(data_dir)
        env.pop("NEWSDESK_PURGE_URLS", None)
        env.pop("NEWSDESK_PAGE_CACHE", None)
        ids = prepare_site(env, articles=30, static=True)
        session = json.loads(shell(env, SETUP))["session"]
        article = f"/news/{ids[0]}/bench-0/"
        pages = ["/", "/news/", "/section/politics/", "/persons/sergey-lavrov/", "/topics/foreign-policy/",
                 "/feeds/news.rss", "/feeds/section/politics.rss", article]  # fmt: skip
        with granian(env) as (port, _server):
            for path in pages:
                answers = [get(port, path) for _ in range(8)]  # new connections: both workers keep the page
                assert all(status == 200 for status, _, _ in answers), path
                hits = [headers for _, headers, _ in answers if headers.get("x-cache") == "HIT"]
                assert len(hits) >= 4 and all("age" in headers for headers in hits), path
                assert not any("x-surrogate-keys" in headers for _, headers, _ in answers), path

            shell(env, PUBLISH.format(headline=HEADLINE, correction=CORRECTION, corrected_id=ids[0]))

            for path in pages:
                shows = CORRECTION if path == article else HEADLINE
                answers = [get(port, path) for _ in range(8)]
                stale = [headers.get("x-cache") for _, headers, body in answers if shows not in body]
                assert not stale, f"{path}: answered without the change ({stale})"
                assert any(headers.get("x-cache") == "HIT" for _, headers, _ in answers), path  # kept again
            assert "The headline was corrected." in get(port, article)[2]

            for path in ["/", article]:
                for _ in range(4):
                    _, headers, _ = get(port, path, cookie=f"csrftoken=x; sessionid={session}")
                    assert "x-cache" not in headers and "private" in headers["cache-control"], path
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
