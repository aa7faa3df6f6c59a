"""The rows of an export: each annotation with its tags and replies, read in chunks of CHUNK_SIZE,
each chunk's tags and replies in a query apiece, so that memory stays flat whatever their number."""

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import chain, islice

from django.contrib.auth import get_user_model

from articles.models import Annotation, Article
from articles.models.annotations import Reply
from articles.permissions import moderated_group_ids, sees_in_full
from articles.queries.reading import attach_tag_links
from newsroom.accounts.models import Group
from newsroom.api.export.filters import ExportFilters, exported_annotations

# Rows read per query: large enough to keep queries few, small enough to keep memory flat.
CHUNK_SIZE = 2000
# Pieces of output joined before they are sent: one write per few hundred rows, not per row.
PIECES_PER_WRITE = 500

# What an export writes of an annotation, with its relations (attach_relations()).
EXPORTED_FIELDS = [
    *["article", "author", "group", "start", "end", "exact", "prefix", "suffix", "note"],
    *["created_at", "edited_at", "visibility", "hidden_at"],
]


def related_rows() -> dict:
    return {
        "article": Article.objects.select_related("story", "outlet").defer("body", "story__summary"),
        "author": get_user_model().objects.select_related("profile"),
        "group": Group.objects.all(),
    }


def attach_relations(items: list, names: list[str], loaded: dict[str, dict]) -> None:
    """Give each annotation or reply these relations (article, author, group), reading only those
    not loaded yet: an export of 100,000 annotations names few articles and people, again and
    again, and building them anew for each row (select_related) would take most of its time."""
    for name in names:
        known = loaded.setdefault(name, {})
        wanted = {getattr(item, f"{name}_id") for item in items} - known.keys() - {None}
        known |= related_rows()[name].in_bulk(wanted)
        for item in items:
            if (pk := getattr(item, f"{name}_id")) is not None:
                setattr(item, name, known[pk])


@dataclass
class Thread:
    """An annotation with its tags' names and its replies, each with whether the reader sees it in
    full: else only that a moderator hid it. A deleted reply is among them where live answers need
    its place (reply.deleted_at is set): it is written without its text or author."""

    annotation: Annotation
    shown: bool
    tags: list[str]
    replies: list[tuple[Reply, bool]]


def with_their_places(replies: list[Reply]) -> list[Reply]:
    """The live replies of threads, and the deleted ones that live replies answer, directly or through
    other deleted ones (so that what each answers is there), as the API's thread page has them."""
    by_pk = {reply.pk: reply for reply in replies}
    needed = set()
    for reply in replies:
        if reply.deleted_at is None:
            parent = by_pk.get(reply.parent_id)
            while parent is not None and parent.deleted_at is not None and parent.pk not in needed:
                needed.add(parent.pk)
                parent = by_pk.get(parent.parent_id)
    return [reply for reply in replies if reply.deleted_at is None or reply.pk in needed]


def threads_of(user, annotations: list[Annotation], moderated: set[int], loaded: dict) -> Iterator[Thread]:
    """The annotations as the user sees them (moderated: the groups they moderate), their tags and
    replies read in a query apiece; loaded: the relations read so far (attach_relations()). The
    annotations are ones the user may read, and so are their threads, deleted replies included."""
    attach_relations(annotations, ["article", "author", "group"], loaded)
    attach_tag_links(annotations)
    replies = with_their_places(list(Reply.objects.in_threads_of(annotations)))
    attach_relations(replies, ["author"], loaded)
    by_thread = defaultdict(list)
    for reply in replies:
        by_thread[reply.annotation_id].append(reply)
    for root in annotations:
        answers = [(reply, sees_in_full(user, reply, root, moderated)) for reply in by_thread[root.pk]]
        tags = [link.name for link in root.tag_links]
        yield Thread(root, sees_in_full(user, root, root, moderated), tags, answers)


def exported_threads(user, filters: ExportFilters) -> Iterator[Thread]:
    """The threads of the export. Its query is built now, and read as the threads are."""
    moderated = moderated_group_ids(user)
    rows = exported_annotations(user, filters).only(*EXPORTED_FIELDS).iterator(chunk_size=CHUNK_SIZE)
    return chunked_threads(user, rows, moderated)


def chunked_threads(user, rows: Iterator[Annotation], moderated: set[int]) -> Iterator[Thread]:
    loaded = {}
    while chunk := list(islice(rows, CHUNK_SIZE)):
        yield from threads_of(user, chunk, moderated, loaded)


def read_ahead(threads: Iterator[Thread]) -> Iterator[Thread]:
    """The same threads, the first of them read now: whatever fails in reading them (their queries)
    fails here, before a response has begun, and not in the middle of a download."""
    first = list(islice(threads, 1))
    return chain(first, threads)


def joined(pieces: Iterable[str]) -> Iterator[str]:
    """The pieces, a few hundred at a time."""
    pieces = iter(pieces)
    while batch := "".join(islice(pieces, PIECES_PER_WRITE)):
        yield batch
