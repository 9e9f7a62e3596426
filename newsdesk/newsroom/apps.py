from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _sync_roles(sender, **kwargs):
    from .roles import sync_roles

    sync_roles()


class NewsroomConfig(AppConfig):
    name = "newsdesk.newsroom"
    label = "newsroom"
    verbose_name = "Newsroom"

    def ready(self):
        # Roles follow the code after every migrate, like Django's own permissions do. The signal is taken
        # from the last app that has models (Django sends post_migrate only to apps with models): roles name
        # permissions of every app, which auth creates app by app in the same order.
        last = [config for config in self.apps.get_app_configs() if config.models_module][-1]
        post_migrate.connect(_sync_roles, sender=last, dispatch_uid="newsdesk.sync_roles")
