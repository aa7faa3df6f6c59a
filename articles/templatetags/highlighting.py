"""Highlighted paragraphs as HTML, built in Python: a page can hold thousands of segments."""

from django import template
from django.utils.html import format_html, format_html_join

register = template.Library()


@register.simple_tag
def highlighted_text(paragraph) -> str:
    """A paragraph's segments: plain text, or <mark>s listing the annotations that cover them.

    Each annotation's first segment is preceded by an empty anchor, the target of "#hl-<id>".
    """
    return format_html_join("", "{}{}", ((anchors(part), segment_html(part)) for part in paragraph.segments))


def anchors(part) -> str:
    return format_html_join(
        "", '<span class="hl-anchor" id="hl-{}"></span>', ((pk,) for pk in part.starting_ids)
    )


def segment_html(part) -> str:
    ids = part.segment.annotation_ids
    if not ids:
        return format_html("{}", part.segment.text)
    return format_html(
        '<mark class="hl js-highlight" data-depth="{}" data-annotations="{}" tabindex="0">{}</mark>',
        len(ids),
        part.ids_text,
        part.segment.text,
    )
