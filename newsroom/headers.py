"""Response headers the project adds to Django's and django-csp's own."""

from django.utils.cache import patch_cache_control


def signed_in_pages_not_stored(get_response):
    """A signed-in reader's pages (and API answers to a token) are theirs alone, with their
    annotations and CSRF token: no browser or proxy cache keeps a copy (`private, no-store`).

    Answers that say how to cache themselves keep their word, such as the live-update poll's
    `private, no-cache` and ETag; so do its 304s, which would otherwise make the browser drop the
    copy they confirm (and their quick path loads no user). Anonymous readers' pages stay cacheable.
    """

    def middleware(request):
        response = get_response(request)
        if (
            "Cache-Control" not in response
            and response.status_code != 304
            and (request.user.is_authenticated or "Authorization" in request.headers)
        ):
            patch_cache_control(response, private=True, no_store=True)
        return response

    return middleware
