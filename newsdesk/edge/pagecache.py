"""The page cache of one machine: whole reader pages kept in each app process, answered before Django.

Without Varnish in front (the embedded default), ``newsdesk/wsgi.py`` wraps the application in
``PageCacheMiddleware``. For an anonymous ``GET`` or ``HEAD`` it looks the page up by scheme, host, path and
query string and, on a hit, answers the stored status, headers and bytes without entering Django. A miss is
rendered by Django with the request's cookies removed (as Varnish removes them, so no cookie can vary or
poison a stored page) and kept when ``EdgeCacheMiddleware`` made it shareable: public with ``s-maxage``, no
``Set-Cookie``, no ``Vary`` beyond Cookie and Accept-Encoding, no ``Content-Encoding``.

Invalidation is the edge's: pages are tagged with their ``X-Surrogate-Keys``; the ``embedded`` purger appends
each purge (one line of keys) to a log file in the data dir, and every process checks that file on every
request (one ``stat``; new lines are read only when it grew) and drops its pages carrying a purged key before
answering. So a purge made by any process of the machine (an editor's request, ``newsdesk worker``, a
command) is applied by every process before its next answer. A render that was already reading the database
when a purge of one of its keys arrived is served but not kept (it may show what the purge replaced).

Signed-in users (the session cookie), the newsroom, the live feed, the API and the two pages that read the
filter cookie never reach the cache. Several app machines need Varnish (``NEWSDESK_PURGE_URLS``): the log is
one machine's file, and with Varnish configured this cache stays out of the way.
"""

from __future__ import annotations

import collections
import fcntl
import logging
import os
import re
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError
from django.utils.http import parse_etags, parse_http_date_safe

from .middleware import HEADER, SHAREABLE_STATUSES, seconds_to_next_schedule

logger = logging.getLogger(__name__)

LOG_NAME = "page-purges.log"
ROTATE_BYTES = 1 << 20  # the log starts again past this; readers finish the old file first
RECENT_PURGES = 4096  # purges remembered to judge a render that overlapped them
WAIT_SECONDS = 10.0  # longest a request waits for another thread's render of the same page
PASS_SECONDS = (
    60.0  # a page answered but not kept is asked for without waiting this long (Varnish: hit-for-pass)
)
MAX_PASSES = 10_000
MAX_PAGE_SHARE = 8  # one page may take at most this fraction of the cache
# Its answer (HIT, MISS, …, as in X-Cache) also left in the WSGI environ, for the operations layer around it to
# count without reading the headers (newsdesk/ops/wsgi.py, CACHE_KEY).
STATE_KEY = "newsdesk.cache"
ENTRY_OVERHEAD = 400  # bytes per page beside its body and headers (objects, dict slots), for the size bound
# Paths that never reach the cache: personal, streamed, rate-limited per client, or served by WhiteNoise.
BYPASS = ("/newsroom", "/live/", "/news/mine/", "/news/filter/", "/api/", "/analytics/", "/static/", "/media/")  # fmt: skip
CONDITIONAL = ("HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE")
# What a 304 repeats of the 200 (RFC 9110 15.4.5), as Django's get_conditional_response does.
NOT_MODIFIED_HEADERS = {"cache-control", "content-location", "date", "etag", "expires", "last-modified", "vary"}  # fmt: skip
KEYS = HEADER.lower()
# Cookies are removed before rendering and bodies are never encoded: a page varying by these is one page.
STORABLE_VARY = {"cookie", "accept-encoding"}
S_MAXAGE = re.compile(r"(?:^|,)\s*s-maxage\s*=\s*(\d+)", re.I)
PRIVATE = re.compile(r"(?:^|,)\s*(?:private|no-store|no-cache)\b", re.I)

Headers = list[tuple[str, str]]


def default_log_path() -> Path:
    return Path(settings.DATA_DIR) / LOG_NAME


# --- the purge log: one machine's processes write and follow it ---------------------------------------------------


