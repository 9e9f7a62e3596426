"""Redis: the log is a stream (XADD/XRANGE/XREAD), shared by every app process on every machine.

A stream, not bare pub/sub: a browser that reconnects to another process asks for "everything after id X", which
only a kept, ordered log can answer without gaps. Under ASGI each process runs one reader task (``_Hub``) that
follows the stream and wakes all its open connections, so 2,000 connections cost one Redis connection, not 2,000.
"""

from __future__ import annotations

import asyncio
import bisect
import json
import logging
import re
from typing import TYPE_CHECKING

from .base import BaseLiveBackend, Event

if TYPE_CHECKING:
    from redis.typing import StreamRangeResponse, XReadResponse

logger = logging.getLogger(__name__)
FOLLOW_RETRY = 0.5
FOLLOW_BLOCK_MS = 2000  # one XREAD per process every 2 s when nothing happens
ID_RE = re.compile(r"^\d{1,20}-\d{1,20}$")
# Mark and append in one step: a Redis that goes away between the two must not leave a story marked but
# unsent. The mark keeps the entry's id (for a retraction), the entry its key (for when the mark expired).
ANNOUNCE_SCRIPT = """
if redis.call('SET', KEYS[1], 1, 'NX', 'EX', ARGV[1]) then
  local id = redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[2], '*', 'data', ARGV[3], 'key', ARGV[4])
  redis.call('SET', KEYS[1], id, 'EX', ARGV[1])
  return id
end
return false
"""
# Take an entry back: delete it from the stream (catch-up reads never see it again) and append a tombstone, so
# every process that follows the stream drops it from the events it keeps (_Hub). ARGV[2]: the entry's id when
# the caller found it by scanning (no mark, or a mark from before ids were kept).
RETRACT_SCRIPT = """
local id = redis.call('GET', KEYS[1])
if not id or not string.find(id, '-') then id = ARGV[2] end
redis.call('DEL', KEYS[1])
if id ~= '' and redis.call('XDEL', KEYS[2], id) == 1 then
  return redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[1], '*', 'retract', id)
end
return false
"""


def _key(event_id: str) -> tuple[int, int]:
    ms, _, seq = event_id.partition("-")
    return int(ms or 0), int(seq or 0)


def _events(entries: StreamRangeResponse | None) -> list[Event]:
    return [_event(_text(entry_id), fields or {}) for entry_id, fields in entries or []]


def _read_events(reply: XReadResponse) -> list[Event]:
    """XREAD's reply for the one stream asked for, in the shape of the client's protocol (RESP2, the default):
    [[stream, entries]], or nothing when the block time passed first."""
    if not reply:
        return []
    assert isinstance(reply, list)  # a dict is RESP3's shape, which these clients don't ask for
    return _events(reply[0][1])


def _event(entry_id: str, fields: dict) -> Event:
    if b"retract" in fields:
        return Event(id=entry_id, data={}, retracts=_text(fields[b"retract"]))
    return Event(id=entry_id, data=json.loads(raw := _text(fields[b"data"])), json=raw)


def _text(value: bytes | str | None) -> str:
    # None: redis-py types a stream entry's id as optional (XAUTOCLAIM's deleted entries); XRANGE and XREAD,
    # the only reads here, always give one.
    if value is None:
        return ""
    return value.decode() if isinstance(value, bytes) else value


class RedisLiveBackend(BaseLiveBackend):
    def __init__(
        self, url: str, stream: str = "newsdesk:live", keep: int = 10000, announced_ttl: int = 7 * 86400
    ):
        import redis

        self.url, self.stream, self.keep, self.announced_ttl = url, stream, keep, announced_ttl
        self.client = redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=2)
        self._announce = self.client.register_script(ANNOUNCE_SCRIPT)
        self._retract = self.client.register_script(RETRACT_SCRIPT)
        self._hub: _Hub | None = None

    def announce(self, *, key: str, data: dict) -> str | None:
        keys = [f"{self.stream}:announced:{key}", self.stream]
        entry_id = self._announce(keys=keys, args=[self.announced_ttl, self.keep, json.dumps(data), key])
        return _text(entry_id) if entry_id else None

    def retract(self, *, key: str) -> bool:
        mark = f"{self.stream}:announced:{key}"
        stored = self.client.get(mark)
        found = "" if stored and b"-" in stored else self._find(key)
        return bool(self._retract(keys=[mark, self.stream], args=[self.keep, found]))

    def _find(self, key: str) -> str:
        """The id of ``key``'s entry in the kept stream, read in pages (its mark has expired, or predates the
        ids in marks): "" when there is none. Entries from before keys were stored are matched by the
        story id in their data, the key the live service uses."""
        after = "-"
        while page := self.client.xrange(self.stream, min=after, count=1000):
            for entry_id, fields in page:
                if not fields:
                    continue  # no entry without fields is ever written
                if fields.get(b"key") is not None:
                    if _text(fields[b"key"]) == key:
                        return _text(entry_id)
                elif b"data" in fields and f"article:{json.loads(fields[b'data']).get('public_id')}" == key:
                    return _text(entry_id)
            after = f"({_text(page[-1][0])}"
        return ""

    def read(self, *, after: str, limit: int = 100) -> list[Event]:
        return _events(self.client.xrange(self.stream, min=f"({after}" if after else "-", count=limit))

    def latest_id(self) -> str:
        entries = self.client.xrevrange(self.stream, count=1)
        return _text(entries[0][0]) if entries else ""

    def id_at(self, *, ms: int) -> str:
        return f"{max(ms - 1, 0)}-0"  # stream ids begin with the time they were added, in milliseconds

    def parse_id(self, raw: str) -> str:
        if raw == "":
            return ""
        if not ID_RE.match(raw):
            raise ValueError("an event id looks like 1700000000000-0")
        return raw

    def wait(self, *, after: str, timeout: float) -> list[Event]:
        events = self.read(after=after)
        if events:
            return events
        reply = self.client.xread({self.stream: after or "0-0"}, block=max(1, int(timeout * 1000)), count=100)
        return _read_events(reply)

    async def await_events(self, *, after: str, timeout: float) -> list[Event]:
        if self._hub is None or self._hub.loop is not asyncio.get_running_loop():
            self._hub = _Hub(self)
        return await self._hub.after(after, timeout=timeout)


