from django.urls import path

from . import views

app_name = "markets"

urlpatterns = [
    path("", views.converter_page, name="converter"),
    path("convert.json", views.convert_json, name="convert_json"),
    path("history/<str:provider>/<str:currency>/", views.history_page, name="history"),
]
