"""Security events (failed logins, limits hit, permission denials, admin actions) as structured
log lines on the "newsroom.security" logger: the event, the user, the client's IP and, from the
log formatter, the time in UTC."""

import logging

from allauth.account.adapter import get_adapter
from django.core.exceptions import ImproperlyConfigured, PermissionDenied

logger = logging.getLogger("newsroom.security")


def client_ip(request) -> str:
    """The client's address as allauth's rate limits see it (ALLAUTH_TRUSTED_PROXY_COUNT behind a
    proxy); "unknown" when a request's forwarding headers make no sense."""
    try:
        return get_adapter(request).get_client_ip(request)
    except (PermissionDenied, ImproperlyConfigured):
        return "unknown"


def log_security_event(event: str, request=None, *, user=None, **details) -> None:
    """Log one security event: `event` is a short name such as "login_failed" or "rate_limited";
    `details` are added as fields. The user is the request's unless given."""
    user = user if user is not None else getattr(request, "user", None)
    fields = {
        "event": event,
        "user": user.get_username() if user is not None and user.is_authenticated else None,
        "ip": client_ip(request) if request is not None else None,
        "path": request.path if request is not None else None,
        **details,
    }
    logger.warning(event, extra={"security": fields})
