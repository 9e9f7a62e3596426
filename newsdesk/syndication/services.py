"""Writes and checks for subscriber access: tokens and their rate limits."""

from __future__ import annotations

import hashlib
import logging
import secrets

from django.core.exceptions import ValidationError

from newsdesk import ratelimit
from newsdesk.ratelimit import RateDecision

from .models import SubscriberToken

logger = logging.getLogger(__name__)

TOKEN_PREFIX = "nd_"  # noqa: S105 - a visible prefix, not a secret


def _digest(raw_key: str) -> str:
    return hashlib.sha256(raw_key.encode()).hexdigest()


def token_create(*, name: str, rate_limit_per_minute: int = 600) -> tuple[SubscriberToken, str]:
    """Make a token; returns it with the raw key, which is never stored and can't be shown again."""
    name = name.strip()
    if not name:
        raise ValidationError("A subscriber token needs a name that says who uses it.")
    if rate_limit_per_minute < 1:
        raise ValidationError("The rate limit must allow at least one request per minute.")
    raw_key = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = SubscriberToken.objects.create(
        name=name,
        key_digest=_digest(raw_key),
        key_prefix=raw_key[:8],
        rate_limit_per_minute=rate_limit_per_minute,
    )
    return token, raw_key


def token_for_key(*, raw_key: str) -> SubscriberToken | None:
    """The active token with this key, or None. Hostile input only ever costs one indexed lookup."""
    if not raw_key.startswith(TOKEN_PREFIX) or len(raw_key) > 100:
        return None
    return SubscriberToken.objects.filter(key_digest=_digest(raw_key), is_active=True).first()


def rate_limit_hit(*, identity: str, limit: int, now: float | None = None) -> RateDecision:
    """Count one API request in the caller's current one-minute window, in the cache every server process
    shares (newsdesk/ratelimit.py), so a limit holds however many workers serve the API."""
    return ratelimit.hit(scope="api", identity=identity, limit=limit, now=now)
