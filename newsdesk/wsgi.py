import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsdesk.settings")
application = get_wsgi_application()

from newsdesk.analytics.wsgi import with_read_beacon  # noqa: E402 - needs the settings above

application = with_read_beacon(application)  # read beacons are answered before Django's middleware

from newsdesk.edge.pagecache import with_page_cache  # noqa: E402 - needs the settings above

application = with_page_cache(application)  # anonymous readers' kept pages are answered without Django

from newsdesk.live.wsgi import with_live_polls  # noqa: E402 - needs the settings above

application = with_live_polls(application)  # live polls are answered before everything (304: nothing new)

from newsdesk.serving.guard import with_client_guard  # noqa: E402 - needs the settings above

application = with_client_guard(application)  # under `newsdesk serve`: request bodies read with a deadline

from newsdesk.ops.wsgi import with_operations  # noqa: E402 - needs the settings above

application = with_operations(application)  # outermost: /healthz, /readyz, /metrics; every request counted
