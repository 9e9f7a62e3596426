"""The page cache on the `make run` stack: kept pages change when the pipeline purges them, never by expiry.

List pages are kept for an hour (s-maxage 3600), article pages for a minute (their sidebar), so a page that shows
a story published or corrected seconds ago can only have been purged: by the worker draining the outbox, through
the purge log every server process reads.
"""

from __future__ import annotations

import html
import http.client
import re
import time
import uuid
from http.cookies import SimpleCookie
from urllib.parse import urlencode

import pytest

from .stack import request, wait_for

LISTS = ["/", "/news/", "/section/politics/", "/feeds/news.rss", "/feeds/section/politics.rss"]


def kept(stack, path: str) -> bool:
    """Asked twice per worker process, the page comes from the cache at least once."""
    return any(request(stack.port, path)[1].get("x-cache") == "HIT" for _ in range(6))


def shows(stack, path: str, text: str) -> bool:
    return text in html.unescape(request(stack.port, path)[2].decode())


def story_path(stack, headline: str) -> str | None:
    """The story's link on /news/ as this answer shows it, or None. Until the worker's purge arrives, a process
    may still answer with the page it kept before the publish, though another has already made a fresh one."""
    body = html.unescape(request(stack.port, "/news/")[2].decode())
    match = re.search(r'href="(/news/\d+/[^"]+/)"[^>]*>\s*' + re.escape(headline), body)
    return match.group(1) if match else None


def test_a_published_story_reaches_every_kept_list_page_through_the_purge(stack):
    for path in LISTS:
        wait_for(lambda path=path: kept(stack, path), what=f"{path} to be kept")
    headline = f"Cache check {uuid.uuid4().hex[:8]}: ministers agree on grain deal"
    stack.ingest([headline])
    started = time.monotonic()
    for path in LISTS:
        wait_for(lambda path=path: shows(stack, path, headline), what=f"{headline!r} on {path}")
    print(
        f"every list page showed the new story {time.monotonic() - started:.2f} s after the ingest returned"
    )
    for path in LISTS:  # and each is kept again afterwards, with the story
        wait_for(
            lambda path=path: kept(stack, path) and shows(stack, path, headline), what=f"{path} kept again"
        )


@pytest.fixture(scope="module")
def editor_password(stack) -> str:
    """A newsroom editor (superuser) made in the stack's database; returns the password."""
    password = uuid.uuid4().hex
    stack.newsdesk("shell", "-c", (
        "from django.contrib.auth import get_user_model\n"
        "User = get_user_model()\n"
        "user, _ = User.objects.get_or_create(username='stack-editor', defaults={'is_staff': True})\n"
        "user.is_superuser = True\n"
        f"user.set_password({password!r})\n"
        "user.save()\n"
    ))  # fmt: skip
    return password


def test_a_correction_reaches_the_kept_article_page(stack, editor_password):
    headline = f"Correction check {uuid.uuid4().hex[:8]}: talks resume in Geneva"
    stack.ingest([headline])
    path = wait_for(lambda: story_path(stack, headline), what="the story on /news/")
    wait_for(lambda: kept(stack, path), what="the article page to be kept")
    note = f"An earlier version gave the wrong city ({uuid.uuid4().hex[:6]})."
    stack.newsdesk("shell", "-c", _correct(headline, note))
    wait_for(lambda: shows(stack, path, note), what="the correction on the kept article page")


def test_a_signed_in_editor_never_gets_a_kept_page(stack, editor_password):
    wait_for(lambda: kept(stack, "/"), what="the home page to be kept")
    cookies = _sign_in(stack, editor_password)
    for path in ["/", "/news/", "/section/politics/"]:
        for _ in range(4):
            status, headers, _ = request(stack.port, path, headers={"Cookie": cookies})
            assert status == 200
            assert headers.get("x-cache") != "HIT", path
            assert "private" in headers.get("cache-control", ""), path


def _correct(headline: str, note: str) -> str:
    return (
        "from django.contrib.auth import get_user_model\n"
        "from newsdesk.news.models import Article\n"
        "from newsdesk.news.services import article_correct\n"
        "editor = get_user_model().objects.get(username='stack-editor')\n"
        f"article_correct(article=Article.objects.get(headline={headline!r}), by=editor, note={note!r})\n"
    )


def _sign_in(stack, password: str) -> str:
    """Log in through the newsroom's own login form; returns the Cookie header of the signed-in browser."""
    status, headers, body = request(stack.port, "/newsroom/login/")
    jar = SimpleCookie(headers.get("set-cookie", ""))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body.decode()).group(1)
    form = urlencode({"username": "stack-editor", "password": password, "csrfmiddlewaretoken": token,
                      "next": "/newsroom/"})  # fmt: skip
    conn = http.client.HTTPConnection("127.0.0.1", stack.port, timeout=60)
    try:
        conn.request("POST", "/newsroom/login/", body=form, headers={
            "Cookie": f"csrftoken={jar['csrftoken'].value}", "Content-Type": "application/x-www-form-urlencoded",
            "Referer": f"http://127.0.0.1:{stack.port}/newsroom/login/",
        })  # fmt: skip
        response = conn.getresponse()
        response.read()
        assert response.status == 302, f"login answered {response.status}"
        for header in response.msg.get_all("Set-Cookie") or []:
            jar.load(header)
    finally:
        conn.close()
    assert "sessionid" in jar, "no session cookie after logging in"
    return "; ".join(f"{name}={morsel.value}" for name, morsel in jar.items())
