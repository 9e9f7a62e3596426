from django.apps import AppConfig


class SiteConfig(AppConfig):
    name = "newsdesk.site"
    label = "reader_site"

    def ready(self) -> None:
        from django.core.signals import setting_changed

        from newsdesk.pipeline.effects import Effect, article_ids, register

        from .fragments import articles_changed, forget_fragments

        setting_changed.connect(forget_fragments, dispatch_uid="newsdesk.site.forget_fragments")

        # After commit of publish/correct/withdraw (the publishing pipeline): drop the articles' cached pages
        # (their keys changed anyway).
        register(Effect(
            name="site-article-pages", label="Cached article pages", order=60,
            run=lambda changes: articles_changed(article_ids(changes)),
        ))  # fmt: skip
