"""`newsdesk restore SRC`: check an archive whole, then restore it, or refuse with the reason."""

from __future__ import annotations

import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from newsdesk.ops.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "Restore a `newsdesk backup` archive into this site's database and media folder. The archive is checked "
        "whole first; a damaged, truncated or newer-schema archive is refused and nothing changes. Stop the site "
        "first."
    )

    def add_arguments(self, parser):
        parser.add_argument("src", help="the archive")
        parser.add_argument("--force", action="store_true",
                            help="replace a site that holds data (what is there is moved aside, not deleted)")  # fmt: skip
        parser.add_argument("--no-migrate", action="store_true",
                            help="do not bring an older archive's schema up to this code's afterwards")  # fmt: skip

    def handle(self, *, src, force, no_migrate, **options):
        started = time.perf_counter()
        try:
            manifest = backup_restore(src=src, force=force, progress=self.stdout.write)
        except BackupError as exc:
            raise CommandError(f"Refused: {exc}") from exc
        counts = manifest["counts"]
        self.stdout.write(f"restored {src}: taken {manifest['created_at']}, {counts.get('news_article', 0)} "
                          f"articles, {counts.get('auth_user', 0)} users ({time.perf_counter() - started:.1f} s)")  # fmt: skip
        if not no_migrate:
            call_command("migrate", interactive=False, verbosity=0)
            self.stdout.write("schema brought up to this code's migrations")
