"""Annotation markup built in Python rather than in templates.

An article page can carry a thousand annotations and several thousand highlighted segments.
Template lookups (~10 µs each) and even format_html() made such a page take a quarter of a
second; plain f-strings take a tenth of that. The rule that keeps this safe: every value put
into markup goes through escape() (ints excepted), and the one exception, note_html, was
produced by sanitize.render_note(). That is why bandit's mark_safe warnings (B308, B703) are
silenced here (# nosec).
"""

from functools import lru_cache
from html import escape
from urllib.parse import urlencode

from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from articles.queries.reading import SHARED_COLOURS
from articles.sanitize import NOTE_MAX_CHARS

register = template.Library()


@register.simple_tag
def highlighted_text(paragraph) -> SafeString:
    """A paragraph's segments: plain text, or <mark>s listing the annotations that cover them.

    Each annotation's first segment is preceded by an empty anchor, the target of "#hl-<id>".
    """
    return mark_safe("".join(anchors(part) + segment_html(part) for part in paragraph.segments))  # nosec B308, B703


def anchors(part) -> str:
    """Empty elements where annotations and shared passages start: link targets, text markers."""
    annotation_anchors = "".join(
        f'<span class="hl-anchor" id="hl-{int(pk)}"></span>' for pk in part.starting_annotations
    )
    shared_markers = "".join(
        f'<span class="shared-marker js-shared-marker" id="shared-{int(p.article)}-{int(p.cluster)}"'
        f' data-cluster="{int(p.cluster)}" data-label="{int(p.cluster)}" role="button" tabindex="-1"'
        f' data-also="{escape(p.also_in)}"'
        # "Also in: …" is its description, from the tooltip (tooltip.js).
        f' aria-label="Shared passage {int(p.cluster)}: line up columns"></span>'
        for p in part.starting_shared
    )
    return annotation_anchors + shared_markers


def segment_html(part) -> str:
    text = escape(part.segment.text)
    if annotation_ids := part.annotation_ids:
        text = (
            f'<mark class="hl js-highlight" data-depth="{min(len(annotation_ids), 3)}"'
            f' data-annotations="{part.ids_text}" tabindex="-1">{text}</mark>'  # integer ids
        )
    if cluster_ids := part.cluster_ids:
        # The colour is the first cluster's; the marker at each passage's start names it in text.
        text = (
            f'<span class="shared" data-colour="{int(cluster_ids[0]) % SHARED_COLOURS}"'
            f' data-clusters="{" ".join(map(str, map(int, cluster_ids)))}">{text}</span>'
        )
    return text


@register.simple_tag
def annotation_entries(annotations, return_to: str) -> SafeString:
    """List items for annotations with their threads, in one call: a template loop would cost more
    than the items.

    Every action is a link to a page with its form (Edit, Delete, Reply, Hide, Flag), as the list
    is cached per reader and a CSRF token belongs to one browser; they come back to return_to,
    the page the list is shown on. replies.js opens the reply form in place.
    """
    links = Links(return_to)
    return mark_safe("".join(annotation_entry(annotation, links) for annotation in annotations))  # nosec B308, B703


class Links:
    """The URLs of the list's actions, reversed and escaped once per list rather than once per item,
    and the time zone of its dates (looking it up costs more than formatting a date)."""

    _PK = 987654321987654321

    def __init__(self, return_to: str):
        self.next_query = urlencode({"next": return_to})
        self.escaped_query = escape(self.next_query)
        self.paths = {}  # name: the escaped path before and after the id
        for name in ACTION_URLS:
            before, after = reverse(f"articles:{name}", args=[self._PK]).split(f"/{self._PK}/")
            self.paths[name] = (escape(before), escape(after))
        self.zone = timezone.get_current_timezone()

    def __call__(self, name: str, pk: int, **params) -> str:
        """An action's URL for one annotation or reply, escaped for an attribute."""
        before, after = self.paths[name]
        query = escape(f"{urlencode(params)}&{self.next_query}") if params else self.escaped_query
        return f"{before}/{int(pk)}/{after}?{query}"


ACTION_URLS = [
    "annotation_update",
    "annotation_delete",
    "annotation_hide",
    "annotation_unhide",
    "annotation_flag",
    "reply_create",
    "reply_update",
    "reply_delete",
    "reply_hide",
    "reply_unhide",
]
HIDDEN_NOTICE = '<p class="moderated">Hidden by a moderator.</p>'
DELETED_NOTICE = '<p class="moderated">Deleted.</p>'
# Shown to the author and the moderators, who still read what was hidden.
HIDDEN_BADGE = '<span class="moderated-badge">hidden by a moderator</span>'


def annotation_entry(annotation, links: Links) -> str:
    """One annotation in a list: its quote (a link to its highlight), tags, note, actions and thread.

    Entries built elsewhere than ArticleAnnotations may lack what it attaches about moderation and
    replies: they show none.
    """
    pk, is_hidden = int(annotation.pk), getattr(annotation, "hidden_at", None) is not None
    if getattr(annotation, "is_withheld", False):
        content = HIDDEN_NOTICE
    else:
        quote = escape(annotation.short_exact)
        if annotation.is_orphan:
            quote_html = f'<blockquote class="annotation-quote">{quote}</blockquote>'
        else:
            quote_html = f'<a class="annotation-quote" href="#hl-{pk}">{quote}</a>'
        note_html = f'<div class="note">{annotation.note_html}</div>' if annotation.note_html else ""
        content = (
            f"{quote_html}{tag_list(annotation.tag_links)}{note_html}"
            f'<p class="annotation-meta"><span>{escape(annotation.shown_author)}</span>'
            f"{audience(annotation)}{dates(annotation, links.zone)}{HIDDEN_BADGE if is_hidden else ''}"
            f"{annotation_actions(annotation, links)}</p>"
        )
    return (
        f'<li class="annotation{" is-hidden" if is_hidden else ""}" id="annotation-{pk}"'
        f' data-annotation="{pk}">{content}{thread_html(annotation, links)}</li>'
    )


