"""Import annotations from W3C Web Annotation files: this site's export, Hypothesis's JSON export and
Recogito's W3C export.

Each record of a file becomes an Item, whatever the tool that wrote it. An annotation is matched
to an article by its target's source URL, else by its quote, and placed by the rules the app
re-anchors by (w3c.place); what cannot be placed is orphaned and reported, never guessed. Tags,
note and audience are checked by the form the app's popover uses. Replies follow their thread.

A dry run and a real run make the same plan, record by record; only the real run writes it, in
one transaction. A file that is not an annotation file at all raises ImportFileError: nothing is
written.
"""

import json
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from urllib.parse import urlsplit

from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import Resolver404, resolve
from pydantic import ValidationError

from articles.forms import AnnotationForm, error_text
from articles.models import Annotation, Article
from articles.models.annotations import Reply, Visibility
from articles.services.annotations import AnnotationError, create_annotation
from articles.services.replies import ReplyError, check_reply_text, create_reply
from newsroom.accounts.models import memberships_of
from newsroom.api.schemas import SelectorIn
from newsroom.api.w3c import place

# A year of one person's annotations in Hypothesis is a few megabytes; the page and the command
# take files this big (the API's bodies are smaller: API_MAX_BODY_BYTES).
MAX_FILE_BYTES = 20_000_000
MAX_RECORDS = 10_000
# Articles that contain a quote, looked at to choose one: more than this, and the quote says nothing.
MAX_QUOTE_MATCHES = 20
SELECTOR_TYPES = {"TextPositionSelector", "TextQuoteSelector"}

CREATED, DUPLICATE, ORPHANED, REFUSED = "created", "duplicate", "orphaned", "refused"


class ImportFileError(Exception):
    """A file that is not an annotation file at all (or a bad creators map): nothing is imported."""


class Refused(Exception):
    """A record that cannot be imported as it is; the message says why."""


class Orphaned(Exception):
    """An annotation whose passage cannot be found in any article; the message says why."""


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


@dataclass(frozen=True)
class Outcome:
    """What the import does (or would do) with one record."""

    where: str
    kind: str
    status: str  # created, duplicate, orphaned or refused
    message: str = ""
    article: str = ""  # its title
    url: str = ""  # its page here
    method: str = ""  # how the passage was placed: position, quote or fuzzy
    start: int | None = None
    end: int | None = None
    quote: str = ""
    author: str = ""
    visibility: str = ""
    group: str = ""


@dataclass
class ImportReport:
    dry_run: bool
    outcomes: list[Outcome]

    def count(self, status: str, kind: str = "") -> int:
        return sum(1 for o in self.outcomes if o.status == status and kind in ("", o.kind))

    @property
    def created(self) -> int:
        return self.count(CREATED)

    @property
    def summary(self) -> str:
        verb = "would be created" if self.dry_run else "created"
        annotations, replies = self.count(CREATED, "annotation"), self.count(CREATED, "reply")
        return (
            f"{annotations} annotation{'s' * (annotations != 1)} and {replies} repl"
            f"{'ies' if replies != 1 else 'y'} {verb}; {self.count(DUPLICATE)} already here, "
            f"{self.count(ORPHANED)} orphaned, {self.count(REFUSED)} refused."
        )

    def lines(self) -> list[str]:
        """One line per record, for a terminal."""
        return [
            " ".join(
                part
                for part in [
                    f"{o.where} {o.kind}: {o.status}",
                    f"in “{o.article}” {o.start}-{o.end} by {o.method}" if o.method else "",
                    f"as {o.author}, {o.group or o.visibility}" if o.status == CREATED else "",
                    f"({o.message})" if o.message else "",
                ]
                if part
            )
            for o in self.outcomes
        ]

    def to_json(self) -> dict:
        counts = {status: self.count(status) for status in (CREATED, DUPLICATE, ORPHANED, REFUSED)}
        records = [asdict(outcome) for outcome in self.outcomes]
        return {"dry_run": self.dry_run, "summary": self.summary, "counts": counts, "records": records}


