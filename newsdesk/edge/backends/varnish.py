"""Varnish: one ``BAN`` request per proxy; deploy/varnish/newsdesk.vcl turns it into a ban on X-Surrogate-Keys.

Bans test only ``obj.*`` so Varnish's ban lurker retires them in the background. A proxy that cannot be reached
is logged, never raised: a publish must not fail because a cache is down (its entries then expire by TTL).
"""

from __future__ import annotations

import logging
import urllib.error
import urllib.request
from collections.abc import Collection

from .base import BasePurger, check_keys

logger = logging.getLogger(__name__)


class VarnishPurger(BasePurger):
    def __init__(self, urls: Collection[str] = (), timeout: float = 2.0) -> None:
        self.urls = [url.rstrip("/") + "/" for url in urls]
        self.timeout = timeout

    def purge(self, keys: Collection[str]) -> None:
        keys = check_keys(keys)
        if not keys:
            return
        for url in self.urls:
            self._ban(url, "|".join(keys))

    def _ban(self, url: str, pattern: str) -> None:
        request = urllib.request.Request(url, method="BAN", headers={"X-Purge-Keys": pattern})  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310 - configured URL
                response.read()
        except (urllib.error.URLError, OSError) as exc:
            logger.warning("Purge of %s at %s failed: %s (entries expire by TTL instead)", pattern, url, exc)
