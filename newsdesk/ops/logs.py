"""Log lines a night shift can read: one JSON object a line (NEWSDESK_LOG_FORMAT=json), or the same fields as
text (the default, for a console). Every line written while a request is served carries its request id.

Fields beside the message come from ``extra=`` (``logger.info("request", extra={"status": 200})``): whatever a
call adds that a plain LogRecord does not have is written as a field of its own.
"""

from __future__ import annotations

import contextvars
import json
import logging
import os
import re
import time

request_id: contextvars.ContextVar[str] = contextvars.ContextVar("newsdesk_request_id", default="")

# A request id taken from X-Request-ID as it comes (a proxy's, a load balancer's), if it looks like one: it is
# written to logs and echoed in a header, so nothing that could forge a log line or a header gets through.
SANE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:@/+=-]{8,128}$")
# Not written as fields: LogRecord's own attributes, and the request object Django's request logger attaches.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {
    "message",
    "asctime",
    "taskName",
    "request",
}


def new_request_id(incoming: str | None) -> str:
    if incoming and SANE_REQUEST_ID.match(incoming):
        return incoming
    return os.urandom(16).hex()  # as random as uuid4().hex, without building a UUID per request


def _fields(record: logging.LogRecord) -> dict:
    given = record.__dict__.get("fields")  # the request log's fields, handed over whole (ops/wsgi.py)
    if given is not None:
        return given
    fields = {key: value for key, value in vars(record).items() if key not in _STANDARD}
    rid = request_id.get()
    if rid and "request_id" not in fields:
        fields["request_id"] = rid
    return fields


_ENCODER = json.JSONEncoder(
    default=str, ensure_ascii=False
)  # made once: json.dumps(default=…) makes one a call
_second: tuple[int, str] = (0, "")


def utc_time(created: float) -> str:
    """ISO 8601 UTC with milliseconds; the text of the second is made once per second (one line per request)."""
    global _second
    whole = int(created)
    if _second[0] != whole:
        _second = (whole, time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(whole)))
    return f"{_second[1]}.{int((created - whole) * 1000):03d}Z"


class JSONFormatter(logging.Formatter):
    """One JSON object per line: time (UTC, ISO 8601), level, logger, message, the extra fields, and the
    traceback (as one string field) when there is one."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": utc_time(record.created),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        line.update(_fields(record))
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            line["stack"] = self.formatStack(record.stack_info)
        return _ENCODER.encode(line)


class TextFormatter(logging.Formatter):
    """``time level logger message key=value …``: the JSON line's content, for people at a console."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        fields = _fields(record)
        if not fields:
            return text
        extra = " ".join(f"{key}={value}" for key, value in fields.items() if value not in (None, ""))
        head, sep, tail = text.partition("\n")  # a traceback stays below the line
        return f"{head} {extra}{sep}{tail}"


def formatter(kind: str = "text") -> logging.Formatter:
    """LOGGING's formatter factory ("()": "newsdesk.ops.logs.formatter", "kind": NEWSDESK_LOG_FORMAT)."""
    if kind == "json":
        return JSONFormatter()
    if kind == "text":
        return TextFormatter()
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(f"NEWSDESK_LOG_FORMAT={kind!r}: use json (production) or text (a console).")
