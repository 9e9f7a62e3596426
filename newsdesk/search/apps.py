from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate


def _sqlite_functions(sender, connection, **kwargs) -> None:
    """The SQL functions of backends/sqlite.py, on every SQLite connection Django opens, once: the one the
    FTS5 triggers call for every write of a search document (so that any writer — site, worker, migrations,
    commands — can write) and the month facet's. Registered once: SQLite refuses to redefine a function
    while a statement of the connection is still active (an open cursor, or FTS5's own after an 'optimize')."""
    if connection.vendor == "sqlite":
        from .analysis import INDEX_FUNCTION, index_text
        from .backends.sqlite import MONTH_FUNCTION, local_month

        connection.connection.create_function(INDEX_FUNCTION, 2, index_text, deterministic=True)
        connection.connection.create_function(MONTH_FUNCTION, 2, local_month, deterministic=True)


class SearchConfig(AppConfig):
    name = "newsdesk.search"
    label = "search"
    verbose_name = "Search"

    def ready(self) -> None:
        connection_created.connect(_sqlite_functions, dispatch_uid="newsdesk.search.sqlite_functions")
        from .places import warm

        post_migrate.connect(warm, sender=self, dispatch_uid="newsdesk.search.places")
        # Publish, correct and withdraw reach the index, then Read also (which reads it), through the
        # publishing pipeline: a batch of changes at a time, in the worker.
        from newsdesk.pipeline.effects import Effect, article_ids, register

        from . import checks, services  # noqa: F401 - importing checks registers search's system checks

        register(Effect(
            name="search-index", label="Search index", order=10,
            run=lambda changes: services.search_index_changed(article_ids=article_ids(changes)),
        ))  # fmt: skip
        register(Effect(
            name="read-also", label="Read also suggestions", order=20,
            run=lambda changes: services.read_also_suggest_many(article_ids=article_ids(changes)),
        ))  # fmt: skip
