"""Compare coverage across outlets: the passages that a story's articles share.

Pure: no Django. Texts are canonical bodies (articles.text.canonical) and every offset points into
them. Words are compared normalised (articles.text.words).

find_shared_passages() works within one story:
1. regions: word spans that two articles share, verbatim or nearly (articles.text.alignment);
2. clusters: regions joined by union-find, aligned with each other or overlapping in one
   article. Where a cluster would hold two passages that one article has far apart, the regions
   that join them are cut first (_conflict_cuts); each article keeps one occurrence.
"""

from array import array
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from rapidfuzz.distance import Indel

from articles.text.alignment import (
    MAX_GAP_WORDS,
    ArticleWords,
    Regions,
    Spans,
    cut_region,
    int_array,
    read_articles,
    shared_regions,
)
from articles.text.segments import merge_spans
from articles.text.words import UnionFind

# Two spans of one article hold the same passage when they overlap by at least this share of the
# shorter one; a smaller overlap is two neighbouring passages that each alignment grew into.
SPAN_OVERLAP = 0.5
# Two spans of one article in one cluster, in order and at most this many words apart, are one
# passage with a gap: twice MAX_GAP_WORDS, the most that one seed chain bridges.
JOIN_GAP_WORDS = 2 * MAX_GAP_WORDS
# Rounds of cutting regions that join two passages of one article far apart (_conflict_cuts): a
# cut can reveal another such join, rarely more than once; the bound keeps a pathological story
# from taking long, and whatever is left joined keeps its longest span per article.
MAX_SPLIT_ROUNDS = 4


@dataclass(frozen=True, slots=True)  # tens of thousands in a large story
class Occurrence:
    article: int  # the key given in texts
    start: int  # character offsets into the article's text, from a word's start to a word's end
    end: int
    similarity: float  # to the representative: 2 x words in common (in order) / words of both
    is_verbatim: bool  # the same normalised words as the representative


@dataclass(frozen=True)
class Cluster:
    occurrences: tuple[Occurrence, ...]  # two or more articles, one each, in the order of texts
    text: str  # the representative occurrence's text: the one most like all the others


def find_shared_passages(texts: dict[int, str]) -> list[Cluster]:
    """Passages found in two or more of the texts, verbatim or nearly, grouped by passage."""
    keys = list(texts)
    articles, stop_ids = read_articles(texts.values())
    regions = shared_regions(articles, stop_ids)
    spans, components = _grouped(regions, articles, stop_ids)
    clusters = [
        _cluster(nodes, spans, keys, texts, articles)
        for nodes in components
        if len({spans[node][0] for node in nodes}) >= 2
    ]
    return sorted(clusters, key=lambda c: (keys.index(c.occurrences[0].article), c.occurrences[0].start))


def _holds(outer: tuple[int, int], inner: tuple[int, int]) -> bool:
    """Whether two spans overlap by SPAN_OVERLAP of the shorter: the same passage."""
    overlap = min(outer[1], inner[1]) - max(outer[0], inner[0])
    return overlap > 0 and overlap >= SPAN_OVERLAP * min(outer[1] - outer[0], inner[1] - inner[0])


def _components(regions: Regions) -> list[array]:
    """Nodes (see Regions) grouped by passage: aligned with each other, or mostly overlapping.

    Nodes of equal spans (an article aligned alike with many others) are one passage: the groups
    are made of distinct spans, and swept once (a story of 1,500 articles has 570,000 nodes and
    46,000 distinct spans).
    """
    nodes = np.frombuffer(regions.packed, dtype=np.intc).reshape(-1, 3)
    distinct, span_of = np.unique(nodes, axis=0, return_inverse=True)  # in order of (article, start, end)
    del nodes
    span_of = int_array(span_of.reshape(-1))
    passages = UnionFind(len(distinct))
    for k in range(len(regions)):
        passages.join(span_of[2 * k], span_of[2 * k + 1])
    _join_overlapping(range(len(distinct)), Spans(int_array(distinct.reshape(-1))), passages)
    return _groups(passages, span_of)


