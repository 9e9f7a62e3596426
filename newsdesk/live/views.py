"""The live feed's endpoints: JSON for polling and an SSE stream. Thin: parse, then read the log.

Which one a page uses is NEWSDESK_LIVE_TRANSPORT. Polling (the default) holds no connection: the browser asks
``/live/events`` every few seconds with If-None-Match, and a poll with nothing new is a 304 answered before
Django (newsdesk.live.wsgi). The stream is for deployments that serve it from ASGI processes: there it is
``async_stream``, served by newsdesk.live.asgi outside Django's request cycle and living as long as the
connection (one process holds thousands). Under WSGI, where a connection holds a worker thread, the stream
ends after a short while and the browser reconnects with Last-Event-ID, so nothing is lost.
"""

from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpResponse, HttpResponseNotModified, JsonResponse, StreamingHttpResponse
from django.views.decorators.http import require_safe

from .backends import Event, get_backend
from .selectors import etag, for_sections, latest_id, position_at, read_after

logger = logging.getLogger(__name__)
SLUG_RE = re.compile(r"^[-a-zA-Z0-9_]{1,100}$")
MAX_SECTIONS = 50
HEARTBEAT = 15.0
KEEPALIVE = ": keepalive\n\n"
LOG_DOWN = "retry: 5000\n\n"  # the log is unreachable: the browser comes back in 5 s


class BadLiveRequest(ValueError):
    pass


def _params(request) -> tuple[str, frozenset[str]]:
    return parse_params(
        sections=request.GET.getlist("section"),
        last_event_id=request.headers.get("Last-Event-ID"),
        after=request.GET.get("after", ""),
        since=request.GET.get("since", ""),
    )


def parse_params(
    *, sections: list[str], last_event_id: str | None, after: str, since: str, kept: bool = False
) -> tuple[str, frozenset[str]]:
    """Where a reader's stream starts and which sections it shows; BadLiveRequest says what is wrong."""
    if len(sections) > MAX_SECTIONS or not all(SLUG_RE.match(slug) for slug in sections):
        raise BadLiveRequest(
            f"'section' takes up to {MAX_SECTIONS} section slugs (letters, digits, '-', '_')."
        )
    raw_after = (last_event_id or after).strip()
    try:
        if len(raw_after) > 100:
            raise ValueError("it is too long")
        position = get_backend().parse_id(raw_after)
    except ValueError as exc:
        raise BadLiveRequest(f"'after' / Last-Event-ID is not an event id: {exc}.") from exc
    return position or _since(since, kept=kept), frozenset(sections)


def _since(raw: str, *, kept: bool) -> str:
    """A page's render time (Unix ms) → where its stream starts; absent: from now on. ``kept``: from what this
    process read lately (newsdesk.live.selectors), not from the log."""
    if not raw:
        return latest_id() if kept else get_backend().latest_id()
    if not raw.isascii() or not raw.isdigit() or len(raw) > 15:
        raise BadLiveRequest("'since' is a time in milliseconds since 1970, e.g. 1496142000000.")
    return position_at(int(raw)) if kept else get_backend().id_at(ms=int(raw))


def _bad(exc: Exception) -> JsonResponse:
    return _no_store(JsonResponse({"error": str(exc)}, status=400))


def _frame(event: Event) -> str:
    return f"id: {event.id}\nevent: story\ndata: {event.as_json()}\n\n"


@dataclass(frozen=True)
class PollAnswer:
    status: int  # 200, 304 or 400
    etag: str | None
    body: dict | None


