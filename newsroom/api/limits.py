"""How many writes a user may make through the API per minute: a script gone wrong must not fill
the database. A fixed window in the cache, shared by every process when the cache is."""

import time

from django.conf import settings
from django.core.cache import cache
from ninja.errors import HttpError


def check_write_rate(user) -> None:
    """Count one write of the user's; 429 once they have made API_WRITES_PER_MINUTE this minute."""
    limit = settings.API_WRITES_PER_MINUTE
    key = f"api-writes:{user.pk}:{int(time.time() // 60)}"
    cache.add(key, 0, 60)
    if cache.incr(key) > limit:
        raise HttpError(429, f"Too many writes: at most {limit} a minute. Wait a minute and try again.")
