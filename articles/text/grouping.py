"""Articles grouped into stories by their text and dates, without comparing all pairs. Pure: no Django.

Each article becomes a TF-IDF vector of its title and lede (title weighted above the lede, names
and numbers counted again, sublinear term frequencies, English stop words dropped), normalised, so
that a dot product is a cosine similarity. Articles are sorted by date and each is compared only
with the articles published within GROUPING_DAYS of it, a block of rows at a time (a sparse matrix
product per block), so that the work grows with the articles of a few days, not with the square of
the corpus.

Clustering: the pairs at or above the threshold link articles; each linked group is then split by
average linkage (two groups merge only when their articles are similar on average, with articles
more than GROUPING_DAYS apart counted as unrelated), so that a chain A~B~C does not put unrelated A
and C together. A cluster is proposed only when it holds articles from at least two outlets: one
outlet's articles alone are a series or its own follow-ups, not evidence of one event covered.

Undated articles are compared with each other only: without a date, the days around an article
are unknown. (Articles of one day, or all undated ones, are compared all with all: 20,000 of them
take about a minute.) An article whose outlet is unknown counts as an outlet of its own.
"""

import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

# Articles further apart than this many days are never the same event here: wire stories are
# followed up over two or three days, while two storms or two rulings a week apart are two events.
GROUPING_DAYS = 3
# The granularity: the cosine similarity at which two articles are linked. The setting
# STORY_GROUPING_THRESHOLD overrides it; bench/grouping_eval.py prints the figures for a few values.
DEFAULT_THRESHOLD = 0.4
# The lede: the first characters of the body, where a news article says what happened.
LEDE_CHARS = 600
# How much more the title weighs than the lede in an article's vector.
TITLE_WEIGHT = 1.5
# Names and numbers tell apart two events of one kind (two storms, two rulings in a week share all
# their other words), so they count again, with this weight: a capitalised word that does not
# start a sentence, or a number.
NAMES_WEIGHT = 1.5
NAMES = re.compile(r"(?<=[\w,;:'\"’)] )[A-Z][\w'’-]+|\b\d+(?:[.,]\d+)*\b")
# Words: runs of two letters or more, and numbers whole with their separators (7.4, 27,000).
TOKENS = r"(?u)\b(?:\d+(?:[.,]\d+)+|\w\w+)\b"
# Similar articles ("other coverage" of an article without a story): this many at most, at or
# above this similarity, from other outlets within GROUPING_DAYS.
SIMILAR_COUNT = 5
SIMILAR_FLOOR = 0.2
# Memory bound of one block of the similarity product (rows x columns compared at once).
BLOCK_CELLS = 1_000_000
# Each article keeps its pairs with this many later articles at most, the most similar: memory
# stays bounded when thousands of near-identical articles (syndicated copy, boilerplate) share days.
MOST_PAIRS = 100
# Linked groups larger than this are first cut at higher thresholds: average linkage holds a
# dense matrix of the group's pairs.
LARGEST_LINKED = 1500
STRICTER = 0.05
# The day number of undated articles: far from every date, all on one day.
UNDATED_DAY = 10**8


@dataclass(frozen=True)
class Item:
    """What grouping reads of an article."""

    id: int
    outlet: str | int | None  # None: unknown
    date: datetime.date | None
    title: str
    lede: str  # the start of the body; only LEDE_CHARS are read


@dataclass
class Cluster:
    ids: list[int]  # most central first
    title: str  # the title of the most central article: the one most like the others

    def __len__(self):
        return len(self.ids)


@dataclass
class Grouping:
    clusters: list[Cluster] = field(default_factory=list)
    # Each article's most similar articles from other outlets, most similar first: (id, similarity).
    similar: dict[int, list[tuple[int, float]]] = field(default_factory=dict)


