from django.urls import path, register_converter

from newsdesk import converters  # noqa: F401 - registers <id:>

from . import views

app_name = "site"


class TwoDigits:
    regex = "[0-9]{2}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return f"{int(value):02d}"


class Year:
    regex = "[0-9]{4}"
    to_python = TwoDigits.to_python

    def to_url(self, value) -> str:
        return f"{int(value):04d}"


register_converter(TwoDigits, "dd")
register_converter(Year, "yyyy")

urlpatterns = [
    path("", views.home, name="home"),
    path("news/", views.latest, name="latest"),
    path("news/filter/", views.feed_filter, name="feed_filter"),
    path("news/mine/", views.my_feed, name="my_feed"),
    path("news/archive/", views.archive_jump, name="archive_jump"),
    path("news/<yyyy:year>/<dd:month>/<dd:day>/", views.archive_day, name="archive_day"),
    path("news/<id:public_id>/", views.article, name="article_short"),
    path("news/<id:public_id>/<str:slug>/", views.article, name="article"),
    path("section/<slug:slug>/", views.section, name="section"),
    path("press-review/", views.press_review, name="press_review"),
    path("persons/<slug:slug>/", views.person, name="person"),
    path("topics/<slug:slug>/", views.topic, name="topic"),
    path("galleries/", views.galleries, name="galleries"),
    path("galleries/<slug:slug>/", views.gallery, name="gallery"),
    path("galleries/<slug:slug>/<id:number>/", views.gallery, name="gallery_photo"),
    path("infographics/", views.infographics, name="infographics"),
    path("infographics/<slug:slug>/", views.infographic, name="infographic"),
]