def _groups(passages: UnionFind, span_of: array) -> list[array]:
    """The nodes by group of their spans, each group's in order, the groups in the order of their
    first nodes: as passages.groups() orders them."""
    roots = np.fromiter(map(passages.root, range(len(passages.parent))), dtype=np.intc)
    group = roots[np.frombuffer(span_of, dtype=np.intc)]
    _, firsts, group = np.unique(group, return_index=True, return_inverse=True)
    group = np.argsort(np.argsort(firsts))[group]  # numbered in the order of their first nodes
    nodes = int_array(np.argsort(group, kind="stable"))
    bounds = np.cumsum(np.bincount(group)).tolist()
    return [nodes[start:end] for start, end in zip([0, *bounds], bounds, strict=False)]


def _join_overlapping(nodes: Iterable[int], spans: Spans, passages: UnionFind) -> None:
    """Join the nodes whose spans hold each other (_holds), given in order of their spans.

    The sweep keeps, by component, the spans of the current article that reach past the current
    start: a span is checked against one component's spans only until one holds it.
    """
    active: dict[int, list[int]] = {}
    current_article = None
    for node in nodes:
        article, start, end = spans[node]
        if article != current_article:
            active, current_article = {}, article
        still_active: dict[int, list[int]] = defaultdict(list)
        for members in active.values():
            members = [other for other in members if spans[other][2] > start]
            if not members:
                continue
            if passages.root(members[0]) != passages.root(node) and any(
                _holds(spans[other][1:], (start, end)) for other in members
            ):
                passages.join(node, members[0])
            still_active[passages.root(members[0])].extend(members)
        still_active[passages.root(node)].append(node)
        active = still_active


def _by_article(nodes: Iterable[int], spans: Spans) -> dict[int, list[int]]:
    grouped: dict[int, list[int]] = defaultdict(list)
    for node in nodes:
        grouped[spans[node][0]].append(node)
    return grouped


_Link = tuple[int, int, int, int]  # a node's span here and its partner's there: start, end, start, end


def _links(
    article_nodes: list[int],
    spans: Spans,
    first: tuple[int, int],
    second: tuple[int, int],
) -> dict[int, tuple[_Link, _Link]]:
    """Per article aligned with both extents: the alignment ending last in one, starting first in two."""
    last: dict[int, _Link] = {}
    first_in_second: dict[int, _Link] = {}
    for node in article_nodes:
        _, start, end = spans[node]
        partner, partner_start, partner_end = spans[node ^ 1]
        link = (start, end, partner_start, partner_end)
        if first[0] <= start and end <= first[1]:
            if partner not in last or end > last[partner][1]:
                last[partner] = link
        elif second[0] <= start and end <= second[1]:
            if partner not in first_in_second or start < first_in_second[partner][0]:
                first_in_second[partner] = link
    return {
        partner: (last[partner], first_in_second[partner]) for partner in last.keys() & first_in_second.keys()
    }


def _in_step(before: _Link, after: _Link) -> bool:
    """Whether two alignments are about as far apart on both sides: on nearly one diagonal."""
    return abs((after[2] - after[0]) - (before[3] - before[1])) <= JOIN_GAP_WORDS


def _extents(article_nodes: list[int], spans: Spans) -> list[tuple[int, int]]:
    """The passages that one article's spans in one cluster make, in order.

    Spans that overlap or are at most JOIN_GAP_WORDS apart are one passage; so are spans further
    apart where every other article aligned with both has them in the same order and about as
    far apart (a sentence that this article changed beyond recognition, inside a longer copy).
    """
    extents = merge_spans((spans[node][1:] for node in article_nodes), gap=JOIN_GAP_WORDS)
    joined = extents[:1]
    for extent in extents[1:]:
        links = _links(article_nodes, spans, joined[-1], extent)
        if links and all(_in_step(*pair) for pair in links.values()):
            joined[-1] = (joined[-1][0], extent[1])
        else:
            joined.append(extent)
    return joined


