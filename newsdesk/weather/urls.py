from django.urls import path

from . import views

app_name = "weather"

urlpatterns = [
    path("", views.cities, name="cities"),
    path("cities.json", views.cities_json, name="cities_json"),
]
