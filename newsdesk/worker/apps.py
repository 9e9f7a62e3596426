from django.apps import AppConfig


class WorkerConfig(AppConfig):
    name = "newsdesk.worker"
    verbose_name = "Background worker"