class PurgeLog:
    """Append-only file of purges, one line of comma-separated surrogate keys each.

    Writers append under an exclusive lock on a lock file beside it (not on the log itself, so a writer never
    appends to a log another one has just replaced). Past ``rotate_bytes`` the writer replaces the log, still
    under the lock, with one that holds only its generation (``#N``, one more than the old one's; a log without
    that line is generation 0): every line of the old file is complete before the new one appears, and a reader
    that finds a generation it did not expect knows it missed a whole file.
    """

    def __init__(self, path: Path, *, rotate_bytes: int = ROTATE_BYTES) -> None:
        self.path = Path(path)
        self.lock_path = self.path.with_name(self.path.name + ".lock")
        self.rotate_bytes = rotate_bytes

    def append(self, keys: Sequence[str]) -> None:
        data = (",".join(keys) + "\n").encode("ascii")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.lock_path, "ab") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file is closed
            fd = os.open(self.path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o644)
            try:
                while data:
                    data = data[os.write(fd, data) :]
                if os.fstat(fd).st_size > self.rotate_bytes:
                    self._rotate(generation(fd) + 1)
            finally:
                os.close(fd)

    def _rotate(self, number: int) -> None:
        fresh = self.path.with_name(self.path.name + ".new")
        fd = os.open(fresh, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        try:
            os.write(fd, f"#{number}\n".encode("ascii"))
        finally:
            os.close(fd)
        os.replace(fresh, self.path)

    def touch(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        os.close(os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644))


def generation(fd: int) -> int:
    head = os.pread(fd, 24, 0)
    if not head.startswith(b"#") or b"\n" not in head:
        return 0
    return int(head[1 : head.index(b"\n")])


LOST = None  # what ``PurgeFollower.poll`` returns when purges may have been missed: drop everything


class PurgeFollower:
    """One process's reading position in the purge log. It starts at the end: an empty cache owes nothing to
    earlier purges. Not thread-safe: the page cache calls it under its lock."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._fd: int | None = None
        self._ino: int | None = None
        self._generation: int | None = None  # None: no log seen yet
        self._offset = 0
        st = self._stat()
        if st is not None and self._open(st.st_ino) is not None:
            self._offset = st.st_size

    def changed(self) -> bool:
        """Cheap check (one ``stat``) for purges not read yet."""
        st = self._stat()
        if st is None:
            return self._ino is not None
        return st.st_ino != self._ino or st.st_size != self._offset

    def poll(self) -> list[frozenset[str]] | None:
        """Purges appended since the last call, or ``LOST`` when the log cannot be followed exactly."""
        st = self._stat()
        purges: list[frozenset[str]] = []
        try:
            if st is not None and st.st_ino == self._ino:
                return self._read(purges, st.st_size)
            # Replaced (or removed): finish the old file first; nothing is written to it once it is replaced.
            if self._fd is not None:
                self._read(purges, os.fstat(self._fd).st_size)
                os.close(self._fd)
            self._fd, self._ino, self._offset = None, None, 0
            if st is None:
                return purges
            expected = 0 if self._generation is None else self._generation + 1
            fd = self._open(st.st_ino)
            if fd is None or self._generation != expected:
                return LOST  # a whole file came and went between two looks, or the log was removed
            return self._read(purges, os.fstat(fd).st_size)
        except (OSError, ValueError) as exc:
            logger.warning(
                "Page cache: the purge log %s cannot be read (%s); dropping every kept page", self.path, exc
            )
            return LOST

    def _stat(self) -> os.stat_result | None:
        try:
            return os.stat(self.path)
        except FileNotFoundError:
            return None

    def _open(self, ino: int) -> int | None:
        """Follow the log from now on if the file at its path is still ``ino``: its descriptor, else None."""
        try:
            fd = os.open(self.path, os.O_RDONLY)
        except FileNotFoundError:
            return None
        if os.fstat(fd).st_ino != ino:
            os.close(fd)
            return None
        self._fd, self._ino, self._generation = fd, ino, generation(fd)
        return fd

    def _read(self, purges: list[frozenset[str]], size: int) -> list[frozenset[str]]:
        if size <= self._offset:
            return purges
        assert self._fd is not None  # a size past the offset was read from the open log
        data = os.pread(self._fd, size - self._offset, self._offset)
        end = data.rfind(b"\n") + 1  # a line still being written is read next time
        self._offset += end
        lines = data[:end].splitlines()
        purges.extend(
            frozenset(line.decode("ascii").split(",")) for line in lines if line and not line.startswith(b"#")
        )
        return purges


# --- one process's pages ------------------------------------------------------------------------------------------


class Page:
    __slots__ = ("status", "code", "headers", "body", "keys", "stored", "expires", "etag", "modified", "size")

    def __init__(self, status: str, headers: Headers, body: bytes, keys: frozenset[str], *, stored: float,
                 expires: float) -> None:  # fmt: skip
        self.status, self.code, self.headers, self.body = status, int(status[:3]), headers, body
        self.keys, self.stored, self.expires = keys, stored, expires
        found = {name.lower(): value for name, value in headers}
        self.etag = found.get("etag")
        self.modified = parse_http_date_safe(found["last-modified"]) if "last-modified" in found else None
        self.size = len(body) + sum(len(n) + len(v) for n, v in headers) + ENTRY_OVERHEAD


class PageStore:
    """Pages by cache key, least recently used dropped first past ``max_bytes``, indexed by surrogate key."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.bytes = 0
        self._pages: collections.OrderedDict[str, Page] = collections.OrderedDict()
        self._tagged: dict[str, set[str]] = {}

    def __len__(self) -> int:
        return len(self._pages)

    def get(self, key: str, now: float) -> Page | None:
        page = self._pages.get(key)
        if page is None:
            return None
        if now >= page.expires:
            self._remove(key)
            return None
        self._pages.move_to_end(key)
        return page

    def put(self, key: str, page: Page) -> None:
        if page.size > self.max_bytes // MAX_PAGE_SHARE:
            return
        if key in self._pages:
            self._remove(key)
        self._pages[key] = page
        self.bytes += page.size
        for tag in page.keys:
            self._tagged.setdefault(tag, set()).add(key)
        while self.bytes > self.max_bytes:
            self._remove(next(iter(self._pages)))

    def purge(self, keys: Iterable[str]) -> int:
        dropped = 0
        for tag in keys:
            for key in self._tagged.pop(tag, ()):
                dropped += self._remove(key)
        return dropped

    def clear(self) -> None:
        self._pages.clear()
        self._tagged.clear()
        self.bytes = 0

    def _remove(self, key: str) -> int:
        page = self._pages.pop(key, None)
        if page is None:
            return 0
        self.bytes -= page.size
        for tag in page.keys:
            keys = self._tagged.get(tag)
            if keys is not None:
                keys.discard(key)
                if not keys:
                    del self._tagged[tag]
        return 1


# --- the WSGI wrapper ---------------------------------------------------------------------------------------------


class PageCacheMiddleware:
    def __init__(
        self, app, *, log_path: Path, max_bytes: int, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.app = app
        self.clock = clock
        self.store = PageStore(max_bytes)
        self._lock = threading.Lock()
        PurgeLog(log_path).touch()
        self._follower = PurgeFollower(log_path)
        self._seq = 0  # purges applied by this process so far
        # (sequence number, keys) of recent purges; keys None: everything was dropped
        self._recent: collections.deque[tuple[int, frozenset[str] | None]] = collections.deque(
            maxlen=RECENT_PURGES
        )
        self._rendering: dict[str, threading.Event] = {}  # pages being rendered now, by cache key
        self._passes: dict[str, float] = {}  # pages answered but not kept lately: until when not to wait
        self._session = re.compile(r"(?:^|;)\s*" + re.escape(settings.SESSION_COOKIE_NAME) + "=")
        self._bypass = BYPASS + tuple(
            url for url in (settings.STATIC_URL, settings.MEDIA_URL) if url and url.startswith("/")
        )
        # Headers Django is told to trust for the host and scheme: pages built from them are kept apart.
        self._trusted = tuple(
            name
            for name, on in (
                ("HTTP_X_FORWARDED_HOST", settings.USE_X_FORWARDED_HOST),
                ("HTTP_X_FORWARDED_PORT", settings.USE_X_FORWARDED_PORT),
                ((settings.SECURE_PROXY_SSL_HEADER or ("",))[0], settings.SECURE_PROXY_SSL_HEADER),
            )
            if on
        )

    def __call__(self, environ: dict, start_response):
        method = environ.get("REQUEST_METHOD")
        path = environ.get("PATH_INFO", "")
        if (
            (method != "GET" and method != "HEAD")
            or path.startswith(self._bypass)
            or "HTTP_AUTHORIZATION" in environ
            or self._session.search(environ.get("HTTP_COOKIE", ""))
        ):
            return self.app(environ, _without_keys(start_response))
        if self._follower.changed():
            with self._lock:
                self._apply_purges()
        key = self._key(environ, path)
        with self._lock:
            page = self.store.get(key, self.clock())
        if page is not None:
            return self._answer(page, environ, start_response, "HIT")
        return self._miss(key, environ, start_response)

    def _key(self, environ: dict, path: str) -> str:
        query = environ.get("QUERY_STRING", "")
        if "&" in query:
            # By parameter name only, keeping the order of repeated ones (the views may care about it).
            query = "&".join(sorted(query.split("&"), key=_param_name))
        host = environ.get("HTTP_HOST") or f"{environ.get('SERVER_NAME')}:{environ.get('SERVER_PORT')}"
        trusted = " ".join([environ.get(name, "") for name in self._trusted]) if self._trusted else ""
        scheme, script = environ.get("wsgi.url_scheme", "http"), environ.get("SCRIPT_NAME", "")
        return f"{scheme} {host.lower()} {trusted} {script}{path}?{query}"

    def _apply_purges(self) -> None:
        purges = self._follower.poll()
        if purges is LOST:
            self.store.clear()
            self._seq += 1
            self._recent.append((self._seq, None))
            return
        for keys in purges:
            self.store.purge(keys)
            self._seq += 1
            self._recent.append((self._seq, keys))

    def _miss(self, key: str, environ: dict, start_response):
        """One render per page at a time in this process: other threads asking meanwhile wait for its copy."""
        if environ["REQUEST_METHOD"] == "HEAD":
            return self._render(key, environ, start_response)
        with self._lock:
            rendering = self._rendering.get(key)
            ours: threading.Event | None = None  # set when this thread renders for the others
            if rendering is None and self._passes.get(key, 0.0) <= self.clock():
                self._rendering[key] = ours = threading.Event()
        if ours is None:
            if rendering is not None and rendering.wait(WAIT_SECONDS):
                with self._lock:
                    page = self.store.get(key, self.clock())
                if page is not None:
                    return self._answer(page, environ, start_response, "HIT")
            return self._render(key, environ, start_response)  # not kept: each asks Django itself
        try:
            return self._render(key, environ, start_response)
        finally:
            with self._lock:
                del self._rendering[key]
            ours.set()

    def _render(self, key: str, environ: dict, start_response):
        with self._lock:
            started = self._seq
        # As Varnish does: the page is rendered for no one in particular (no cookies), and in full, so that it
        # can be kept and any validator answered from it.
        conditions = {name: environ.pop(name) for name in CONDITIONAL if name in environ}
        environ.pop("HTTP_COOKIE", None)
        head = environ["REQUEST_METHOD"] == "HEAD"
        kept: list[tuple[str, Headers, tuple[int, frozenset[str]]]] = []
        written: list[bytes] = []

        def capture(status: str, headers: Headers, exc_info=None):
            largest = self.store.max_bytes // MAX_PAGE_SHARE
            terms = None if head or exc_info else _storable(status, headers, largest)
            if terms is None:
                if not head:
                    self._pass(key)
                environ[STATE_KEY] = "MISS"
                return start_response(status, [*_strip_keys(headers), ("X-Cache", "MISS")], exc_info)
            kept.append((status, headers, terms))
            return written.append  # WSGI's legacy write(): its bytes come before the iterable's

        result = self.app(environ, capture)
        if not kept:
            return result
        try:
            written.extend(result)
        finally:
            if hasattr(result, "close"):
                result.close()
        status, headers, (ttl, keys) = kept[0]
        keep_for = _until_next_schedule(ttl)
        now = self.clock()
        page = Page(status, _strip_keys(headers), b"".join(written), keys, stored=now, expires=now + keep_for)
        with self._lock:
            if self._follower.changed():
                self._apply_purges()
            if keep_for > 0 and not self._overlapped(page.keys, since=started):
                self.store.put(key, page)
        environ.update(conditions)
        return self._answer(page, environ, start_response, "MISS")

    def _pass(self, key: str) -> None:
        """Remember that this page is not kept, so that requests for it don't wait for each other's render."""
        with self._lock:
            if len(self._passes) >= MAX_PASSES:
                self._passes.clear()
            self._passes[key] = self.clock() + PASS_SECONDS

    def _overlapped(self, keys: frozenset[str], *, since: int) -> bool:
        """Was one of ``keys`` purged after the render began? Then it may show the old state: don't keep it."""
        if self._seq == since or not keys:
            return False
        if not self._recent or self._recent[0][0] > since + 1:
            return True  # more purges than remembered: assume the worst
        return any(seq > since and (purged is None or purged & keys) for seq, purged in self._recent)

    def _answer(self, page: Page, environ: dict, start_response, state: str):
        environ[STATE_KEY] = state
        extra = [("X-Cache", state)]
        if state == "HIT":
            extra.append(("Age", str(int(self.clock() - page.stored))))
        conditional = "HTTP_IF_NONE_MATCH" in environ or "HTTP_IF_MODIFIED_SINCE" in environ
        if conditional and page.code == 200 and _not_modified(page, environ):
            headers = [(name, value) for name, value in page.headers if name.lower() in NOT_MODIFIED_HEADERS]
            start_response("304 Not Modified", headers + extra)
            return [b""]
        start_response(page.status, page.headers + extra)
        return [b""] if environ.get("REQUEST_METHOD") == "HEAD" else [page.body]


def _param_name(part: str) -> str:
    return part.partition("=")[0]


def _storable(status: str, headers: Headers, max_size: int) -> tuple[int, frozenset[str]] | None:
    """(seconds to keep, surrogate keys) when the response may be shared; None otherwise."""
    if not status[:3].isdigit() or int(status[:3]) not in SHAREABLE_STATUSES:
        return None
    cache_control, keys, length = "", "", None
    for name, value in headers:
        lower = name.lower()
        if lower == "cache-control":
            cache_control += "," + value
        elif lower == KEYS:
            keys = value
        elif lower == "content-length":
            length = int(value) if value.isdigit() else None
        elif lower in ("set-cookie", "content-encoding"):
            return None
        elif lower == "vary" and {v.strip().lower() for v in value.split(",")} - STORABLE_VARY:
            return None
    found = S_MAXAGE.search(cache_control)
    # A known, bounded length: Django sets it on every response it renders whole (streams have none).
    if not found or PRIVATE.search(cache_control) or length is None or length > max_size:
        return None
    ttl = int(found.group(1))
    return (ttl, frozenset(k for k in keys.split(",") if k)) if ttl > 0 else None


def _until_next_schedule(ttl: float) -> float:
    """A page is kept no longer than until the next scheduled article appears (see seconds_to_next_schedule)."""
    try:
        due = seconds_to_next_schedule()
    except DatabaseError as exc:
        logger.warning("Page cache: the next scheduled time cannot be read (%s); the page is not kept", exc)
        return 0
    return ttl if due is None else min(ttl, due)


def _not_modified(page: Page, environ: dict) -> bool:
    if environ.get("REQUEST_METHOD") != "GET":
        return False
    if_none_match = environ.get("HTTP_IF_NONE_MATCH")
    if if_none_match is not None:
        if page.etag is None:
            return False
        tags = parse_etags(if_none_match)
        return tags == ["*"] or _weak(page.etag) in {_weak(tag) for tag in tags}
    since = environ.get("HTTP_IF_MODIFIED_SINCE")
    if since is not None and page.modified is not None:
        moment = parse_http_date_safe(since)
        return moment is not None and page.modified <= moment
    return False


def _weak(etag: str) -> str:
    return etag.removeprefix("W/")


def _strip_keys(headers: Headers) -> Headers:
    return [(name, value) for name, value in headers if name.lower() != KEYS]


def _without_keys(start_response):
    """Surrogate keys are for a cache in front; with none there, they stay inside (as Varnish removes them)."""

    def strip(status: str, headers: Headers, exc_info=None):
        return start_response(status, _strip_keys(headers), exc_info)

    return strip


def _strip_all_keys(app):
    def application(environ: dict, start_response):
        return app(environ, _without_keys(start_response))

    return application


def with_page_cache(app):
    """What ``newsdesk/wsgi.py`` serves: the page cache around ``app`` unless it is off or Varnish is in front."""
    if settings.NEWSDESK_PAGE_CACHE:
        try:
            return PageCacheMiddleware(
                app, log_path=default_log_path(), max_bytes=settings.NEWSDESK_PAGE_CACHE_MB * 1024 * 1024
            )
        except OSError as exc:
            # Without the log, purges could not be seen: serving kept pages would serve stale ones.
            logger.error(
                "Page cache off: its purge log %s cannot be opened (%s); make the data dir writable",
                default_log_path(),
                exc,
            )
    if settings.NEWSDESK_EDGE_PURGE.get("BACKEND") == "varnish":
        return app  # Varnish reads the keys and removes them itself (deploy/varnish/newsdesk.vcl)
    return _strip_all_keys(app)
