"""The newsroom's own pages beside Django's admin (mounted before it, under newsroom/): the desk."""

from django.contrib import admin
from django.urls import path

from newsdesk import converters  # noqa: F401 - registers <id:>

from . import desk

app_name = "newsroom"


def _staff(view):
    return admin.site.admin_view(view)  # signed-in newsroom staff only; CSRF-checked; never cached


urlpatterns = [
    path("newsroom/desk/", _staff(desk.desk), name="desk"),
    path("newsroom/desk/flash/", _staff(desk.flash), name="desk_flash"),
    path("newsroom/desk/<id:pk>/publish/", _staff(desk.publish), name="desk_publish"),
    path("newsroom/desk/<id:pk>/spike/", _staff(desk.spike), name="desk_spike"),
    path("newsroom/desk/<id:pk>/rewrite/", _staff(desk.rewrite), name="desk_rewrite"),
    path("newsroom/desk/<id:pk>/take/", _staff(desk.take), name="desk_take"),
    path("newsroom/desk/flags/<id:pk>/dismiss/", _staff(desk.flag_dismiss), name="desk_flag_dismiss"),
    path("newsroom/editions/", _staff(desk.my_editions), name="my_editions"),
]
