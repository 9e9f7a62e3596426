from django.apps import AppConfig


class EdgeConfig(AppConfig):
    name = "newsdesk.edge"
    label = "edge"
    verbose_name = "Edge cache"

    def ready(self) -> None:
        from newsdesk.news import services as news_services

        from .services import purge_article

        # After commit of publish/correct/withdraw: purge exactly the pages that show the article.
        if purge_article not in news_services.after_publish_hooks:
            news_services.after_publish_hooks.append(purge_article)
