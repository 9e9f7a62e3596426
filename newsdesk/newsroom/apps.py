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
        # from the news app: this app has no models, and Django sends post_migrate only to apps with models.
        # By then auth has created the news app's permissions (auth's receiver was connected first).
        news = self.apps.get_app_config("news")
        post_migrate.connect(_sync_roles, sender=news, dispatch_uid="newsdesk.sync_roles")
