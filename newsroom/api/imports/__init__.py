"""Import annotations from W3C Web Annotation files: this site's export, Hypothesis's JSON export and
Recogito's W3C export.

Each record of a file becomes an Item, whatever the tool that wrote it (formats). An annotation is
matched to an article by its target's source URL, else by its quote, and placed by the rules the
app re-anchors by; what cannot be placed is orphaned and reported, never guessed (matching). Tags,
note and audience are checked by the form the app's popover uses; replies follow their thread, and
go only where their author may read (plan).

A dry run and a real run make the same plan, record by record; only the real run writes it, in
one transaction. A file that is not an annotation file at all raises ImportFileError: nothing is
written.
"""

from collections.abc import Callable

from django.contrib.auth import get_user_model

from newsroom.api.imports.formats import MAX_RECORDS, records_of
from newsroom.api.imports.plan import Plan
from newsroom.api.imports.report import (
    CREATED,
    DUPLICATE,
    ORPHANED,
    REFUSED,
    ImportFileError,
    ImportReport,
    Outcome,
)
from newsroom.api.jsonbody import JsonError, loads_strict

__all__ = [
    "CREATED",
    "DUPLICATE",
    "MAX_FILE_BYTES",
    "MAX_RECORDS",
    "ORPHANED",
    "REFUSED",
    "ImportFileError",
    "ImportReport",
    "Outcome",
    "import_annotations",
    "read_document",
]

# A year of one person's annotations in Hypothesis is a few megabytes; the page and the command
# take files this big (the API's bodies are smaller: API_MAX_BODY_BYTES).
MAX_FILE_BYTES = 20_000_000


def read_document(raw: bytes) -> object:
    """A file's JSON, or ImportFileError saying why it is not JSON we can use."""
    if len(raw) > MAX_FILE_BYTES:
        raise ImportFileError(f"The file is larger than {MAX_FILE_BYTES:,} bytes.")
    try:
        return loads_strict(raw, "The file")
    except JsonError as error:
        raise ImportFileError(str(error)) from None


def import_annotations(
    document,
    *,
    user,
    dry_run: bool,
    creators: dict | None = None,
    before_write: Callable[[int], None] | None = None,
) -> ImportReport:
    """Import the annotations and replies of a parsed file as `user` (or, for staff, as the users
    `creators` maps the file's creators to); a dry run writes nothing. The report says per record
    what was (or would be) done, and is the same for both. A real run calls `before_write` with the
    number of annotations and replies it is about to create, which may refuse them by raising
    (limits.check_import); nothing is then written."""
    authors = check_creators(creators or {}, user)
    plan = Plan(user=user, authors=authors)
    for number, record in enumerate(records_of(document), start=1):
        plan.read(f"#{number}", record)
    plan.place_annotations()
    plan.thread_replies()
    if not dry_run:
        if before_write is not None:
            before_write(plan.created)
        plan.write()
    return ImportReport(dry_run=dry_run, outcomes=[step.outcome for step in plan.steps])


def check_creators(creators, user) -> dict:
    """A creators map (the file's creator -> a user name) as creator -> user; staff only."""
    if not creators:
        return {}
    if not user.is_staff:
        raise ImportFileError("Only staff can import annotations as written by other people.")
    if not isinstance(creators, dict) or not all(
        isinstance(name, str) and "\x00" not in name for name in creators.values()
    ):
        raise ImportFileError(
            'The creators map must be a JSON object like {"acct:alice@hypothes.is": "alice"}.'
        )
    users = get_user_model().objects.filter(username__in=set(creators.values()))
    by_name = {person.get_username(): person for person in users}
    if unknown := sorted(set(creators.values()) - set(by_name)):
        raise ImportFileError(f"The creators map names users who are not here: {', '.join(unknown)}.")
    return {creator: by_name[name] for creator, name in creators.items()}
