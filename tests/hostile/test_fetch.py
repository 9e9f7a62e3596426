"""A hostile feed server (issue "Hostile users and bad luck", finding 2, and the outgoing-fetch deadlines of the
embedded-default issue): redirects to the inside, to other schemes and in circles; headers trickled a byte at a
time; answers that would plant their words in the quarantine. Real HTTP servers on 127.0.0.1 throughout.

Loopback is allowed here only for 127.0.0.1 (NEWSDESK_FETCH_ALLOW_PRIVATE), as the ingest tests need it; every
other inside address stays refused, which is what these tests prove."""

from __future__ import annotations

import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from newsdesk.fetching import FetchError, fetch, forbidden
from newsdesk.ingest import services
from newsdesk.ingest.models import IngestLog, IngestSource

SECRET = "AKIA-INSIDE-SECRET-7f3a"  # what an inside service would answer, never to be stored


class Handler(BaseHTTPRequestHandler):
    server: Server

    def do_GET(self):  # noqa: N802 - http.server's name
        self.server.hits.append(self.path)
        status, headers, body = self.server.routes.get(self.path, (404, {}, b"not found"))
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, host: str, tls=None):
        super().__init__((host, 0), Handler)
        if tls is not None:
            self.socket = tls.wrap_socket(self.socket, server_side=True)
        self.routes: dict[str, tuple[int, dict, bytes]] = {}
        self.hits: list[str] = []
        threading.Thread(target=self.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://{self.server_address[0]}:{self.server_address[1]}"

    def close(self) -> None:
        self.shutdown()
        self.server_close()


@pytest.fixture
def allowed(settings):
    settings.NEWSDESK_FETCH_ALLOW_PRIVATE = ["127.0.0.1"]
    settings.NEWSDESK_FETCH_CONNECT_TIMEOUT = 2
    settings.NEWSDESK_FETCH_HEADERS_TIMEOUT = 2
    return settings


@pytest.fixture
def feeds(allowed):
    server = Server("127.0.0.1")
    yield server
    server.close()


@pytest.fixture
def inside():
    """A service on another loopback address, as a metadata or admin service would be: it must never be asked."""
    server = Server("127.0.0.2")
    server.routes["/secret"] = (200, {"Content-Type": "text/plain"}, SECRET.encode())
    yield server
    server.close()


def get(url: str, timeout: float = 10) -> bytes:
    return fetch(url, timeout=timeout, max_bytes=1_000_000, headers={"User-Agent": "tests"}).data


def redirect(to: str) -> tuple[int, dict, bytes]:
    return (302, {"Location": to}, b"")


# --- where a fetch may go ------------------------------------------------------------------------------------


def test_a_redirect_to_another_loopback_address_is_refused_without_asking_it(feeds, inside):
    feeds.routes["/feed"] = redirect(f"{inside.url}/secret")
    with pytest.raises(FetchError, match=r"127\.0\.0\.2, a loopback address; refused") as error:
        get(f"{feeds.url}/feed")
    assert inside.hits == [] and SECRET not in str(error.value)


@pytest.mark.parametrize(
    ("location", "message"),
    [
        ("http://169.254.169.254/latest/meta-data/iam/", "a cloud metadata address"),
        ("http://[fd00:ec2::254]/latest/", "a cloud metadata address"),
        ("http://[::ffff:169.254.169.254]/latest/", "a cloud metadata address"),
        ("http://10.0.0.1/admin", "a private address"),
        ("http://192.168.1.1/", "a private address"),
        ("http://[::1]:9/", "a loopback address"),
        ("http://0.0.0.0:9/", "an unspecified address"),
        ("http://224.0.0.1/", "a multicast address"),
        ("http://100.64.0.1/", "a reserved address"),  # carrier-grade NAT: not the internet either
        ("http://[fe80::1]/", "a link-local address"),
        ("ftp://example.com/feed.xml", r"not an http\(s\) URL"),
        ("file:///etc/passwd", r"not an http\(s\) URL"),
        ("gopher://127.0.0.1:6379/_INFO", r"not an http\(s\) URL"),
    ],
)
def test_redirects_to_the_inside_or_other_schemes_are_refused(feeds, location, message):
    feeds.routes["/feed"] = redirect(location)
    with pytest.raises(FetchError, match=message):  # the reason says it was never connected to
        get(f"{feeds.url}/feed")


def test_the_first_url_is_checked_like_every_hop(allowed, inside):
    with pytest.raises(FetchError, match="a loopback address"):
        get(f"{inside.url}/secret")
    assert inside.hits == []


def test_by_default_nothing_private_is_reached(settings, inside):
    settings.NEWSDESK_FETCH_ALLOW_PRIVATE = []  # the shipped default
    server = Server("127.0.0.1")
    try:
        with pytest.raises(FetchError, match="127.0.0.1, a loopback address; refused"):
            get(f"{server.url}/feed")
        assert server.hits == []
    finally:
        server.close()


def test_a_name_that_resolves_inside_is_refused(allowed, monkeypatch):
    """DNS decides where a name goes; the address connected to is what is checked."""
    real = socket.getaddrinfo

    def resolver(host, port, *args, **kwargs):
        if host == "feeds.example.org":
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("169.254.169.254", port))]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", resolver)
    with pytest.raises(
        FetchError, match=r"feeds\.example\.org is 169\.254\.169\.254, a cloud metadata address"
    ):
        get("http://feeds.example.org/rss")


