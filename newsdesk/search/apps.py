from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "newsdesk.search"
    label = "search"
    verbose_name = "Search"

    def ready(self) -> None:
        # Publish, correct and withdraw reach the index after commit through the news services' hook list.
        from newsdesk.news import services as news_services

        from .services import read_also_suggest, search_index_article

        for hook in (search_index_article, read_also_suggest):
            if hook not in news_services.after_publish_hooks:
                news_services.after_publish_hooks.append(hook)
