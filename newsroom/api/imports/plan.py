"""Planning an import record by record, and writing the plan.

A dry run and a real run make the same plan; only the real run writes it, in one transaction.
Whatever the creators map says, everything created is what its author could have made through the
app: an annotation as the popover's form lets its author make it (a group only of theirs), a reply
only in a thread its author may read (permissions.can_read). And an import reveals nothing: what is
here counts as "already imported" only if the importer may read it (Annotation.objects.visible_to).
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction

from articles.forms import AnnotationForm, error_text
from articles.models import Annotation, Article, Tag
from articles.models.annotations import Reply
from articles.permissions import can_read
from articles.services.annotations import AnnotationError, create_annotation
from articles.services.replies import ReplyError, check_reply_text, create_reply
from articles.text.anchoring import Anchor
from newsroom.api.imports.formats import Item, Refused, items_of
from newsroom.api.imports.matching import ArticleFinder, Orphaned, audience_here
from newsroom.api.imports.report import CREATED, DUPLICATE, ORPHANED, REFUSED, ImportFileError, Outcome


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


def thread_root(step: Step) -> Step:
    """The step of the annotation whose thread a reply's step is in (an annotation's is itself)."""
    while step.parent is not None:
        step = step.parent
    return step


def depth(step: Step) -> int:
    levels = 0
    while step.parent is not None:
        step, levels = step.parent, levels + 1
    return levels


def tag_keys(names: Iterable[str]) -> frozenset[str]:
    """Tags as the app tells them apart: "Policy" and "policy" are one tag."""
    return frozenset(Tag.key_for(name) for name in names)


def annotation_of(step: Step) -> Annotation:
    """The annotation an annotation's step stands for: the one here, or the one it would create."""
    if step.saved is not None:
        return step.saved
    return Annotation(author=step.author, visibility=step.fields["visibility"], group=step.fields["group"])


def checked_fields(item: Item, author, article: Article, anchor: Anchor, audience: str) -> dict:
    """create_annotation's arguments for the item placed there, checked by the popover's form as
    its author would send it; Refused with the form's reason if it would refuse them."""
    if any("," in tag for tag in item.tags):
        raise Refused("A tag cannot contain a comma.")
    data = {
        "article": article.pk,
        "start": anchor.start,
        "end": anchor.end,
        "exact": article.body[anchor.start : anchor.end],
        "tags": ", ".join(item.tags),
        "note": item.note,
        "audience": audience,
    }
    form = AnnotationForm(data, author=author)
    if not form.is_valid():
        raise Refused(error_text(form))
    return form.cleaned_data | {"article": article}


