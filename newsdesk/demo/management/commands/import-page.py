from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from newsdesk.demo.page_import import page_import
from newsdesk.ingest.formats.captured_page import CapturedPageError

MAX_BYTES = 2 * 1024 * 1024


class Command(BaseCommand):
    help = "Import a captured article page (its visible text) as a complete, published article."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options):
        try:
            if file.stat().st_size > MAX_BYTES:
                raise CommandError(
                    f"{file} is larger than {MAX_BYTES // 1024 // 1024} MB; is it really a page capture?"
                )
            text = file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"Cannot read {file}: {exc}") from exc
        try:
            article, created = page_import(text=text)
        except CapturedPageError as exc:
            raise CommandError(f"{file} is not a captured article page: {exc}") from exc
        verb = "Imported" if created else "Already imported"
        self.stdout.write(f"{verb}: {article.headline} → {article.get_absolute_url()}")
