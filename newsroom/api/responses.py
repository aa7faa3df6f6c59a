"""JSON-LD answers with content negotiation, ETags and conditional requests."""

import hashlib
import json

from django.http import HttpResponse
from django.utils.cache import get_conditional_response

from newsroom.api.errors import ApiError
from newsroom.api.w3c import LD_MEDIA_TYPE


def base_of(request) -> str:
    """The site's address, which IRIs start with: https://example.org"""
    return request.build_absolute_uri("/").rstrip("/")


def media_type(request) -> str:
    """JSON-LD, unless the client asks for plain JSON and not for JSON-LD."""
    accept = request.headers.get("Accept", "")
    return "application/json" if "application/json" in accept and "ld+json" not in accept else LD_MEDIA_TYPE


def encoded(document: dict) -> tuple[bytes, str]:
    """The document as UTF-8 JSON, and the ETag of that body (its hash)."""
    body = json.dumps(document, ensure_ascii=False).encode()
    return body, f'"{hashlib.sha256(body).hexdigest()[:32]}"'


def ld_response(request, document: dict, *, status: int = 200, etag: str = "", headers: dict | None = None):
    """The document as JSON-LD (or JSON), with its ETag: a strong one given for an annotation or a
    reply (its version), else the hash of the body; 304 for a GET whose If-None-Match matches."""
    if etag:  # a version's: no need to hash the body
        body = json.dumps(document, ensure_ascii=False).encode()
    else:
        body, etag = encoded(document)
    return encoded_response(request, body, etag, status=status, headers=headers)


def encoded_response(request, body: bytes, etag: str, *, status: int = 200, headers: dict | None = None):
    # If-None-Match on a read; a write's If-Match was checked before it was made (edited_version).
    conditional = status == 200 and request.method in ("GET", "HEAD")
    if conditional and (not_modified := get_conditional_response(request, etag=etag)) is not None:
        return not_modified
    response = HttpResponse(body, status=status, content_type=media_type(request))
    response["ETag"] = etag
    response["Vary"] = "Accept, Authorization, Cookie"
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def require_object(request) -> None:
    """A body (JSON, as the parser checked) that is an object: a list, a number or null is no
    annotation, reply or flag, though a schema would read it as an empty one."""
    if not isinstance(json.loads(request.body), dict):
        raise ApiError(400, "The body must be a JSON object: {...}.")


def version_etag(item) -> str:
    """An annotation's or reply's ETag: its version, and whether a moderator hid it (which changes
    what readers are shown, not what its author wrote)."""
    hidden = "-hidden" if item.hidden_at else ""
    return f'"{item._meta.model_name}-{item.pk}-v{item.version}{hidden}"'


def edited_version(request, item, *, required: bool) -> int:
    """The version the client changes, from If-Match: 412 if the item has changed since, 428 if a
    replacement does not say which version it replaces."""
    if_match = request.headers.get("If-Match", "")
    if not if_match:
        if required:
            raise ApiError(428, "Send If-Match with the ETag you read, so that no one's change is lost.")
        return item.version
    if if_match.strip() != "*" and version_etag(item) not in [tag.strip() for tag in if_match.split(",")]:
        raise stale(item)
    return item.version


def stale(item) -> ApiError:
    return ApiError(
        412,
        f"This {item._meta.verbose_name} was changed since you read it: read it again (its ETag is "
        f"{version_etag(item)}) and apply your change to that.",
        current_etag=version_etag(item),
    )