def test_redirects_are_bounded_and_relative_ones_followed(feeds):
    feeds.routes["/loop"] = redirect("/loop")
    with pytest.raises(FetchError, match="redirected more than 5 times"):
        get(f"{feeds.url}/loop")
    assert feeds.hits == ["/loop"] * 6
    feeds.routes["/old"] = redirect("/new")
    feeds.routes["/new"] = (200, {"Content-Type": "application/rss+xml"}, b"<rss/>")
    assert get(f"{feeds.url}/old") == b"<rss/>"


def test_the_metadata_address_is_refused_even_when_its_network_is_allowed(settings):
    settings.NEWSDESK_FETCH_ALLOW_PRIVATE = ["169.254.0.0/16", "10.0.0.0/8"]
    import ipaddress

    assert forbidden(ipaddress.ip_address("169.254.169.254")) == "a cloud metadata address"
    assert forbidden(ipaddress.ip_address("10.1.2.3")) == ""  # the operator's own wire server
    assert forbidden(ipaddress.ip_address("2002:a9fe:a9fe::1")) == "a cloud metadata address"  # 6to4 of it


# --- deadlines ------------------------------------------------------------------------------------------------


class Trickler:
    """A raw TCP server that sends a valid status line and headers, a byte every ``pause`` seconds, for up to
    ``seconds`` (then the blank line and a body): a client relying on per-read timeouts waits it all out."""

    def __init__(self, *, pause: float = 0.25, seconds: float = 6, tls=None):
        self.sock = socket.create_server(("127.0.0.1", 0))
        if tls is not None:
            self.sock = tls.wrap_socket(self.sock, server_side=True)
        self.pause, self.seconds = pause, seconds
        self.cut_off = threading.Event()
        threading.Thread(target=self._serve, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.sock.getsockname()[1]}/feed"

    def _serve(self) -> None:
        conn, _ = self.sock.accept()
        with conn:
            conn.recv(65536)
            head = b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nX-Padding: " + b"a" * 200
            deadline = time.monotonic() + self.seconds
            try:
                for byte in head:
                    if time.monotonic() > deadline:
                        break
                    conn.sendall(bytes([byte]))
                    time.sleep(self.pause)
                conn.sendall(b"\r\nContent-Length: 6\r\n\r\n<rss/>")
            except OSError:  # the client hung up on us: what it should do
                self.cut_off.set()

    def close(self) -> None:
        self.sock.close()


def test_a_server_trickling_its_headers_is_cut_off_at_the_headers_deadline(allowed):
    allowed.NEWSDESK_FETCH_HEADERS_TIMEOUT = 1
    trickler = Trickler()
    try:
        with pytest.raises(FetchError, match="no complete answer headers within 1 s"):
            get(trickler.url, timeout=30)  # the whole-answer limit is far away: the headers' one cuts
    finally:
        trickler.close()


def test_the_whole_answer_deadline_covers_headers_too(allowed):
    allowed.NEWSDESK_FETCH_HEADERS_TIMEOUT = 30
    trickler = Trickler()
    try:
        with pytest.raises(FetchError, match="took longer than 1 s in all"):
            get(trickler.url, timeout=1)
    finally:
        trickler.close()


def test_a_server_that_accepts_and_never_answers_is_cut_off(allowed):
    silent = socket.create_server(("127.0.0.1", 0))  # the kernel accepts; nobody ever reads or writes
    allowed.NEWSDESK_FETCH_HEADERS_TIMEOUT = 0.5
    try:
        with pytest.raises(FetchError, match="no complete answer headers within 0.5 s"):
            get(f"http://127.0.0.1:{silent.getsockname()[1]}/", timeout=30)
    finally:
        silent.close()


