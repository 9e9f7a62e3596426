from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "newsdesk.ops"
    verbose_name = "Operations"

    def ready(self):
        from . import audit, queries

        audit.connect_signals()
        queries.start_counting()  # before any connection opens: each gets the query counter  # people and roles: audited however they change (admin, shell, commands)