def poll(
    *,
    sections: list[str],
    after: str,
    since: str,
    last_event_id: str | None = None,
    if_none_match: str | None = None,
    kept: bool = False,
) -> PollAnswer:
    """A poll's answer, for the view and for newsdesk.live.wsgi, which answers polls before Django from what its
    process read lately (``kept``: a story shows up to LATEST_MAX_AGE later, the log is read far less)."""
    try:
        position, wanted = parse_params(
            sections=sections, last_event_id=last_event_id, after=after, since=since, kept=kept
        )
        found = read_after(position) if kept else get_backend().read(after=position)
    except BadLiveRequest as exc:
        return PollAnswer(400, None, {"error": str(exc)})
    except Exception:  # the log is down: no updates now; the page itself still works
        logger.exception("Live log unreachable")
        return PollAnswer(200, None, {"events": [], "last": after})
    last = found[-1].id if found else position
    tag = etag(last)
    if not found and if_none_match == tag:
        return PollAnswer(304, tag, None)
    payload = [{"id": event.id, **event.data} for event in for_sections(found, wanted)]
    return PollAnswer(200, tag, {"events": payload, "last": last})


@require_safe
def events(request):
    """Polling: ``?after=ID&section=slug…`` → ``{"events": [...], "last": ID}`` with ``ETag: "ID"``; a 304
    when If-None-Match names the position the answer would bring the reader to (nothing new)."""
    answer = poll(
        sections=request.GET.getlist("section"),
        after=request.GET.get("after", ""),
        since=request.GET.get("since", ""),
        last_event_id=request.headers.get("Last-Event-ID"),
        if_none_match=request.headers.get("If-None-Match"),
    )
    response = (
        HttpResponseNotModified() if answer.status == 304 else JsonResponse(answer.body, status=answer.status)
    )
    if answer.etag:
        response["ETag"] = answer.etag
    return _no_store(response)


@require_safe
def stream(request):
    """The stream under WSGI, where a connection holds a worker thread: it ends after a short while and the
    browser reconnects with Last-Event-ID. Under ASGI, newsdesk.live.asgi serves this URL instead."""
    try:
        after, sections = _params(request)
    except BadLiveRequest as exc:
        return _bad(exc)
    except Exception:  # the log is down: live updates pause; the browser reconnects in 5 s (an error status
        # would make EventSource give up for good)
        logger.warning("Live log unreachable; asking the browser to come back later")
        return _no_store(HttpResponse(LOG_DOWN, content_type="text/event-stream"))
    body = _sync_stream(after, sections, lifetime=settings.NEWSDESK_LIVE_WSGI_STREAM_SECONDS)
    response = _no_store(StreamingHttpResponse(body, content_type="text/event-stream"))
    response["X-Accel-Buffering"] = "no"  # nginx: pass each event at once
    return response


def _no_store(response):
    response["Cache-Control"] = "no-store"
    return response


def _sync_stream(after: str, sections: frozenset[str], *, lifetime: float):
    yield "retry: 1000\n\n"
    deadline = time.monotonic() + lifetime
    backend = get_backend()
    while (left := deadline - time.monotonic()) > 0:
        try:
            found = backend.wait(after=after, timeout=min(HEARTBEAT, left))
        except Exception:
            logger.exception("Live log unreachable; closing the stream")
            yield LOG_DOWN
            return
        yield from _frames(found, sections) if found else [KEEPALIVE]
        after = found[-1].id if found else after


async def async_stream(after: str, sections: frozenset[str]):
    """The stream under ASGI: lives as long as the connection; one string per wake-up (fewer writes)."""
    yield "retry: 1000\n\n"
    backend = get_backend()
    while True:
        try:
            found = await backend.await_events(after=after, timeout=HEARTBEAT)
        except Exception:
            logger.exception("Live log unreachable; closing the stream")
            yield LOG_DOWN
            return
        yield "".join(_frames(found, sections)) if found else KEEPALIVE
        after = found[-1].id if found else after


def _frames(found: list[Event], sections: frozenset[str]) -> list[str]:
    frames = [_frame(event) for event in for_sections(found, sections)]
    # Events of other sections still move the reader's position, so a resume does not fetch them again.
    if found and (not frames or not frames[-1].startswith(f"id: {found[-1].id}\n")):
        frames.append(f"id: {found[-1].id}\n\n")
    return frames
