from django.apps import AppConfig


class LiveConfig(AppConfig):
    name = "newsdesk.live"
    label = "live"
    verbose_name = "Live feed"

    def ready(self) -> None:
        from newsdesk.pipeline.effects import Effect, article_ids, register
        from newsdesk.pipeline.models import Change

        from .services import announce_articles, retract_articles

        # Only genuinely new stories: a correction, a re-save or a backfill of old items is no news.
        register(Effect(
            name="live-announce", label="Live feed announcement", order=40,
            run=lambda changes: announce_articles(article_ids=article_ids(changes)),
            applies=lambda change: change.is_news,
        ))  # fmt: skip
        # A story readers may no longer see leaves the log: its headline must not come back to any reader.
        register(Effect(
            name="live-retract", label="Live feed retraction", order=40,
            run=lambda changes: retract_articles(article_ids=article_ids(changes)),
            applies=lambda change: change.kind == Change.Kind.WITHDRAWN,
        ))  # fmt: skip
