"""The read beacon over plain WSGI: ``POST /analytics/read`` (navigator.sendBeacon) and the no-JavaScript
image ``GET /analytics/read/<public id>.gif``.

This is the hottest path of the site, so it runs in front of Django (``BeaconMiddleware`` wraps the WSGI
application) without sessions, CSRF or template work; views.py exposes the same handler to Django's URL
resolver. Everything malformed or forged is answered with a 4xx before any work is done.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from urllib.parse import parse_qsl, urlsplit

from django.conf import settings

from newsdesk.ratelimit import client_address

from . import services
from .services import Outcome

logger = logging.getLogger(__name__)

BEACON_PATH = "/analytics/read"
PIXEL_PATH = re.compile(r"^/analytics/read/([0-9]{1,12})\.gif$")
MAX_BODY = 512
PUBLIC_ID = re.compile(r"^[0-9]{1,12}$")
DOMAIN = re.compile(
    r"^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$"
)
FORM_TYPES = ("application/x-www-form-urlencoded", "text/plain")
# The smallest transparent GIF: what the <noscript> image receives.
GIF = bytes.fromhex("47494638396101000100800000000000ffffff21f90401000000002c00000000010001000002024401003b")
STATUS = {
    200: "200 OK", 204: "204 No Content", 400: "400 Bad Request", 403: "403 Forbidden", 404: "404 Not Found",
    405: "405 Method Not Allowed", 411: "411 Length Required", 413: "413 Content Too Large",
    415: "415 Unsupported Media Type", 429: "429 Too Many Requests", 503: "503 Service Unavailable",
}  # fmt: skip
BASE_HEADERS = [("Cache-Control", "no-store"), ("X-Content-Type-Options", "nosniff")]

Response = tuple[int, list[tuple[str, str]], bytes]


class Rejected(Exception):
    def __init__(self, status: int, message: str, headers: list[tuple[str, str]] | None = None) -> None:
        super().__init__(message)
        self.status, self.headers = status, headers or []


def _text(status: int, message: str, extra: list[tuple[str, str]] | None = None) -> Response:
    headers = [*BASE_HEADERS, ("Content-Type", "text/plain; charset=utf-8"), *(extra or [])]
    return status, headers, message.encode() + b"\n"


def is_beacon_path(path: str) -> bool:
    return path == BEACON_PATH or PIXEL_PATH.match(path) is not None


def handle(environ: dict, read_body: Callable[[int], bytes]) -> Response:
    """Answer one beacon request given its WSGI environ; never raises."""
    try:
        return _handle(environ, read_body)
    except Rejected as exc:
        return _text(exc.status, str(exc), exc.headers)
    except Exception:
        logger.exception("analytics: beacon failed")
        return _text(503, "Reads cannot be counted right now.")


def _handle(environ: dict, read_body: Callable[[int], bytes]) -> Response:
    path, method = environ.get("PATH_INFO", ""), environ.get("REQUEST_METHOD", "")
    pixel = PIXEL_PATH.match(path)
    if pixel:
        _require_method(method, "GET")
        _require_honest_fetch(environ, dest="image")
        _accept(environ, public_id=int(pixel.group(1)), referrer="")
        return 200, [*BASE_HEADERS, ("Content-Type", "image/gif")], GIF
    if path != BEACON_PATH:
        raise Rejected(404, "Not found.")
    _require_method(method, "POST")
    _require_honest_fetch(environ, dest="empty")
    public_id, referrer = _parse_body(environ, read_body)
    # Counted, ignored (a bot) or a repeat: the answer is the same, so nothing about the counting can be probed.
    _accept(environ, public_id=public_id, referrer=referrer)
    return 204, list(BASE_HEADERS), b""


def _require_method(method: str, allowed: str) -> None:
    if method != allowed:
        raise Rejected(405, f"Use {allowed}.", [("Allow", allowed)])


def _require_honest_fetch(environ: dict, *, dest: str) -> None:
    """Only our own pages may send reads; prefetches and prerenders are not reads."""
    purpose = " ".join(
        environ.get(h, "") for h in ("HTTP_SEC_PURPOSE", "HTTP_PURPOSE", "HTTP_X_PURPOSE", "HTTP_X_MOZ")
    )
    if "prefetch" in purpose.lower() or "prerender" in purpose.lower() or "preview" in purpose.lower():
        raise Rejected(403, "A prefetch or prerender is not a read.")
    site = environ.get("HTTP_SEC_FETCH_SITE")
    if site is not None and site != "same-origin":
        raise Rejected(403, "Reads are counted only from this site's own pages.")
    fetch_dest = environ.get("HTTP_SEC_FETCH_DEST")
    if fetch_dest is not None and fetch_dest != dest:
        raise Rejected(403, f"Expected a request for {dest!r}.")
    origin = environ.get("HTTP_ORIGIN")
    if origin is not None and urlsplit(origin).netloc != _host(environ):
        raise Rejected(403, "Reads are counted only from this site's own pages.")


def _host(environ: dict) -> str:
    if environ.get("HTTP_HOST"):
        return environ["HTTP_HOST"]
    port = environ.get("SERVER_PORT", "")
    default = "443" if environ.get("wsgi.url_scheme") == "https" else "80"
    return environ.get("SERVER_NAME", "") + ("" if port in ("", default) else f":{port}")


def _parse_body(environ: dict, read_body: Callable[[int], bytes]) -> tuple[int, str]:
    content_type = environ.get("CONTENT_TYPE", "").split(";")[0].strip().lower()
    if content_type not in FORM_TYPES:
        raise Rejected(415, "Send the form a=<article id>&r=<referring domain>.")
    raw_length = environ.get("CONTENT_LENGTH") or ""
    if not raw_length.isdigit():
        raise Rejected(411, "A Content-Length is required.")
    if int(raw_length) > MAX_BODY:
        raise Rejected(413, f"A read is at most {MAX_BODY} bytes.")
    body = read_body(int(raw_length))
    try:
        fields = dict(parse_qsl(body.decode("ascii"), strict_parsing=True, max_num_fields=4))
    except (UnicodeDecodeError, ValueError) as exc:
        raise Rejected(400, "The read is not a valid form.") from exc
    if not PUBLIC_ID.match(fields.get("a", "")):
        raise Rejected(400, "a= must be the article's numeric id.")
    return int(fields["a"]), _referrer_domain(fields.get("r", ""))


def _referrer_domain(value: str) -> str:
    """Only the referring site's domain is kept; our own domain and anything odd are dropped."""
    domain = value.strip().lower().rstrip(".")
    domain = domain.removeprefix("www.")
    if not domain or not DOMAIN.match(domain) or domain == _own_domain():
        return ""
    return domain


def _own_domain() -> str:
    return (urlsplit(settings.NEWSDESK_SITE_URL).hostname or "").removeprefix("www.")


def _accept(environ: dict, *, public_id: int, referrer: str) -> Outcome:
    outcome = services.read_accept(
        public_id=public_id,
        client=client_address(environ),  # behind a proxy, the address it appended (NEWSDESK_CLIENT_IP_HEADER)
        user_agent=environ.get("HTTP_USER_AGENT", "")[:512],
        referrer=referrer,
    )
    if outcome is Outcome.LIMITED:
        raise Rejected(429, "Too many reads from one client; slow down.", [("Retry-After", "60")])
    if outcome is Outcome.UNKNOWN:
        raise Rejected(404, "No such published article.")
    return outcome


class BeaconMiddleware:
    """WSGI middleware: answers beacon requests itself and passes everything else to Django."""

    def __init__(self, app) -> None:
        self.app = app

    def __call__(self, environ, start_response):
        if not is_beacon_path(environ.get("PATH_INFO", "")):
            return self.app(environ, start_response)
        stream = environ["wsgi.input"]
        status, headers, body = handle(environ, lambda n: stream.read(n))
        start_response(STATUS[status], [*headers, ("Content-Length", str(len(body)))])
        return [body]
