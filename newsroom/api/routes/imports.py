"""Import annotations: a file of W3C Web Annotations (this site's export, Hypothesis's or
Recogito's) as the body, the per-record report as the answer."""

from typing import Any

from ninja import Body, Router

from newsroom import limits
from newsroom.api.auth import WRITERS
from newsroom.api.errors import ApiError
from newsroom.api.imports import ImportFileError, import_annotations

router = Router(tags=["import"])


@router.post("/import", auth=WRITERS, url_name="import")
def annotations_import(request, document: Body[Any], dry_run: bool = False):
    """Import the annotations and replies of the body as yours; ?dry_run=true only reports what
    would be created, placed (position, quote or fuzzy), orphaned and refused. An import counts as
    one write, and what it creates against IMPORTED_PER_HOUR (429 beyond: nothing is imported); a dry
    run counts nothing."""
    user = request.user
    if not dry_run:
        limits.check(request, "write")
    try:
        report = import_annotations(
            document,
            user=user,
            dry_run=dry_run,
            before_write=lambda count: limits.check_import(request, count),
        )
        return report.to_json()
    except ImportFileError as error:
        raise ApiError(400, str(error)) from None
