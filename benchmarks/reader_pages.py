"""Reader pages with no HTTP cache in front (issue: Reader site), on a database of 100,000 articles.

One run, same machine, granian WSGI with 2 workers as `make run` starts it, SQLite: nginx serving the saved
article page as a static file (the physical reference), a trivial Django view (the same middleware, no
database), and

- **article, cold**: a different article on every request (a Lua script walks all 100,000 in a scattered
  order), so neither the page kept per version nor SQLite's page cache helps — every request reads and renders;
- **article, warm**: the same article again and again: the page kept for its version (newsdesk.site.fragments)
  is served with its per-request parts filled in — still one state read per request, no HTTP/proxy cache;
- a 3-section filtered feed at page 1 and page 1,000 (keyset cursor).

Rounds alternate the runs; each figure is the median of ROUNDS. Targets: article ≥ 0.5x the trivial view;
feed page 1,000 within 10% of page 1. ``--inprocess`` prints only the CPU time per request measured in one
process (less noisy than HTTP on a shared machine), on the same kind of database.

``--editions`` (issue 23: the edition switch costs nothing) measures the article pages of both editions in one
run: an archive of EDITIONS_ARTICLES, every other article in the Russian edition (its own sections, a
Russian translation of the same text, addresses under /ru/), the CPU per request in one process and, with wrk
and nginx, requests per second through granian, each page's ratio to the trivial view per edition side by
side. ``--editions --inprocess``: the CPU figures only.
"""

from __future__ import annotations

import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

from benchmarks.scale_pages import CONNECTIONS, SECONDS, line, nginx_static, wrk
from tests.analytics.livesrv import BIN, ROOT, build_site, granian, server_env, temp_data_dir

ARTICLES = 100_000
ROUNDS = 3
SECTIONS = ("politics", "world", "economy")
FIRST_ID = 300_000_000

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
    rows.append(Article(public_id={first} + n, guid=f"urn:newsml:bench:{{n}}", slug=f"bench-{{n}}",
        headline=f"{{heads[n % len(heads)]}} ({{n}})", lead=lead, body=body,
        dateline_place="MOSCOW", section=sections[n % len(sections)], status="published",
        publish_at=at, first_published_at=at))
    if len(rows) == 2000:
        Article.objects.bulk_create(rows); rows = []
Article.objects.bulk_create(rows)
"""

# Every request a different article: n walks 0..count-1 in a scattered order (7919 is prime to the count).
COLD_LUA = """
local n = 0
request = function()
  n = n + 1
  local k = (n * 7919) %% %d
  return wrk.format("GET", string.format("/news/%%d/bench-%%d/", %d + k, k))
end
"""

# CPU time per request in one process (time.process_time: what the page costs, not what the machine's other
# load adds). The WSGI handler is called directly, with the project's middleware.
INPROCESS_HELPERS = """
def call(path):
    p, _, q = path.partition("?")
    env = {"REQUEST_METHOD": "GET", "PATH_INFO": p, "QUERY_STRING": q, "SERVER_NAME": "127.0.0.1",
           "SERVER_PORT": "8000", "wsgi.input": io.BytesIO(), "wsgi.url_scheme": "http", "HTTP_HOST": "127.0.0.1"}
    status = []
    body = b"".join(app(env, lambda s, h, e=None: status.append(s)))
    assert status[0].startswith("200"), (path, status)
    return body
def ms(paths, n):
    for p in paths[-3:]: call(p)
    best = []
    for r in range(3):  # each round its own paths: a cold round must not find the pages an earlier one kept
        start = time.process_time()
        for i in range(n): call(paths[((r * n + i) * 7919 + 11) % len(paths)])
        best.append((time.process_time() - start) / n * 1000)
    return min(best)