def read_document(raw: bytes) -> object:
    """A file's JSON, or ImportFileError saying why it is not JSON."""
    if len(raw) > MAX_FILE_BYTES:
        raise ImportFileError(f"The file is larger than {MAX_FILE_BYTES:,} bytes.")
    try:
        return json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as error:
        raise ImportFileError(f"The file is not UTF-8 text (byte {error.start}).") from None
    except RecursionError:
        raise ImportFileError("The file is not an annotation file: it is nested too deeply.") from None
    except ValueError as error:  # JSONDecodeError, and numbers of more than 4,300 digits
        raise ImportFileError(f"The file is not valid JSON: {error}.") from None


def import_annotations(document, *, user, dry_run: bool, creators: dict | None = None) -> ImportReport:
    """Import the annotations and replies of a parsed file as `user` (or, for staff, as the users
    `creators` maps the file's creators to); a dry run writes nothing. The report says per record
    what was (or would be) done, and is the same for both."""
    authors = check_creators(creators or {}, user)
    records = records_of(document)
    plan = Plan(user=user, authors=authors)
    for number, record in enumerate(records, start=1):
        plan.read(f"#{number}", record)
    plan.place_annotations()
    plan.thread_replies()
    if not dry_run:
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


# Reading records


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


# Planning and writing


@dataclass
class Step:
    """One item's outcome, and what to write for it."""

    item: Item
    outcome: Outcome
    author: object = None
    fields: dict = field(default_factory=dict)  # create_annotation's arguments
    parent: "Step | None" = None  # a reply's: the step of the annotation or reply it answers
    same_as: "Step | None" = None  # a duplicate of an earlier record of the file
    saved: Annotation | Reply | None = None  # written, or already here


def original(step: Step) -> Step:
    return step.same_as or step


