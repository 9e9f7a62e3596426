"""Hostile input to search and the API (issue 16, findings 3 and 6): common typos whose "did you mean" was a
stop word (a 500), API errors answered as HTML, the search API outside the token rule, and a rate limit counted
per process and per proxy address. Search runs on this run's database (its matching back end)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied

from newsdesk.search.query import STOPWORDS, parse
from newsdesk.syndication import services as syndication
from tests.search.conftest import backend, story  # noqa: F401 - the per-engine fixture

ROOT = Path(__file__).resolve().parents[2]
TYPOS = ["teh", "nan", "thw", "tge", "nad", "wsa", "abd", "ont", "Teh talks", "thw AND tge"]

pytestmark = pytest.mark.django_db


@pytest.fixture
def indexed(backend):  # noqa: F811 - the fixture imported above
    # Copy full of stop words, so each typo's nearest indexed word is one ("the", "and", "was", "not", "on").
    story(
        "The talks and the weather in Moscow were not on the agenda",
        "<p>The president was in Moscow and the talks went on, but the weather was not discussed.</p>",
    )
    return backend


@pytest.mark.parametrize("q", TYPOS)
def test_a_typo_near_a_stop_word_is_answered_never_a_500(client, indexed, q):
    page = client.get("/search/", {"q": q})
    assert page.status_code == 200
    api = client.get("/api/v1/search", {"q": q})
    assert api.status_code == 200 and api["Content-Type"] == "application/json"
    suggestion = api.json()["did_you_mean"]
    # Never a suggestion that searches for nothing (only stop words).
    assert suggestion is None or not parse(suggestion).is_empty, suggestion


@pytest.mark.parametrize("q", ["the", "The AND of", '"the"', '"and the"'])
def test_a_query_of_stop_words_says_so_and_finds_them_as_typed(client, indexed, q):
    html = client.get("/search/", {"q": q}).content.decode()
    assert "has only very common words" in html
    found = client.get("/api/v1/search", {"q": q}).json()
    assert found["common_words"] is True
    # "The AND of": the phrase "the and of", which the story does not have.
    assert found["total"] == (0 if q == "The AND of" else 1), found


def test_stop_words_only_the_text_has_are_found_there_and_the_page_says_so(client, indexed):
    """ "was not": no headline or lead has it ("were not"), the story's text (its indexed document) does."""
    from newsdesk.search.services import search_sync_pending

    search_sync_pending()
    html = client.get("/search/", {"q": "was not"}).content.decode()
    assert "these stories have them in their text" in html and "<mark>was not</mark> discussed" in html
    found = client.get("/api/v1/search", {"q": "was not"}).json()
    assert found["common_words_in_text"] is True and found["total"] == 1
    assert client.get("/api/v1/search", {"q": "the talks"}).json()["common_words_in_text"] is False


def test_both_engines_answer_an_empty_query_with_nothing(indexed):
    from newsdesk.news.models import Article

    empty = parse("the and of")
    assert empty.is_empty
    assert indexed.candidates(empty, within=Article.objects.all(), limit=10) == []
    assert indexed.highlights(empty, list(Article.objects.values_list("pk", flat=True))) == {}


def test_did_you_mean_never_offers_a_stop_word(client, indexed):
    # So that "teh" itself is an indexed word, not a typo.
    story("Teh Kamaz plant ships trucks", "<p>Trucks.</p>")
    for q in ("wsa", "nad", "ont"):
        suggestion = client.get("/api/v1/search", {"q": q}).json()["did_you_mean"]
        assert suggestion is None or suggestion.lower() not in STOPWORDS


# --- every /api/v1/ error is JSON -----------------------------------------------------------------------------


def _json_error(response, status: int) -> dict:
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json"), response.content[:200]
    error = response.json()["error"]
    assert error["status"] == status and error["message"]
    return error


