"""The page cache of one machine (newsdesk.edge.pagecache): a purge is a line appended to the purge log in the
data dir, which every app process of the machine reads before its next answer.

The default without Varnish. It never raises: a publish must not fail because the log cannot be written (the
error is logged; the pages then expire by their TTL, as with an unreachable Varnish).
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from pathlib import Path

from newsdesk.edge.pagecache import PurgeLog, default_log_path

from .base import BasePurger, check_keys

logger = logging.getLogger(__name__)


class EmbeddedPurger(BasePurger):
    def __init__(self, path: str | Path | None = None) -> None:
        self.log = PurgeLog(Path(path) if path else default_log_path())

    def purge(self, keys: Collection[str]) -> None:
        keys = check_keys(keys)
        if not keys:
            return
        try:
            self.log.append(keys)
        except OSError as exc:
            logger.error("Purge of %s failed: the log %s cannot be written (%s)", keys, self.log.path, exc)