@dataclass
class Plan:
    user: object
    authors: dict
    steps: list[Step] = field(default_factory=list)
    # A file's records name few articles: each URL and quote is looked up once.
    at_url: dict = field(default_factory=dict)  # URL -> the articles it names
    quoting: dict = field(default_factory=dict)  # quote -> the articles that contain it
    seen: dict = field(default_factory=dict)  # what makes two records the same -> the first's step

    def read(self, where: str, record) -> None:
        try:
            items = items_of(where, record)
        except Refused as problem:
            self.steps.append(
                Step(Item(where, kind="record"), Outcome(where, "record", REFUSED, str(problem)))
            )
            return
        for item in items:
            self.steps.append(Step(item, Outcome(where=item.where, kind=item.kind, status=CREATED)))

    def author_of(self, item: Item):
        return next((self.authors[key] for key in item.creators if key in self.authors), self.user)

    def place_annotations(self) -> None:
        for step in self.steps:
            if step.item.kind == "annotation" and step.outcome.status == CREATED:
                self.place(step)

    def place(self, step: Step) -> None:
        item, author = step.item, self.author_of(step.item)
        try:
            article, anchor = self.find_passage(item)
            audience, message = audience_choice(author, item)
            passage = {
                "start": anchor.start,
                "end": anchor.end,
                "exact": article.body[anchor.start : anchor.end],
            }
            data = {
                "article": article.pk,
                "tags": ", ".join(item.tags),
                "note": item.note,
                "audience": audience,
            }
            if any("," in tag for tag in item.tags):
                raise Refused("A tag cannot contain a comma.")
            form = AnnotationForm(data | passage, author=author)
            if not form.is_valid():
                raise Refused(error_text(form))
        except (Orphaned, Refused) as problem:
            status = ORPHANED if isinstance(problem, Orphaned) else REFUSED
            step.outcome = Outcome(item.where, item.kind, status, str(problem), author=author.get_username())
            return
        fields = form.cleaned_data | {"article": article}
        key = (article.pk, anchor.start, anchor.end, author.pk, fields["note"])
        step.author, step.fields = author, fields
        if (first := self.seen.setdefault(key, step)) is not step:
            step.same_as = first
        else:
            step.saved = Annotation.objects.filter(
                article=article,
                start=anchor.start,
                end=anchor.end,
                author=author,
                note=fields["note"],
                deleted_at=None,
            ).first()
        group = fields["group"]
        step.outcome = Outcome(
            item.where,
            item.kind,
            DUPLICATE if step.saved or step.same_as else CREATED,
            "Already imported." if step.saved or step.same_as else message,
            article=article.title,
            url=article.get_absolute_url(),
            method=anchor.method,
            start=anchor.start,
            end=anchor.end,
            quote=passage["exact"][:200],
            author=author.get_username(),
            visibility=fields["visibility"],
            group=group.slug if group else "",
        )

    def find_passage(self, item: Item):
        """The one article the item's passage is in, and where; Orphaned if not exactly one."""
        if not item.selectors:
            raise Orphaned("It has no passage to place (no TextQuoteSelector or TextPositionSelector).")
        quote = next((s for s in item.selectors if s.type == "TextQuoteSelector" and s.exact), None)
        named = next((found for url in item.sources if url and (found := self.articles_at(url))), [])
        if not named and quote is None:
            raise Orphaned("No article here has its source URL, and it has no quote to look for.")
        candidates = named or self.articles_quoting(quote.exact)
        placed = [
            (article, anchor) for article in candidates if (anchor := place(article.body, item.selectors))
        ]
        if len(placed) > 1 and quote is not None:  # several articles quote it: its context decides
            in_context = quote.prefix + quote.exact + quote.suffix
            placed = [(article, anchor) for article, anchor in placed if in_context in article.body] or placed
        if len(placed) == 1:
            return placed[0]
        if placed:
            titles = ", ".join(f"“{article.title}”" for article, _ in placed[:5])
            raise Orphaned(
                f"Its quote is in {len(placed)} articles ({titles}): its source URL must say which."
            )
        if named:
            raise Orphaned(f"Its passage is not in “{named[0].title}” (any more).")
        raise Orphaned("No article here has its source URL or its quote.")

    def articles_at(self, url: str) -> list[Article]:
        if url not in self.at_url:
            self.at_url[url] = articles_at(url)
        return self.at_url[url]

    def articles_quoting(self, exact: str) -> list[Article]:
        if exact not in self.quoting:
            found = Article.objects.filter(body__contains=exact).only("pk", "slug", "title", "body")
            self.quoting[exact] = list(found[:MAX_QUOTE_MATCHES])
        return self.quoting[exact]

    def thread_replies(self) -> None:
        """Plan each reply once what it answers is planned, threads in file order (no recursion: a
        file can hold a chain of 10,000 replies)."""
        steps_by_id = {}
        for step in self.steps:
            if step.item.id:
                steps_by_id.setdefault(step.item.id, step)  # the first of records with the same id
        answers = defaultdict(list)
        for step in self.steps:
            if step.item.kind == "reply":
                parent = next((steps_by_id[p] for p in step.item.parents if p in steps_by_id), None)
                answers[parent.item.id if parent else None].append(step)
        reached, queue = set(), [step for step in self.steps if step.item.kind == "annotation"]
        for parent in queue:  # the queue grows as replies are planned: breadth first
            for step in answers.pop(parent.item.id, []):
                if id(step) not in reached:
                    reached.add(id(step))
                    self.plan_reply(step, parent)
                    queue.append(step)
        for step in self.steps:
            if step.item.kind == "reply" and id(step) not in reached:
                step.outcome = Outcome(
                    step.item.where, "reply", REFUSED, "It answers no annotation in this file."
                )

    def plan_reply(self, step: Step, parent: Step) -> None:
        item = step.item
        while parent.item.is_deleted:  # a deleted reply's answers answer what it answered
            parent = parent.parent
        step.parent = parent
        if item.is_deleted:
            step.outcome = Outcome(
                item.where, "reply", REFUSED, "A deleted reply: only its answers are imported."
            )
            return
        author = self.author_of(item)
        if parent.outcome.status not in (CREATED, DUPLICATE):
            message = f"It answers {parent.item.where}, which is not imported."
            step.outcome = Outcome(item.where, "reply", REFUSED, message, author=author.get_username())
            return
        try:
            check_reply_text(item.note)
        except ReplyError as problem:
            step.outcome = Outcome(item.where, "reply", REFUSED, str(problem), author=author.get_username())
            return
        root = root_of(parent)
        key = (id(original(root)), id(original(parent)), author.pk, item.note)
        step.author = author
        if (first := self.seen.setdefault(key, step)) is not step:
            step.same_as = first
        else:
            answered = original(parent).saved
            if answered is not None:  # already here: so may its answer be
                step.saved = Reply.objects.filter(
                    annotation=original(root).saved,
                    parent=answered if parent.item.kind == "reply" else None,
                    author=author,
                    note=item.note,
                    deleted_at=None,
                ).first()
        is_duplicate = bool(step.saved or step.same_as)
        step.outcome = Outcome(
            item.where,
            "reply",
            DUPLICATE if is_duplicate else CREATED,
            "Already imported." if is_duplicate else f"Answers {parent.item.where}.",
            article=root.outcome.article,
            url=root.outcome.url,
            quote=root.outcome.quote,
            author=author.get_username(),
            visibility=root.outcome.visibility,
            group=root.outcome.group,
        )

    @transaction.atomic
    def write(self) -> None:
        """Create what the plan created, annotations first and each reply after what it answers."""
        annotations = [step for step in self.steps if step.item.kind == "annotation"]
        replies = [step for step in self.steps if step.item.kind == "reply"]
        replies.sort(key=depth)
        try:
            for step in annotations + replies:
                if step.outcome.status != CREATED:
                    continue
                if step.item.kind == "annotation":
                    step.saved = create_annotation(author=step.author, **step.fields)
                else:
                    answered = original(step.parent).saved
                    step.saved = create_reply(
                        annotation=original(root_of(step)).saved,
                        parent=answered if step.parent.item.kind == "reply" else None,
                        author=step.author,
                        note=step.item.note,
                    )
        except (AnnotationError, ReplyError) as error:
            # An article edited since the plan was made: the whole import is rolled back.
            raise ImportFileError(f"Nothing was imported: {error} Import the file again.") from None


