"""Exports of the annotations a reader may see, with their replies: W3C JSON-LD, CSV, or a report.

- filters: which annotations (ExportForm checks the page's and the API's parameters alike);
- threads: each annotation with its tags and replies, read in chunks;
- jsonld, csv: the two downloads, streamed (download.export_response());
- report: a tag's or a story's passages, as a page to print.
"""

from newsroom.api.export.csv import CSV_COLUMNS, csv_chunks
from newsroom.api.export.download import export_response
from newsroom.api.export.filters import ExportFilters, ExportForm, exported_annotations
from newsroom.api.export.jsonld import api_export_url, jsonld_chunks
from newsroom.api.export.report import make_report

__all__ = [
    "CSV_COLUMNS",
    "ExportFilters",
    "ExportForm",
    "api_export_url",
    "csv_chunks",
    "export_response",
    "exported_annotations",
    "jsonld_chunks",
    "make_report",
]