def _conflict_cuts(
    regions: Regions, components: list[array], articles: list[ArticleWords]
) -> dict[int, tuple[set[int], set[int]]]:
    """Where to cut regions so that no cluster holds two passages of one article far apart.

    Passages P and Q side by side in articles X and Y make one region between X and Y; article Z
    with P and Q far apart makes two regions with X, and the overlaps join all of them into one
    cluster, in which Z could keep only one of P and Q. Cutting X's regions between its spans
    aligned with Z's P and with Z's Q makes two clusters.
    """
    spans = Spans(regions.packed)
    cuts: dict[int, tuple[set[int], set[int]]] = {}
    for nodes in components:
        by_article = _by_article(nodes, spans)
        for article_nodes in by_article.values():
            extents = _extents(article_nodes, spans)
            for first, second in zip(extents, extents[1:], strict=False):
                for partner, (before, after) in _links(article_nodes, spans, first, second).items():
                    earlier, later = sorted((before[2:], after[2:]))
                    if earlier[1] > later[0] or _in_step(before, after):
                        continue  # one span there, nowhere to cut; or apart there too
                    # Cut where a sentence starts between the two, else in the middle.
                    sentence_starts = articles[partner].sentence_starts
                    cut = next(
                        (p for p in range(earlier[1], later[0] + 1) if sentence_starts[p]),
                        (earlier[1] + later[0]) // 2,
                    )
                    for node in by_article[partner]:
                        _, start, end = spans[node]
                        if start < cut < end:
                            cuts.setdefault(node // 2, (set(), set()))[node % 2].add(cut)
    return cuts


def _grouped(regions: Regions, articles: list[ArticleWords], stop_ids: set[int]) -> tuple[Spans, list[array]]:
    """The regions' spans (article, start word, end word) by node, and the nodes by passage."""
    for _ in range(MAX_SPLIT_ROUNDS):
        components = _components(regions)
        cuts = _conflict_cuts(regions, components, articles)
        if not cuts:
            break
        regions = Regions(
            piece
            for k, region in enumerate(regions)
            for piece in (cut_region(region, *cuts[k], articles, stop_ids) if k in cuts else [region])
        )
    else:
        components = _components(regions)
    return Spans(regions.packed), components


def _cluster(
    nodes: array,
    spans: Spans,
    keys: list[int],
    texts: dict[int, str],
    articles: list[ArticleWords],
) -> Cluster:
    """One passage's spans as a cluster: one occurrence per article, its longest extent."""
    chosen = {
        article: max(_extents(article_nodes, spans), key=lambda extent: extent[1] - extent[0])
        for article, article_nodes in _by_article(nodes, spans).items()
    }
    tokens = {article: articles[article].ids[start:end] for article, (start, end) in chosen.items()}
    order = sorted(chosen)
    # The representative is the occurrence most like all the others (the medoid).
    representative = max(
        order,
        key=lambda x: (sum(Indel.normalized_similarity(tokens[x], tokens[y]) for y in order), -x),
    )
    occurrences = []
    for article in order:
        start, end = chosen[article]
        occurrences.append(
            Occurrence(
                article=keys[article],
                start=articles[article].starts[start],
                end=articles[article].ends[end - 1],
                similarity=round(Indel.normalized_similarity(tokens[article], tokens[representative]), 4),
                is_verbatim=tokens[article] == tokens[representative],
            )
        )
    rep = occurrences[order.index(representative)]
    return Cluster(occurrences=tuple(occurrences), text=texts[rep.article][rep.start : rep.end])


def _non_space(text: str) -> int:
    return len(text) - sum(1 for char in text if char.isspace())


def unshared_share(text: str, spans: Iterable[tuple[int, int]]) -> float:
    """The share of the text's non-space characters that no span covers; 0.0 for a blank text."""
    total = _non_space(text)
    if total == 0:
        return 0.0
    clipped = ((max(start, 0), min(end, len(text))) for start, end in spans)
    covered = sum(
        _non_space(text[start:end]) for start, end in merge_spans(s for s in clipped if s[0] < s[1])
    )
    return (total - covered) / total
