"""Django's part of a request's accounting (first in MIDDLEWARE): the view that answered, the queries it made
(queries.py), the newsroom user, left in the WSGI environ for the outer layer (wsgi.py) to count and log; and the
request made known to the audit log, which names the newsroom user behind an action."""

from __future__ import annotations

from . import audit, queries
from .wsgi import QUERIES_KEY, USER_KEY, VIEW_KEY

NEWSROOM = "/newsroom"


class RequestAccountingMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        queries.start_counting()

    def __call__(self, request):
        before = queries.count()
        newsroom = request.path_info.startswith(NEWSROOM)
        if newsroom:
            token = audit.current_request.set(request)
            try:
                response = self.get_response(request)
            finally:
                audit.current_request.reset(token)
            user = getattr(request, "user", None)
            if user is not None and user.is_authenticated:
                request.META[USER_KEY] = user.pk
        else:
            response = self.get_response(request)
        match = request.resolver_match  # set once the URL resolved (no view: a 404 before any)
        if match is not None:
            request.META[VIEW_KEY] = match.view_name or getattr(match.func, "__name__", "view")
        request.META[QUERIES_KEY] = queries.count() - before
        return response
