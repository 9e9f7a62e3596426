"""Fetching a document over HTTP(S) with hard limits: deadlines, a size cap, checked addresses, http(s) only.

One implementation for every outbound fetch (ingest feeds, weather and rate providers). A server that is down,
slow, trickling or huge raises FetchError with a message an operator can act on.

What a hostile feed cannot do:

- reach the inside: every hop (the URL and each redirect) must be http(s), and the address each connection
  actually goes to — the one connected, not a name looked up beforehand that DNS could change meanwhile — must
  be a public one. Loopback, private, link-local, shared, multicast and reserved addresses are refused unless
  NEWSDESK_FETCH_ALLOW_PRIVATE lists their network; cloud metadata addresses are refused always.
- hold a worker: connecting, the answer's headers and the whole answer each have a deadline, enforced on every
  receive (a server trickling one byte at a time is cut off at the deadline, not at each byte's timeout).
- loop or bounce: at most MAX_REDIRECTS redirects.
- plant its words in our logs: error messages name the URL and what went wrong, never the body of the answer.

Environment proxies (http_proxy …) are not used: the address checks are about where the request goes.
"""

from __future__ import annotations

import functools
import http.client
import ipaddress
import socket
import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http import HTTPStatus
from urllib.parse import urljoin, urlsplit

from django.conf import settings

CHUNK = 64 * 1024
MAX_REDIRECTS = 5
REDIRECTS = {301, 302, 303, 307, 308}
# Nothing a newsroom fetches lives at a cloud provider's instance metadata service (AWS/GCP/Azure, AWS IPv6,
# Alibaba, Oracle): refused whatever NEWSDESK_FETCH_ALLOW_PRIVATE says.
METADATA = frozenset(
    ipaddress.ip_address(a) for a in ("169.254.169.254", "fd00:ec2::254", "100.100.100.200", "192.0.0.192")
)
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class FetchError(Exception):
    """The URL gave no usable document; the message says why."""


class ProviderError(FetchError):
    """A data provider (weather, exchange rates) could not be reached or answered something unusable; the
    data stored before stays."""


class _Expired(TimeoutError):
    """A deadline of one fetch passed; the message says which."""


@dataclass
class Fetched:
    status: int
    data: bytes = b""
    content_type: str = ""
    etag: str = ""
    last_modified: str = ""

    @property
    def not_modified(self) -> bool:
        return self.status == 304


def fetch(
    url: str,
    *,
    timeout: float,
    max_bytes: int,
    headers: dict[str, str],
    etag: str = "",
    last_modified: str = "",
) -> Fetched:
    """A 2xx answer's body read within ``timeout`` seconds in all (redirects included), or a 304 for a
    conditional request. Connecting and the headers have their own, shorter deadlines (settings)."""
    headers = dict(headers)
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    total = time.monotonic() + timeout
    first = url
    for _hop in range(MAX_REDIRECTS + 1):
        response = _get(url, headers=headers, total=total, timeout=timeout, max_bytes=max_bytes)
        if isinstance(response, Fetched):
            if response.not_modified:
                response.etag, response.last_modified = etag, last_modified
            return response
        url = response  # a redirect: the next hop is checked like the first
    raise FetchError(f"{first} redirected more than {MAX_REDIRECTS} times; giving up")


def _get(url: str, *, headers: dict, total: float, timeout: float, max_bytes: int) -> Fetched | str:
    """One hop: the answer, or the URL a redirect points to."""
    scheme, host, port, path = _target(url)
    now = time.monotonic()
    clock = _Clock(
        connect=min(now + settings.NEWSDESK_FETCH_CONNECT_TIMEOUT, total),
        headers=min(now + settings.NEWSDESK_FETCH_HEADERS_TIMEOUT, total),
        total=total,
        timeout=timeout,
    )
    conn = _connection(scheme, host, port, clock)
    sock = response = None
    try:
        conn.connect()
        sock = conn.sock  # http.client lets go of it once an answer says "Connection: close"; it still reads
        _arm(sock, clock.headers, "headers")
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        _arm(sock, clock.total, "total")
        status = response.status
        if status in REDIRECTS:
            location = response.headers.get("Location", "").strip()
            if not location:
                raise FetchError(f"{url} answered HTTP {status} without a Location to go to")
            return urljoin(url, location)
        if status == 304:
            return Fetched(status=304)
        if not 200 <= status < 300:
            raise FetchError(f"{url} answered HTTP {status} {_phrase(status)}".rstrip())
        data = _read(response, deadline=total, timeout=timeout, max_bytes=max_bytes, url=url)
        return Fetched(
            status=status, data=data, content_type=response.headers.get("Content-Type", ""),
            etag=response.headers.get("ETag", ""), last_modified=response.headers.get("Last-Modified", ""),
        )  # fmt: skip
    except _Expired as exc:
        raise FetchError(f"could not fetch {url}: {clock.describe(str(exc))}") from None
    except TimeoutError:
        raise FetchError(f"could not fetch {url}: timed out") from None
    except (http.client.IncompleteRead, http.client.RemoteDisconnected):
        raise FetchError(
            f"could not fetch {url}: the server closed the connection before answering in full"
        ) from None
    except http.client.HTTPException as exc:
        # Named by kind only: BadStatusLine and friends carry what the server sent.
        raise FetchError(f"could not fetch {url}: not a valid HTTP answer ({type(exc).__name__})") from None
    except ssl.SSLError as exc:
        raise FetchError(f"could not fetch {url}: TLS failed ({exc.reason or type(exc).__name__})") from None
    except OSError as exc:
        raise FetchError(f"could not fetch {url}: {exc.strerror or exc}") from None
    except (ValueError, UnicodeError) as exc:  # a host http.client cannot put in a request
        raise FetchError(f"could not fetch {url}: {exc}") from None
    finally:
        if response is not None:
            response.close()
        if sock is not None:
            sock.close()
        conn.close()


