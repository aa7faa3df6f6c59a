"""How much a user may write: a script gone wrong must not fill the database. Fixed windows in the
cache, shared by every process when the cache is.

Two budgets: API_WRITES_PER_MINUTE requests that write through the API (each counts one), and
IMPORTED_PER_HOUR annotations and replies created by imports (the page's and the API's; a dry run
creates nothing and counts nothing), which a single request may create thousands of."""

import time

from django.conf import settings
from django.core.cache import cache
from ninja.errors import HttpError


class RateLimited(HttpError):
    """Over a budget: the API answers 429 (with Retry-After); a page shows the message."""

    def __init__(self, message: str, window: int):
        super().__init__(429, message)
        self.retry_after = window - int(time.time() % window)  # seconds until the next window


def take(key: str, count: int, limit: int, window: int) -> bool:
    """Count `count` in the key's current window of `window` seconds; False, counting nothing, if
    that would go over the limit."""
    key = f"{key}:{int(time.time() // window)}"
    cache.add(key, 0, window)
    if cache.incr(key, count) > limit:
        cache.decr(key, count)
        return False
    return True


def check_write_rate(user) -> None:
    """Count one write of the user's; 429 once they have made API_WRITES_PER_MINUTE this minute."""
    limit = settings.API_WRITES_PER_MINUTE
    if not take(f"api-writes:{user.pk}", 1, limit, 60):
        raise RateLimited(f"Too many writes: at most {limit} a minute. Wait a minute and try again.", 60)


def check_import_rate(user, count: int) -> None:
    """Count `count` annotations and replies about to be imported by the user; 429, counting
    nothing, if that would make more than IMPORTED_PER_HOUR this hour."""
    limit = settings.IMPORTED_PER_HOUR
    if count and not take(f"imported:{user.pk}", count, limit, 3600):
        raise RateLimited(
            f"Too many imports: at most {limit:,} annotations and replies an hour, and this file would "
            f"create {count:,}. Nothing was imported: try again in the next hour, or import a smaller file.",
            3600,
        )
