from django.conf import settings
from django.core.management.base import BaseCommand

from newsdesk.search.backends import get_backend
from newsdesk.search.models import SearchDocument
from newsdesk.search.services import read_also_suggest_missing, search_rebuild, search_reindex_language


class Command(BaseCommand):
    help = "Rebuild the search index from every article (readers keep searching while it runs)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--batch-size", type=int, default=500, help="Articles per transaction (default 500)."
        )
        parser.add_argument(
            "--language",
            metavar="CODE",
            help="Only index again the articles of this edition (e.g. ru), keeping the rest of the index.",
        )
        parser.add_argument(
            "--read-also",
            type=int,
            default=0,
            metavar="N",
            help="Also store automatic Read also links for the newest N published articles that have none.",
        )

    def handle(self, *args, batch_size: int, read_also: int, language: str | None, **options):
        if batch_size < 1 or read_also < 0:
            self.stderr.write("--batch-size must be at least 1 and --read-also at least 0.")
            raise SystemExit(2)
        codes = [code for code, _name in settings.LANGUAGES]
        if language is not None and language not in codes:
            self.stderr.write(f"--language {language!r} is not an edition; choose one of {', '.join(codes)}.")
            raise SystemExit(2)
        backend = get_backend()
        backend.check()
        report = lambda done: self.stdout.write(f"  {done} indexed")  # noqa: E731
        progress = report if options["verbosity"] > 1 else None
        if language is not None:
            total = search_reindex_language(language=language, batch_size=batch_size, progress=progress)
        else:
            total = search_rebuild(batch_size=batch_size, progress=progress)
        self.stdout.write(
            f"Indexed {total} article{'s' if total != 1 else ''} with {backend.label} "
            f"({SearchDocument.objects.count()} documents, {backend.indexed_count()} in the engine's index)."
        )
        if read_also:
            done = read_also_suggest_missing(limit=read_also)
            self.stdout.write(f"Read also suggested for {done} article{'s' if done != 1 else ''}.")
