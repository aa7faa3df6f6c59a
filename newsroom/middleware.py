"""Limits of every request, checked before any view reads it, each refused with a message (as JSON
under /api/, where scripts read the API's errors): a query string too long (414) or holding a NUL
character (400), a body too large (413), a form with too many fields or files or that cannot be read
(400). Django would answer the body's errors with a bare 400, or fail on a NUL in a lookup."""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.template.loader import render_to_string

FORM_TYPES = {"application/x-www-form-urlencoded", "multipart/form-data"}
TITLES = {400: "Bad request", 413: "Too large", 414: "Address too long", 503: "Busy"}


def check_requests(get_response):
    def middleware(request):
        if refusal := problem_of(request):
            return refuse(request, *refusal)
        return get_response(request)

    return middleware


def problem_of(request) -> tuple[int, str] | None:
    """The status and message that refuse the request, or None."""
    if len(request.META.get("QUERY_STRING", "")) > (limit := settings.MAX_QUERY_STRING_BYTES):
        return 414, f"The address is too long: its query may have {limit:,} characters."
    try:
        query = request.GET
    except TooManyFieldsSent:
        return 400, f"The address has more than {settings.DATA_UPLOAD_MAX_NUMBER_FIELDS:,} parameters."
    # PostgreSQL text cannot hold NUL, so such a value in a lookup (`?tag=%00`, `/people/%00/`) would
    # fail as a server error. (Forms check their own fields and say which one is wrong.)
    parts = [request.path, *(part for name, values in query.lists() for part in [name, *values])]
    if any("\x00" in part for part in parts):
        return 400, "The address holds a NUL character."
    if content_length(request) > (limit := settings.MAX_REQUEST_BYTES):
        return 413, f"The request is larger than {limit:,} bytes, the most this site reads."
    # The API reads JSON only, and refuses anything else (415) without reading it.
    if request.method == "POST" and request.content_type in FORM_TYPES and not is_api(request):
        try:
            request.POST  # noqa: B018 read here, as CSRF checking would, to say what is wrong with it
        except RequestDataTooBig:
            limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
            return 413, f"The form holds more than {limit:,} bytes of text: shorten what you wrote."
        except TooManyFieldsSent:
            return 400, f"The form has more than {settings.DATA_UPLOAD_MAX_NUMBER_FIELDS:,} fields."
        except TooManyFilesSent:
            return 400, f"The form has more than {settings.DATA_UPLOAD_MAX_NUMBER_FILES:,} files."
        except MultiPartParserError:
            return 400, "The form could not be read: send it again."
    return None


def content_length(request) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def is_api(request) -> bool:
    return request.path.startswith("/api/")


def refuse(request, status: int, message: str) -> HttpResponse:
    """The refusal as JSON under /api/, else as the error page, which (like the 500 page) needs
    neither the database nor anything of the request's."""
    if is_api(request):
        return JsonResponse({"error": message}, status=status)
    context = {"code": status, "title": TITLES[status], "message": message}
    return HttpResponse(render_to_string("error_page.html", context), status=status)
