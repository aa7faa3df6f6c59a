"""The export: every annotation you may see that the filters keep, with its replies, streamed as
W3C JSON-LD or CSV."""

from ninja import Query, Router, Schema

from newsroom.api.errors import ApiError
from newsroom.api.export import ExportForm, export_response
from newsroom.api.responses import base_of

router = Router(tags=["export"])


class ExportQuery(Schema):
    """The parameters, as /api/docs lists them; ExportForm checks them, as it does the page's."""

    format: str = "jsonld"  # or csv
    story: str = ""  # a story's slug
    article: str = ""  # an article's id
    group: str = ""  # the slug of a group of yours
    tag: str = ""  # a tag's name or slug
    author: str = ""  # a user name
    since: str = ""  # YYYY-MM-DD: created on that day or later
    until: str = ""  # YYYY-MM-DD: created on that day or earlier


@router.get("/export", url_name="export")
def export(request, query: Query[ExportQuery]):
    """Download the annotations you may see (public ones when anonymous) and their replies:
    ?format=jsonld gives an AnnotationCollection, ?format=csv a row per annotation and reply."""
    if unknown := sorted(set(request.GET) - set(ExportQuery.model_fields)):
        raise ApiError(400, f"Unknown parameter “{unknown[0]}”: the export takes no other.", unknown[0])
    form = ExportForm(request.user, query.dict())
    if not form.is_valid():
        field, messages = next(iter(form.errors.items()))
        raise ApiError(400, messages[0], "" if field == "__all__" else field)
    return export_response(base_of(request), request.user, form.filters(), form.cleaned_data["format"])
