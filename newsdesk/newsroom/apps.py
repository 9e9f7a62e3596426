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
        # Roles follow the code after every migrate, like Django's own permissions do.
        post_migrate.connect(_sync_roles, sender=self, dispatch_uid="newsdesk.sync_roles")