def _target(url: str) -> tuple[str, str, int, str]:
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise FetchError(f"{url!r} is not a valid URL: {exc}") from None
    if parts.scheme not in ("http", "https"):
        raise FetchError(f"{url!r} is not an http(s) URL; refused")
    if not parts.hostname:
        raise FetchError(f"{url!r} names no host")
    path = parts.path or "/"
    if parts.query:
        path += f"?{parts.query}"
    return parts.scheme, parts.hostname, port or (443 if parts.scheme == "https" else 80), path


def _phrase(status: int) -> str:
    """The standard reason phrase: the server's own is its text, which we do not repeat."""
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def _read(response, *, deadline: float, timeout: float, max_bytes: int, url: str) -> bytes:
    """read1() returns what one receive brought; the socket's deadline cuts a trickling server off."""
    parts, size = [], 0
    while chunk := response.read1(CHUNK):
        size += len(chunk)
        if size > max_bytes:
            raise FetchError(f"{url} sent more than {max_bytes} bytes; refused")
        if time.monotonic() > deadline:
            raise FetchError(f"{url} took longer than {timeout:g} s to send its document; giving up")
        parts.append(chunk)
    return b"".join(parts)


# ---- deadlines ---------------------------------------------------------------------------------------------


@dataclass
class _Clock:
    """One hop's deadlines, as time.monotonic() values; the total one covers every hop."""

    connect: float
    headers: float
    total: float
    timeout: float

    def describe(self, phase: str) -> str:
        if phase in ("connect", "headers") and getattr(self, phase) >= self.total:
            phase = "total"  # the whole answer's deadline came first
        if phase == "connect":
            return f"no connection within {settings.NEWSDESK_FETCH_CONNECT_TIMEOUT:g} s"
        if phase == "headers":
            return f"no complete answer headers within {settings.NEWSDESK_FETCH_HEADERS_TIMEOUT:g} s"
        return f"took longer than {self.timeout:g} s in all; giving up"


class _DeadlineMixin:
    """Every receive waits only until the deadline: the socket's timeout is what is left of it."""

    deadline: float | None = None
    phase = "total"
    settimeout: Callable[[float | None], None]  # the socket's, beside which this is mixed in

    def _left(self) -> None:
        if self.deadline is None:
            return
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise _Expired(self.phase)
        self.settimeout(left)

    def recv_into(self, *args, **kwargs):
        self._left()
        try:
            return super().recv_into(*args, **kwargs)
        except TimeoutError:
            raise _Expired(self.phase) from None

    def recv(self, *args, **kwargs):
        self._left()
        try:
            return super().recv(*args, **kwargs)
        except TimeoutError:
            raise _Expired(self.phase) from None

    def sendall(self, *args, **kwargs):
        self._left()
        try:
            return super().sendall(*args, **kwargs)
        except TimeoutError:
            raise _Expired(self.phase) from None


class _Socket(_DeadlineMixin, socket.socket):
    pass


class _SSLSocket(_DeadlineMixin, ssl.SSLSocket):
    def do_handshake(self, *args, **kwargs):
        # Bounded by the socket's timeout, set to what is left of the connect deadline.
        try:
            return super().do_handshake(*args, **kwargs)
        except TimeoutError:
            raise _Expired("connect") from None


def _arm(sock, deadline: float, phase: str) -> None:
    sock.deadline, sock.phase = deadline, phase
    sock._left()


@functools.cache
def _tls_context() -> ssl.SSLContext:
    context = ssl.create_default_context()
    context.sslsocket_class = _SSLSocket  # wrap_socket makes our deadline-keeping socket
    return context


