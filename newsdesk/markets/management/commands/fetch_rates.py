from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from newsdesk.fetching import ProviderError
from newsdesk.markets.backends import ALIASES, configured_providers
from newsdesk.markets.services import rates_import, rates_refresh

MAX_FILE_BYTES = 5 * 1024 * 1024


class Command(BaseCommand):
    help = (
        "Fetch exchange rates (today's and the last 90 days) from the providers in NEWSDESK_RATES_BACKENDS, "
        "or import a document saved from a provider with --file."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--provider", action="append", help=f"fetch only this provider ({', '.join(ALIASES)})"
        )
        parser.add_argument("--no-history", action="store_true", help="fetch today's rates only")
        parser.add_argument(
            "--file", type=Path, help="import this saved document (needs exactly one --provider)"
        )

    def handle(self, *args, provider=None, no_history=False, file=None, **options):
        try:
            if file is not None:
                return self._import(file, provider or [])
            return self._fetch(provider, history=not no_history)
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from exc

    def _fetch(self, providers, *, history: bool):
        if not (providers or configured_providers()):
            self.stdout.write("Rates are off: set NEWSDESK_RATES_BACKENDS=cbr,ecb, or pass --provider cbr.")
            return
        report = rates_refresh(providers=providers, history=history)
        for alias, count in report.saved.items():
            self.stdout.write(f"{alias}: {count} rates stored.")
        for job, error in report.failed.items():
            self.stderr.write(f"{job}: {error} (the rates already stored are kept)")
        if report.failed and not report.saved:
            raise CommandError("No provider answered with usable rates.")

    def _import(self, path: Path, providers: list[str]):
        if len(providers) != 1:
            raise CommandError(
                "--file needs exactly one --provider, e.g. --provider cbr --file XML_daily.xml"
            )
        if not path.is_file() or path.stat().st_size > MAX_FILE_BYTES:
            raise CommandError(
                f"{path} is not a readable file of at most {MAX_FILE_BYTES // 1024 // 1024} MiB."
            )
        try:
            count = rates_import(provider=providers[0], body=path.read_bytes())
        except ProviderError as exc:
            raise CommandError(f"{path} was not imported, nothing changed: {exc}") from exc
        self.stdout.write(f"{providers[0]}: {count} rates imported from {path}.")
