"""Django's part of a request's accounting (first in MIDDLEWARE): the view that answered, the queries it made,
the newsroom user, left in the WSGI environ for the outer layer (wsgi.py) to count and log; and the request
made known to the audit log, which names the newsroom user behind an action."""

from __future__ import annotations

import contextlib

from django.db import DEFAULT_DB_ALIAS, connections

from . import audit
from .wsgi import QUERIES_KEY, USER_KEY, VIEW_KEY

NEWSROOM = "/newsroom"


class RequestAccountingMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.single = list(connections) == [DEFAULT_DB_ALIAS]

    def __call__(self, request):
        count = [0]

        def counted(execute, sql, params, many, context):
            count[0] += 1
            return execute(sql, params, many, context)

        newsroom = request.path_info.startswith(NEWSROOM)
        token = audit.current_request.set(request) if newsroom else None
        try:
            if self.single:  # one database: no ExitStack (this runs on every request)
                with connections[DEFAULT_DB_ALIAS].execute_wrapper(counted):
                    response = self.get_response(request)
            else:
                with contextlib.ExitStack() as stack:
                    for alias in connections:
                        stack.enter_context(connections[alias].execute_wrapper(counted))
                    response = self.get_response(request)
        finally:
            if token is not None:
                audit.current_request.reset(token)
        match = request.resolver_match  # set once the URL resolved (no view: a 404 before any)
        if match is not None:
            request.META[VIEW_KEY] = match.view_name or getattr(match.func, "__name__", "view")
        request.META[QUERIES_KEY] = count[0]
        user = getattr(request, "user", None) if newsroom else None
        if user is not None and user.is_authenticated:
            request.META[USER_KEY] = user.pk
        return response
