"""Varnish: one ``PURGE`` request per proxy; deploy/varnish/newsdesk.vcl soft-purges the pages with those keys.

The purge is sent again ``repeat_after`` seconds later: a page whose re-render read the database just before the
publish committed would otherwise be stored stale *after* the first purge and stay so until its TTL. A proxy that
that cannot be reached makes ``purge`` raise PurgeFailed once every proxy has been tried: the publishing pipeline
runs purges in the worker, after the editor's save has returned, so a failure there is retried with backoff and
shown in the newsroom rather than left to the pages' TTL. The repeat is best effort and only logged.
"""

from __future__ import annotations

import logging
import threading
import urllib.error
import urllib.request
from collections.abc import Collection

from .base import BasePurger, check_keys

logger = logging.getLogger(__name__)


class VarnishPurger(BasePurger):
    def __init__(self, urls: Collection[str] = (), timeout: float = 2.0, repeat_after: float = 1.0) -> None:
        self.urls = [url.rstrip("/") + "/" for url in urls]
        self.timeout = timeout
        self.repeat_after = repeat_after

    def purge(self, keys: Collection[str]) -> None:
        keys = check_keys(keys)
        if not keys:
            return
        failed = self._purge_all(",".join(keys))
        if self.repeat_after > 0:
            threading.Timer(self.repeat_after, self._purge_all, args=(",".join(keys),)).start()
        if failed:
            raise PurgeFailed(f"Varnish did not take the purge at {', '.join(failed)}; it will be retried")

    def _purge_all(self, pattern: str) -> list[str]:
        """Every proxy is asked, whatever the others answer; returns the URLs that failed."""
        return [url for url in self.urls if not self._purge(url, pattern)]

    def _purge(self, url: str, pattern: str) -> bool:
        request = urllib.request.Request(url, method="PURGE", headers={"X-Purge-Keys": pattern})  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310 - configured URL
                response.read()
            return True
        except (urllib.error.URLError, OSError) as exc:
            logger.warning("Purge of %s at %s failed: %s", pattern, url, exc)
            return False


class PurgeFailed(RuntimeError):
    """A proxy could not be reached or refused the purge."""
