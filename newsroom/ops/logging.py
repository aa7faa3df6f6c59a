"""Log lines as JSON objects, one per line on stdout, for the app (settings.LOGGING) and for
gunicorn (deploy/gunicorn.conf.py). Imported before Django is set up: nothing of Django here."""

import logging

from pythonjsonlogger import json
from pythonjsonlogger.core import RESERVED_ATTRS

HEALTH_CHECK_PATHS = {"/healthz", "/readyz"}


class JsonFormatter(json.JsonFormatter):
    """{"level", "logger", "message", "request_id", "time"} (UTC, ISO 8601) and whatever else the
    record carries (its `extra`: a security event's fields, an error's `exc_info`), less Django's
    request object, whose text says less than the request id."""

    def __init__(self):
        super().__init__(
            "{levelname}{name}{message}",
            style="{",
            rename_fields={"levelname": "level", "name": "logger"},
            timestamp="time",
            reserved_attrs=[*RESERVED_ATTRS, "request"],
        )


class RefusalFilter(logging.Filter):
    """django.request's warnings (a 403, a 404 to a write) without the traceback Django gives them:
    the page refused what it should, and the line says which; errors keep theirs."""

    def filter(self, record):
        if record.levelno < logging.ERROR:
            record.exc_info = record.exc_text = None
        return True


class AccessLogFilter(logging.Filter):
    """Gunicorn's access log: no line for the health checks (a probe every few seconds would drown
    the log), and the request id that the app sent back in each line's `request_id`."""

    def filter(self, record):
        atoms = record.args  # gunicorn's, a "-" for any it lacks
        if atoms["U"] in HEALTH_CHECK_PATHS:
            return False
        record.request_id = atoms["{x-request-id}o"]
        return True
