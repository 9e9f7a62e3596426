"""`newsdesk backup DEST`: a consistent online backup (database, media, secret key, manifest) in one archive."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from newsdesk.ops.backup import BackupError, backup_create, backups_prune


class Command(BaseCommand):
    help = (
        "Back up the database (SQLite online backup, or pg_dump), the media files and the generated secret key "
        "into one tar archive with a manifest of checksums. Safe while the site serves."
    )

    def add_arguments(self, parser):
        parser.add_argument("dest", help="the archive to write (.tar, or .tar.gz to compress), or a folder")
        parser.add_argument("--keep", type=int, default=0,
                            help="DEST a folder: then keep only the newest KEEP archives in it")  # fmt: skip

    def handle(self, *, dest, keep, **options):
        started = time.perf_counter()
        try:
            result = backup_create(dest=dest, progress=self.stdout.write)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        size = result.path.stat().st_size
        self.stdout.write(f"backup written: {result.path} ({size / 1e6:.1f} MB, {len(result.manifest['members'])} "
                          f"members, {time.perf_counter() - started:.1f} s)")  # fmt: skip
        if keep:
            for path in backups_prune(folder=result.path.parent, keep=keep):
                self.stdout.write(f"removed old backup {path}")
