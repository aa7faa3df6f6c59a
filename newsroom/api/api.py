"""The JSON API: one NinjaAPI, its errors as JSON with a message, and its routers.

Every error answers {"error": "...", "field": "..."} (the field only when one is at fault),
with its status: 400, 401, 403, 404, 409, 412, 413, 415, 428 or 429.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.parser import Parser

from newsroom.api.auth import READERS
from newsroom.api.errors import ApiError
from newsroom.api.jsonbody import JsonError, loads_strict
from newsroom.api.routes import annotations, corpus, export, imports, replies
from newsroom.limits import RateLimited
from newsroom.middleware import content_length

JSON_TYPES = {"application/json", "application/ld+json"}


class JsonParser(Parser):
    """Bodies are JSON (application/json or application/ld+json) and of a bounded size. (Ninja
    answers any error of a parser as a 400 caused by it: http_error() answers the cause.)"""

    def parse_body(self, request):
        media_type = request.content_type.lower()
        if media_type not in JSON_TYPES:
            raise ApiError(415, f"Send JSON (application/json or application/ld+json), not “{media_type}”.")
        if content_length(request) > settings.API_MAX_BODY_BYTES:
            raise RequestDataTooBig()
        try:
            return loads_strict(request.body, "The body")
        except JsonError as error:
            raise ApiError(400, str(error)) from None


api = NinjaAPI(
    title="Newsroom API",
    version="1",
    description="Articles, stories and their comparison; annotations and replies as W3C Web Annotations.",
    auth=READERS,
    parser=JsonParser(),
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
)


def error(request, status: int, message: str, field: str = "", headers: dict | None = None, **details):
    body = {"error": message} | ({"field": field} if field else {}) | details
    response = api.create_response(request, body, status=status)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


@api.exception_handler(ValidationError)
def invalid(request, exc):
    first = exc.errors[0]
    # ("body", "payload", "target", "selector", 0, "start") in the body, ("query", "page") in the query.
    location = [str(part) for part in first.get("loc", ())]
    location = location[2:] if location[:1] == ["body"] else location[1:]
    return error(request, 400, f"{first.get('msg', 'Invalid input')}.", ".".join(location))


@api.exception_handler(ApiError)
def refused(request, exc):
    return error(request, exc.status, str(exc), exc.field, **exc.details)


@api.exception_handler(HttpError)
def http_error(request, exc):
    if isinstance(exc.__cause__, ApiError):
        return refused(request, exc.__cause__)
    if isinstance(exc.__cause__, RequestDataTooBig):
        return too_big(request, exc.__cause__)
    return error(request, exc.status_code, str(exc))


@api.exception_handler(RateLimited)
def rate_limited(request, exc):
    return error(request, 429, str(exc), headers={"Retry-After": str(exc.retry_after)})


@api.exception_handler(AuthenticationError)
def unauthenticated(request, exc):
    message = str(exc) if str(exc) else "Sign in, or send a personal API token (Authorization: Bearer …)."
    return error(request, 401, message, headers={"WWW-Authenticate": 'Bearer realm="newsroom"'})


@api.exception_handler(Http404)
def not_found(request, exc):
    return error(request, 404, "Not found: there is no such thing, or you may not see it.")


@api.exception_handler(PermissionDenied)
def forbidden(request, exc):
    return error(request, 403, str(exc) or "You may not do this.")


@api.exception_handler(RequestDataTooBig)
def too_big(request, exc):
    return error(request, 413, f"The body is larger than {settings.API_MAX_BODY_BYTES:,} bytes.")


api.add_router("", corpus.router)
api.add_router("", annotations.router)
api.add_router("", replies.router)
api.add_router("", export.router)
api.add_router("", imports.router)
