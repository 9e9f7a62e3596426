from django.apps import AppConfig


class WeatherConfig(AppConfig):
    name = "newsdesk.weather"
    label = "weather"
    verbose_name = "City clock and weather"
