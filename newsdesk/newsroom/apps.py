from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_migrate


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
        # Staff status follows the roles (roles.staff_follows_roles), however a person's groups change.
        from django.contrib.auth import get_user_model

        from .roles import groups_changed

        m2m_changed.connect(
            groups_changed,
            sender=get_user_model().groups.through,
            dispatch_uid="newsdesk.staff_follows_roles",
        )
        # A withdrawal flags the story's versions in other editions to the desk (newsroom/editions.py).
        from newsdesk.pipeline.effects import Effect, article_ids, register
        from newsdesk.pipeline.models import Change

        from .editions import flag_versions_of_withdrawn

        register(
            Effect(
                name="translation-flags",
                label="Flag a withdrawn story's other editions to the desk",
                run=lambda changes: flag_versions_of_withdrawn(article_ids(changes)),
                applies=lambda change: change.kind == Change.Kind.WITHDRAWN,
                order=60,
            )
        )
