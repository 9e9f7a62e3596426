"""ASGI entry point for the live feed's long-lived connections (README "Scale out").

Pages are served faster under WSGI (newsdesk.wsgi); run this beside it for /live/stream, e.g.
``granian --interface asgi --port 8001 newsdesk.asgi:application``, and route /live/stream to it at the proxy.
"""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsdesk.settings")
application = get_asgi_application()