def test_api_errors_are_json_not_the_html_error_page(client, monkeypatch, settings, indexed):
    client.raise_request_exception = False
    _json_error(client.get("/api/v1/no/such/thing"), 404)
    _json_error(client.post("/api/v1/no/such/thing"), 404)  # no CSRF page either
    _json_error(client.post("/api/v1/openapi.json"), 405)
    _json_error(client.post("/api/v1/search", {"q": "Moscow"}), 405)
    # 400: a request Django refuses before any view (an unknown Host).
    _json_error(client.get("/api/v1/items", headers={"Host": "evil.example"}), 400)
    # 400 from the search API's own validation: the API's error shape, with the fields named.
    response = client.get("/api/v1/search", {"q": "Moscow", "page": "0"})
    assert _json_error(response, 400)["code"] == "invalid_parameter" and "page" in response.json()["errors"]

    def crash(**kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr("newsdesk.search.selectors.search_articles", crash)
    assert _json_error(client.get("/api/v1/search", {"q": "Moscow"}), 500)["code"] == "server_error"

    def refuse(**kwargs):
        raise PermissionDenied

    monkeypatch.setattr("newsdesk.search.selectors.search_articles", refuse)
    _json_error(client.get("/api/v1/search", {"q": "Moscow"}), 403)
    # The site's own pages keep their HTML error pages.
    assert client.get("/no/such/page/")["Content-Type"].startswith("text/html")
    settings.NEWSDESK_API_ANONYMOUS_RATE = 1
    monkeypatch.undo()
    client.get("/api/v1/search", {"q": "Moscow"})
    assert _json_error(client.get("/api/v1/search", {"q": "Moscow"}), 429)["code"] == "rate_limited"


# --- one token rule and one shared limit for every /api/v1/ endpoint -----------------------------------------


def test_search_api_follows_the_token_rule_and_the_limit(client, settings, indexed):
    settings.NEWSDESK_API_ANONYMOUS = False
    response = client.get("/api/v1/search", {"q": "Moscow"})
    assert _json_error(response, 401)["code"] == "token_required"
    assert response["WWW-Authenticate"] == "Bearer"
    _, key = syndication.token_create(name="Regional Daily web desk", rate_limit_per_minute=2)
    bearer = {"Authorization": f"Bearer {key}"}
    codes = [client.get("/api/v1/search", {"q": "Moscow"}, headers=bearer).status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    settings.NEWSDESK_API_ANONYMOUS = True
    settings.NEWSDESK_API_ANONYMOUS_RATE = 2
    codes = [client.get("/api/v1/search", {"q": "Moscow"}).status_code for _ in range(3)]
    assert codes == [200, 200, 429]


def test_readers_behind_the_proxy_each_have_their_own_limit(client, settings, indexed):
    settings.NEWSDESK_API_ANONYMOUS_RATE = 2
    settings.NEWSDESK_CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"
    proxy = {"REMOTE_ADDR": "10.0.0.5"}  # every request arrives from the proxy

    def status(forwarded: str) -> int:
        return client.get("/api/v1/items", HTTP_X_FORWARDED_FOR=forwarded, **proxy).status_code

    assert [status("198.51.100.1") for _ in range(3)] == [200, 200, 429]
    assert status("198.51.100.2") == 200  # another reader, not the first one's bucket
    # What the client writes before the proxy's own entry is not trusted: still the first reader.
    assert status("203.0.113.99, 198.51.100.1") == 429


COUNTER = """
import os, sys
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
import django
django.setup()
from newsdesk.syndication.services import rate_limit_hit
identity, now = sys.argv[1], float(sys.argv[2])
print(sum(rate_limit_hit(identity=identity, limit=60, now=now).allowed for _ in range(40)))
"""


def _count_in_two_processes(env: dict) -> list[int]:
    identity = f"ip:203.0.113.{uuid.uuid4().int % 250}-{uuid.uuid4().hex}"
    now = str(time.time() // 60 * 60 + 30)  # the middle of this minute: both processes count in one window
    env = {**os.environ, "PYTHONPATH": str(ROOT), **env}
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", COUNTER, identity, now],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    results = [worker.communicate(timeout=120) for worker in workers]
    assert all(worker.returncode == 0 for worker in workers), [err[-2000:] for _, err in results]
    return [int(out.strip().splitlines()[-1]) for out, _ in results]


def test_the_limit_is_shared_by_server_processes():
    """Two processes (two granian workers) counting one client: 80 requests against 60 a minute admit 60, not
    60 in each. On one machine the counters are files in DATA_DIR, kept consistent with a lock."""
    allowed = _count_in_two_processes({"REDIS_URL": ""})
    assert sum(allowed) == 60, allowed


def test_the_limit_is_shared_through_redis(redis_url):
    allowed = _count_in_two_processes({"REDIS_URL": redis_url})
    assert sum(allowed) == 60, allowed


def test_the_old_client_address_setting_still_works():
    code = (
        "import os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'tests.settings'); import django; "
        "django.setup(); from django.conf import settings; from newsdesk.ratelimit import client_address; "
        "print(settings.NEWSDESK_CLIENT_IP_HEADER, client_address("
        "{'REMOTE_ADDR': '10.0.0.5', 'HTTP_X_REAL_IP': '198.51.100.7'}))"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT), "ANALYTICS_CLIENT_IP_HEADER": "HTTP_X_REAL_IP"}
    env.pop("NEWSDESK_CLIENT_IP_HEADER", None)
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout
    assert out.split()[-2:] == ["HTTP_X_REAL_IP", "198.51.100.7"]
