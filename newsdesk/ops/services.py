"""Writes of operations: the scheduled backup with its retention."""

from __future__ import annotations

import logging
import time
from pathlib import Path

from django.conf import settings

from . import backup, metrics

logger = logging.getLogger(__name__)


def backup_scheduled() -> Path | None:
    """One archive into NEWSDESK_BACKUP_DIR, then only the newest NEWSDESK_BACKUP_KEEP kept (None: off)."""
    if not settings.NEWSDESK_BACKUP_DIR:
        return None
    folder = Path(settings.NEWSDESK_BACKUP_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    try:
        result = backup.backup_create(dest=folder)
    except Exception:
        metrics.BACKUPS.labels("failed").inc()
        raise
    pruned = backup.backups_prune(folder=folder, keep=settings.NEWSDESK_BACKUP_KEEP)
    metrics.BACKUPS.labels("done").inc()
    metrics.LAST_BACKUP.set(time.time())
    logger.info("backup written", extra={"archive": str(result.path), "seconds": round(time.perf_counter() - started, 1),
                                         "articles": result.manifest["counts"].get("news_article", 0),
                                         "pruned": len(pruned)})  # fmt: skip
    return result.path