def group_articles(
    items: Iterable[Item], threshold: float = DEFAULT_THRESHOLD, days: int = GROUPING_DAYS
) -> Grouping:
    """Clusters of articles about one event, from at least two outlets, and each article's
    nearest articles from other outlets."""
    if not 0 < threshold <= 1:
        raise ValueError("the threshold is a similarity between 0 and 1")
    # Only the lede's first LEDE_CHARS are kept: memory grows with articles, not with their length.
    items = sorted(
        (Item(item.id, item.outlet, item.date, item.title, lede_of(item.lede)) for item in items),
        key=lambda item: (day_number(item.date), item.id),
    )
    if len({item.id for item in items}) != len(items):
        raise ValueError("an article is given twice")
    if len(items) < 2:
        return Grouping()
    vectors = vectorize(items)
    day = np.array([day_number(item.date) for item in items], dtype=np.int64)
    outlet = outlet_numbers(items)
    first, second, similarity = similar_pairs(vectors, day, days, min(SIMILAR_FLOOR, threshold))
    ids = [item.id for item in items]
    grouping = Grouping(similar=nearest_of_other_outlets(ids, outlet, first, second, similarity))
    linked = similarity >= threshold
    for members in linked_groups(len(items), first[linked], second[linked], similarity[linked], threshold):
        for cluster in split(members, vectors, day, days, threshold):
            if len(set(outlet[cluster])) >= 2:
                grouping.clusters.append(Cluster([ids[k] for k in cluster], items[cluster[0]].title))
    grouping.clusters.sort(key=lambda cluster: cluster.ids)
    return grouping


def day_number(date: datetime.date | None) -> int:
    return date.toordinal() if date is not None else UNDATED_DAY


def outlet_numbers(items: list[Item]) -> np.ndarray:
    """A number per article's outlet; an unknown outlet is a number of its own."""
    numbers: dict = {}
    unknown = iter(range(-1, -len(items) - 1, -1))
    return np.array(
        [
            numbers.setdefault(item.outlet, len(numbers)) if item.outlet is not None else next(unknown)
            for item in items
        ]
    )


def lede_of(text: str) -> str:
    """The first LEDE_CHARS characters, cut at a space so that no word is halved."""
    if len(text) <= LEDE_CHARS:
        return text
    cut = text.rfind(" ", 0, LEDE_CHARS + 1)
    return text[: cut if cut > 0 else LEDE_CHARS]


def vectorize(items: list[Item]):
    """Normalised TF-IDF rows (float32 sparse) of the titles weighted above the ledes."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.preprocessing import normalize

    titles = [item.title for item in items]
    ledes = [item.lede for item in items]
    tfidf = TfidfVectorizer(
        sublinear_tf=True,
        stop_words="english",
        strip_accents="unicode",
        token_pattern=TOKENS,
        dtype=np.float32,
        # No max_df: in a folder of articles about one event, its words are in most of them.
    )
    try:
        tfidf.fit(title + "\n" + lede for title, lede in zip(titles, ledes, strict=True))
    except ValueError:  # no words at all (only stop words, or empty texts)
        tfidf = TfidfVectorizer(sublinear_tf=True, dtype=np.float32, token_pattern=r"(?u)\b\w+\b")
        tfidf.fit(title + "\n" + lede + "\nx" for title, lede in zip(titles, ledes, strict=True))
    names = [" ".join(NAMES.findall(title + ". " + lede)) for title, lede in zip(titles, ledes, strict=True)]
    combined = (
        TITLE_WEIGHT * normalize(tfidf.transform(titles))
        + normalize(tfidf.transform(ledes))
        + NAMES_WEIGHT * normalize(tfidf.transform(names))
    )
    return normalize(combined).astype(np.float32).tocsr()


def similar_pairs(vectors, day: np.ndarray, days: int, floor: float):
    """Pairs (i < j, in date order) within `days` of each other with a cosine of at least `floor`,
    as three arrays: each row block is multiplied by the rows of its window only."""
    count = len(day)
    found = []
    start = 0
    while start < count:
        rows = min(1000, count - start)
        while True:  # fewer rows when many articles share the window (a busy day)
            end = start + rows
            last = int(np.searchsorted(day, day[end - 1] + days, side="right"))
            if rows == 1 or rows * (last - start) <= BLOCK_CELLS:
                break
            rows = max(1, BLOCK_CELLS // (last - start))
        product = (vectors[start:end] @ vectors[start:last].T).tocoo()
        i = product.row.astype(np.int64) + start
        j = product.col.astype(np.int64) + start
        keep = (j > i) & (product.data >= floor) & (day[j] - day[i] <= days)
        found.append(most_similar_of_each(i[keep], j[keep], product.data[keep]))
        start = end
    if not found:
        return np.array([], dtype=np.int64), np.array([], dtype=np.int64), np.array([], dtype=np.float32)
    return tuple(np.concatenate(parts) for parts in zip(*found, strict=True))


def most_similar_of_each(first: np.ndarray, second: np.ndarray, similarity: np.ndarray):
    """The pairs, at most MOST_PAIRS for each first article: its most similar."""
    if len(first) == 0 or np.bincount(first - first.min()).max() <= MOST_PAIRS:
        return first, second, similarity
    order = np.lexsort((-similarity, first))
    first, second, similarity = first[order], second[order], similarity[order]
    rank = np.arange(len(first)) - np.searchsorted(first, first)  # place among its article's pairs
    keep = rank < MOST_PAIRS
    return first[keep], second[keep], similarity[keep]


def nearest_of_other_outlets(ids, outlet, first, second, similarity) -> dict[int, list[tuple[int, float]]]:
    """Each article's SIMILAR_COUNT most similar articles from other outlets, at SIMILAR_FLOOR or above."""
    keep = (outlet[first] != outlet[second]) & (similarity >= SIMILAR_FLOOR)
    source = np.concatenate([first[keep], second[keep]])
    target = np.concatenate([second[keep], first[keep]])
    score = np.concatenate([similarity[keep], similarity[keep]])
    order = np.lexsort((target, -score, source))  # by article, most similar first
    nearest: dict[int, list[tuple[int, float]]] = {}
    for k in order:
        others = nearest.setdefault(ids[source[k]], [])
        if len(others) < SIMILAR_COUNT:
            others.append((ids[target[k]], round(float(score[k]), 4)))
    return nearest


