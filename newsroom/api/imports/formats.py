"""Reading annotation files: the shapes of file we read (a list, an AnnotationCollection or
AnnotationPage, Hypothesis's export or search answer, one annotation) and their records (W3C
annotations, ours and Recogito's, and Hypothesis's) as Items, one shape whatever the tool that wrote
them. A record that cannot be read is Refused, with the reason."""

from collections import defaultdict
from dataclasses import dataclass, field

from pydantic import ValidationError

from articles.models.annotations import Visibility
from newsroom.api.imports.report import ImportFileError
from newsroom.api.schemas import SelectorIn

MAX_RECORDS = 10_000
SELECTOR_TYPES = {"TextPositionSelector", "TextQuoteSelector"}


class Refused(Exception):
    """A record that cannot be imported as it is; the message says why."""


@dataclass
class Item:
    """One annotation or reply of a file, in one shape whatever the tool that wrote it."""

    where: str  # "#3", or "#3, reply 1" for a reply that Recogito keeps inside its annotation
    id: str = ""
    kind: str = "annotation"  # or "reply"
    sources: tuple[str, ...] = ()  # the target's source URL, and any other URL of the article
    selectors: list[SelectorIn] = field(default_factory=list)
    note: str = ""
    tags: list[str] = field(default_factory=list)
    visibility: str = Visibility.PUBLIC
    group: str = ""  # a group's slug or page
    creators: tuple[str, ...] = ()  # who wrote it, as the file names them: keys of a creators map
    parents: tuple[str, ...] = ()  # a reply's: the ids of what it may answer, nearest first
    is_deleted: bool = False  # a deleted reply, kept in our export for its answers


def records_of(document) -> list:
    """The records of any of the shapes we read, or ImportFileError."""
    if isinstance(document, list):
        records = document
    elif not isinstance(document, dict):
        raise ImportFileError(
            "The file is not an annotation file: it holds no list or object of annotations."
        )
    elif isinstance(document.get("annotations"), list):  # Hypothesis's export
        records = document["annotations"]
    elif isinstance(document.get("rows"), list):  # Hypothesis's search API
        records = document["rows"]
    elif isinstance(document.get("first"), dict | str) or isinstance(document.get("items"), list):
        records = collection_items(document)
    elif "target" in document:
        records = [document]
    else:
        raise ImportFileError(
            "The file is not an annotation file: expected a list of annotations, an "
            "AnnotationCollection or AnnotationPage, or one annotation."
        )
    if len(records) > MAX_RECORDS:
        raise ImportFileError(
            f"The file has {len(records):,} records; import at most {MAX_RECORDS:,} at a time."
        )
    return records


def collection_items(document: dict) -> list:
    """The items of an AnnotationPage, or of every page of an AnnotationCollection in the file."""
    items, page = [], document.get("first", document)
    while isinstance(page, dict) and len(items) <= MAX_RECORDS:
        if not isinstance(page.get("items", []), list):
            raise ImportFileError("The file is not an annotation file: a page's items are not a list.")
        items += page.get("items", [])
        page = page.get("next")
    if isinstance(page, str):
        raise ImportFileError(
            f"The collection's pages are not in the file (it links to {page[:200]}): export them in full."
        )
    return items


# Records


def text(data: dict, key: str) -> str:
    value = data.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise Refused(f"“{key}” must be text, not {kind_of(value)}.")
    if "\x00" in value:
        raise Refused(f"“{key}” contains a NUL character.")
    return value


def texts(data: dict, key: str) -> list[str]:
    values = data.get(key) or []
    if not isinstance(values, list) or not all(isinstance(value, str) for value in values):
        raise Refused(f"“{key}” must be a list of texts.")
    if any("\x00" in value for value in values):
        raise Refused(f"“{key}” contains a NUL character.")
    return values


def an_object(value, what: str) -> dict:
    if not isinstance(value, dict):
        raise Refused(f"{what} must be an object, not {kind_of(value)}.")
    return value


def objects(value, what: str) -> list[dict]:
    """One object or a list of them, as W3C annotations may give bodies, targets and selectors."""
    values = [] if value is None else value if isinstance(value, list) else [value]
    return [an_object(value, what) for value in values]


def kind_of(value) -> str:
    names = {dict: "an object", list: "a list", str: "text", bool: "true or false", type(None): "null"}
    return names.get(type(value), "a number")


