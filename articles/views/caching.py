"""Whole pages cached: one copy for every anonymous reader, and one per signed-in reader (their
annotations, controls and groups) with a stand-in for the CSRF token, which belongs to one browser
and is put in as the page is served; fragments answered with an ETag.

Keys carry the timestamps of what the page shows; the short timeout bounds how long neighbouring
content (such as a story's other articles) may lag. An article's fragments are keyed by
ArticleAnnotations.cache_key, in the template caches, the page cache and the ETag alike.
"""

import hashlib
import json
from collections.abc import Callable
from typing import NamedTuple

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.cache import get_conditional_response
from django.utils.crypto import salted_hmac

from articles.navigation import page_number
from articles.queries.reading import article_state, reader_groups, recent_roles_of

PAGE_SECONDS = 60


def page_key(*parts) -> str:
    return "page:" + hashlib.sha256(repr(parts).encode()).hexdigest()


def is_cacheable_page_request(request, query_keys: set[str]) -> bool:
    """A GET with no pending messages and no query parameters but the ones the key covers."""
    return request.method == "GET" and set(request.GET) <= query_keys and not messages.get_messages(request)


def csrf_stand_in() -> str:
    """Rendered where the page's CSRF token goes (the {% csrf_token %} tags of its forms), replaced by
    the reader's own token each time the page is served. Derived from the secret key: what readers
    write (a note's link) cannot contain it, or a page would hand its reader's token to that link."""
    return salted_hmac("articles.views.caching.csrf_stand_in", "page").hexdigest()


def reader_parts(user) -> tuple:
    """Everything of a signed-in reader that their pages show besides their annotations: their name
    and staff link (the site's header), and their groups with their roles (what they read, and the
    annotation form's audience menu)."""
    return (user.pk, user.get_username(), user.is_staff, reader_groups(user))


def cached_page(
    request,
    key: str,
    template: str,
    page_context: Callable[[], dict],
    query_keys: frozenset = frozenset({"tag", "layer", "author"}),
) -> HttpResponse:
    """The page from the cache, else rendered with page_context() (called only then) and kept.

    The key must cover everything the page shows: the query parameters named in query_keys as the
    view checked them, for the page shows them so only (its links back to itself, such as the
    log-in link's `next`, are its page_url), never as one reader typed them. Requests with any
    other parameter are not cached. Anonymous readers share one copy; a signed-in reader's copy is
    theirs alone (reader_parts() is added to the key) and gets their CSRF token as it is served.
    """
    if not is_cacheable_page_request(request, query_keys):
        return render(request, template, page_context())
    if request.user.is_authenticated:
        return own_cached_page(request, page_key(key, reader_parts(request.user)), template, page_context)
    response = cache.get(key)
    if response is None:
        response = render(request, template, page_context())
        # A page that handed out a CSRF token belongs to one browser.
        if response.status_code == 200 and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
            cache.set(key, response, PAGE_SECONDS)
    return response


def cached_list_page(request, key: tuple, template: str, page_context: Callable[[], dict]) -> HttpResponse:
    """A page of a list (?page=N) through cached_page(), one copy per page number rather than per
    string typed: anything else is rendered each time (the paginator shows it as a page it has)."""
    if (number := page_number(request.GET.get("page", "1"))) is None:
        return render(request, template, page_context())

    def list_context():  # links back to the page number, not to the string the first reader typed
        return page_context() | {"page_url": request.path if number == 1 else f"{request.path}?page={number}"}

    return cached_page(request, page_key(*key, number), template, list_context, frozenset({"page"}))


def own_cached_page(request, key: str, template: str, page_context: Callable[[], dict]) -> HttpResponse:
    """A signed-in reader's page from their own cached copy, with this request's CSRF token."""
    body, stand_in = cache.get(key), csrf_stand_in()
    if body is None:
        body = render(request, template, page_context() | {"csrf_token": stand_in}).content
        cache.set(key, body, PAGE_SECONDS)
    return HttpResponse(body.replace(stand_in.encode(), get_token(request).encode()))


class Poll(NamedTuple):
    reader: int  # the user id, 0 for an anonymous reader
    key: str


def poll_of(request, pk: int) -> Poll | None:
    """Who asks for which article's fragments, as which page shows them, at which state of the
    article: a poll asking again under the same key with the same ETag gets its 304 from the cache.

    The reader is found from the session cookie in the cache, where the last full answer to it
    left them (remember_reader); their groups and roles, like the article's state, are cached
    for a couple of seconds: neither the session nor the user is loaded. None when the cookie is
    not known yet: the request takes the full path.
    """
    if cookie := request.COOKIES.get(settings.SESSION_COOKIE_NAME):
        reader = cache.get(reader_key(cookie))
        if reader is None:
            return None
    else:
        reader = 0
    parts = (reader, recent_roles_of(reader), pk, article_state(pk), sorted(request.GET.lists()))
    return Poll(reader, "poll:" + hashlib.sha256(repr(parts).encode()).hexdigest())


def reader_key(cookie: str) -> str:
    return "reader-of:" + hashlib.sha256(cookie.encode()).hexdigest()


def remember_reader(request) -> None:
    """Note whom this session cookie signs in (after the session was checked), for poll_of()."""
    if cookie := request.COOKIES.get(settings.SESSION_COOKIE_NAME):
        cache.set(reader_key(cookie), request.user.pk or 0, PAGE_SECONDS * 10)


def not_modified_since(request, poll: Poll | None) -> HttpResponse | None:
    """304 if the browser has this poll's fragments, else None (build them)."""
    etag = cache.get(poll.key) if poll else None
    return get_conditional_response(request, etag=etag) if etag else None


def fragments_response(request, reading) -> HttpResponse:
    """An article's two fragments as JSON, or 304 if the browser's copy is still current.

    The ETag is the hash of what they show, so it stays the same (and the answer is 304) when
    something changed that this reader may not see, such as another reader's private note.
    """
    key = f"fragments:{reading.cache_key}"
    if (etag_and_body := cache.get(key)) is None:
        context = {"reading": reading}
        fragments = {
            "text": render_to_string("articles/_article_body.html", context, request),
            "annotations": render_to_string("articles/_annotation_list.html", context, request),
        }
        body = json.dumps(fragments, ensure_ascii=False).encode()  # "’" takes 3 bytes, not 6
        etag_and_body = (f'"{hashlib.sha256(body).hexdigest()[:32]}"', body)
        cache.set(key, etag_and_body, PAGE_SECONDS * 10)
    etag, body = etag_and_body
    remember_reader(request)
    cache.set(poll_of(request, reading.article.pk).key, etag, PAGE_SECONDS * 10)  # the next poll's answer
    if (not_modified := get_conditional_response(request, etag=etag)) is not None:
        return not_modified
    response = HttpResponse(body, content_type="application/json")
    response["ETag"] = etag
    response["Cache-Control"] = "private, no-cache"  # revalidate each time: it changes with every write
    return response