def test_an_answer_that_is_not_http_is_not_quoted(allowed):
    """Whatever a server answers — here a line that is not HTTP — the error names the failure, not the text."""
    sock = socket.create_server(("127.0.0.1", 0))

    def serve():
        conn, _ = sock.accept()
        with conn:
            conn.recv(65536)
            conn.sendall(f"-ERR {SECRET}\r\n".encode())

    threading.Thread(target=serve, daemon=True).start()
    try:
        with pytest.raises(FetchError) as error:
            get(f"http://127.0.0.1:{sock.getsockname()[1]}/")
        assert "not a valid HTTP answer" in str(error.value) and SECRET not in str(error.value)
    finally:
        sock.close()


# --- through ingest: the quarantine keeps the reason, never the answer ------------------------------------------


@pytest.mark.django_db
def test_an_ingest_source_redirected_inside_quarantines_a_reason_without_the_answer(feeds, inside, world):
    feeds.routes["/rss"] = redirect(f"{inside.url}/secret")
    feeds.routes["/page"] = (200, {"Content-Type": "text/plain"}, f"{SECRET} is the key".encode())
    for path in ("/rss", "/page"):
        source = IngestSource.objects.create(
            name=path, kind="url", location=f"{feeds.url}{path}", default_section=world
        )
        assert str(services.source_poll(source_id=source.pk, force=True)) == "1 documents refused"
    reasons = list(IngestLog.objects.order_by("id").values_list("reason", flat=True))
    assert "a loopback address; refused" in reasons[0] and "unrecognised format" in reasons[1]
    assert inside.hits == []
    assert not IngestLog.objects.filter(reason__contains=SECRET).exists()
    assert not IngestLog.objects.filter(excerpt__contains=SECRET).exists()


@pytest.fixture
def world(db):
    from newsdesk.news.models import Section

    return Section.objects.get_or_create(slug="world", defaults={"name": "World"})[0]


# --- over TLS: the same checks and deadlines, the certificate verified --------------------------------------


@pytest.fixture
def tls(tmp_path, monkeypatch):
    """A throwaway CA and a certificate for localhost (openssl), trusted through SSL_CERT_FILE."""
    import shutil
    import ssl
    import subprocess

    from newsdesk import fetching

    if not shutil.which("openssl"):
        pytest.skip("the openssl command is needed to make a test certificate")

    def run(*args):
        subprocess.run(["openssl", *args], cwd=tmp_path, check=True, capture_output=True)

    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    run(
        "req",
        "-x509",
        *ec,
        "-keyout",
        "ca.key",
        "-out",
        "ca.pem",
        "-days",
        "2",
        "-subj",
        "/CN=Newsdesk test CA",
    )
    run("req", *ec, "-keyout", "leaf.key", "-out", "leaf.csr", "-subj", "/CN=localhost")
    (tmp_path / "san.ext").write_text("subjectAltName=DNS:localhost\n")
    run("x509", "-req", "-in", "leaf.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out", "leaf.pem",
        "-days", "2", "-extfile", "san.ext")  # fmt: skip
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "ca.pem"))
    fetching._tls_context.cache_clear()  # made again: it reads the trusted certificates
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(tmp_path / "leaf.pem", tmp_path / "leaf.key")
    yield context
    fetching._tls_context.cache_clear()


def test_https_is_fetched_with_its_certificate_verified(allowed, tls):
    server = Server("127.0.0.1", tls=tls)
    server.routes["/rss"] = (200, {"Content-Type": "application/rss+xml"}, b"<rss version='2.0'/>")
    port = server.server_address[1]
    try:
        assert get(f"https://localhost:{port}/rss") == b"<rss version='2.0'/>"
        with pytest.raises(
            FetchError, match="TLS failed"
        ):  # the certificate names localhost, not the address
            get(f"https://127.0.0.1:{port}/rss")
    finally:
        server.close()


def test_a_tls_server_trickling_its_headers_is_cut_off(allowed, tls):
    allowed.NEWSDESK_FETCH_HEADERS_TIMEOUT = 1
    trickler = Trickler(tls=tls)
    try:
        with pytest.raises(FetchError, match="no complete answer headers within 1 s"):
            get(trickler.url.replace("http://127.0.0.1", "https://localhost"), timeout=30)
    finally:
        trickler.close()
