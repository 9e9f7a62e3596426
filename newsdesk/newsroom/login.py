"""Newsroom login throttling (django-axes, README "Configuration"): whose attempts count, and what a locked-out
person sees.

Failed attempts are counted per username and client address together, in the database, so every server
process sees the same count; a person signing in from elsewhere is not locked out by someone guessing their
password, and a guesser is stopped after NEWSDESK_LOGIN_FAILURE_LIMIT tries for NEWSDESK_LOGIN_COOLOFF_MINUTES.
"""

from __future__ import annotations

import ipaddress
import math

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse


def client_ip(request: HttpRequest) -> str | None:
    """The client's address, as the API's rate limit sees it: behind a reverse proxy, the right-most entry of
    the header named by NEWSDESK_CLIENT_IP_HEADER (the one our proxy appended; those before it are the
    client's to forge). None when there is no valid address: the record's column holds IP addresses only."""
    header = settings.NEWSDESK_CLIENT_IP_HEADER
    candidates = [request.META.get(header, "").split(",")[-1].strip()] if header else []
    for candidate in [*candidates, request.META.get("REMOTE_ADDR", "")]:
        try:
            return str(ipaddress.ip_address(candidate))
        except ValueError:
            continue
    return None


def cool_off_minutes() -> int:
    return max(1, math.ceil(settings.AXES_COOLOFF_TIME.total_seconds() / 60))


def lockout_message() -> str:
    minutes = cool_off_minutes()
    wait = f"{minutes} minute{'s' if minutes != 1 else ''}"
    return (
        f"Too many failed log-ins for this username from your address: logging in is paused. "
        f"Try again in {wait}, or ask a newsroom admin to unlock you (Access attempts, in the newsroom)."
    )


def lockout_response(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """The login page again, with why it refused and how long to wait; 429, as axes answers by default."""
    from django.contrib.admin.forms import AdminAuthenticationForm

    username = (credentials or {}).get("username") or request.POST.get("username", "")
    next_url = request.POST.get(REDIRECT_FIELD_NAME) or request.GET.get(REDIRECT_FIELD_NAME)
    context = {
        **admin.site.each_context(request),
        "title": "Log in",
        "subtitle": None,
        "app_path": request.get_full_path(),
        "username": request.user.get_username() if hasattr(request, "user") else "",
        "form": AdminAuthenticationForm(request, initial={"username": str(username)[:150]}),
        "lockout_message": lockout_message(),
        REDIRECT_FIELD_NAME: next_url or reverse("admin:index"),
    }
    return render(request, "newsroom/login_locked.html", context, status=settings.AXES_HTTP_RESPONSE_CODE)
