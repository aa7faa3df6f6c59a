"""Where a page sends the reader next: back to the page they came from, never to another site."""

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.utils.http import url_has_allowed_host_and_scheme


def return_url(request, default: str) -> str:
    """The `next` page the request names if it is one of ours (without a fragment), else the default."""
    url = request.POST.get("next") or request.GET.get("next") or ""
    # Only a path: redirect() would take a bare word ("foo") for a view's name, and fail after the write.
    safe = url.startswith("/") and url_has_allowed_host_and_scheme(
        url, {request.get_host()}, require_https=request.is_secure()
    )
    return urlunsplit(urlsplit(url)._replace(fragment="")) if safe else default


def with_query(url: str, **params) -> str:
    """The URL with these query parameters added (lists repeat the name); empty values are left out."""
    parts = urlsplit(url)
    added = [(name, value) for name, values in params.items() for value in as_list(values) if value != ""]
    return urlunsplit(parts._replace(query=urlencode(parse_qsl(parts.query) + added)))


def keeping_query(request, url: str) -> str:
    """The URL with the request's query string: a redirect to a page's own address keeps what was
    asked of it (its filters, its page)."""
    query = request.GET.urlencode()
    return f"{url}?{query}" if query else url


def page_number(typed: str) -> int | None:
    """A page number as typed in a URL (?page=N), if it is plain digits, at most four: a page that is
    cached keeps one copy per number, not per string. None for anything else ("²", "1.5", "0x1")."""
    return int(typed) if typed.isascii() and typed.isdigit() and len(typed) <= 4 else None


def at_highlight(url: str, annotation_id: int) -> str:
    """The URL scrolled to an annotation's highlight."""
    return urlunsplit(urlsplit(url)._replace(fragment=f"hl-{int(annotation_id)}"))


def as_list(values) -> list:
    return list(values) if isinstance(values, list | tuple) else [values]
