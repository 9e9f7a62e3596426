from django.core.management.base import BaseCommand, CommandError

from newsdesk.weather.backends import ALIASES
from newsdesk.weather.services import weather_refresh


class Command(BaseCommand):
    help = "Fetch the current weather of every active city from the provider in NEWSDESK_WEATHER_BACKEND."

    def add_arguments(self, parser):
        parser.add_argument(
            "--provider", help=f"use this provider once instead: {', '.join(ALIASES)} or a dotted path"
        )

    def handle(self, *args, provider=None, **options):
        report = weather_refresh(backend=provider)
        if not report.provider:
            self.stdout.write(
                "Weather is off: set NEWSDESK_WEATHER_BACKEND=openmeteo (or metno), or pass --provider."
            )
            return
        self.stdout.write(f"{report.provider}: {len(report.updated)} cities updated.")
        for city, error in report.failed.items():
            self.stderr.write(f"{city}: {error} (its old reading is kept)")
        if report.failed and not report.updated:
            raise CommandError(f"{report.provider} answered for no city.")
