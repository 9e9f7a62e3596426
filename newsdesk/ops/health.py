"""/readyz's checks: can this process serve, and is what it depends on there?

Required (any one failing makes /readyz answer 503): the database, the cache (Redis when REDIS_URL is set,
else the shared cache's folder), the job queue, and a background worker's heartbeat. Reported but not
required: the search index's and the pipeline's lag — a worker behind is the same for every server process,
and taking them all out of a load balancer would turn a slow pipeline into an outage.
"""

from __future__ import annotations

import threading
import time

from django.conf import settings
from django.db import connections
from django.utils import timezone

LAG_CACHE_SECONDS = 5.0  # the lags are read at most this often per process (load balancers ask every second)
_lags: tuple[float, dict] | None = None
_lags_lock = threading.Lock()
_redis = None


def _timed(check) -> dict:
    started = time.perf_counter()
    try:
        result = check() or {}
        state = result.pop("state", "ok")
    except Exception as exc:  # noqa: BLE001 - any failure is the check's answer
        result, state = {"error": f"{type(exc).__name__}: {str(exc).strip()[:200]}"}, "down"
    return {"state": state, "ms": round((time.perf_counter() - started) * 1000, 2), **result}


def _database() -> dict:
    connection = connections["default"]
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        connection.close()  # a broken connection is not reused: the next check connects afresh
        raise
    return {}


def _cache() -> dict:
    global _redis
    if settings.REDIS_URL:
        import redis

        if _redis is None or _redis[0] != settings.REDIS_URL:
            client = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=1, socket_connect_timeout=1)
            _redis = (settings.REDIS_URL, client)
        _redis[1].ping()
        return {"backend": "redis"}
    from django.core.cache import caches

    cache = caches["shared"]
    cache.set("newsdesk:readyz", "1", 30)
    if cache.get("newsdesk:readyz") != "1":
        return {"state": "down", "error": "the shared cache does not keep what is written to it"}
    return {"backend": "files"}


def _queue() -> dict:
    from huey.contrib.djhuey import HUEY

    return {"pending": HUEY.pending_count()}


def _worker() -> dict:
    from .models import WorkerHeartbeat

    beat = WorkerHeartbeat.objects.order_by("-beat_at").values_list("beat_at", flat=True).first()
    if beat is None:
        return {
            "state": "down",
            "error": "no background worker has ever reported (is `newsdesk worker` running?)",
        }
    age = (timezone.now() - beat).total_seconds()
    stale = settings.NEWSDESK_WORKER_STALE_SECONDS
    if age > stale:
        return {"state": "down", "age_seconds": round(age, 1),
                "error": f"no worker heartbeat for {age:.0f} s (more than {stale:g} s)"}  # fmt: skip
    return {"age_seconds": round(age, 1)}


def lags(*, fresh: bool = False) -> dict:
    """Pipeline lag and backlog, search index lag, heartbeat age (seconds; None: unknown), kept a few seconds."""
    global _lags
    now = time.monotonic()
    with _lags_lock:
        if not fresh and _lags is not None and now - _lags[0] < LAG_CACHE_SECONDS:
            return _lags[1]
    value = _read_lags()
    with _lags_lock:
        _lags = (now, value)
    return value


def _read_lags() -> dict[str, float | int | None]:
    from newsdesk.pipeline.models import Change
    from newsdesk.search import services as search_services
    from newsdesk.search.models import SearchSyncMark

    from .models import WorkerHeartbeat

    out: dict[str, float | int | None] = {
        "pipeline_lag": None,
        "pipeline_backlog": None,
        "search_lag": None,
        "heartbeat_age": None,
    }
    now = timezone.now()
    try:
        oldest = Change.objects.order_by("created_at").values_list("created_at", flat=True).first()
        out["pipeline_lag"] = max(0.0, (now - oldest).total_seconds()) if oldest else 0.0
        out["pipeline_backlog"] = Change.objects.count()
        mark = SearchSyncMark.objects.filter(pk=1).values_list("synced_at", flat=True).first()
        since = None if mark is None else mark - search_services.SYNC_LOOKBACK
        stale = search_services.stale_article_ids(since=since, limit=1)
        if stale:
            from newsdesk.news.models import Article

            changed = Article.objects.filter(pk=stale[0]).values_list("modified_at", flat=True).first()
            out["search_lag"] = max(0.0, (now - changed).total_seconds()) if changed else 0.0
        else:
            out["search_lag"] = 0.0
        beat = WorkerHeartbeat.objects.order_by("-beat_at").values_list("beat_at", flat=True).first()
        out["heartbeat_age"] = (now - beat).total_seconds() if beat else None
    except Exception:  # noqa: BLE001 - the database is down: the database check says so
        connections["default"].close()
    return out


def _lag(name: str, limit: float) -> dict:
    value = lags()[name]
    if value is None:
        return {"state": "unknown"}
    return {"state": "ok" if value <= limit else "behind", "lag_seconds": round(value, 1)}


REQUIRED = {"database": _database, "cache": _cache, "queue": _queue, "worker": _worker}


def readiness() -> tuple[bool, dict]:
    checks = {name: _timed(check) for name, check in REQUIRED.items()}
    limit = settings.NEWSDESK_READY_MAX_LAG_SECONDS
    checks["search_index"] = _timed(lambda: _lag("search_lag", limit))
    checks["pipeline"] = _timed(lambda: _lag("pipeline_lag", limit))
    ready = all(checks[name]["state"] == "ok" for name in REQUIRED)
    return ready, checks
