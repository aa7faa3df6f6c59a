"""Annotations and replies as W3C Web Annotations (JSON-LD), https://www.w3.org/TR/annotation-model/.

An annotation's note is a TextualBody in Markdown, each tag a TextualBody with purpose "tagging",
its passage a target with both selectors. A reply is an annotation with motivation "replying"
whose target is what it answers. Who may see an annotation, which the model has no term for, is
said by two terms of our own ("visibility", "group"), defined in the context beside the W3C's.
"""

from datetime import UTC, datetime
from functools import cache, lru_cache

from django.urls import reverse

from articles.models import Annotation, Article
from articles.models.annotations import Reply
from articles.text.anchoring import Anchor, TextQuote, relocate, trim_selection
from newsroom.accounts.models import display_name

ANNO_CONTEXT = "http://www.w3.org/ns/anno.jsonld"
LD_MEDIA_TYPE = f'application/ld+json; profile="{ANNO_CONTEXT}"'


def context(base: str) -> list:
    """The W3C's context, and ours (served at api:context) for the terms it does not have."""
    return [ANNO_CONTEXT, base + context_path()]


def own_context(base: str) -> dict:
    vocabulary = base + context_path() + "#"
    return {
        "@context": {
            "visibility": vocabulary + "visibility",  # "public", "group" or "private"
            "group": {"@id": vocabulary + "group", "@type": "@id"},  # the group's page
            "hidden": vocabulary + "hidden",  # true: hidden by a moderator from this reader
            "deleted": vocabulary + "deleted",  # true: a deleted reply kept for its answers
        }
    }


def timestamp(moment: datetime) -> str:
    """xsd:dateTime in UTC, as the model asks: 2026-12-01T20:45:58Z."""
    return moment.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


# Paths are reversed once, not for each item of a page or an export of 100,000.


@cache
def context_path() -> str:
    return reverse("api:context")


@cache
def item_path_prefix(view_name: str) -> str:
    """An API item's path without its id at the end: "/api/annotations/"."""
    return reverse(view_name, args=[0]).removesuffix("0")


@lru_cache(maxsize=10_000)
def article_path(pk: int, slug: str) -> str:
    return reverse("articles:article_detail", args=[pk, slug])


@lru_cache(maxsize=10_000)
def person_path(username: str) -> str:
    return reverse("articles:person_detail", args=[username])


def group_slug_of(value: str) -> str:
    """A group's slug, however it is named: its slug, its page's path or URL ("…/groups/seminar/")."""
    return value.rstrip("/").rsplit("/", 1)[-1]


def annotation_iri(base: str, pk: int) -> str:
    return f"{base}{item_path_prefix('api:annotation')}{pk}"


def reply_iri(base: str, pk: int) -> str:
    return f"{base}{item_path_prefix('api:reply')}{pk}"


def article_url(base: str, article: Article) -> str:
    """The article as this site shows it."""
    return base + article_path(article.pk, article.slug)


def article_source(base: str, article: Article) -> str:
    """The article's canonical URL: where it was published, else its page here."""
    return article.source_url or article_url(base, article)


def creator(base: str, user) -> dict:
    return {
        "id": base + person_path(user.get_username()),
        "type": "Person",
        "name": display_name(user),
        "nickname": user.get_username(),
    }


