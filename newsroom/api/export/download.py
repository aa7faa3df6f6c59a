"""An export as a download: it starts at once and is written as it is read."""

from django.http import StreamingHttpResponse
from django.utils import timezone

from newsroom.api.export.csv import csv_lines
from newsroom.api.export.filters import ExportFilters
from newsroom.api.export.jsonld import jsonld_pieces
from newsroom.api.export.threads import exported_threads, joined, read_ahead
from newsroom.api.w3c import LD_MEDIA_TYPE

EXPORTS = {
    "jsonld": (jsonld_pieces, LD_MEDIA_TYPE, "jsonld"),
    "csv": (csv_lines, "text/csv; charset=utf-8", "csv"),
}


def export_response(base: str, user, filters: ExportFilters, format: str) -> StreamingHttpResponse:
    """The export of valid filters (ExportForm's), its query run and its first rows read before the
    response is made: an error is then the view's (a 500, not a 200 whose body stops short)."""
    pieces, media_type, extension = EXPORTS[format or "jsonld"]
    threads = read_ahead(exported_threads(user, filters))
    response = StreamingHttpResponse(joined(pieces(base, filters, threads)), content_type=media_type)
    filename = f"newsroom-annotations-{timezone.localdate():%Y-%m-%d}.{extension}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
