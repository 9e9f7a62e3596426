from django.apps import AppConfig


class IngestConfig(AppConfig):
    name = "newsdesk.ingest"
    verbose_name = "Wire ingest"
