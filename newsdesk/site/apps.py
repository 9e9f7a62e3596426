from django.apps import AppConfig


class SiteConfig(AppConfig):
    name = "newsdesk.site"
    label = "reader_site"

    def ready(self) -> None:
        from django.core.signals import setting_changed

        from newsdesk.news import services as news_services

        from .fragments import article_changed, forget_fragments

        setting_changed.connect(forget_fragments, dispatch_uid="newsdesk.site.forget_fragments")

        # After commit of publish/correct/withdraw: drop the article's cached pages (their keys changed anyway).
        if article_changed not in news_services.after_publish_hooks:
            news_services.after_publish_hooks.append(article_changed)
