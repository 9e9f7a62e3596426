from django.urls import path

from . import views

app_name = "site"

urlpatterns = [
    path("", views.home, name="home"),
    path("news/", views.latest, name="latest"),
    path("news/<int:public_id>/", views.article, name="article_short"),
    path("news/<int:public_id>/<str:slug>/", views.article, name="article"),
    path("section/<slug:slug>/", views.section, name="section"),
    path("persons/<slug:slug>/", views.person, name="person"),
    path("topics/<slug:slug>/", views.topic, name="topic"),
    path("galleries/<slug:slug>/", views.gallery, name="gallery"),
    path("infographics/<slug:slug>/", views.infographic, name="infographic"),
]
