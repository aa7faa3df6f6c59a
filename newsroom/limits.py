"""Abuse limits: how fast one user (or, signed out, one address) may do what costs us, answered 429
with Retry-After beyond: JSON from the API (api.py), a page from the site (templates/429.html).

One mechanism, token buckets in the cache, so that a limit holds across every process and host
when the cache is Redis. RATE_LIMITS (settings) gives each limit as (per second, burst): a bucket
holds `burst` tokens and gains `per second` of them back; a request takes one (an import, one per
annotation and reply it creates) or is refused, taking none. A person at human pace never empties
one. Sign-in, sign-up and passwords have allauth's own limits (ACCOUNT_RATE_LIMITS), whose 429s are
answered here too (allauth_limit_hit)."""

import math
import time
from contextlib import contextmanager
from dataclasses import dataclass
from functools import wraps

from allauth.account import app_settings as allauth_settings
from allauth.core.internal.ratelimit import parse_rates, truncate_ip
from django.conf import settings
from django.core.cache import cache
from django.shortcuts import render

from newsroom.security_log import client_ip, log_security_event

clock = time.time  # wall-clock time, the same on every host; tests replace it

# What each limit counts, for its message: "Too many searches in a short time".
COUNTED = {
    "write": "annotations and replies written",
    "search": "searches",
    "export": "exports",
    "invite": "invite links opened",
}
LOCK_SECONDS = 1  # how long a request waits for its bucket while another of its owner's has it


class RateLimited(Exception):
    """Over a limit: 429, with Retry-After in whole seconds."""

    def __init__(self, message: str, retry_after: float):
        super().__init__(message)
        self.retry_after = max(1, math.ceil(retry_after))


@dataclass(frozen=True)
class Rate:
    per_second: float
    burst: int


def take(key: str, rate: Rate, count: int = 1) -> float:
    """Take `count` tokens from the key's bucket: 0 if they were there, else the seconds until they
    will be (for more than a bucket holds: until a whole bucket has refilled), and none are taken.

    The bucket is stored as one number, the time at which it is full again."""
    if count > rate.burst:
        return rate.burst / rate.per_second
    with locked(key) as got_it:
        if not got_it:  # this user's other requests hold it: they are many at once
            return LOCK_SECONDS
        now = clock()
        full_at = max(cache.get(key, now), now)
        wait = (full_at - now) - (rate.burst - count) / rate.per_second
        if wait > 0:
            return wait
        full_at += count / rate.per_second
        cache.set(key, full_at, math.ceil(full_at - now) + 1)
        return 0


@contextmanager
def locked(key: str):
    """Whether the key's lock was had within LOCK_SECONDS: a bucket's read and write are one step
    for every process that shares the cache (cache.add is atomic in each backend)."""
    lock, deadline = f"{key}:lock", time.monotonic() + LOCK_SECONDS
    while not (got_it := cache.add(lock, 1, 10)) and time.monotonic() < deadline:
        time.sleep(0.01)
    try:
        yield got_it
    finally:
        if got_it:
            cache.delete(lock)


def requester(request) -> str:
    """Whose bucket: the signed-in user's, else the client's address (an IPv6 one by its network,
    as allauth's limits see it: a host may own a whole /64)."""
    if request.user.is_authenticated:
        return f"user:{request.user.pk}"
    return f"ip:{truncate_ip(client_ip(request))}"


def check(request, limit: str) -> None:
    """Take one of the requester's tokens for `limit` (a key of RATE_LIMITS), or raise RateLimited."""
    rate = Rate(*settings.RATE_LIMITS[limit])
    if wait := take_or_log(request, limit, rate, 1):
        raise RateLimited(f"Too many {COUNTED[limit]} in a short time. Try again in {in_words(wait)}.", wait)


def check_import(request, count: int) -> None:
    """Take one token per annotation and reply an import is about to create, from a bucket of
    IMPORTED_PER_HOUR that refills in an hour, or raise RateLimited."""
    limit = settings.IMPORTED_PER_HOUR
    if wait := take_or_log(request, "import", Rate(limit / 3600, limit), count):
        raise RateLimited(
            f"Too many imports: at most {limit:,} annotations and replies an hour, and this file would "
            f"create {count:,}. Nothing was imported: try again later, or import a smaller file.",
            wait,
        )


def take_or_log(request, limit: str, rate: Rate, count: int) -> float:
    """take() from the requester's bucket for `limit`, logging a refusal as a security event."""
    if wait := take(f"limit:{limit}:{requester(request)}", rate, count):
        log_security_event("rate_limited", request, limit=limit)
    return wait


def in_words(seconds: float) -> str:
    """A wait as a person reads it: "1 second", "40 seconds", "5 minutes"."""
    seconds = max(1, math.ceil(seconds))
    if seconds >= 90:
        return f"{math.ceil(seconds / 60)} minutes"
    return f"{seconds} second{'s' if seconds > 1 else ''}"


def limit_page(request, message: str, retry_after: int):
    response = render(request, "429.html", {"message": message}, status=429)
    response["Retry-After"] = str(retry_after)
    return response


def rate_limited(limit: str, methods=("POST",)):
    """A page view whose requests of these methods take a token of `limit` (429 page without)."""

    def decorator(view):
        @wraps(view)
        def limited_view(request, *args, **kwargs):
            if request.method in methods:
                try:
                    check(request, limit)
                except RateLimited as error:
                    return limit_page(request, str(error), error.retry_after)
            return view(request, *args, **kwargs)

        return limited_view

    return decorator


def allauth_limit_hit(request, action: str = ""):
    """The page for a limit of allauth's (ACCOUNT_RATE_LIMITS), which does not say when it ends:
    Retry-After is the longest window of the action's rates, after which it has surely ended. The
    action is the view's (its URL is named account_<action>) unless given."""
    action = action or (request.resolver_match.url_name or "").removeprefix("account_")
    rates = parse_rates(allauth_settings.RATE_LIMITS.get(action))
    retry_after = math.ceil(max((rate.duration for rate in rates), default=60))
    log_security_event("rate_limited", request, limit=action)
    message = f"Too many attempts in a short time. Try again in {in_words(retry_after)}."
    return limit_page(request, message, retry_after)