def linked_groups(count, first, second, similarity, threshold) -> list[np.ndarray]:
    """The groups of articles linked by the pairs (connected components) of two articles or more;
    a group too large for average linkage is cut again at higher thresholds (the groups there lie
    within it), unless nothing would be left of it (its articles are all alike: one group)."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    levels: dict[int, np.ndarray] = {}  # each article's group at threshold + level * STRICTER

    def labels_at(level: int) -> np.ndarray:
        if level not in levels:
            keep = similarity >= threshold + level * STRICTER
            graph = coo_matrix(
                (np.ones(np.count_nonzero(keep), np.int8), (first[keep], second[keep])), (count, count)
            )
            levels[level] = connected_components(graph, directed=False)[1]
        return levels[level]

    def groups_in(members: np.ndarray, level: int) -> list[np.ndarray]:
        labels = labels_at(level)[members]
        order = np.argsort(labels, kind="stable")
        found = []
        for part in np.split(members[order], np.flatnonzero(np.diff(labels[order])) + 1):
            if len(part) < 2:
                continue
            if len(part) <= LARGEST_LINKED or threshold + level * STRICTER >= 0.95:
                found.append(part)
            else:
                found += groups_in(part, level + 1) or [part]
        return found

    return groups_in(np.arange(count), 0)


def split(members: np.ndarray, vectors, day: np.ndarray, days: int, average: float) -> list[list[int]]:
    """The linked group cut by average linkage where its parts' average similarity falls below
    `average`; each part of two articles or more, most central article first."""
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.spatial.distance import squareform

    if len(members) > LARGEST_LINKED:  # alike even at the strictest threshold: kept as one
        centrality = np.asarray(vectors[members] @ vectors[members].sum(axis=0).T).ravel()
        return [[int(k) for k in members[np.argsort(-centrality, kind="stable")]]]
    similarity = (vectors[members] @ vectors[members].T).toarray()
    similarity[np.abs(day[members][:, None] - day[members][None, :]) > days] = 0  # never the same event
    np.fill_diagonal(similarity, 1)
    if len(members) == 2:
        labels = np.array([1, 1 if similarity[0, 1] >= average else 2])
    else:
        distance = squareform(np.clip(1 - similarity, 0, None), checks=False)
        labels = fcluster(linkage(distance, method="average"), t=1 - average, criterion="distance")
    parts = []
    for label in np.unique(labels):
        inside = np.flatnonzero(labels == label)
        if len(inside) < 2:
            continue
        centrality = similarity[np.ix_(inside, inside)].sum(axis=1)
        inside = inside[np.argsort(-centrality, kind="stable")]
        parts.append([int(k) for k in members[inside]])
    return parts
