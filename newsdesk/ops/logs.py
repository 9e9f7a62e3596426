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
import threading
import time
from json.encoder import encode_basestring
from math import isfinite

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


# The request line's record ------------------------------------------------------------------------------------
# One a request: made from a copy of a record made once (per process, per logger) with only what differs set —
# LogRecord() would find the module and process names each time. Every attribute a LogRecord has is there.
_templates: dict[str, dict] = {}
os.register_at_fork(after_in_child=_templates.clear)  # the process id is in the template
_new_record = object.__new__


def request_record(name: str, level: int, fields: dict, created: float | None = None) -> logging.LogRecord:
    """A LogRecord with message "request" and ``fields`` as its attributes (as ``extra=`` would set them, for
    filters and tests) and as ``record.fields``, which the formatters write whole; made at ``created`` (a
    time.time(), now if not given: the request tally makes the record after the fact, tally.py)."""
    template = _templates.get(name)
    if template is None:
        made = logging.LogRecord(name, logging.INFO, __file__, 0, "request", None, None)
        template = _templates[name] = vars(made)
        template["_start"] = made.created - made.relativeCreated / 1000
    record = _new_record(logging.LogRecord)
    values = record.__dict__
    values.update(template)
    now = time.time() if created is None else created
    values["created"] = now
    values["msecs"] = int((now - int(now)) * 1000) + 0.0
    values["relativeCreated"] = (now - values.pop("_start")) * 1000
    values["thread"] = threading.get_ident()
    values["threadName"] = threading.current_thread().name
    if level != logging.INFO:
        values["levelno"], values["levelname"] = level, logging.getLevelName(level)
    values.update(fields)
    values["fields"] = fields
    return record


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


_MILLIS = [f"{ms:03d}" for ms in range(1000)]


def utc_time(created: float) -> str:
    """ISO 8601 UTC with milliseconds; the text of the second is made once per second (one line per request)."""
    global _second
    whole = int(created)
    if _second[0] != whole:
        _second = (whole, time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(whole)))
    return f"{_second[1]}.{_MILLIS[int((created - whole) * 1000)]}Z"


def _request_line(record: logging.LogRecord, fields: dict) -> str:
    """JSONFormatter's line for a record whose fields were handed over whole (the request line: one a request),
    written directly rather than built as a dict and encoded: the same text, in a third of the time."""
    parts = [
        f'{{"time": "{utc_time(record.created)}", "level": "{record.levelname}", "logger": '
        f'{encode_basestring(record.name)}, "message": {encode_basestring(record.getMessage())}'
    ]
    for key, value in fields.items():
        parts.append(f"{encode_basestring(key)}: {_json_value(value)}")
    return ", ".join(parts) + "}"


def _json_value(value) -> str:
    kind = value.__class__
    if kind is str:
        return encode_basestring(value)
    if kind is int or (kind is float and isfinite(value)):
        return repr(value)  # as json writes them
    return _ENCODER.encode(value)


def _line_head(level: int) -> str:
    name = logging.getLevelName(level)
    return f'Z", "level": "{name}", "logger": "newsdesk.request", "message": "request", "request_id": '


_HEADS = {logging.INFO: _line_head(logging.INFO), logging.ERROR: _line_head(logging.ERROR)}


def request_json(
    level: int,
    created: float,
    request: str,
    method: str,
    path: str,
    status: int,
    duration_ms: float,
    view: str,
    queries: int | None,
    cache: str,
    user,
) -> str:
    """A request's line as JSONFormatter writes the record the request tally would otherwise make (the fields
    request_id, method, path, status, duration_ms, view, then queries, cache and user_id when there are): the
    same text, made from the values without a dict or a record — one a request, in the tally's fold. ``method``
    is one of the tally's METHODS or "other" (nothing to escape); ``duration_ms`` a finite float (a clock's
    difference, rounded)."""
    head = _HEADS.get(level) or _line_head(level)
    line = (
        f'{{"time": "{utc_time(created)[:-1]}{head}{encode_basestring(request)}, "method": "{method}", '
        f'"path": {encode_basestring(path)}, "status": {status}, "duration_ms": {duration_ms!r}, '
        f'"view": {encode_basestring(view)}'
    )
    if queries is not None:
        line += f', "queries": {queries}'
    if cache:
        line += f', "cache": {encode_basestring(cache)}'
    if user:
        line += f', "user_id": {_json_value(user)}'
    return line + "}"


class JSONFormatter(logging.Formatter):
    """One JSON object per line: time (UTC, ISO 8601), level, logger, message, the extra fields, and the
    traceback (as one string field) when there is one."""

    def format(self, record: logging.LogRecord) -> str:
        given = record.__dict__.get("fields")
        if given is not None and not record.exc_info and not record.stack_info:
            return _request_line(record, given)
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


def direct_writer(logger: logging.Logger):
    """A function writing a batch of request lines (level, their JSON text: request_json) straight to the streams
    that would get them — the text JSONFormatter would write, one write per stream — or None when logging's own
    path is needed for them: only when every handler the logger's records reach is a plain StreamHandler with the
    JSON formatter and nothing filters on the way (the production setting; a console's text lines, a test's capture, a file handler take the
    record path). Checked at each call (a fold, once a second), so a change of configuration is seen."""
    handlers: list[logging.StreamHandler] = []
    found: list[logging.Handler] = []
    current: logging.Logger | None = logger
    while current is not None:
        if current.filters or current.disabled:
            return None
        found.extend(current.handlers)
        current = current.parent if current.propagate else None
    if not found:
        return None  # logging's last resort, and its warning: its own path
    for handler in found:
        if not isinstance(handler, logging.StreamHandler) or type(handler) is not logging.StreamHandler:
            return None  # a subclass (a file, a test's capture) may do more than write
        if handler.filters or type(handler.formatter) is not JSONFormatter:
            return None
        handlers.append(handler)
    name = logger.name

    def write(lines: list[tuple[int, str]]) -> None:
        """Write (level, JSON text) lines: each handler the lines at or above its level, in one write."""
        for handler in handlers:
            chosen = [text for level, text in lines if level >= handler.level]
            if not chosen:
                continue
            terminator = handler.terminator
            handler.acquire()
            try:
                handler.stream.write(terminator.join(chosen) + terminator)
                handler.flush()
            except Exception:  # as StreamHandler.emit: logging never raises into the program
                handler.handleError(request_record(name, lines[0][0], {"lines": len(chosen)}))
            finally:
                handler.release()

    return write


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
