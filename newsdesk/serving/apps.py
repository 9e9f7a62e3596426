from django.apps import AppConfig


class ServingConfig(AppConfig):
    name = "newsdesk.serving"
    label = "serving"
    verbose_name = "Serving"
