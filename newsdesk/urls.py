from django.conf import settings
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path
from django.views.static import serve

from newsdesk.editions import edition_patterns

admin.site.site_header = "Newsdesk newsroom"
admin.site.site_title = "Newsroom"
admin.site.index_title = "Newsroom"

urlpatterns: list[URLPattern | URLResolver] = [
    # First: reader pages are most of the traffic, and their paths (news/, section/, persons/ …) are theirs alone.
    # Once per edition: / for the default one, /ru/… for the others (newsdesk/editions.py).
    *edition_patterns(path("", include("newsdesk.site.urls"))),
    path("", include("newsdesk.analytics.urls")),  # before the admin: holds newsroom/audience/
    path("", include("newsdesk.newsroom.urls")),  # before the admin: holds newsroom/desk/
    path("newsroom/", admin.site.urls),
    path("weather/", include("newsdesk.weather.urls")),
    path("markets/", include("newsdesk.markets.urls")),
    path("live/", include("newsdesk.live.urls")),
    path("", include("newsdesk.search.urls")),  # before syndication's api/v1/ catch-all
    path("", include("newsdesk.syndication.urls")),
]


# Uploaded media: served by the app for the embedded setup; the reverse proxy serves it when scaled out.
# What users upload is never a page of this site: nothing in it runs (a sandboxing CSP), the browser takes the
# type from the file's extension and never sniffs another (nosniff), and anything but a raster image is a
# download, not a page (uploads from before the image-only check may be HTML, script or SVG).
MEDIA_INLINE_TYPES = {"image/png", "image/jpeg", "image/gif", "image/webp", "image/avif"}


def media(request, path):
    response = serve(request, path, document_root=settings.MEDIA_ROOT)  # read per request: tests override it
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    if response.status_code == 304:
        return response  # no type on a 304: a cached image must keep its own
    if response.get("Content-Type", "").split(";")[0].strip().lower() not in MEDIA_INLINE_TYPES:
        response["Content-Type"] = "application/octet-stream"
        inline = response.get("Content-Disposition", "")  # FileResponse's "inline; filename=…"
        response["Content-Disposition"] = "attachment" + inline.removeprefix("inline")
    return response


urlpatterns += [path("media/<path:path>", media)]

handler400 = "newsdesk.site.views.bad_request"
handler403 = "newsdesk.site.views.permission_denied"
handler404 = "newsdesk.site.views.page_not_found"
handler500 = "newsdesk.site.views.server_error"