class _Hub:
    """One task per process follows the stream and keeps its recent events; connections wait on it.

    A publish wakes every waiting connection at once: each waits on the same future (shielded, so one
    connection going away cannot cancel it for the rest), and finds its new events by bisecting the buffer's
    ids — no lock to pass from waiter to waiter, no scan of the buffer per connection.
    """

    BUFFER = 2000

    def __init__(self, backend: RedisLiveBackend) -> None:
        import redis.asyncio

        self.backend = backend
        self.loop = asyncio.get_running_loop()
        # Longer than XREAD's block, so a quiet stream is not mistaken for a dead server.
        self.client = redis.asyncio.Redis.from_url(backend.url, socket_connect_timeout=2, socket_timeout=30)
        self.events: list[Event] = []
        self.keys: list[tuple[int, int]] = []  # the events' ids, parsed: sorted, as the stream is
        self.floor = ""  # the buffer holds every event after this id (set when following starts)
        self.arrived: asyncio.Future = self.loop.create_future()  # resolved (and replaced) on each new batch
        self.starting = asyncio.Lock()
        self.task: asyncio.Task | None = None
        self.waiting = 0  # connections waiting for the next batch now (tests wait on it; a gauge's reading)

    async def after(self, after: str, *, timeout: float) -> list[Event]:
        await self._start()
        if not after or _key(after) < _key(self.floor):
            # Older than what this process has seen: ask the stream itself.
            events = _events(
                await self.client.xrange(self.backend.stream, min=f"({after}" if after else "-", count=100)
            )
            if events:
                return events
            after = after or self.floor
        if newer := self._newer(after):
            return newer
        self.waiting += 1
        try:
            async with asyncio.timeout(timeout):
                await asyncio.shield(self.arrived)
        except TimeoutError:
            return []
        finally:
            self.waiting -= 1
        return self._newer(after)

    def _newer(self, after: str) -> list[Event]:
        start = bisect.bisect_right(self.keys, _key(after))
        return self.events[start : start + 100]

    async def _start(self) -> None:
        async with self.starting:  # a crowd of first connections must start one follower, not one each
            if self.task is not None and not self.task.done():
                return
            latest = await self.client.xrevrange(self.backend.stream, count=1)
            self.floor = _text(latest[0][0]) if latest else "0-0"
            self.events, self.keys = [], []
            self.task = asyncio.create_task(self._follow())

    async def _follow(self) -> None:
        last = self.floor
        task = asyncio.current_task()
        assert task is not None  # this runs as its own task (_start)
        while not task.cancelling():
            try:
                # redis-py can swallow a cancellation that arrives during a blocking read (the read then ends
                # normally at its block time): the loop checks for it, and a short block bounds the wait.
                reply = await self.client.xread({self.backend.stream: last}, block=FOLLOW_BLOCK_MS, count=100)
            except Exception:  # Redis away or slow: live updates pause, and resume from ``last`` (no gap)
                if task.cancelling():
                    # The client turned our cancellation (the loop closing) into an error: stop, don't retry.
                    raise asyncio.CancelledError from None
                logger.warning("Live log unreachable; following it again in %ss", FOLLOW_RETRY, exc_info=True)
                await asyncio.sleep(FOLLOW_RETRY)
                continue
            events = _read_events(reply)
            if not events:
                continue
            last = events[-1].id
            retracted = {event.retracts for event in events if event.retracts}
            if retracted:  # a withdrawn story: never served from this buffer again (its tombstone stays)
                events = [event for event in events if event.id not in retracted]
                self.events = [event for event in self.events if event.id not in retracted]
                self.keys = [_key(event.id) for event in self.events]
            self.events = (self.events + events)[-self.BUFFER :]
            self.keys = (self.keys + [_key(event.id) for event in events])[-self.BUFFER :]
            if len(self.events) == self.BUFFER:
                self.floor = self.events[0].id
            arrived, self.arrived = self.arrived, self.loop.create_future()
            arrived.set_result(None)
