"""Reader pages without any cache in front (issue: Reader site), on a database of 100,000 articles.

One run, same machine: nginx serving the saved article page as a static file, a trivial Django view, an
uncached article page (a different article each request), and a 3-section filtered feed at page 1 and page
1,000 (keyset cursor). granian WSGI with 2 workers as `make run` starts it, SQLite. Targets: article page at
least 0.5x the trivial view; feed page 1,000 within 10% of page 1.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
import urllib.request

from benchmarks.scale_pages import CONNECTIONS, SECONDS, line, lua, nginx_static, wrk
from tests.analytics.livesrv import BIN, ROOT, granian, server_env, temp_data_dir

ARTICLES = 100_000
SECTIONS = ("politics", "world", "economy")

# Real tass.com text (the seed page and the agency's headlines of 29–30 May 2017), cycled with a serial number.
BUILD = """
import datetime as dt, json
from django.utils import timezone
from newsdesk.news.models import Article, Section
from tests.factories import HEADLINES
from tests.site.conftest import MORE_HEADLINES
from tests.site.test_article import SEED_BODY as body
heads = HEADLINES + MORE_HEADLINES
lead = "Russian Deputy Foreign Minister Sergey Ryabkov noted that under the previous US administration bilateral relations hit their lowest point"
sections = list(Section.objects.all())
now = timezone.now()
rows = []
for n in range({count}):
    at = now - dt.timedelta(minutes=2 * n + 1)
    rows.append(Article(public_id=300_000_000 + n, guid=f"urn:newsml:bench:{{n}}", slug=f"bench-{{n}}",
        headline=f"{{heads[n % len(heads)]}} ({{n}})", lead=lead, body=body,
        dateline_place="MOSCOW", section=sections[n % len(sections)], status="published",
        publish_at=at, first_published_at=at))
    if len(rows) == 2000:
        Article.objects.bulk_create(rows); rows = []
Article.objects.bulk_create(rows)
print(json.dumps([300_000_000 + n for n in range(0, {count}, 97)]))
"""


def build(env: dict) -> list[int]:
    run = {"env": env, "cwd": ROOT, "check": True, "capture_output": True, "text": True}
    subprocess.run([str(BIN / "newsdesk"), "migrate", "--no-input", "-v0"], **run)  # noqa: S603
    subprocess.run([str(BIN / "newsdesk"), "collectstatic", "--no-input", "-v0"], **run)  # noqa: S603
    out = subprocess.run([str(BIN / "newsdesk"), "shell", "-c", BUILD.format(count=ARTICLES)], **run)  # noqa: S603
    return json.loads(out.stdout.strip().splitlines()[-1])


def deep_feed_url(base: str, feed: str, pages: int) -> str:
    """Follow "More news" ``pages`` times by reading each page's cursor link (as a reader's browser would)."""
    url = base + feed
    for _ in range(pages - 1):
        html = urllib.request.urlopen(url, timeout=30).read().decode()  # noqa: S310 - our own local server
        start = html.index('href="', html.index("data-more") - 200)
        href = html[start + 6 : html.index('"', start + 6)].replace("&amp;", "&")
        url = base + href
    return url


def measure(base: str, ids: list[int], root: str) -> list[tuple[str, dict]]:
    article = f"/news/{ids[0]}/bench-0/"
    articles = [f"/news/{pid}/bench-{pid - 300_000_000}/" for pid in ids]
    feed = "/news/?" + "&".join(f"section={s}" for s in SECTIONS)
    html = urllib.request.urlopen(base + article, timeout=30).read()  # noqa: S310
    deep = deep_feed_url(base, feed, 1000)
    results = []
    static_root = tempfile.mkdtemp(prefix="newsdesk-nginx-")
    try:
        with nginx_static(static_root, html) as static_url:
            results.append(("nginx static article (ref)", wrk(static_url)))
    finally:
        shutil.rmtree(static_root, ignore_errors=True)
    results.append(("trivial Django view", wrk(base + "/bench/trivial/")))
    results.append(("article, uncached", wrk(base, lua(root, "articles", articles))))
    results.append(("filtered feed, page 1", wrk(base + feed)))
    results.append(("filtered feed, page 1,000", wrk(deep)))
    return results


def main() -> None:
    if not (shutil.which("wrk") and shutil.which("nginx")):
        print("skipped: needs wrk and nginx (Debian packages)")
        return
    data_dir = temp_data_dir()
    try:
        env = server_env(data_dir)
        env["DJANGO_SETTINGS_MODULE"] = "benchmarks._reader_settings"
        ids = build(env)
        with granian(env) as (port, _proc):
            results = measure(f"http://127.0.0.1:{port}", ids, data_dir)
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
    ref, trivial = results[0][1], results[1][1]
    print(
        f"wrk -t1 -c{CONNECTIONS} -d{SECONDS}s; granian WSGI (2 workers), SQLite, {ARTICLES:,} articles, no cache"
    )
    for name, result in results:
        print(line(name, result, ref) + f"  {result['rps'] / trivial['rps']:.2f}x trivial")
    article, first, deep = results[2][1], results[3][1], results[4][1]
    ratio = article["rps"] / trivial["rps"]
    spread = abs(deep["rps"] - first["rps"]) / first["rps"]
    print(f"targets: article ≥ 0.5x trivial view: {ratio:.2f}x {'met' if ratio >= 0.5 else 'NOT met'}; "
          f"feed page 1,000 within 10% of page 1: {spread:.0%} {'met' if spread <= 0.10 else 'NOT met'}")  # fmt: skip


if __name__ == "__main__":
    main()