"""
INPROCESS = """
import io, json, time
from django.core.handlers.wsgi import WSGIHandler
app = WSGIHandler()
{helpers}
cold = [f"/news/{{{first} + k}}/bench-{{k}}/" for k in range(0, {count}, 7)]
out = {{
    "trivial view": ms(["/bench/trivial/"], 2000),
    "article, cold": ms(cold, 300),
    "article, warm": ms(["/news/{first}/bench-0/"], 1000),
    "filtered feed, page 1": ms([{feed!r}], 200),
}}
print(json.dumps(out))
"""

# Editions: every other article Russian (odd n), its text a Russian translation of the English one, in the
# Russian edition's sections; headlines are Russian Wikinews' (NEREL, CC BY 2.5), as the edition tests use.
EDITIONS_ARTICLES = 20_000
RU_HEADLINES = [
    "Обама назначит в Верховный суд латиноамериканку",
    "Мэром Детройта избран бывший игрок НБА",
    "Российские менеджеры отказались возглавлять \u201cгазовую ОПЕК\u201d",
    "Муртаза Рахимов чистит кадры",
]
RU_LEAD = (
    "Заместитель министра иностранных дел России Сергей Рябков отметил, что при прежней администрации США "
    "двусторонние отношения опустились до низшей точки"
)
RU_BODY = (
    "<p>Москва обеспокоена отсутствием серьёзного прорыва в российско-американских отношениях при администрации "
    "Дональда Трампа, заявил во вторник заместитель министра иностранных дел России Сергей Рябков на форуме "
    "«Диалог Форт-Росс».</p><p>Дипломат отметил, что при прежней администрации США двусторонние отношения "
    "опустились до низшей точки. «Но новый период, контакты и взаимодействие с администрацией Трампа не принесли "
    "серьёзного прорыва. Нас это беспокоит», — сказал Рябков.</p><p>Москва хочет переломить негативную тенденцию "
    "в отношениях с Вашингтоном и будет работать в этом направлении, отметил Рябков.</p><h2>Москва ничего не "
    "делала для вмешательства во внутреннюю политику США</h2><p>Москва никогда не предпринимала ничего, что "
    "могло бы рассматриваться как попытка повлиять на внутреннюю политику Вашингтона, сказал Рябков.</p>"
    '<figure><img src="/media/photos/fort-ross.jpg" alt="Форт-Росс" width="800" height="500"></figure>'
)
RU_SECTIONS = (("politika", "Политика"), ("mir", "В мире"), ("ekonomika", "Экономика"))

EDITIONS_BUILD = """
import datetime as dt
from django.utils import timezone
from newsdesk.news.models import Article, Section
from tests.factories import HEADLINES
from tests.site.conftest import MORE_HEADLINES
from tests.site.test_article import SEED_BODY as body
from benchmarks.reader_pages import RU_BODY, RU_HEADLINES, RU_LEAD, RU_SECTIONS
heads = HEADLINES + MORE_HEADLINES
lead = "Russian Deputy Foreign Minister Sergey Ryabkov noted that under the previous US administration bilateral relations hit their lowest point"
english = list(Section.objects.filter(language="en"))
russian = [Section.objects.get_or_create(language="ru", slug=slug, defaults={{"name": name, "order": n}})[0]
           for n, (slug, name) in enumerate(RU_SECTIONS)]
now = timezone.now()
rows = []
for n in range({count}):
    at = now - dt.timedelta(minutes=2 * n + 1)
    ru = n % 2 == 1
    rows.append(Article(public_id={first} + n, guid=f"urn:newsml:bench:{{n}}", slug=f"bench-{{n}}",
        headline=f"{{(RU_HEADLINES if ru else heads)[n % len(RU_HEADLINES if ru else heads)]}} ({{n}})",
        lead=RU_LEAD if ru else lead, body=RU_BODY if ru else body, language="ru" if ru else "en",
        dateline_place="МОСКВА" if ru else "MOSCOW", section=(russian if ru else english)[n % 3],
        status="published", publish_at=at, first_published_at=at))
    if len(rows) == 2000:
        Article.objects.bulk_create(rows); rows = []
Article.objects.bulk_create(rows)
"""


EDITIONS_INPROCESS = """
import io, json, time
from django.core.handlers.wsgi import WSGIHandler
app = WSGIHandler()
{helpers}
out = {{"trivial view": ms(["/bench/trivial/"], 2000)}}
for language, prefix, serial in (("en", "", 0), ("ru", "/ru", 1)):
    cold = [f"{{prefix}}/news/{{{first} + k}}/bench-{{k}}/" for k in range(serial, {count}, 14)]
    out[f"{{language}} article, cold"] = ms(cold, 300)
    out[f"{{language}} article, warm"] = ms([f"{{prefix}}/news/{{{first} + serial}}/bench-{{serial}}/"], 1000)
