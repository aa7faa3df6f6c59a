"""The export: every annotation you may see that the filters keep, with its replies, streamed as
W3C JSON-LD or CSV."""

from ninja import Field, Query, Router, Schema
from pydantic import create_model

from newsroom import limits
from newsroom.api.errors import ApiError, form_error
from newsroom.api.export import ExportForm, export_response
from newsroom.api.responses import base_of

router = Router(tags=["export"])

# What /api/docs says of each of ExportForm's fields.
DESCRIPTIONS = {
    "format": "jsonld (an AnnotationCollection) or csv",
    "story": "a story's slug",
    "article": "an article's id",
    "group": "the slug of a group of yours",
    "tag": "a tag's name or slug",
    "author": "a user name",
    "since": "YYYY-MM-DD: created on that day or later",
    "until": "YYYY-MM-DD: created on that day or earlier",
}

# The parameters are ExportForm's fields, which check them as they check the page's: a field added to
# the form is a parameter (and needs its description).
ExportQuery = create_model(
    "ExportQuery",
    __base__=Schema,
    **{
        name: (str, Field(field.initial or "", description=DESCRIPTIONS[name]))
        for name, field in ExportForm.base_fields.items()
    },
)


@router.get("/export", url_name="export")
def export(request, query: Query[ExportQuery]):
    """Download the annotations you may see (public ones when anonymous) and their replies:
    ?format=jsonld gives an AnnotationCollection, ?format=csv a row per annotation and reply."""
    if unknown := sorted(set(request.GET) - set(ExportQuery.model_fields)):
        raise ApiError(400, f"Unknown parameter “{unknown[0]}”: the export takes no other.", unknown[0])
    limits.check(request, "export")
    form = ExportForm(request.user, query.dict())
    if not form.is_valid():
        raise form_error(form)
    return export_response(base_of(request), request.user, form.filters(), form.cleaned_data["format"])
