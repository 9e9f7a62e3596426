"""Run by test_replica.py in a process of its own, with DATABASE_URL (primary) and DATABASE_REPLICA_URL set:
Django's connections are configured once per process, so the router is checked where they really are two.

``python -m tests.edge.replica_check setup|reads|down`` prints one JSON line of findings.
"""

from __future__ import annotations

import json
import os
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connections, router  # noqa: E402
from django.test import Client  # noqa: E402

from newsdesk.news.models import Article, Section  # noqa: E402

HOST = {"HTTP_HOST": "127.0.0.1"}


def _wait_replicated(query: str, *, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with connections["replica"].cursor() as cursor:
            try:
                cursor.execute(query)
                if cursor.fetchone()[0]:
                    return
            except django.db.Error:
                pass
        time.sleep(0.1)
    raise SystemExit(f"replica did not catch up: {query}")


def setup() -> dict:
    call_command("migrate", verbosity=0)
    section = Section.objects.get(slug="politics")
    article = Article.objects.create(
        headline="Putin and Macron hold talks at Versailles", slug="putin-macron-versailles", section=section,
        body="<p>The two leaders discussed Syria and Ukraine.</p>", status=Article.Status.PUBLISHED,
        publish_at=django.utils.timezone.now(),
    )  # fmt: skip
    _wait_replicated(f"SELECT count(*) FROM news_article WHERE id = {article.pk}")
    with connections["replica"].cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery()")
        in_recovery = cursor.fetchone()[0]
        cursor.execute("SELECT pg_wal_replay_pause()")  # from now on the replica lags behind on purpose
    Article.objects.filter(pk=article.pk).update(
        headline="Putin and Macron agree on a Syria working group", modified_at=django.utils.timezone.now()
    )
    return {"url": article.get_absolute_url(), "in_recovery": in_recovery}


def reads(url: str) -> dict:
    anonymous = Client().get(url, **HOST)
    from django.contrib.auth import get_user_model

    editor = get_user_model().objects.create_user("replica-editor", password="x" * 16, is_staff=True)
    client = Client()
    client.force_login(editor)
    newsroom = client.get(url, **HOST)
    return {
        "anonymous_status": anonymous.status_code,
        "anonymous_sees_replica": "hold talks at Versailles" in anonymous.content.decode(),
        "signed_in_sees_primary": "agree on a Syria working group" in newsroom.content.decode(),
        "other_reads_alias": router.db_for_read(Article),  # services, worker, commands
    }


def down(url: str) -> dict:
    response = Client().get(url, **HOST)
    return {
        "status": response.status_code,
        "sees_primary": "Syria working group" in response.content.decode(),
    }


if __name__ == "__main__":
    phase = sys.argv[1]
    result = setup() if phase == "setup" else reads(sys.argv[2]) if phase == "reads" else down(sys.argv[2])
    print(json.dumps(result))
