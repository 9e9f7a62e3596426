from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "newsdesk.analytics"
    label = "analytics"
    verbose_name = "Audience"

    def ready(self) -> None:
        from newsdesk.pipeline.effects import after_publish_hooks

        from . import services

        # Publishing, correcting or withdrawing changes what may be counted and shown: forget cached answers.
        if services.on_article_changed not in after_publish_hooks:
            after_publish_hooks.append(services.on_article_changed)