def annotation_document(
    base: str, annotation: Annotation, *, tags: list[str] | None = None, shown_in_full: bool = True
) -> dict:
    """One annotation, with its tags' names (read here unless given, as when loaded for many
    annotations at once). Withheld by a moderator from this reader (shown_in_full False), it keeps
    its place but loses its body."""
    article = annotation.article
    tags = [tag.name for tag in annotation.tags.all()] if tags is None else tags
    document = {
        "@context": context(base),
        "id": annotation_iri(base, annotation.pk),
        "type": "Annotation",
        "motivation": "commenting" if annotation.note else "tagging" if tags else "highlighting",
        "created": timestamp(annotation.created_at),
        "modified": timestamp(annotation.edited_at or annotation.created_at),
        "creator": creator(base, annotation.author),
    }
    if shown_in_full:
        bodies = [
            {
                "type": "TextualBody",
                "value": annotation.note,
                "format": "text/markdown",
                "purpose": "commenting",
            }
        ]
        bodies = bodies if annotation.note else []
        bodies += [{"type": "TextualBody", "value": tag, "purpose": "tagging"} for tag in tags]
        if bodies:
            document["body"] = bodies
    else:
        document["hidden"] = True
    document["target"] = {
        "source": article_source(base, article),
        "scope": article_url(base, article),
        "selector": [
            {"type": "TextPositionSelector", "start": annotation.start, "end": annotation.end},
            {
                "type": "TextQuoteSelector",
                "exact": annotation.exact,
                "prefix": annotation.prefix,
                "suffix": annotation.suffix,
            },
        ],
    }
    document["visibility"] = annotation.visibility
    if annotation.group_id:
        document["group"] = base + annotation.group.get_absolute_url()
    return document


def reply_document(base: str, reply: Reply, *, shown_in_full: bool = True) -> dict:
    """One reply, answering its parent reply or its thread's annotation. A deleted reply kept for its
    answers, or one withheld by a moderator, keeps its place without its text."""
    parent = (
        reply_iri(base, reply.parent_id) if reply.parent_id else annotation_iri(base, reply.annotation_id)
    )
    document = {
        "@context": context(base),
        "id": reply_iri(base, reply.pk),
        "type": "Annotation",
        "motivation": "replying",
        "created": timestamp(reply.created_at),
        "modified": timestamp(reply.edited_at or reply.created_at),
        "target": parent,
    }
    if reply.deleted_at is not None:
        return document | {"deleted": True}
    document["creator"] = creator(base, reply.author)
    if shown_in_full:
        document["body"] = {"type": "TextualBody", "value": reply.note, "format": "text/markdown"}
    else:
        document["hidden"] = True
    return document


def occurrences(text: str, exact: str) -> list[int]:
    found, at = [], text.find(exact)
    while at != -1:
        found.append(at)
        at = text.find(exact, at + 1)
    return found


def as_lf(quoted: str) -> str:
    """Line breaks as the article's text has them (Windows tools send CRLF)."""
    return quoted.replace("\r\n", "\n").replace("\r", "\n")


def place(text: str, selectors) -> Anchor | None:
    """Where a target's selectors (SelectorIn) point in the text, by the rules annotations are
    re-anchored by: the position if the quote is there, else the quote by its context, else a
    close enough match; a position alone if it holds text. None if it cannot be placed."""
    position = next((s for s in selectors if s.type == "TextPositionSelector"), None)
    quote = next((s for s in selectors if s.type == "TextQuoteSelector" and s.exact), None)
    start, end = (position.start, position.end) if position else (None, None)
    if quote is not None:
        found = TextQuote(exact=as_lf(quote.exact), prefix=as_lf(quote.prefix), suffix=as_lf(quote.suffix))
        # The occurrences with the context the client gave, however short (the W3C sets no length).
        fits = [
            at
            for at in occurrences(text, found.exact)
            if text.endswith(found.prefix, 0, at) and text.startswith(found.suffix, at + len(found.exact))
        ]
        if len(fits) == 1 or start in fits:
            at = start if start in fits else fits[0]
            return Anchor(at, at + len(found.exact), "quote")
        anchor = relocate(text, start=start or 0, end=end or 0, quote=found)
        if anchor is None and text.count(found.exact) == 1:  # short, without context, but unique
            start = text.index(found.exact)
            anchor = Anchor(start, start + len(found.exact), "quote")
        return anchor
    if start is None or end is None or not start < end <= len(text):
        return None
    start, end = trim_selection(text, start, end)
    return Anchor(start, end, "position") if start < end else None
