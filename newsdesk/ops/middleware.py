"""Django's part of a request's accounting (first in MIDDLEWARE): the view that answered, the queries it made,
the newsroom user, left in the WSGI environ for the outer layer (wsgi.py) to count and log; and the request
made known to the audit log, which names the newsroom user behind an action."""

from __future__ import annotations

import contextlib

from django.db import connections

from . import audit
from .wsgi import QUERIES_KEY, USER_KEY, VIEW_KEY

NEWSROOM = "/newsroom"


class RequestAccountingMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        count = [0]

        def counted(execute, sql, params, many, context):
            count[0] += 1
            return execute(sql, params, many, context)

        newsroom = request.path_info.startswith(NEWSROOM)
        token = audit.current_request.set(request) if newsroom else None
        try:
            with contextlib.ExitStack() as stack:
                for connection in connections.all():
                    stack.enter_context(connection.execute_wrapper(counted))
                response = self.get_response(request)
        finally:
            if token is not None:
                audit.current_request.reset(token)
        request.META[QUERIES_KEY] = count[0]
        user = getattr(request, "user", None) if newsroom else None
        if user is not None and user.is_authenticated:
            request.META[USER_KEY] = user.pk
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        request.META[VIEW_KEY] = (match.view_name if match else "") or getattr(view_func, "__name__", "view")
