from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.static import serve

admin.site.site_header = "Newsdesk newsroom"
admin.site.site_title = "Newsroom"
admin.site.index_title = "Newsroom"

urlpatterns = [
    # First: reader pages are most of the traffic, and their paths (news/, section/, persons/ …) are theirs alone.
    path("", include("newsdesk.site.urls")),
    path("", include("newsdesk.analytics.urls")),  # before the admin: holds newsroom/audience/
    path("newsroom/", admin.site.urls),
    path("weather/", include("newsdesk.weather.urls")),
    path("markets/", include("newsdesk.markets.urls")),
    path("live/", include("newsdesk.live.urls")),
    path("", include("newsdesk.search.urls")),  # before syndication's api/v1/ catch-all
    path("", include("newsdesk.syndication.urls")),
]


# Uploaded media: served by the app for the embedded setup; the reverse proxy serves it when scaled out.
def media(request, path):
    return serve(request, path, document_root=settings.MEDIA_ROOT)  # read per request: tests override it


urlpatterns += [path("media/<path:path>", media)]

handler400 = "newsdesk.site.views.bad_request"
handler404 = "newsdesk.site.views.page_not_found"
handler500 = "newsdesk.site.views.server_error"
