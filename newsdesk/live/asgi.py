"""The live stream under ASGI, outside Django's request cycle.

One ASGI process holds thousands of open streams and writes every published story to each of them. A stream
needs none of the middleware (no session, no cookies, no HTML), so going through Django's request and response
machinery would only add work to every connection and every event. This app parses the same parameters with the
same rules as the WSGI view (views.parse_params), writes views.async_stream, and stops when the reader leaves.
newsdesk.asgi routes the stream's URL here and everything else to Django.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging

from asgiref.sync import sync_to_async
from django.http import QueryDict

from .views import LOG_DOWN, BadLiveRequest, async_stream, parse_params

logger = logging.getLogger(__name__)

_COMMON = [(b"cache-control", b"no-store"), (b"x-content-type-options", b"nosniff")]
STREAM_HEADERS = [
    (b"content-type", b"text/event-stream; charset=utf-8"),
    (b"x-accel-buffering", b"no"),  # nginx: pass each event at once
    *_COMMON,
]


async def stream_app(scope, receive, send) -> None:
    if scope["method"] not in ("GET", "HEAD"):
        await _answer(send, 405, b"text/plain", b"Only GET and HEAD.", [(b"allow", b"GET, HEAD")])
        return
    headers = dict(scope["headers"])
    query = QueryDict(scope.get("query_string", b""), encoding="utf-8")
    try:
        # The log may be read (where a page's stream starts): a blocking call, so off the event loop.
        after, sections = await sync_to_async(parse_params, thread_sensitive=False)(
            sections=query.getlist("section"),
            last_event_id=headers.get(b"last-event-id", b"").decode("latin-1") or None,
            after=query.get("after", ""),
            since=query.get("since", ""),
        )
    except BadLiveRequest as exc:
        body = json.dumps({"error": str(exc)}).encode()
        await _answer(send, 400, b"application/json", body)
        return
    except Exception:  # the log is down: the browser comes back later (an error status would end EventSource)
        logger.warning("Live log unreachable; asking the browser to come back later")
        await _answer(send, 200, b"text/event-stream; charset=utf-8", LOG_DOWN.encode())
        return
    await send({"type": "http.response.start", "status": 200, "headers": STREAM_HEADERS})
    if scope["method"] == "HEAD":
        await send({"type": "http.response.body", "body": b""})
        return
    writer = asyncio.create_task(_write(send, after, sections))
    leaving = asyncio.create_task(_until_disconnect(receive))
    await asyncio.wait({writer, leaving}, return_when=asyncio.FIRST_COMPLETED)
    for task in (writer, leaving):
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await task


async def _write(send, after: str, sections: frozenset[str]) -> None:
    async for text in async_stream(after, sections):
        await send({"type": "http.response.body", "body": text.encode(), "more_body": True})
    await send({"type": "http.response.body", "body": b""})


async def _until_disconnect(receive) -> None:
    while (await receive())["type"] != "http.disconnect":
        pass


async def _answer(send, status: int, content_type: bytes, body: bytes, extra: list | None = None) -> None:
    headers = [(b"content-type", content_type), (b"content-length", str(len(body)).encode()), *_COMMON]
    await send({"type": "http.response.start", "status": status, "headers": headers + (extra or [])})
    await send({"type": "http.response.body", "body": body})
