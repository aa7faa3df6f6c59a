"""Spans over a text: merged, as a mask of the characters they cover, and as highlight segments.

Pure: no Django. A span is (start, end), end excluded, in character offsets.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from itertools import groupby
from operator import itemgetter


@dataclass(frozen=True)
class Segment:
    start: int  # absolute offset in the article text
    text: str
    annotation_ids: tuple  # ids covering every character of this segment, sorted; () if none


def merge_spans(spans: Iterable[tuple[int, int]], gap: int = 0) -> list[tuple[int, int]]:
    """Spans that overlap, or are at most gap apart, as one: sorted and disjoint."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1] + gap:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def covered(length: int, spans: Iterable[tuple[int, int]]) -> bytearray:
    """One byte per character of a text this long, set where some span covers it."""
    mask = bytearray(length)
    for start, end in spans:
        mask[start:end] = b"\x01" * (min(end, length) - start)
    return mask


def highlight_segments(
    paragraph_start: int, paragraph_text: str, spans: Iterable[tuple[object, int, int]]
) -> list[Segment]:
    """One paragraph cut at every span boundary inside it, each piece with the ids of the spans over it."""
    paragraph_end = paragraph_start + len(paragraph_text)
    events = []
    for annotation_id, start, end in spans:
        start, end = max(start, paragraph_start), min(end, paragraph_end)
        if start < end:
            events += [(start, 1, annotation_id), (end, -1, annotation_id)]
    events.sort(key=itemgetter(0))  # by offset only: ids need not be comparable

    segments: list[Segment] = []
    active: dict = {}  # id -> open spans, so that a repeated id stays until its last span ends
    position, ids = paragraph_start, ()
    for offset, changes in groupby(events, key=itemgetter(0)):
        _add_segment(
            segments, position, paragraph_text[position - paragraph_start : offset - paragraph_start], ids
        )
        for _, change, annotation_id in changes:
            if count := active.get(annotation_id, 0) + change:
                active[annotation_id] = count
            else:
                del active[annotation_id]
        position, ids = offset, tuple(sorted(active))
    _add_segment(segments, position, paragraph_text[position - paragraph_start :], ids)
    return segments


def _add_segment(segments: list[Segment], start: int, text: str, ids: tuple) -> None:
    """Append a piece of text, or extend the last segment if it has the same ids."""
    if not text:
        return
    if segments and segments[-1].annotation_ids == ids:
        previous = segments.pop()
        start, text = previous.start, previous.text + text
    segments.append(Segment(start, text, ids))
