"""The SSE stream across two real ASGI processes sharing Redis: a browser that reconnects to the other process
with Last-Event-ID gets exactly what it missed — no gap, no duplicate — and then the live events."""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from newsdesk.live.backends import load_backend
from tests.servers import _free_port, _wait_for_port

ROOT = Path(__file__).resolve().parents[2]


@contextlib.contextmanager
def asgi_process(redis_url: str):
    with tempfile.TemporaryDirectory(prefix="newsdesk-live-") as data_dir:
        port = _free_port()
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings", "REDIS_URL": redis_url,
               "NEWSDESK_DATA_DIR": data_dir, "DATABASE_URL": ""}  # fmt: skip
        granian = Path(sys.executable).with_name("granian")
        proc = subprocess.Popen(
            [str(granian), "--interface", "asgi", "--host", "127.0.0.1", "--port", str(port), "--workers", "1",
             "--no-ws", "newsdesk.asgi:application"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            _wait_for_port(port, proc)
            yield port
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:  # a stream still open keeps a graceful shutdown waiting
                proc.kill()
                proc.wait(timeout=10)


class Stream:
    def __init__(self, port: int, query: str = "", last_event_id: str = ""):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        headers = {
            "Accept": "text/event-stream",
            **({"Last-Event-ID": last_event_id} if last_event_id else {}),
        }
        self.conn.request("GET", "/live/stream" + query, headers=headers)
        self.sock = self.conn.sock  # kept: a "Connection: close" answer makes http.client drop conn.sock
        self.response = self.conn.getresponse()
        assert self.response.status == 200
        assert self.response.getheader("Content-Type").startswith("text/event-stream")

    def frames(self, count: int, *, within: float = 3.0) -> list[dict]:
        """The next ``count`` frames that carry an id (stories, or bare position updates)."""
        found, frame, deadline = [], {}, time.monotonic() + within
        while len(found) < count and (left := deadline - time.monotonic()) > 0:
            self.sock.settimeout(left)
            try:
                line = self.response.fp.readline().decode().rstrip("\n")
            except TimeoutError:
                break
            if line:
                name, _, value = line.partition(": ")
                frame[name] = value
            elif "id" in frame:
                found.append(frame)
                frame = {}
            else:
                frame = {}
        return found

    def close(self):
        self.conn.close()


def story(n: int, section: str = "politics") -> dict:
    return {
        "public_id": n,
        "headline": f"Lavrov meets Tillerson ({n})",
        "section": section,
        "url": f"/news/{n}/",
    }


def test_resume_on_another_process_has_no_gap_and_no_duplicate(redis_url):
    backend = load_backend({"BACKEND": "redis", "OPTIONS": {"URL": redis_url}})
    start = backend.latest_id() or "0-0"
    with asgi_process(redis_url) as port_a, asgi_process(redis_url) as port_b:
        first = [backend.announce(key=f"resume:{n}", data=story(n)) for n in (1, 2)]
        stream = Stream(port_a, f"?after={start}")
        seen = stream.frames(2)
        assert [frame["id"] for frame in seen] == first
        stream.close()

        missed = [backend.announce(key=f"resume:{n}", data=story(n)) for n in (3, 4)]
        stream = Stream(port_b, last_event_id=seen[-1]["id"])
        resumed = stream.frames(2)
        assert [frame["id"] for frame in resumed] == missed
        assert [json.loads(frame["data"])["public_id"] for frame in resumed] == [3, 4]

        live = backend.announce(key="resume:5", data=story(5))
        assert [frame["id"] for frame in stream.frames(1)] == [live]
        assert stream.frames(1, within=0.5) == []  # nothing twice
        stream.close()


def test_section_filter_and_position(redis_url):
    backend = load_backend({"BACKEND": "redis", "OPTIONS": {"URL": redis_url}})
    start = backend.latest_id() or "0-0"
    with asgi_process(redis_url) as port:
        sport = backend.announce(key="filter:1", data=story(1, "sport"))
        politics = backend.announce(key="filter:2", data=story(2, "politics"))
        stream = Stream(port, f"?after={start}&section=politics")
        frames = stream.frames(2)
        stream.close()
    stories = [frame for frame in frames if frame.get("event") == "story"]
    assert [frame["id"] for frame in stories] == [politics]
    assert sport not in [frame["id"] for frame in stories]


def test_through_the_proxy_the_stream_is_piped_and_resumes(redis_url):
    """deploy/varnish/newsdesk.vcl pipes /live/stream: events pass at once, nothing is cached or buffered,
    and Last-Event-ID reaches the live process."""
    from tests.edge.proxy import require_varnish, varnish_server

    require_varnish()
    backend = load_backend({"BACKEND": "redis", "OPTIONS": {"URL": redis_url}})
    start = backend.latest_id() or "0-0"
    with (
        asgi_process(redis_url) as live_port,
        varnish_server(app_port=live_port, live_port=live_port) as proxy,
    ):
        port = int(proxy.url.rsplit(":", 1)[1])
        first = backend.announce(key=f"piped:{time.monotonic_ns()}", data=story(1))
        stream = Stream(port, last_event_id=start)
        assert stream.response.getheader("X-Cache") is None  # piped: Varnish's delivery step never ran
        assert [frame["id"] for frame in stream.frames(1)] == [first]
        live = backend.announce(key=f"piped:{time.monotonic_ns()}", data=story(2))
        assert [frame["id"] for frame in stream.frames(1)] == [live]  # passed on, not held in a buffer
        stream.close()


ASGI_BAD_QUERIES = ["?after=abc", "?after=" + "9" * 200, "?since=yesterday", "?section=%3Cscript%3E",
                    "?" + "&".join(["section=x"] * 51), "?after=%00", "?section=%ff%fe"]  # fmt: skip


def test_under_asgi_bad_input_is_a_clear_400_and_other_methods_a_405(redis_url):
    """newsdesk.live.asgi answers the stream's URL outside Django: the same rules, the same precise errors."""
    with asgi_process(redis_url) as port:
        for query in ASGI_BAD_QUERIES:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/live/stream" + query)
            response = conn.getresponse()
            assert response.status == 400, query
            assert json.loads(response.read())["error"], query
            assert response.getheader("Cache-Control") == "no-store"
            conn.close()
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        conn.request("GET", "/live/stream", headers={"Last-Event-ID": "1; DROP TABLE live_liveevent"})
        assert conn.getresponse().status == 400
        conn.close()
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        conn.request("POST", "/live/stream", body=b"x")
        response = conn.getresponse()
        assert (response.status, response.getheader("Allow")) == (405, "GET, HEAD")
        conn.close()
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        conn.request("HEAD", "/live/stream")
        response = conn.getresponse()
        assert response.status == 200
        assert response.getheader("Content-Type").startswith("text/event-stream")
        conn.close()
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        conn.request("GET", "/live/events?after=0-0")  # every other path is Django's
        assert conn.getresponse().status == 200
        conn.close()
