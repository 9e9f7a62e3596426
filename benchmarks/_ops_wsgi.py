"""The site's WSGI application with or without its operations layers (BENCH_OPS=1 or 0), every other layer as
newsdesk/wsgi.py builds it: for the served half of the ops overhead benchmark (benchmarks/ops_overhead.py)."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsdesk.settings")

import django  # noqa: E402
from django.conf import settings  # noqa: E402

django.setup(set_prefix=False)
WITH_OPS = os.environ.get("BENCH_OPS") == "1"
if not WITH_OPS:  # before the handler is made: it reads MIDDLEWARE once
    settings.MIDDLEWARE = [
        m for m in settings.MIDDLEWARE if m != "newsdesk.ops.middleware.RequestAccountingMiddleware"
    ]

from django.core.handlers.wsgi import WSGIHandler  # noqa: E402

from newsdesk.analytics.wsgi import with_read_beacon  # noqa: E402
from newsdesk.edge.pagecache import with_page_cache  # noqa: E402
from newsdesk.live.wsgi import with_live_polls  # noqa: E402
from newsdesk.ops.wsgi import with_operations  # noqa: E402
from newsdesk.serving.guard import with_client_guard  # noqa: E402

application = with_client_guard(with_live_polls(with_page_cache(with_read_beacon(WSGIHandler()))))
if WITH_OPS:
    application = with_operations(application)