@dataclass
class Plan:
    user: object  # the importer
    authors: dict  # the creators map: a file's creator -> a user
    steps: list[Step] = field(default_factory=list)
    finder: ArticleFinder = field(default_factory=ArticleFinder)
    seen: dict = field(default_factory=dict)  # what makes two records the same -> the first's step

    @property
    def created(self) -> int:
        return sum(1 for step in self.steps if step.outcome.status == CREATED)

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

    # Annotations

    def place_annotations(self) -> None:
        for step in self.steps:
            if step.item.kind == "annotation" and step.outcome.status == CREATED:
                self.place(step)

    def place(self, step: Step) -> None:
        """Plan an annotation: where its passage is here, what its author may make of it, and
        whether it is here already."""
        item, author = step.item, self.author_of(step.item)
        try:
            article, anchor = self.finder.find_passage(item)
            audience, message = audience_here(author, item)
            fields = checked_fields(item, author, article, anchor, audience)
        except (Orphaned, Refused) as problem:
            status = ORPHANED if isinstance(problem, Orphaned) else REFUSED
            step.outcome = Outcome(item.where, item.kind, status, str(problem), author=author.get_username())
            return
        step.author, step.fields = author, fields
        self.find_annotation_here(step)
        is_duplicate = bool(step.saved or step.same_as)
        group = fields["group"]
        step.outcome = Outcome(
            item.where,
            item.kind,
            DUPLICATE if is_duplicate else CREATED,
            "Already imported." if is_duplicate else message,
            article=article.title,
            url=article.get_absolute_url(),
            method=anchor.method,
            start=fields["start"],
            end=fields["end"],
            quote=fields["exact"][:200],
            author=author.get_username(),
            visibility=fields["visibility"],
            group=group.slug if group else "",
        )

    def find_annotation_here(self, step: Step) -> None:
        """Mark the step a duplicate of an earlier record of the file, or of an annotation here that
        the importer may read, with the same passage, author, audience, note and tags."""
        fields = step.fields
        group = fields["group"]
        same = {
            "article": fields["article"],
            "start": fields["start"],
            "end": fields["end"],
            "author": step.author,
            "note": fields["note"],
            "visibility": fields["visibility"],
            "group": group,
        }
        tags = tag_keys(fields["tags"])
        key = ("annotation", *(getattr(value, "pk", value) for value in same.values()), tags)
        if (first := self.seen.setdefault(key, step)) is not step:
            step.same_as = first
            return
        here = Annotation.objects.visible_to(self.user).filter(**same).prefetch_related("tags")
        step.saved = next(
            (found for found in here if tag_keys(t.name for t in found.tags.all()) == tags), None
        )

    # Replies

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
        """Plan a reply under what it answers: a deleted reply (our export keeps them as placeholders
        for their answers) is not imported, and its answers answer what it answered."""
        item = step.item
        while parent.item.is_deleted:
            parent = parent.parent
        step.parent = parent
        if item.is_deleted:
            step.outcome = Outcome(
                item.where, "reply", REFUSED, "A deleted reply: only its answers are imported."
            )
            return
        author = self.author_of(item)
        try:
            check_answerable(item, author, parent)
        except Refused as problem:
            step.outcome = Outcome(item.where, "reply", REFUSED, str(problem), author=author.get_username())
            return
        step.author = author
        self.find_reply_here(step)
        is_duplicate = bool(step.saved or step.same_as)
        root = thread_root(parent)
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

    def find_reply_here(self, step: Step) -> None:
        """Mark the step a duplicate of an earlier record of the file, or of a reply here by the same
        author with the same text answering the same annotation or reply (which the importer reads:
        the thread is one of find_annotation_here's)."""
        parent, root = original(step.parent), original(thread_root(step.parent))
        key = ("reply", id(root), id(parent), step.author.pk, step.item.note)
        if (first := self.seen.setdefault(key, step)) is not step:
            step.same_as = first
        elif parent.saved is not None:  # what it answers is here already: so may it be
            step.saved = Reply.objects.filter(
                annotation=root.saved,
                parent=parent.saved if parent.item.kind == "reply" else None,
                author=step.author,
                note=step.item.note,
                deleted_at=None,
            ).first()

    # Writing

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
                        annotation=original(thread_root(step)).saved,
                        parent=answered if step.parent.item.kind == "reply" else None,
                        author=step.author,
                        note=step.item.note,
                    )
        except (AnnotationError, ReplyError) as error:
            # An article edited since the plan was made: the whole import is rolled back.
            raise ImportFileError(f"Nothing was imported: {error} Import the file again.") from None


def check_answerable(item: Item, author, parent: Step) -> None:
    """Refused unless the reply can answer there as its author could in the app: what it answers is
    imported (or here), its text is a reply's, and its author may read the thread."""
    if parent.outcome.status not in (CREATED, DUPLICATE):
        raise Refused(f"It answers {parent.item.where}, which is not imported.")
    try:
        check_reply_text(item.note)
    except ReplyError as problem:
        raise Refused(str(problem)) from None
    root = original(thread_root(parent))
    if not can_read(author, annotation_of(root)):
        raise Refused(
            f"{author.get_username()} may not read the thread it answers "
            f"({root.outcome.group or root.outcome.visibility}, by {root.outcome.author}): "
            "a reply goes only where its author could write it."
        )
