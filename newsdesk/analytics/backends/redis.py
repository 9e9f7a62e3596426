"""The Redis back end: time-bucketed sorted sets, deduplication and the daily salt in Redis (never on disk).

Keys (all under PREFIX, default "newsdesk:reads:"):
    m:<epoch minute>[:s<section>]   sorted set article → reads in that minute (kept 3 hours)
    h:<epoch hour>[:s<section>]     sorted set article → reads in that hour (kept 8 days)
    a:<article>                     hash epoch hour → reads: the article's history (kept HISTORY_DAYS)
    r:<epoch day>[:a<article>]      sorted set domain → reads (kept HISTORY_DAYS)
    seen:<reader hash>              time of the counted read, expires after 30 minutes
    salt:<date>                     the day's random salt, expires after two days
A batch is counted by one Lua script, so deduplication and counting are atomic across server processes.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
import threading
import uuid
from collections.abc import Callable, Sequence
from typing import Any

from django.core.exceptions import ImproperlyConfigured

from ..memory import DailySalt
from .base import DEDUP_SECONDS, BaseReadsBackend, Read, Window, floor_time

logger = logging.getLogger(__name__)

WRITE_SCRIPT = """
local p, window, history = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
local zsets, hashes, ttls = {}, {}, {}
local function bump(store, key, member, ttl)
  local t = store[key]
  if not t then t = {}; store[key] = t; ttls[key] = ttl end
  t[member] = (t[member] or 0) + 1
end
local counted = 0
for i = 4, #ARGV, 5 do
  local seen_key, ts = p .. 'seen:' .. ARGV[i], tonumber(ARGV[i + 1])
  local prev = tonumber(redis.call('GET', seen_key) or '')
  if not (prev and ts >= prev and ts - prev < window) then
    redis.call('SET', seen_key, ARGV[i + 1], 'EX', window)
    counted = counted + 1
    local a, s, ref = ARGV[i + 2], ARGV[i + 3], ARGV[i + 4]
    local minute, hour, day = math.floor(ts / 60), math.floor(ts / 3600), math.floor(ts / 86400)
    bump(zsets, p .. 'm:' .. minute, a, 10800)
    bump(zsets, p .. 'm:' .. minute .. ':s' .. s, a, 10800)
    bump(zsets, p .. 'h:' .. hour, a, 8 * 86400 + 7200)
    bump(zsets, p .. 'h:' .. hour .. ':s' .. s, a, 8 * 86400 + 7200)
    bump(hashes, p .. 'a:' .. a, tostring(hour), history)
    if ref ~= '' then
      bump(zsets, p .. 'r:' .. day, ref, history)
      bump(zsets, p .. 'r:' .. day .. ':a' .. a, ref, history)
    end
  end
end
for key, members in pairs(zsets) do
  for member, n in pairs(members) do redis.call('ZINCRBY', key, n, member) end
  redis.call('EXPIRE', key, ttls[key])
end
for key, fields in pairs(hashes) do
  for field, n in pairs(fields) do redis.call('HINCRBY', key, field, n) end
  redis.call('EXPIRE', key, ttls[key])