def _connection(scheme: str, host: str, port: int, clock: _Clock) -> http.client.HTTPConnection:
    conn: http.client.HTTPConnection
    if scheme == "https":
        conn = http.client.HTTPSConnection(host, port, context=_tls_context())
    else:
        conn = http.client.HTTPConnection(host, port)
    # http.client connects through this attribute (then wraps TLS around what it returns, for https).
    conn._create_connection = lambda address, timeout=None, source_address=None: (  # type: ignore[attr-defined]
        _open(host, port, clock)
    )
    return conn


# ---- where a connection may go -----------------------------------------------------------------------------


def _open(host: str, port: int, clock: _Clock) -> socket.socket:
    """A socket connected to an address the checks allow; the address is checked again once connected."""
    addresses = _resolve(host, port, clock)
    refused = ""
    error: OSError | None = None
    for family, kind, proto, _, sockaddr in addresses:
        why = forbidden(_ip(sockaddr[0]))
        if why:
            refused = refused or f"{host} is {sockaddr[0]}, {why}"
            continue
        sock = _Socket(family, kind, proto)
        try:
            sock.deadline, sock.phase = clock.connect, "connect"
            sock._left()
            sock.connect(sockaddr)
            peer = sock.getpeername()[0]
            if why := forbidden(_ip(peer)):
                raise FetchError(f"{host} connected to {peer}, {why}; refused")
            sock._left()  # what is left for the TLS handshake, if any: it belongs to connecting
            return sock
        except TimeoutError:
            sock.close()
            raise _Expired("connect") from None
        except FetchError:
            sock.close()
            raise
        except OSError as exc:
            sock.close()
            error = exc
    if error is not None:
        raise error
    raise FetchError(
        f"{refused}; refused. Outgoing fetches go to public addresses only "
        "(NEWSDESK_FETCH_ALLOW_PRIVATE lists networks allowed besides)"
    )


def _resolve(host: str, port: int, clock: _Clock) -> list:
    """getaddrinfo within the connect deadline (it has no timeout of its own; a stuck resolver is left)."""
    try:
        ipaddress.ip_address(host)
    except ValueError:
        pass
    else:
        return socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    box: dict = {}

    def run() -> None:
        try:
            box["infos"] = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except OSError as exc:
            box["error"] = exc

    thread = threading.Thread(target=run, name="fetch-resolve", daemon=True)
    thread.start()
    thread.join(max(clock.connect - time.monotonic(), 0))
    if thread.is_alive():
        raise _Expired("connect")
    if "error" in box:
        exc = box["error"]
        raise FetchError(f"cannot resolve {host}: {exc.strerror or exc}") from None
    return box["infos"]


def _ip(text: str) -> IPAddress:
    return ipaddress.ip_address(text)


def forbidden(ip: IPAddress) -> str:
    """Why an outgoing fetch may not go to ``ip`` ("" when it may)."""
    candidates = [ip]
    if isinstance(ip, ipaddress.IPv6Address):
        # Addresses that carry an IPv4 one inside are judged by it too.
        candidates += [a for a in (ip.ipv4_mapped, ip.sixtofour, *(ip.teredo or ())) if a is not None]
    for address in candidates:
        if address in METADATA:
            return "a cloud metadata address"
    if ip.version == 6 and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    if any(ip in network for network in _allowed_networks(tuple(settings.NEWSDESK_FETCH_ALLOW_PRIVATE))):
        return ""
    for address in candidates:
        why = _not_public(address)
        if why:
            return why
    return ""


def _not_public(ip: IPAddress) -> str:
    if ip.is_loopback:
        return "a loopback address"
    if ip.is_link_local:
        return "a link-local address"
    if ip.is_multicast:
        return "a multicast address"
    if ip.is_unspecified:
        return "an unspecified address"
    if ip.is_private:
        return "a private address"
    if ip.is_reserved or not ip.is_global:
        return "a reserved address"
    return ""


@functools.cache
def _allowed_networks(entries: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    networks = []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError:
            raise FetchError(
                f"NEWSDESK_FETCH_ALLOW_PRIVATE: {entry!r} is not an address or network (e.g. 10.0.5.0/24)"
            ) from None
    return tuple(networks)


PROVIDER_USER_AGENT = "Newsdesk/0.1 (+https://github.com/newsdesk)"


def fetch_provider(
    url: str, *, timeout: float, max_bytes: int = 5 * 1024 * 1024, user_agent: str = ""
) -> bytes:
    """A weather or rate provider's document: the body of a 200 answer, read within ``timeout`` seconds in
    all (a trickling server is cut off too). Never called while a page renders; raises ProviderError."""
    try:
        result = fetch(
            url,
            timeout=timeout,
            max_bytes=max_bytes,
            headers={"User-Agent": user_agent or PROVIDER_USER_AGENT},
        )
    except FetchError as exc:
        raise ProviderError(str(exc)) from exc
    return result.data
