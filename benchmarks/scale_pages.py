"""Pages in the recommended deployment (Varnish in front of granian WSGI, Redis) against nginx serving a saved
copy of an article page as a static file — the physical reference — all in one run on this machine.

Runs (wrk -t1 -c64, a few seconds each): hot article (cache hit), cold article (every request a miss), a
filtered feed page, the search page, and mixed traffic while one article is published (and purged) per second.
Ratios are against the reference measured in the same run (the machine is shared and noisy).
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
import tempfile
import textwrap
import time
import urllib.request
from pathlib import Path

from tests.analytics.livesrv import BIN, ROOT, granian, prepare_site, server_env, temp_data_dir
from tests.edge.proxy import varnish_server
from tests.servers import _free_port, _wait_for_port, redis_server

SECONDS = 4
CONNECTIONS = 64

ROTATE_LUA = """
local paths = {%s}
local n = 0
request = function()
  n = n + 1
  return wrk.format("GET", paths[(n %% #paths) + 1]%s)
end
"""

PUBLISHER = """
import time
from django.utils import timezone
from newsdesk.news import services
from newsdesk.news.models import Article, Section
section = Section.objects.get(slug="politics")
for n in range({count}):
    a = Article.objects.create(headline=f"Kremlin comments on the summit ({{n}})", slug=f"live-{{n}}-{{time.time_ns()}}",
        body="<p>The Kremlin said the talks were constructive.</p>", section=section, status="draft")
    services.article_publish(article=a, by=None)
    time.sleep(1)
"""


def wrk(url: str, script: str | None = None) -> dict:
    cmd = [
        "wrk",
        "-t1",
        f"-c{CONNECTIONS}",
        f"-d{SECONDS}s",
        "--latency",
        *(["-s", script] if script else []),
        url,
    ]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout  # noqa: S603 - fixed command
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50": _ms(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1)),
        "p99": _ms(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1)),
        "bad": int(bad.group(1)) if bad else 0,
        "errors": errors.group(1) if errors else "",
    }


def _ms(text: str) -> float:
    value, unit = re.match(r"([\d.]+)(\w+)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def lua(root: str, name: str, paths: list[str], unique: bool = False) -> str:
    script = Path(root) / f"{name}.lua"
    suffix = ' .. "?r=" .. n' if unique else ""
    body = ROTATE_LUA % (", ".join(f'"{p}"' for p in paths), "")
    if unique:
        body = body.replace("paths[(n % #paths) + 1]", f"paths[(n % #paths) + 1]{suffix}")
    script.write_text(body)
    return str(script)


@contextlib.contextmanager
def nginx_static(root: str, html: bytes):
    port = _free_port()
    os.chmod(root, 0o755)  # noqa: S103 - nginx's workers run as another user and must read the file
    www = Path(root) / "www"
    www.mkdir(mode=0o755)
    (www / "article.html").write_bytes(html)
    conf = Path(root) / "nginx.conf"
    conf.write_text(textwrap.dedent(f"""
        daemon off; worker_processes 2; pid {root}/nginx.pid; error_log {root}/error.log;
        events {{ worker_connections 1024; }}
        http {{ access_log off; server {{ listen 127.0.0.1:{port}; root {www}; location / {{ }} }} }}
    """))  # fmt: skip
    proc = subprocess.Popen(["nginx", "-c", str(conf), "-p", root], stderr=subprocess.DEVNULL)  # noqa: S603,S607
    try:
        _wait_for_port(port, proc)
        yield f"http://127.0.0.1:{port}/article.html"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def line(name: str, result: dict, ref: dict) -> str:
    errors = f", {result['bad']} non-2xx/3xx" if result["bad"] else ""
    errors += f", socket errors {result['errors']}" if result["errors"] else ""
    return (f"{name:28} {result['rps']:9,.0f} req/s  p50 {result['p50']:7.2f} ms  p99 {result['p99']:7.2f} ms  "
            f"{result['rps'] / ref['rps']:.3f}x nginx{errors}")  # fmt: skip


def run(redis_url: str) -> list[tuple[str, dict]]:
    data_dir = temp_data_dir()
    try:
        app_port = _free_port()
        with varnish_server(app_port=app_port) as proxy:
            env = server_env(data_dir, REDIS_URL=redis_url, NEWSDESK_PURGE_URLS=proxy.url)
            ids = prepare_site(env, articles=300, static=True)
            with granian(env, port=app_port):
                return measure(proxy.url, ids, env, data_dir)
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


def measure(base: str, ids: list[int], env: dict, root: str) -> list[tuple[str, dict]]:
    article = f"/news/{ids[0]}/bench-0/"
    articles = [f"/news/{pid}/bench-{n}/" for n, pid in enumerate(ids)]
    html = urllib.request.urlopen(base + article, timeout=30).read()  # noqa: S310 - our own local server
    for path in [article, "/news/?section=politics", "/", "/search/?q=relations"]:
        for _ in range(4):
            urllib.request.urlopen(base + path, timeout=30).read()  # noqa: S310
    results = []
    static_root = tempfile.mkdtemp(prefix="newsdesk-nginx-")  # not under the data dir: nginx's user reads it
    try:
        with nginx_static(static_root, html) as static_url:
            results.append(("nginx static article (ref)", wrk(static_url)))
    finally:
        shutil.rmtree(static_root, ignore_errors=True)
    results.append(("hot article (hit)", wrk(base + article)))
    results.append(("cold article (miss)", wrk(base, lua(root, "cold", articles, unique=True))))
    results.append(("filtered feed", wrk(base + "/news/?section=politics")))
    results.append(("search page", wrk(base, lua(root, "search", [f"/search/?q={w}" for w in SEARCH_WORDS]))))
    lists = ["/news/?section=politics", "/news/", "/"] * 3 + ["/section/politics/", "/section/world/"]
    mix = articles[:50] * 16 + lists
    publisher = subprocess.Popen(  # noqa: S603 - our own command line
        [str(BIN / "newsdesk"), "shell", "-c", PUBLISHER.format(count=SECONDS + 3)],
                                 env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    time.sleep(1.5)  # the publisher's Django has started
    results.append(("mixed, 1 publish/s", wrk(base, lua(root, "mix", mix))))
    publisher.wait(timeout=60)
    return results


SEARCH_WORDS = [
    "putin",
    "relations",
    "moscow",
    "syria",
    "sanctions",
    "trump",
    "kremlin",
    "talks",
    "minister",
    "oil",
]


def main() -> None:
    varnish = shutil.which("varnishd") or Path("/usr/sbin/varnishd").exists()
    if not (shutil.which("wrk") and shutil.which("nginx") and varnish):
        print("skipped: needs wrk, nginx and varnish (Debian packages)")
        return
    try:
        with redis_server() as redis_url:
            results = run(redis_url)
    except FileNotFoundError as exc:
        print(f"skipped: {exc}")
        return
    ref = results[0][1]
    print(
        f"wrk -t1 -c{CONNECTIONS} -d{SECONDS}s; Newsdesk = Varnish → granian WSGI (2 workers) + Redis, SQLite"
    )
    for name, result in results:
        print(line(name, result, ref))
    hit = results[1][1]["rps"] / ref["rps"]
    mixed = results[-1][1]
    print(f"targets: cache hit ≥ 0.5x nginx: {hit:.2f}x {'met' if hit >= 0.5 else 'NOT met'}; "
          f"mixed p99 ≤ 100 ms with no errors: {mixed['p99']:.1f} ms, "
          f"{'met' if mixed['p99'] <= 100 and not mixed['bad'] and not mixed['errors'] else 'NOT met'} "
          f"(over {SECONDS} s, not 60 s)")  # fmt: skip


if __name__ == "__main__":
    main()
