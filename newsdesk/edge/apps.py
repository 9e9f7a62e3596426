from django.apps import AppConfig


class EdgeConfig(AppConfig):
    name = "newsdesk.edge"
    label = "edge"
    verbose_name = "Edge cache"

    def ready(self) -> None:
        from newsdesk.pipeline.effects import Effect, article_ids, register

        from .services import purge_articles

        # After commit of publish/correct/withdraw: purge exactly the pages that show the batch's articles.
        register(Effect(
            name="edge-purge", label="Edge cache purge", order=30,
            run=lambda changes: purge_articles(article_ids(changes)),
        ))  # fmt: skip
