"""The export as W3C JSON-LD: one AnnotationCollection with everything in its first page."""

import json
from collections.abc import Iterable, Iterator

from django.urls import reverse

from newsroom.api.export.filters import ExportFilters
from newsroom.api.export.threads import Thread, exported_threads, joined
from newsroom.api.w3c import annotation_document, context, reply_document


def api_export_url(base: str, filters: ExportFilters, format: str) -> str:
    """The same export from the API."""
    return f"{base}{reverse('api:export')}?format={format}&{filters.query()}".rstrip("&")


def jsonld_chunks(base: str, user, filters: ExportFilters) -> Iterator[str]:
    """An AnnotationCollection of the annotations and their replies (motivation "replying") in one
    embedded AnnotationPage. Each item keeps its own @context, so that it stands alone."""
    return joined(jsonld_pieces(base, filters, exported_threads(user, filters)))


def jsonld_pieces(base: str, filters: ExportFilters, threads: Iterable[Thread]) -> Iterator[str]:
    iri = api_export_url(base, filters, "jsonld")
    label = "Annotations from Newsroom" + (f" ({filters.description()})" if filters.description() else "")
    collection = {"@context": context(base), "id": iri, "type": "AnnotationCollection", "label": label}
    page = {"id": f"{iri}#items", "type": "AnnotationPage", "startIndex": 0}
    # Both objects are left open, for what follows them: the page inside the collection, the items.
    yield f'{json.dumps(collection, ensure_ascii=False)[:-1]}, "first": {json.dumps(page)[:-1]}, "items": [\n'
    separator, total = "", 0
    for thread in threads:
        root = annotation_document(base, thread.annotation, tags=thread.tags, shown_in_full=thread.shown)
        documents = [root]
        documents += [reply_document(base, reply, shown_in_full=shown) for reply, shown in thread.replies]
        for document in documents:
            yield separator + json.dumps(document, ensure_ascii=False)
            separator = ",\n"
        total += len(documents)
    # The total (optional in the W3C's model) comes last, as the items written: a count made before
    # them, in other queries, would miss what is written to the database meanwhile.
    yield f'\n]}}, "total": {total}}}\n'
