from django.apps import AppConfig
from django.db.models.signals import post_migrate


class NewsConfig(AppConfig):
    name = "newsdesk.news"
    label = "news"
    verbose_name = "News"

    def ready(self):
        from .defaults import ensure_default_sections

        post_migrate.connect(ensure_default_sections, sender=self, dispatch_uid="newsdesk.default_sections")
