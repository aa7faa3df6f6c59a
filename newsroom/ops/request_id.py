"""A request id per request: taken from the proxy's X-Request-ID when it is well formed, else made
here; sent back in the X-Request-ID response header, added to every log line written while the
request is answered, and shown on the error pages so that a visitor can quote it."""

import logging
import re
import uuid
from contextvars import ContextVar

from django.core.signals import request_finished
from django.dispatch import receiver

HEADER = "X-Request-ID"
# nginx's $request_id (32 hex digits), a UUID, or any such token: nothing that could forge a log
# line or inject markup.
WELL_FORMED = re.compile(r"[A-Za-z0-9._-]{8,128}")

_current = ContextVar("request_id", default=None)


def current_request_id() -> str | None:
    """The id of the request being answered in this thread, None outside a request."""
    return _current.get()


def request_id_middleware(get_response):
    def middleware(request):
        given = request.headers.get(HEADER, "")
        request_id = given if WELL_FORMED.fullmatch(given) else uuid.uuid4().hex
        # Kept until request_finished, not reset on the way out: Django logs a 4xx or 5xx answer
        # once every middleware has returned.
        _current.set(request_id)
        response = get_response(request)
        response[HEADER] = request_id
        return response

    return middleware


@receiver(request_finished)
def forget_request_id(**kwargs):
    _current.set(None)


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to every record (None outside a request)."""

    def filter(self, record):
        record.request_id = current_request_id()
        return True
