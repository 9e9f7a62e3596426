"""Reader pages with Django templates against the same pages in Jinja2 (issue: one engine for reader pages).

The reader site used Django's template engine for its pages and Jinja2 for the article's own parts; it is now
Jinja2 throughout (Django's Jinja2 backend, autoescaping on, cards as macros). This benchmark renders the same
pages on the same data with both: the code just before the switch (``--before``) and just after it
(``--after``; ``--after .`` is the working tree), each commit extracted with ``git archive`` into a temporary
folder, each measured in its own process on its own copy of the same site (benchmarks/_reader_data.py, 500 articles, SQLite, ``NEWSDESK_PAGE_CACHE=0``).

Per page, CPU time per request (time.process_time, the best of ROUNDS rounds; the WSGI handler with the
project's middleware, called directly):

- **article, cold**: a different article each request and the kept article page never found
  (``fragments.article_page_get`` answers nothing), so every request reads and renders the whole article;
- **home** and **news feed**, as the first reader after a publish gets them: no page cache; the frame, cards and
  URLs kept between requests, as in production (``uncached_pages.py`` measures the same);
- the same three with **nothing kept**: every in-process fragment dropped before each request
  (``fragments.forget_fragments``), so the templates render everything, frame and cards included.

Run: ``python -m benchmarks.template_engines [--before REV] [--after REV|.]`` (about two minutes).
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import tempfile
from pathlib import Path

from tests.analytics.livesrv import BIN, ROOT, server_env, temp_data_dir

BEFORE = "af53c5b67971c7d6ded85d75d05655e5e28fed95"  # the last commit with Django templates for reader pages
AFTER = "02a48074df6e6bdbbba8e27aea2923bd56e97745"  # the same code with reader pages in Jinja2
ARTICLES = 500
ROUNDS = 7
PAGES = {"article, cold": None, "home": "/", "news feed": "/news/"}

# Run inside the project (``python -m newsdesk shell``) of either tree: the same calls for both.
INPROCESS = """
import io, itertools, json, time
from django.core.handlers.wsgi import WSGIHandler
from newsdesk.news.models import Article
from newsdesk.site import fragments
fragments.article_page_get = lambda key: None  # never a kept article page: every request renders
app = WSGIHandler()
def call(path):
    env = {{"REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": "", "SERVER_NAME": "127.0.0.1",
           "SERVER_PORT": "8000", "wsgi.input": io.BytesIO(), "wsgi.url_scheme": "http", "HTTP_HOST": "127.0.0.1"}}
    status = []
    b"".join(app(env, lambda s, h, e=None: status.append(s)))
    assert status[0].startswith("200"), (path, status)
articles = itertools.cycle([a.get_absolute_url() for a in Article.objects.order_by("-publish_at")[:400]])
def ms(path, n, *, forget):
    for _ in range(5): call(path or next(articles))
    best = []
    for _ in range({rounds}):
        spent = 0.0
        for _ in range(n):
            if forget: fragments.forget_fragments()
            start = time.process_time()
            call(path or next(articles))
            spent += time.process_time() - start
        best.append(spent / n * 1000)
    return min(best)
pages = {pages!r}
out = {{name: ms(path, 40, forget=False) for name, path in pages.items()}}
out.update({{name + ", nothing kept": ms(path, 40, forget=True) for name, path in pages.items()}})
print(json.dumps(out))
"""


def _tree_of(rev: str) -> Path:
    folder = Path(tempfile.mkdtemp(prefix="newsdesk-before-"))
    archive = subprocess.run(["git", "archive", rev], cwd=ROOT, check=True, capture_output=True)  # noqa: S603, S607
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive.stdout, check=True)  # noqa: S603, S607
    return folder


def measure(tree: Path) -> dict[str, float]:
    data_dir = temp_data_dir()
    try:
        env = server_env(data_dir, NEWSDESK_PAGE_CACHE="0")
        env.update(DJANGO_SETTINGS_MODULE="benchmarks._reader_settings", PYTHONPATH=str(tree))
        run = {"env": env, "cwd": tree, "check": True, "capture_output": True, "text": True}
        python = [str(BIN / "python"), "-m", "newsdesk"]
        subprocess.run([*python, "migrate", "--no-input", "-v0"], **run)  # noqa: S603
        subprocess.run([*python, "collectstatic", "--no-input", "-v0"], **run)  # noqa: S603
        build = f"from benchmarks._reader_data import build; build({ARTICLES})"
        subprocess.run([*python, "shell", "-c", build], **run)  # noqa: S603
        code = INPROCESS.format(pages=PAGES, rounds=ROUNDS)
        out = subprocess.run([*python, "shell", "-c", code], **run)  # noqa: S603
        return json.loads(out.stdout.strip().splitlines()[-1])
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


def report(before: dict[str, float], after: dict[str, float], revs: tuple[str, str]) -> None:
    print(f"CPU ms per request, best of {ROUNDS} rounds, {ARTICLES} articles, SQLite, no page cache")
    old, new = (f"{engine} ({rev[:8]})" for engine, rev in zip(("Django", "Jinja2"), revs, strict=True))
    print(f"  {'page':30} {old:>28} {new:>20} {'ratio':>7}")
    for name, old in before.items():
        new = after[name]
        print(f"  {name:30} {old:25.2f} ms {new:17.2f} ms {new / old:6.2f}x")
    verdict = "met" if after["article, cold"] <= before["article, cold"] else "NOT met"
    print(f"target: cold article no slower than with Django templates: {verdict}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", default=BEFORE, help="a commit with Django templates for reader pages")
    parser.add_argument("--after", default=AFTER, help="a commit with Jinja2 reader pages; . = working tree")
    args = parser.parse_args(argv if argv is not None else [])
    figures = []
    for rev in (args.before, args.after):
        tree = ROOT if rev == "." else _tree_of(rev)
        try:
            figures.append(measure(tree))
        finally:
            if tree != ROOT:
                shutil.rmtree(tree, ignore_errors=True)
    report(*figures, (args.before, args.after))


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
