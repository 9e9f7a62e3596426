"""The real `make run` stack (the Makefile's serve line): live readers, slow clients and killed processes
never stop it serving. No timing is asserted: every wait is for a condition, with a generous deadline."""

from __future__ import annotations

import html
import http.client
import json
import os
import re
import signal
import socket
import threading
import time
from urllib.parse import parse_qs, urlencode, urlsplit

from .stack import PATIENCE, WORKERS, alive, answers, request, wait_for

PAGES = ["/", "/news/", "/news/?section=politics", "/feeds/news.rss"]


def article_path(stack) -> str:
    body = request(stack.port, "/news/")[2].decode()
    return re.search(r'href="(/news/\d+/[^"]+/)"', body).group(1)


def assert_pages_answer(stack, paths) -> None:
    for path in paths:
        status, _, _ = request(stack.port, path, timeout=PATIENCE)
        assert status == 200, path


class Poller(threading.Thread):
    """A reader with a page open: polls /live/events the way live.js does, over a kept-alive connection."""

    def __init__(self, port: int, since_ms: int) -> None:
        super().__init__(daemon=True)
        self.port, self.since = port, since_ms
        self.last, self.etag = "", ""
        self.headlines: list[str] = []
        self.statuses: list[int] = []
        self.failures: list[str] = []
        self.stopping = threading.Event()
        self.conn: http.client.HTTPConnection | None = None

    def poll(self) -> None:
        query = urlencode({"after": self.last} if self.last else {"since": self.since})
        headers = {"If-None-Match": self.etag} if self.etag else {}
        for attempt in (1, 2):  # a kept-alive connection the server closed meanwhile is opened again, once
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=PATIENCE)
            try:
                self.conn.request("GET", f"/live/events?{query}", headers=headers)
                response = self.conn.getresponse()
                body = response.read()
                break
            except (OSError, http.client.HTTPException) as exc:
                self.conn.close()
                self.conn = None
                if attempt == 2:
                    raise exc
        self.statuses.append(response.status)
        if response.status == 200:
            answer = json.loads(body)
            self.headlines += [event["headline"] for event in answer["events"]]
            self.last, self.etag = answer["last"], response.getheader("ETag", "")

    def run(self) -> None:
        while not self.stopping.wait(0.5):
            try:
                self.poll()
            except Exception as exc:  # noqa: BLE001 - recorded, the test fails on it
                self.failures.append(repr(exc))


def test_pages_answer_while_readers_poll_and_every_reader_gets_the_new_story(stack):
    pollers = [Poller(stack.port, since_ms=int(time.time() * 1000)) for _ in range(100)]
    for poller in pollers:
        poller.start()
    try:
        wait_for(lambda: all(len(p.statuses) >= 2 for p in pollers), what="every reader to poll twice")
        assert_pages_answer(stack, [*PAGES, article_path(stack)])

        headline = "Stack story: a new story while a hundred readers poll"
        stack.ingest([headline])
        wait_for(lambda: all(headline in p.headlines for p in pollers), what="every reader to get the story")
        assert_pages_answer(stack, PAGES)
    finally:
        for poller in pollers:
            poller.stopping.set()
        for poller in pollers:
            poller.join(PATIENCE)
    assert [p.failures for p in pollers if p.failures] == []
    assert all(p.headlines.count(headline) == 1 for p in pollers)  # each reader gets it once
    assert all(304 in p.statuses for p in pollers)  # nothing new: the cheap answer


def half_body(port: int, path: str = "/analytics/read") -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port))
    sock.sendall(f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: text/plain\r\n"
                 "Content-Length: 500\r\n\r\na=1".encode())  # fmt: skip
    return sock


def outcome(sock: socket.socket) -> str:
    """What the server did with the connection: the status it answered, or "closed" (cut, no answer)."""
    sock.settimeout(PATIENCE)
    try:
        data = sock.recv(4096)
        if data:
            status = data.split(b" ", 2)[1].decode()
            while sock.recv(4096):  # then it closes the connection
                pass
            return status
        return "closed"
    except ConnectionResetError:
        return "closed"
    finally:
        sock.close()


