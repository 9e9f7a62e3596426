from django.apps import AppConfig


class LiveConfig(AppConfig):
    name = "newsdesk.live"
    label = "live"
    verbose_name = "Live feed"

    def ready(self) -> None:
        from newsdesk.news import services as news_services

        from .services import announce_article

        if announce_article not in news_services.after_publish_hooks:
            news_services.after_publish_hooks.append(announce_article)
