from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "newsdesk.ops"
    verbose_name = "Operations"

    def ready(self):
        from . import audit

        audit.connect_signals()  # people and roles: audited however they change (admin, shell, commands)