def annotation_actions(annotation, links: Links) -> str:
    pk, actions = annotation.pk, []
    if getattr(annotation, "can_reply", False):
        actions.append(f'<a class="js-reply-link" href="{links("reply_create", pk)}">Reply</a>')
    if annotation.is_editable:
        actions += [
            f'<a href="{links("annotation_update", pk)}">Edit</a>',
            f'<a href="{links("annotation_delete", pk)}">Delete</a>',
        ]
    if getattr(annotation, "can_moderate", False):
        actions.append(moderation_link(annotation, "annotation", links))
    if getattr(annotation, "can_flag", False):
        actions.append(f'<a href="{links("annotation_flag", pk)}">Flag</a>')
    return "".join(f" {action}" for action in actions)


def moderation_link(item, kind: str, links: Links) -> str:
    if item.hidden_at is not None:
        return f'<a href="{links(f"{kind}_unhide", item.pk)}">Unhide</a>'
    return f'<a href="{links(f"{kind}_hide", item.pk)}">Hide</a>'


def thread_html(annotation, links: Links) -> str:
    """The replies under an annotation as nested lists, built without recursion: a thread is as deep
    as its readers make it. The highlight popover shows only how many there are (site.css)."""
    if not (thread := getattr(annotation, "thread", [])):
        return ""
    html, root, stack = ['<ol class="replies" aria-label="Replies">'], int(annotation.pk), [iter(thread)]
    count = 0
    while stack:
        reply = next(stack[-1], None)
        if reply is None:
            stack.pop()
            html.append("</ol></li>" if stack else "</ol>")
            continue
        count += not reply.is_deleted
        html.append(reply_item(reply, root, links))
        if reply.thread:
            html.append('<ol class="replies">')
            stack.append(iter(reply.thread))
        else:
            html.append("</li>")
    label = "1 reply" if count == 1 else f"{count} replies"
    summary = f'<p class="thread-summary"><a href="#annotation-{root}">{label}</a></p>' if count else ""
    return summary + "".join(html)


def reply_item(reply, root: int, links: Links) -> str:
    """A reply's list item, open for its answers: its note, author, dates and actions, or what stands
    in its place ("deleted", "hidden by a moderator")."""
    pk, is_hidden = int(reply.pk), reply.hidden_at is not None and not reply.is_withheld
    if reply.is_deleted:
        content = DELETED_NOTICE
    elif reply.is_withheld:
        content = HIDDEN_NOTICE
    else:
        content = (
            f'<div class="note">{reply.note_html}</div>'
            f'<p class="annotation-meta"><span>{escape(reply.shown_author)}</span>{dates(reply, links.zone)}'
            f"{HIDDEN_BADGE if is_hidden else ''}{reply_actions(reply, root, links)}</p>"
        )
    return f'<li class="reply{" is-hidden" if is_hidden else ""}" id="reply-{pk}">{content}'


def reply_actions(reply, root: int, links: Links) -> str:
    actions = []
    if reply.can_reply:
        actions.append(
            f'<a class="js-reply-link" href="{links("reply_create", root, parent=reply.pk)}">Reply</a>'
        )
    if reply.is_editable:
        actions += [
            f'<a href="{links("reply_update", reply.pk)}">Edit</a>',
            f'<a href="{links("reply_delete", reply.pk)}">Delete</a>',
        ]
    if reply.can_moderate:
        actions.append(moderation_link(reply, "reply", links))
    return "".join(f" {action}" for action in actions)


@register.inclusion_tag("articles/_reply_form_template.html")
def reply_form_template() -> dict:
    """The form that replies.js opens under a Reply link, the same for everyone: replies.js adds the
    page's CSRF token and points it at the link's URL. Without JS the link opens the reply page."""
    return {"note_max_chars": f"{NOTE_MAX_CHARS:,}"}


def audience(annotation) -> str:
    """Who else sees it, unless everyone does."""
    if annotation.visibility == "private":
        return '<span class="audience">only you</span>'
    if annotation.visibility == "group":
        return f'<span class="audience">{escape(annotation.group_name)}</span>'
    return ""


def dates(annotation, zone) -> str:
    """The day it was written, and whether its author changed it since."""
    html = day(timezone.localdate(annotation.created_at, zone))
    if annotation.edited_at:
        html += f' <span class="edited">edited {day(timezone.localdate(annotation.edited_at, zone))}</span>'
    return html


@lru_cache(maxsize=1024)
def day(date) -> str:
    """Formatted once per day shown: a long list holds many annotations of the same days."""
    return f'<time datetime="{date.isoformat()}">{date:%-d %b %Y}</time>'


def tag_list(tag_links) -> str:
    if not tag_links:
        return ""
    return f'<ul class="tags" aria-label="Tags">{"".join(map(tag_item, tag_links))}</ul>'


@lru_cache(maxsize=4096)
def tag_item(tag) -> str:
    """Built once per tag (a TagLink: name, slug, url) shown: a long list repeats a few tags."""
    if tag.url:
        return f'<li><a class="tag" href="{escape(tag.url)}">{escape(tag.name)}</a></li>'
    return f'<li><span class="tag">{escape(tag.name)}</span></li>'
