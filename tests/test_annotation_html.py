"""The markup built in Python for highlights and annotation lists escapes every value."""

import datetime
from types import SimpleNamespace

from articles.queries.reading import (
    ANNOTATION,
    SHARED,
    HighlightedParagraph,
    HighlightedSegment,
    PassageMark,
    TagLink,
)
from articles.templatetags.annotation_html import annotation_entries, highlighted_text
from articles.text.segments import highlight_segments

HOSTILE = '<script>alert("x")</script>&"\''


def make_annotation(**fields):
    defaults = {
        "pk": 7,
        "exact": HOSTILE,
        "is_orphan": False,
        "note_html": "<p><em>ok</em></p>",
        "shown_author": HOSTILE,
        "is_editable": False,
        "tag_links": [TagLink(HOSTILE, "x", '/tags/x/"onmouseover="alert(1)')],
        "created_at": datetime.datetime(2026, 12, 1, 9, 30, tzinfo=datetime.UTC),
        "edited_at": None,
        "visibility": "public",
        "group_name": None,
    }
    annotation = SimpleNamespace(**{**defaults, **fields})
    annotation.short_exact = annotation.exact
    return annotation


def entries(*annotations, return_to="/page/"):
    return annotation_entries(annotations, return_to)


def test_it_escapes_quotes_tags_and_authors():
    html = entries(make_annotation())
    assert "<script>" not in html and '"onmouseover=' not in html
    assert html.count("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&quot;&#x27;") == 3
    assert "<p><em>ok</em></p>" in html  # the sanitised note is kept as HTML


def test_it_links_the_quote_to_its_highlight_unless_orphaned():
    assert 'href="#hl-7"' in entries(make_annotation())
    assert 'href="#hl-7"' not in entries(make_annotation(is_orphan=True))


def test_it_offers_edit_and_delete_only_when_editable():
    assert "/annotations/7/edit/" in entries(make_annotation(is_editable=True))
    assert "/edit/" not in entries(make_annotation())


def test_it_sends_edit_and_delete_back_to_the_page_escaped():
    html = entries(make_annotation(is_editable=True), return_to='/stories/s/compare/?a=1&a=2"><b>')
    assert 'href="/annotations/7/edit/?next=%2Fstories%2Fs%2Fcompare%2F%3Fa%3D1%26a%3D2%22%3E%3Cb%3E"' in html
    assert (
        'href="/annotations/7/delete/?next=%2Fstories%2Fs%2Fcompare%2F%3Fa%3D1%26a%3D2%22%3E%3Cb%3E"' in html
    )


def test_it_dates_each_annotation_and_marks_an_edited_one():
    written = entries(make_annotation())
    assert '<time datetime="2026-12-01">1 Dec 2026</time>' in written
    assert "edited" not in written
    edited = entries(make_annotation(edited_at=datetime.datetime(2026, 12, 3, 8, 0, tzinfo=datetime.UTC)))
    assert '<span class="edited">edited <time datetime="2026-12-03">3 Dec 2026</time></span>' in edited


def test_it_escapes_the_text_of_highlighted_paragraphs():
    text = "Before <b>bold</b> & after"
    spans = [((ANNOTATION, 1), 107, 118), ((ANNOTATION, 2), 110, 126)]
    segments = highlight_segments(100, text, spans)
    paragraph = HighlightedParagraph(100, [HighlightedSegment(segment, [], []) for segment in segments])
    html = highlighted_text(paragraph).replace(' class="hl js-highlight"', "").replace(' tabindex="-1"', "")
    assert html == (
        'Before <mark data-depth="1" data-annotations="1">&lt;b&gt;</mark>'
        '<mark data-depth="2" data-annotations="1 2">bold&lt;/b&gt;</mark>'
        '<mark data-depth="1" data-annotations="2"> &amp; after</mark>'
    )


def test_it_marks_shared_passages_with_an_escaped_marker():
    text = "Shared words here."
    passage = PassageMark(3, 9, 0, 12, '<b>"Outlet"</b>')
    segments = highlight_segments(0, text, [((SHARED, 3), 0, 12), ((ANNOTATION, 5), 7, 12)])
    parts = [HighlightedSegment(segment, [], [passage] if segment.start == 0 else []) for segment in segments]
    html = highlighted_text(HighlightedParagraph(0, parts))
    assert 'id="shared-9-3"' in html and 'data-clusters="3"' in html
    assert "<b>" not in html and "&lt;b&gt;&quot;Outlet&quot;&lt;/b&gt;" in html
    assert html.count("<mark") == 1 and html.endswith(" here.")


def test_it_names_the_audience_of_private_and_group_annotations_escaped():
    assert "audience" not in entries(make_annotation())
    assert '<span class="audience">only you</span>' in entries(make_annotation(visibility="private"))
    group = entries(make_annotation(visibility="group", group_name=HOSTILE))
    assert '<span class="audience">&lt;script&gt;' in group and "<script>" not in group
