import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsdesk.settings")
application = get_wsgi_application()

from newsdesk.analytics.wsgi import with_read_beacon  # noqa: E402 - needs the settings above

application = with_read_beacon(application)  # read beacons are answered before Django's middleware
