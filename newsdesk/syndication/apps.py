from django.apps import AppConfig


class SyndicationConfig(AppConfig):
    name = "newsdesk.syndication"
    label = "syndication"
    verbose_name = "Syndication"

    def ready(self) -> None:
        from newsdesk.pipeline.effects import Effect, register

        from .websub import ping_hub_for_changes

        # Publishing, correcting and withdrawing tell the WebSub hub (after commit, debounced) that feeds changed.
        register(Effect(name="websub-ping", label="WebSub hub ping", order=50, run=ping_hub_for_changes))