def selectors_of(target: dict) -> list[SelectorIn]:
    """The target's position and quote selectors (a Hypothesis RangeSelector needs the page's DOM)."""
    selectors = objects(target.get("selector"), "A selector")
    chosen = [s for s in selectors if isinstance(s.get("type"), str) and s["type"] in SELECTOR_TYPES]
    try:
        selectors = [SelectorIn.model_validate(selector) for selector in chosen]
    except ValidationError as error:
        problem = error.errors()[0]
        at = ".".join(str(part) for part in problem["loc"])
        raise Refused(f"A selector is not valid ({at}: {problem['msg']}).") from None
    if any("\x00" in (s.exact or "") + s.prefix + s.suffix for s in selectors):
        raise Refused("A selector contains a NUL character.")
    return selectors


def creator_keys(value) -> tuple[str, ...]:
    """What a creators map may name a W3C creator by: its IRI, nickname or name."""
    if isinstance(value, str):
        return (value,)
    if isinstance(value, dict):
        return tuple(v for v in (value.get(key) for key in ("id", "nickname", "name")) if isinstance(v, str))
    return ()


def hypothesis_items(where: str, data: dict) -> list[Item]:
    """An annotation of Hypothesis's API: text, tags, target[0] and references (a reply's ancestors,
    its thread's root first). Only its creator reads one in permissions.read: private."""
    targets = objects(data.get("target"), "A target")
    target = targets[0] if targets else {}
    references = texts(data, "references")
    read = texts(an_object(data.get("permissions") or {}, "“permissions”"), "read")
    group = text(data, "group")
    if read and not any(reader.startswith("group:") for reader in read):
        visibility, group = Visibility.PRIVATE, ""
    elif group in ("", "__world__"):  # Hypothesis's public group
        visibility, group = Visibility.PUBLIC, ""
    else:
        visibility = Visibility.GROUP
    item = Item(
        where,
        id=text(data, "id"),
        kind="reply" if references else "annotation",
        sources=(text(target, "source"), text(data, "uri")),
        selectors=selectors_of(target),
        note=text(data, "text"),
        tags=texts(data, "tags"),
        visibility=visibility,
        group=group,
        creators=(text(data, "user"),),
        parents=tuple(reversed(references)),
    )
    return [item]


def w3c_items(where: str, data: dict) -> list[Item]:
    """A W3C annotation: ours, Recogito's (whose replies are bodies with purpose "replying"), any."""
    item_id = text(data, "id") or where  # Recogito's replies need their annotation's id
    if data.get("deleted") is True:
        return [Item(where, id=item_id, kind="reply", parents=(text(data, "target"),), is_deleted=True)]
    if data.get("hidden") is True:
        raise Refused("A moderator withheld it from the exporter: its text is not in the file.")
    bodies = defaultdict(list)  # purpose -> (value, creator) of each body
    for body in objects(data.get("body"), "A body"):
        purpose = text(body, "purpose")
        bodies[purpose if purpose in ("tagging", "replying") else "commenting"].append(
            (text(body, "value"), body.get("creator"))
        )
    note = "\n\n".join(value for value, _ in bodies["commenting"])
    body_creator = next((creator for value, creator in bodies["commenting"] if creator), None)
    creators = creator_keys(data.get("creator") or body_creator)
    if data.get("motivation") == "replying":
        answered = data.get("target")
        answered = text(answered, "id") if isinstance(answered, dict) else text(data, "target")
        return [Item(where, id=item_id, kind="reply", note=note, creators=creators, parents=(answered,))]
    targets = objects(data.get("target"), "A target")
    target = targets[0] if targets else {}
    visibility = text(data, "visibility") or Visibility.PUBLIC
    if visibility not in Visibility.values:
        raise Refused(f"“visibility” must be public, group or private, not “{visibility[:50]}”.")
    annotation = Item(
        where,
        id=item_id,
        sources=(text(target, "source"), text(target, "scope")),
        selectors=selectors_of(target),
        note=note,
        tags=[value for value, _ in bodies["tagging"]],
        visibility=visibility,
        group=text(data, "group"),
        creators=creators,
    )
    replies = [
        Item(
            f"{where}, reply {number}",
            id=f"{item_id} reply {number}",
            kind="reply",
            note=value,
            creators=creator_keys(creator),
            parents=(item_id,),
        )
        for number, (value, creator) in enumerate(bodies["replying"], start=1)
    ]
    return [annotation, *replies]


def items_of(where: str, record) -> list[Item]:
    data = an_object(record, "An annotation")
    is_w3c = (
        any(key in data for key in ("@context", "body", "motivation")) or data.get("type") == "Annotation"
    )
    return w3c_items(where, data) if is_w3c else hypothesis_items(where, data)
