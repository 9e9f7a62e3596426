from django.urls import path

from newsdesk.editions import edition_patterns

from . import views

app_name = "search"

urlpatterns = [
    *edition_patterns(path("search/", views.search_page, name="page")),  # /ru/search/: the edition's page
    path("api/v1/search", views.search_api, name="api"),
]
