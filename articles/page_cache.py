"""Whole pages cached for anonymous readers, who all see the same page.

Signed-in readers see their own controls and a CSRF token, so their pages are built each
time (from cached fragments). Keys carry the timestamps of what the page shows; the short
timeout bounds how long neighbouring content (such as a story's other articles) may lag.
"""

import hashlib
from collections.abc import Callable

from django.contrib import messages
from django.core.cache import cache
from django.http import HttpResponse

PAGE_SECONDS = 60


def page_key(*parts) -> str:
    return "page:" + hashlib.sha256(repr(parts).encode()).hexdigest()


def is_shared_page_request(request) -> bool:
    return (
        request.method == "GET" and not request.user.is_authenticated and not messages.get_messages(request)
    )


def cached_page(request, key: str, render_page: Callable[[], HttpResponse]) -> HttpResponse:
    """The page from the cache for anonymous readers, else freshly rendered."""
    if not is_shared_page_request(request):
        return render_page()
    response = cache.get(key)
    if response is None:
        response = render_page()
        # A page that handed out a CSRF token belongs to one browser.
        if response.status_code == 200 and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
            cache.set(key, response, PAGE_SECONDS)
    return response
