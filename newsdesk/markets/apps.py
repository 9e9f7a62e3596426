from django.apps import AppConfig


class MarketsConfig(AppConfig):
    name = "newsdesk.markets"
    label = "markets"
    verbose_name = "Exchange rates"