def test_a_half_sent_body_is_cut_off_and_others_are_served_meanwhile(stack):
    stuck = [half_body(stack.port) for _ in range(10)]
    assert_pages_answer(stack, PAGES)  # while the bodies are outstanding
    assert answers(stack.port, "/live/events")
    outcomes = [outcome(sock) for sock in stuck]
    # Each refused at once (too many from one address) or cut at its deadline; never answered as a read.
    assert set(outcomes) <= {"429", "503", "408", "closed"}, outcomes
    held = [o for o in outcomes if o in ("408", "closed")]
    assert 1 <= len(held) <= WORKERS * 2  # what one address may hold: 2 bodies per server process
    assert_pages_answer(stack, PAGES)


def test_silent_and_trickling_connections_are_cut_off(stack):
    silent = socket.create_connection(("127.0.0.1", stack.port))  # never sends its request line
    trickle = socket.create_connection(("127.0.0.1", stack.port))
    trickle.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")  # headers that never end
    assert_pages_answer(stack, PAGES)
    assert outcome(silent) == "closed"
    assert outcome(trickle) in ("closed", "408")


def test_a_killed_server_process_is_replaced_and_requests_after_it_succeed(stack):
    stack.wait_ready()
    victim = stack.granian_workers()[0]
    os.kill(victim, signal.SIGKILL)
    paths = [*PAGES, article_path(stack)]
    for n in range(40):  # from the moment of the kill: every request answered (the other process serves)
        assert request(stack.port, paths[n % len(paths)], timeout=PATIENCE)[0] == 200
    wait_for(lambda: len(stack.granian_workers()) == WORKERS and victim not in stack.granian_workers(),
             what="granian to replace the killed process")  # fmt: skip
    stack.wait_ready()


def test_a_killed_granian_is_restarted_and_its_processes_hand_over(stack):
    stack.wait_ready()
    main, old_workers = stack.granian(), stack.granian_workers()
    os.kill(main, signal.SIGKILL)
    for n in range(40):  # the old processes serve until the new ones do
        assert request(stack.port, PAGES[n % len(PAGES)], timeout=PATIENCE)[0] == 200
    wait_for(lambda: stack.granian() not in (None, main), what="a new granian")
    stack.wait_ready()
    wait_for(lambda: not any(alive(pid) for pid in old_workers), what="the old processes to stop")
    assert_pages_answer(stack, PAGES)


def test_a_killed_background_worker_is_restarted(stack):
    stack.wait_ready()
    worker = stack.worker()
    os.kill(worker, signal.SIGKILL)
    wait_for(lambda: stack.worker() not in (None, worker), what="a new newsdesk worker")
    assert "worker exited on SIGKILL" in stack.output()
    log = stack.data / "worker.log"
    wait_for(lambda: f"PID {stack.worker()} " in log.read_text(), what="the new worker to start its consumer")
    # Publishing still reaches readers with the new worker in place.
    since = int(time.time() * 1000) - 1000
    headline = "Stack story: published after the worker was restarted"
    stack.ingest([headline])

    def announced() -> bool:
        body = json.loads(request(stack.port, f"/live/events?since={since}")[2])
        return any(event["headline"] == headline for event in body["events"])

    wait_for(announced, what="the story to be announced")


def test_links_in_pages_and_feeds_name_the_port_the_stack_serves(stack):
    site = f"http://127.0.0.1:{stack.port}"
    article = request(stack.port, article_path(stack))[2].decode()
    canonical = html.unescape(re.search(r'<link rel="canonical" href="([^"]+)"', article).group(1))
    og_url = html.unescape(re.search(r'<meta property="og:url" content="([^"]+)"', article).group(1))
    assert canonical.startswith(site + "/news/") and og_url == canonical
    share = html.unescape(re.search(r'href="(https://t\.me/share/url\?[^"]+)"', article).group(1))
    assert parse_qs(urlsplit(share).query)["url"] == [canonical]
    feed = request(stack.port, "/feeds/news.rss")[2].decode()
    assert f"<link>{site}/news/" in feed and "127.0.0.1:8000" not in feed + article
