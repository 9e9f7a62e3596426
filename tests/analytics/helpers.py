"""Sending beacons the way a browser does, and reading back what was counted."""

from __future__ import annotations

from django.utils import timezone

from newsdesk.analytics import services
from newsdesk.analytics.backends import Window, get_backend

BROWSER_UA = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
)
BEACON = "/analytics/read"


def beacon(
    client, article=None, *, body: str | bytes | None = None, ua: str = BROWSER_UA, ip="198.51.100.7", **extra
):
    data = body if body is not None else f"a={article.public_id}"
    extra.setdefault("content_type", "application/x-www-form-urlencoded;charset=UTF-8")
    return client.generic("POST", BEACON, data, HTTP_USER_AGENT=ua, REMOTE_ADDR=ip, **extra)


def counted(article=None) -> int | dict[int, int]:
    """Flush this process's buffer, then the week's reads of ``article`` (or all, by article id)."""
    services.reads_flush()
    rows = dict(get_backend().top(window=Window.WEEK, at=timezone.now(), limit=1000))
    return rows.get(article.pk, 0) if article is not None else rows
