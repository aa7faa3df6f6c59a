"""Annotation markup built in Python rather than in templates.

An article page can carry a thousand annotations and several thousand highlighted segments.
Template lookups (~10 µs each) and even format_html() made such a page take a quarter of a
second; plain f-strings take a tenth of that. The rule that keeps this safe: every value put
into markup goes through escape() (ints excepted), and the one exception, note_html, was
produced by sanitize.render_note().
"""

from functools import lru_cache
from html import escape
from urllib.parse import urlencode

from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from articles.queries.reading import SHARED_COLOURS

register = template.Library()


@register.simple_tag
def highlighted_text(paragraph) -> SafeString:
    """A paragraph's segments: plain text, or <mark>s listing the annotations that cover them.

    Each annotation's first segment is preceded by an empty anchor, the target of "#hl-<id>".
    """
    return mark_safe("".join(anchors(part) + segment_html(part) for part in paragraph.segments))


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
            f' data-annotations="{escape(part.ids_text)}" tabindex="-1">{text}</mark>'
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
    """List items for annotations, in one call: a template loop would cost more than the items.

    Edit and Delete come back to return_to, the page the list is shown on.
    """
    next_query = escape(urlencode({"next": return_to}))
    return mark_safe("".join(annotation_entry(annotation, next_query) for annotation in annotations))


def annotation_entry(annotation, next_query: str) -> str:
    """One annotation in a list: its quote (a link to its highlight), tags, note and actions."""
    pk, quote = int(annotation.pk), escape(annotation.short_exact)
    if annotation.is_orphan:
        quote_html = f'<blockquote class="annotation-quote">{quote}</blockquote>'
    else:
        quote_html = f'<a class="annotation-quote" href="#hl-{pk}">{quote}</a>'
    note_html = f'<div class="note">{annotation.note_html}</div>' if annotation.note_html else ""
    return (
        f'<li class="annotation" id="annotation-{pk}" data-annotation="{pk}">{quote_html}'
        f"{tag_list(annotation.tag_links)}{note_html}"
        f'<p class="annotation-meta"><span>{escape(annotation.author_name)}</span>'
        f"{audience(annotation)}{dates(annotation)}"
        f"{actions(pk, next_query) if annotation.is_editable else ''}</p></li>"
    )


def audience(annotation) -> str:
    """Who else sees it, unless everyone does."""
    if annotation.visibility == "private":
        return '<span class="audience">only you</span>'
    if annotation.visibility == "group":
        return f'<span class="audience">{escape(annotation.group_name)}</span>'
    return ""


def dates(annotation) -> str:
    """The day it was written, and whether its author changed it since."""
    html = day(timezone.localdate(annotation.created_at))
    if annotation.edited_at:
        html += f' <span class="edited">edited {day(timezone.localdate(annotation.edited_at))}</span>'
    return html


@lru_cache(maxsize=1024)
def day(date) -> str:
    """Formatted once per day shown: a long list holds many annotations of the same days."""
    return f'<time datetime="{date.isoformat()}">{date:%-d %b %Y}</time>'


def tag_list(tag_links) -> str:
    if not tag_links:
        return ""
    items = "".join(
        f'<li><a class="tag" href="{escape(tag.url)}">{escape(tag.name)}</a></li>'
        if tag.url
        else f'<li><span class="tag">{escape(tag.name)}</span></li>'
        for tag in tag_links
    )
    return f'<ul class="tags" aria-label="Tags">{items}</ul>'


def actions(pk: int, next_query: str) -> str:
    edit_url = reverse("articles:annotation_update", args=[pk])
    delete_url = reverse("articles:annotation_delete", args=[pk])
    return (
        f' <a href="{escape(edit_url)}?{next_query}">Edit</a>'
        f' <a href="{escape(delete_url)}?{next_query}">Delete</a>'
    )