print(json.dumps(out))
"""

# Every request a different article of one edition: serials of one parity (odd: Russian), scattered.
EDITION_COLD_LUA = """
local n = 0
request = function()
  n = n + 1
  local k = 2 * ((n * 7919) %% %d) + %d
  return wrk.format("GET", string.format("%s/news/%%d/bench-%%d/", %d + k, k))
end
"""


def build(env: dict) -> None:
    build_site(env, BUILD.format(count=ARTICLES, first=FIRST_ID))


def feed_path() -> str:
    return "/news/?" + "&".join(f"section={s}" for s in SECTIONS)


def in_process(env: dict) -> dict:
    code = INPROCESS.format(helpers=INPROCESS_HELPERS, first=FIRST_ID, count=ARTICLES, feed=feed_path())
    run = {"env": env, "cwd": ROOT, "check": True, "capture_output": True, "text": True}
    out = subprocess.run([str(BIN / "newsdesk"), "shell", "-c", code], **run)  # noqa: S603
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


def measure(base: str, root: str) -> list[tuple[str, dict]]:
    article = f"/news/{FIRST_ID}/bench-0/"
    html = urllib.request.urlopen(base + article, timeout=30).read()  # noqa: S310
    deep = deep_feed_url(base, feed_path(), 1000)
    cold = Path(root) / "cold.lua"
    cold.write_text(COLD_LUA % (ARTICLES, FIRST_ID))
    runs = {
        "trivial Django view": lambda: wrk(base + "/bench/trivial/"),
        "article, cold": lambda: wrk(base, str(cold)),
        "article, warm": lambda: wrk(base + article),
        "filtered feed, page 1": lambda: wrk(base + feed_path()),
        "filtered feed, page 1,000": lambda: wrk(deep),
    }
    static_root = tempfile.mkdtemp(prefix="newsdesk-nginx-")
    rounds: dict[str, list[dict]] = {name: [] for name in ["nginx static article (ref)", *runs]}
    try:
        with nginx_static(static_root, html) as static_url:
            for _ in range(ROUNDS):
                rounds["nginx static article (ref)"].append(wrk(static_url))
                for name, run in runs.items():
                    rounds[name].append(run())
    finally:
        shutil.rmtree(static_root, ignore_errors=True)
    return [(name, _median(results)) for name, results in rounds.items()]


def _median(results: list[dict]) -> dict:
    middle = sorted(results, key=lambda r: r["rps"])[len(results) // 2]
    return {**middle, "p50": statistics.median(r["p50"] for r in results)}


def report(results: list[tuple[str, dict]], cpu: dict) -> None:
    ref, trivial = results[0][1], results[1][1]
    print(f"wrk -t1 -c{CONNECTIONS} -d{SECONDS}s, median of {ROUNDS} alternating rounds; granian WSGI (2 workers), "
          f"SQLite, {ARTICLES:,} articles, no HTTP cache")  # fmt: skip
    for name, result in results:
        print(line(name, result, ref) + f"  {result['rps'] / trivial['rps']:.2f}x trivial")
    print("CPU per request in one process (ms): " + ", ".join(f"{k} {v:.2f}" for k, v in cpu.items()))
    named = dict(results)
    first, deep = named["filtered feed, page 1"], named["filtered feed, page 1,000"]
    spread = abs(deep["rps"] - first["rps"]) / first["rps"]
    for name in ("article, cold", "article, warm"):
        ratio = named[name]["rps"] / trivial["rps"]
        print(f"target {name} ≥ 0.5x trivial view: {ratio:.2f}x {'met' if ratio >= 0.5 else 'NOT met'}")
    print(
        f"target feed page 1,000 within 10% of page 1: {spread:.0%} {'met' if spread <= 0.10 else 'NOT met'}"
    )


# Editions ---------------------------------------------------------------------------------------------------
EDITIONS = (("English", "", 0), ("Russian", "/ru", 1))  # name, address prefix, parity of the serials


def editions_in_process(env: dict) -> dict:
    code = EDITIONS_INPROCESS.format(helpers=INPROCESS_HELPERS, first=FIRST_ID, count=EDITIONS_ARTICLES)
    run = {"env": env, "cwd": ROOT, "check": True, "capture_output": True, "text": True}
    out = subprocess.run([str(BIN / "newsdesk"), "shell", "-c", code], **run)  # noqa: S603
    return json.loads(out.stdout.strip().splitlines()[-1])


def editions_measure(base: str, root: str) -> dict[str, dict]:
    runs = {"trivial Django view": lambda: wrk(base + "/bench/trivial/")}
    for name, prefix, serial in EDITIONS:
        cold = Path(root) / f"cold-{serial}.lua"
        cold.write_text(EDITION_COLD_LUA % (EDITIONS_ARTICLES // 2, serial, prefix, FIRST_ID))
        warm = f"{prefix}/news/{FIRST_ID + serial}/bench-{serial}/"
        urllib.request.urlopen(base + warm, timeout=30).read()  # noqa: S310 - our own local server
        runs[f"{name} article, cold"] = lambda cold=cold: wrk(base, str(cold))
        runs[f"{name} article, warm"] = lambda warm=warm: wrk(base + warm)
    rounds: dict[str, list[dict]] = {name: [] for name in runs}
    for _ in range(ROUNDS):
        for name, run in runs.items():
            rounds[name].append(run())
    return {name: _median(results) for name, results in rounds.items()}


def editions_report(results: dict[str, dict], cpu: dict) -> None:
    if results:
        trivial = results["trivial Django view"]["rps"]
        print(f"wrk -t1 -c{CONNECTIONS} -d{SECONDS}s, median of {ROUNDS} alternating rounds; granian WSGI (2 "
              f"workers), SQLite, {EDITIONS_ARTICLES:,} articles (half of them Russian), no HTTP cache")  # fmt: skip
        for kind in ("cold", "warm"):
            cells = []
            for name, _, _ in EDITIONS:
                r = results[f"{name} article, {kind}"]
                cells.append(f"{name} {r['rps']:,.0f} req/s = {r['rps'] / trivial:.2f}x trivial")
            print(f"article, {kind}: " + "; ".join(cells))
    print("CPU per request in one process (ms): " + ", ".join(f"{k} {v:.2f}" for k, v in cpu.items()))
    for kind in ("cold", "warm"):
        en, ru = cpu[f"en article, {kind}"], cpu[f"ru article, {kind}"]
        print(f"article, {kind}: trivial/page English {cpu['trivial view'] / en:.2f}, Russian "
              f"{cpu['trivial view'] / ru:.2f} (Russian {ru / en - 1:+.1%} CPU)")  # fmt: skip


def editions_main(inprocess_only: bool) -> None:
    data_dir = temp_data_dir()
    results: dict[str, dict] = {}
    try:
        env = server_env(data_dir, NEWSDESK_PAGE_CACHE="0")
        env["DJANGO_SETTINGS_MODULE"] = "benchmarks._reader_settings"
        build_site(env, EDITIONS_BUILD.format(count=EDITIONS_ARTICLES, first=FIRST_ID))
        cpu = editions_in_process(env)
        if not inprocess_only:
            with granian(env) as (port, _proc):
                results = editions_measure(f"http://127.0.0.1:{port}", data_dir)
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
    editions_report(results, cpu)


def main() -> None:
    inprocess_only = "--inprocess" in sys.argv
    if not inprocess_only and not (shutil.which("wrk") and shutil.which("nginx")):
        print("skipped: needs wrk and nginx (Debian packages)")
        return
    if "--editions" in sys.argv:
        editions_main(inprocess_only)
        return
    data_dir = temp_data_dir()
    try:
        # The page cache off: every request is rendered (benchmarks/page_cache.py measures kept pages).
        env = server_env(data_dir, NEWSDESK_PAGE_CACHE="0")
        env["DJANGO_SETTINGS_MODULE"] = "benchmarks._reader_settings"
        build(env)
        cpu = in_process(env)
        if inprocess_only:
            print("CPU per request in one process (ms): " + ", ".join(f"{k} {v:.2f}" for k, v in cpu.items()))
            return
        with granian(env) as (port, _proc):
            results = measure(f"http://127.0.0.1:{port}", data_dir)
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
    report(results, cpu)


if __name__ == "__main__":
    main()
