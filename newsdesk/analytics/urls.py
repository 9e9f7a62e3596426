from django.urls import path, re_path

from newsdesk import converters  # noqa: F401 - registers <id:>
from newsdesk.editions import edition_patterns

from . import views

app_name = "analytics"

urlpatterns = [
    # The beacon paths must match beacon.BEACON_PATH / PIXEL_PATH, which answer them in front of Django.
    path("analytics/read", views.read, name="beacon"),
    re_path(r"^analytics/read/(?P<public_id>[0-9]{1,12})\.gif$", views.read, name="pixel"),
    *edition_patterns(path("privacy/", views.privacy, name="privacy")),  # in each edition's language
    path("newsroom/audience/", views.audience_view, name="audience"),
    path("newsroom/audience/article/<id:pk>/", views.audience_article_view, name="audience_article"),
]
