"""ASGI entry point for the live feed's long-lived connections (README "Scale out").

Pages are served faster under WSGI (newsdesk.wsgi); run this beside it for /live/stream, e.g.
``granian --interface asgi --port 8001 newsdesk.asgi:application``, and route /live/stream to it at the proxy.
The stream itself is served by newsdesk.live.asgi, outside Django's request cycle; every other path (the
polling fallback, pages, if routed here) goes to Django.
"""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsdesk.settings")
django_application = get_asgi_application()

from django.urls import reverse  # noqa: E402 - Django is set up above

from newsdesk.live.asgi import stream_app  # noqa: E402

STREAM_PATH = reverse("live:stream")


async def application(scope, receive, send):
    if scope["type"] == "http" and scope["path"] == STREAM_PATH:
        await stream_app(scope, receive, send)
    else:
        await django_application(scope, receive, send)