end
return counted
"""

MINUTE = dt.timedelta(minutes=1)
HOUR = dt.timedelta(hours=1)
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def _index(at: dt.datetime, step: dt.timedelta) -> int:
    return int((at - EPOCH).total_seconds() // step.total_seconds())


class RedisBackend(BaseReadsBackend):
    def __init__(self, options: dict) -> None:
        super().__init__(options)
        if not options.get("URL"):
            raise ImproperlyConfigured("The redis analytics back end needs OPTIONS['URL'] (set REDIS_URL).")
        self.prefix = options.get("PREFIX", "newsdesk:reads:")
        self.history_seconds = int(options.get("HISTORY_DAYS", 400)) * 86400
        self._client = None
        self._script: Callable[..., Any] | None = None  # the write script, registered with the client
        self._lock = threading.Lock()
        self._salt_day: dt.date | None = None
        self._salt = b""
        self._local_salt = DailySalt()

    @property
    def client(self):
        if self._client is None:
            import redis  # only this back end needs the client

            self._client = redis.Redis.from_url(
                self.options["URL"], socket_timeout=5, health_check_interval=30
            )
            self._script = self._client.register_script(WRITE_SCRIPT)
        return self._client

    def salt(self, day: dt.date) -> bytes:
        with self._lock:
            if day != self._salt_day:
                try:
                    self._salt, self._salt_day = self._shared_salt(day), day
                except Exception:  # Redis away: count with this process's own salt until it answers again
                    logger.warning("analytics: Redis unreachable; reads hashed with a process salt meanwhile")
                    return self._local_salt.get(day)  # a reader may count once per process: never lost
            return self._salt

    def _shared_salt(self, day: dt.date) -> bytes:
        key = f"{self.prefix}salt:{day.isoformat()}"
        # Every server process must hash alike, so the first one to need the day's salt makes it.
        self.client.set(key, secrets.token_bytes(16), nx=True, ex=2 * 86400)
        return self.client.get(key)

    def write(self, reads: Sequence[Read]) -> int:
        if not reads:
            return 0
        args: list = [self.prefix, DEDUP_SECONDS, self.history_seconds]
        for r in reads:
            args += [r.reader.hex(), repr(r.at.timestamp()), r.article_id, r.section_id, r.referrer]
        self.client  # noqa: B018 - makes the client and registers the script
        assert self._script is not None
        return int(self._script(args=args))

    def _ranked(self, keys: list[str], limit: int) -> list[tuple[bytes, float]]:
        """The top ``limit`` of the union of ``keys``, ties broken by member (as the database orders them)."""
        if not keys or limit <= 0:
            return []
        tmp = f"{self.prefix}tmp:{uuid.uuid4().hex}"
        pipe = self.client.pipeline(transaction=False)
        pipe.zunionstore(tmp, keys)
        pipe.expire(tmp, 30)
        pipe.zrevrange(tmp, limit - 1, limit - 1, withscores=True)
        edge = pipe.execute()[2]
        if not edge:
            rows = self.client.zrange(tmp, 0, -1, withscores=True)
        else:
            rows = self.client.zrangebyscore(tmp, edge[0][1], "+inf", withscores=True)
        self.client.delete(tmp)
        return sorted(rows, key=lambda row: (-row[1], _sort_key(row[0])))[:limit]

    def top(self, *, window: Window, at: dt.datetime, section_id: int | None = None, limit: int = 7):
        kind = "m" if window is Window.NOW else "h"
        first, last = _index(window.first_bucket(at), window.bucket), _index(at, window.bucket)
        suffix = f":s{section_id}" if section_id is not None else ""
        keys = [f"{self.prefix}{kind}:{i}{suffix}" for i in range(first, last + 1)]
        return [(int(member), int(score)) for member, score in self._ranked(keys, limit)]

    def series(self, *, article_id: int, start: dt.datetime, end: dt.datetime) -> dict[dt.datetime, int]:
        first, last = _index(start, HOUR), _index(end, HOUR)
        stored = self.client.hgetall(f"{self.prefix}a:{article_id}")
        hours = {int(field): int(value) for field, value in stored.items()}
        return {EPOCH + HOUR * h: n for h, n in sorted(hours.items()) if first <= h <= last}

    def referrers(self, *, start: dt.date, end: dt.date, article_id: int | None = None, limit: int = 20):
        first, last = (start - EPOCH.date()).days, (end - EPOCH.date()).days
        suffix = f":a{article_id}" if article_id is not None else ""
        keys = [f"{self.prefix}r:{day}{suffix}" for day in range(first, last + 1)]
        return [(member.decode(), int(score)) for member, score in self._ranked(keys, limit)]

    def clear(self) -> None:
        keys = list(self.client.scan_iter(match=f"{self.prefix}*", count=1000))
        for i in range(0, len(keys), 500):
            self.client.delete(*keys[i : i + 500])
        with self._lock:
            self._salt_day = None


def _sort_key(member: bytes):
    text = member.decode()
    return (0, int(text), "") if text.isdigit() else (1, 0, text)


__all__ = ["RedisBackend", "floor_time"]
