"""Security events as structured log lines (newsroom.security_log): logins, failed logins and
logouts, password changes and resets, permission denials and admin actions. (Limits hit are
logged where the limits are.)"""

from allauth.account.signals import password_changed, password_reset, password_set
from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http.request import HttpRequest
from django.utils import timezone

from newsroom.security_log import log_security_event

ADMIN_ACTIONS = {ADDITION: "addition", CHANGE: "change", DELETION: "deletion"}
LOGIN_FIELDS = ("username", "email", "login")  # what the login forms send to authenticate()
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


@receiver(user_login_failed)
def login_failed(sender, credentials, request=None, **kwargs):
    # Django's authenticate() sends it, for allauth's forms and the admin's; the password is masked.
    login = next((str(credentials[field]) for field in LOGIN_FIELDS if credentials.get(field)), None)
    log_security_event("login_failed", request, login=login and login[:150])


@receiver(user_logged_in)
def logged_in(sender, request, user, **kwargs):
    log_security_event("login", request, user=user)


@receiver(user_logged_out)
def logged_out(sender, request, user, **kwargs):
    log_security_event("logout", request, user=user)


@receiver(password_changed)
@receiver(password_set)
@receiver(password_reset)
def password_event(sender, request, user, signal, **kwargs):
    events = {
        password_changed: "password_changed",
        password_set: "password_set",
        password_reset: "password_reset",
    }
    log_security_event(events[signal], request, user=user)


def security_events_middleware(get_response):
    """Permission denials and admin actions, seen from each request's answer."""

    def middleware(request):
        started = timezone.now()
        response = get_response(request)
        if is_refusal(request, response.status_code):
            log_security_event(
                "permission_denied", request, status=response.status_code, method=request.method
            )
        if request.method not in SAFE_METHODS and is_admin(request):
            log_admin_actions(request, since=started)
        return response

    return middleware


def is_refusal(request: HttpRequest, status: int) -> bool:
    """A 403 (PermissionDenied, a CSRF failure, the admin's), or a 404 to a write on one of our URLs.

    What a user may not read answers 404 like a missing id, on pages and in the API alike
    (articles.permissions), so that a refused write looks from outside like one to an id that does
    not exist: the answer is the one place that sees every refusal, where each view would need a
    line. A write to an id deleted a moment before is logged too: rare, and a run of them is what
    probing for ids looks like.
    """
    is_write_to_our_url = request.method not in SAFE_METHODS and request.resolver_match is not None
    return status == 403 or (status == 404 and is_write_to_our_url)


def is_admin(request: HttpRequest) -> bool:
    match = request.resolver_match
    return match is not None and match.namespace == "admin" and request.user.is_authenticated


def log_admin_actions(request: HttpRequest, since) -> None:
    """What the admin wrote in its history (LogEntry, one per object) while answering: read back
    rather than caught by a signal, since a bulk delete saves its entries with none."""
    entries = LogEntry.objects.filter(user=request.user, action_time__gte=since)
    for entry in entries.select_related("content_type").order_by("pk"):
        model = entry.content_type and f"{entry.content_type.app_label}.{entry.content_type.model}"
        log_security_event(
            "admin_action",
            request,
            action=ADMIN_ACTIONS.get(entry.action_flag, str(entry.action_flag)),
            object=f"{model}:{entry.object_id}",
            object_repr=entry.object_repr,
            change=entry.get_change_message(),
        )
