from django.apps import AppConfig


class SyndicationConfig(AppConfig):
    name = "newsdesk.syndication"
    label = "syndication"
    verbose_name = "Syndication"

    def ready(self) -> None:
        from newsdesk.news.services import after_publish_hooks

        from .websub import ping_hub_for_article

        # Publishing, correcting and withdrawing tell the WebSub hub (after commit) that our feeds changed.
        if ping_hub_for_article not in after_publish_hooks:
            after_publish_hooks.append(ping_hub_for_article)
