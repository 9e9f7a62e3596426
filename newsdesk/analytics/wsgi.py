"""WSGI glue: ``application = with_read_beacon(get_wsgi_application())`` in newsdesk/wsgi.py."""

from .beacon import BeaconMiddleware


def with_read_beacon(app):
    return BeaconMiddleware(app)