def root_of(step: Step) -> Step:
    while step.parent is not None:
        step = step.parent
    return step


def depth(step: Step) -> int:
    levels = 0
    while step.parent is not None:
        step, levels = step.parent, levels + 1
    return levels


def articles_at(url: str) -> list[Article]:
    """The articles a URL names: one's page on this site (its pk and slug), else their source URL."""
    try:
        parts = urlsplit(url)
        match = resolve(parts.path)
    except (ValueError, Resolver404):
        match = None
    if match is not None and match.view_name == "articles:article_detail":
        return list(Article.objects.filter(pk=match.kwargs["pk"], slug=match.kwargs["slug"]))
    bare = url.split("#")[0].rstrip("/")
    if not bare or len(bare) > 2000:
        return []
    return list(Article.objects.filter(source_url__in={bare, bare + "/"}).order_by("pk"))


def audience_choice(author, item: Item) -> tuple[str, str]:
    """The popover's audience choice for the item; a group the author is not in (or that is not
    here) makes it private, which the message says."""
    if item.visibility != Visibility.GROUP:
        return item.visibility, ""
    slug = item.group.rstrip("/").rsplit("/", 1)[-1]
    membership = next((m for m in memberships_of(author) if m.group.slug == slug), None)
    if membership is None:
        shown = slug[:60] or "(none)"
        return (
            Visibility.PRIVATE,
            f"Imported as private: {author.get_username()} is not in a group “{shown}” here.",
        )
    return f"group-{membership.group_id}", ""
