from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "newsdesk.search"
    label = "search"
    verbose_name = "Search"

    def ready(self) -> None:
        # Publish, correct and withdraw reach the index, then Read also (which reads it), through the
        # publishing pipeline: a batch of changes at a time, in the worker.
        from newsdesk.pipeline.effects import Effect, article_ids, register

        from . import services

        register(Effect(
            name="search-index", label="Search index", order=10,
            run=lambda changes: services.search_index_changed(article_ids=article_ids(changes)),
        ))  # fmt: skip
        register(Effect(
            name="read-also", label="Read also suggestions", order=20,
            run=lambda changes: services.read_also_suggest_many(article_ids=article_ids(changes)),
        ))  # fmt: skip
