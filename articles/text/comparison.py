"""A story's comparison: what its articles share, whom they quote and which numbers they give.

`compare_articles()` computes it from the texts alone; `Comparison` is the record that is
stored (as `to_json()`), served at /stories/<slug>/comparison.json and read by every page.
Its `version` changes whenever its shape does: a stored record of another version is
recomputed, never read (`from_json` refuses it).
"""

import datetime
import re
from dataclasses import asdict, dataclass, field

from articles.text.facts import align_facts, differs, find_facts, group_subject
from articles.text.passages import find_shared_passages, unshared_share
from articles.text.quotes import find_quotes, group_quotes, statement_texts
from articles.text.segments import covered
from articles.text.words import Sentences

# 2: wire text apart from copied text; facts with their unit. 3: copied words. 4: at most
# MAX_PASSAGES passages, and how many more were found.
VERSION = 4

# The passages a record lists: those found in the most articles. A story of 1,500 articles shares
# some 3,000 passages, 44,000 occurrences that made a record of 10 MB, more than a reader can
# take in and than the task worker should hold to store it; its articles' shares count them all.
MAX_PASSAGES = 500

# From this share of its text found in other articles OUTSIDE its quotation marks, reported speech
# and wire copy, an article is flagged as repeating others: quoting the same letter, reporting
# what a union demanded and printing the agency copy one pays for are journalism; repeating
# another's sentences is not.
REPEATS_FROM = 0.1
# ... and only with at least this many words of such text: a short article sharing one common
# opening ("The European Central Bank has raised interest rates", 8 words) has a large share of
# very little; a copied sentence of news runs to 20 words and more.
REPEATS_MIN_WORDS = 15

# A sentence that says whose words or claims it gives, without quotation marks: reported speech.
_WORD = re.compile(r"\w+")
_ATTRIBUTED = re.compile(
    r"\baccording to\b|\b(?:said|says|demanded|demands|demanding|called for|calls for|calling for|urged|"
    r"urges|insisted|insists|argued|argues|claimed|claims|warned|warns|told|announced|stated|wrote|"
    r"asked|accused|denied|denies|alleged|alleges|added|noted|pledged|promised|vowed)\b"
)


def paired_quotes(text: str) -> str:
    """A passage with the quotation mark it lacks where it starts or ends inside a quotation:
    'the road," ECB President Christine Lagarde' -> '"the road," ECB President ...'."""
    if "”" in text.partition("“")[0]:
        text = "“" + text
    if text.count("“") > text.count("”"):
        text += "”"
    if text.count('"') % 2:
        first = text.index('"')
        opens = first == 0 or text[first - 1].isspace() or text[first - 1] in "([—–-"
        text = text + '"' if opens else '"' + text
    return text


class OutdatedComparison(ValueError):
    """A stored comparison of another version than this code's."""


@dataclass(frozen=True)
class ArticleText:
    """An article as the comparison needs it: its text, and how pages name and link it."""

    id: int
    title: str
    label: str  # short: the outlet's name
    url: str
    body: str
    agencies: tuple[str, ...] = ()  # the news agencies it credits (wire.agency_credits)
    published: datetime.date | None = None  # dates the weekdays and year-less dates of its facts


@dataclass(frozen=True)
class WireShare:
    """Text an article shares with others that credit the same agency: the agency's copy."""

    agency: str
    articles: list[int]
    labels: list[str]


@dataclass(frozen=True)
class ComparedArticle:
    id: int
    url: str
    label: str
    title: str
    unshared_share: float  # of its text found in no other article
    copied_share: float  # of its text found in others, outside its quotes, reported speech and wire copy
    wire_share: float = 0.0  # of its text found in others that credit an agency it credits
    wire: list[WireShare] = field(default_factory=list)
    copied_words: int = 0  # the words of its copied share

    @property
    def repeats_others(self) -> bool:
        return self.copied_share >= REPEATS_FROM and self.copied_words >= REPEATS_MIN_WORDS


@dataclass(frozen=True, slots=True)  # tens of thousands in a large story
class PassageOccurrence:
    article: int
    start: int
    end: int
    text: str
    similarity: float
    verbatim: bool


@dataclass(frozen=True)
class QuoteOccurrence:
    article: int
    start: int
    end: int
    text: str
    speaker: str | None


@dataclass(frozen=True)
class FactOccurrence:
    article: int
    start: int
    end: int
    text: str
    value: float
    qualifier: str | None


@dataclass(frozen=True)
class SharedPassage:
    """A passage that several articles have, verbatim or reworded."""

    id: int  # 1, 2, ...: the number pages show
    text: str
    occurrences: list[PassageOccurrence]

    @property
    def shown_text(self) -> str:
        """The text as pages show it, its quotation marks paired (see paired_quotes)."""
        return paired_quotes(self.text)


@dataclass(frozen=True)
class QuotedStatement:
    speaker: str | None
    text: str
    occurrences: list[QuoteOccurrence]


@dataclass(frozen=True)
class AlignedFact:
    kind: str
    subject: str
    differs: bool  # the articles state it differently
    occurrences: list[FactOccurrence]
    unit: str = ""  # a currency ("EUR"), "GBP per week", "of GDP"...


@dataclass(frozen=True)
class Comparison:
    story: str
    articles: list[ComparedArticle]
    passages: list[SharedPassage]
    quotes: list[QuotedStatement]
    facts: list[AlignedFact]
    more_passages: int = 0  # found but not listed, each in no more articles than any listed one
    version: int = field(default=VERSION)

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> "Comparison":
        if data.get("version") != VERSION:
            raise OutdatedComparison(f"version {data.get('version')}, not {VERSION}")

        def groups(kind, occurrence, key):
            return [
                kind(**{**group, "occurrences": [occurrence(**o) for o in group["occurrences"]]})
                for group in data[key]
            ]

        return cls(
            story=data["story"],
            articles=[
                ComparedArticle(**{**article, "wire": [WireShare(**wire) for wire in article["wire"]]})
                for article in data["articles"]
            ],
            passages=groups(SharedPassage, PassageOccurrence, "passages"),
            quotes=groups(QuotedStatement, QuoteOccurrence, "quotes"),
            facts=groups(AlignedFact, FactOccurrence, "facts"),
            more_passages=data["more_passages"],
        )

    def labels(self) -> dict[int, str]:
        return {article.id: article.label for article in self.articles}


def compare_articles(story: str, articles: list[ArticleText]) -> Comparison:
    """Compare the articles of one story (named by its slug)."""
    texts = {article.id: article.body for article in articles}
    clusters = find_shared_passages(texts)
    quotes = [quote for article in articles for quote in find_quotes(article.id, article.body)]
    quoted = spans_by_article(texts, quotes)
    shared, wire = shared_and_wire(articles, clusters)
    listed = most_shared(clusters, MAX_PASSAGES)
    return Comparison(
        story=story,
        articles=[
            compared_article(article, shared[article.id], wire[article.id], quoted[article.id], articles)
            for article in articles
        ],
        passages=[shared_passage(number, cluster, texts) for number, cluster in enumerate(listed, start=1)],
        quotes=quoted_statements(quotes),
        facts=aligned_facts(texts, {article.id: article.published for article in articles}),
        more_passages=len(clusters) - len(listed),
    )


def most_shared(clusters: list, limit: int) -> list:
    """The `limit` clusters found in the most articles (of equally shared ones, the first), in their order."""
    if len(clusters) <= limit:
        return clusters
    widest = sorted(range(len(clusters)), key=lambda k: -len(clusters[k].occurrences))[:limit]
    return [clusters[k] for k in sorted(widest)]


def shared_and_wire(articles: list[ArticleText], clusters) -> tuple[dict, dict]:
    """Per article, the spans it shares with others: copied, and wire copy (as (span, agency, other
    article) triples) where another article of the cluster credits an agency it credits too."""
    agencies = {article.id: set(article.agencies) for article in articles}
    shared = {article.id: [] for article in articles}
    wire = {article.id: [] for article in articles}
    for cluster in clusters:
        for occurrence in cluster.occurrences:
            span = (occurrence.start, occurrence.end)
            common = [
                (agency, other.article)
                for other in cluster.occurrences
                if other.article != occurrence.article
                for agency in sorted(agencies[occurrence.article] & agencies[other.article])
            ]
            shared[occurrence.article].append(span)
            wire[occurrence.article].extend((span, agency, other) for agency, other in common)
    return shared, wire


def shared_passage(number: int, cluster, texts: dict[int, str]) -> SharedPassage:
    return SharedPassage(
        id=number,
        text=cluster.text,
        occurrences=[
            PassageOccurrence(
                o.article,
                o.start,
                o.end,
                texts[o.article][o.start : o.end],
                round(o.similarity, 3),
                o.is_verbatim,
            )
            for o in cluster.occurrences
        ],
    )


def compared_article(
    article: ArticleText, shared: list, wire: list, quoted: list, articles: list[ArticleText]
) -> ComparedArticle:
    wire_spans = [span for span, _, _ in wire]
    explained = quoted + attributed_spans(article.body) + wire_spans  # not copying
    return ComparedArticle(
        id=article.id,
        url=article.url,
        label=article.label,
        title=article.title,
        unshared_share=round(unshared_share(article.body, shared), 3),
        copied_share=round(copied_share(article.body, shared, explained), 3),
        wire_share=round(1 - unshared_share(article.body, wire_spans), 3) if wire_spans else 0.0,
        wire=wire_shares(wire, articles),
        copied_words=copied_words(article.body, shared, explained),
    )


def wire_shares(wire: list, articles: list[ArticleText]) -> list[WireShare]:
    """Whom an article shares wire text with, per agency, in the order of the articles."""
    labels = {article.id: article.label for article in articles}
    order = {article.id: number for number, article in enumerate(articles)}
    others: dict[str, set[int]] = {}
    for _, agency, other in wire:
        others.setdefault(agency, set()).add(other)
    return [
        WireShare(agency, ids, [labels[pk] for pk in ids])
        for agency in sorted(others)
        for ids in [sorted(others[agency], key=order.__getitem__)]
    ]


def attributed_spans(text: str) -> list[tuple[int, int]]:
    """The sentences that attribute what they say: "The union demanded higher pay, shorter hours
    and ...", "According to the statement, ...". Repeating them is reporting, not copying."""
    sentences = Sentences(text)
    bounds = [*sentences.starts, len(text)]
    return [
        (start, end)
        for start, end in zip(bounds, bounds[1:], strict=False)
        if start < end and _ATTRIBUTED.search(text, start, end)
    ]


def quoted_statements(quotes: list) -> list[QuotedStatement]:
    """The quotes grouped by statement, each statement named by its own words."""
    groups = group_quotes(quotes)
    return [
        QuotedStatement(
            speaker=next((quote.speaker for quote in group if quote.speaker), None),
            text=statement,
            occurrences=[QuoteOccurrence(q.article, q.start, q.end, q.text, q.speaker) for q in group],
        )
        for group, statement in zip(groups, statement_texts(groups), strict=True)
    ]


def aligned_facts(texts: dict[int, str], published: dict | None = None) -> list[AlignedFact]:
    """The numbers the articles give, aligned across articles by kind, unit, subject and time."""
    published = published or {}
    facts = [
        fact for article, text in texts.items() for fact in find_facts(article, text, published.get(article))
    ]
    return [
        AlignedFact(
            kind=group[0].kind,
            subject=group_subject(group),
            unit=group[0].unit,
            differs=differs(group),
            occurrences=[
                FactOccurrence(
                    f.article, f.start, f.end, texts[f.article][f.start : f.end], f.value, f.qualifier
                )
                for f in group
            ],
        )
        for group in align_facts(facts)
    ]


def spans_by_article(texts: dict[int, str], found) -> dict[int, list[tuple[int, int]]]:
    """(start, end) of what was found (anything with article, start and end), per article."""
    spans = {article: [] for article in texts}
    for item in found:
        spans[item.article].append((item.start, item.end))
    return spans


def copied_share(text: str, shared: list[tuple[int, int]], explained: list[tuple[int, int]]) -> float:
    """Share of the text's non-space characters that other articles also have, outside what
    explains sharing it (its quotes, reported speech, wire copy)."""
    # What shared and explained text cover together, less what the explained text covers alone.
    return unshared_share(text, explained) - unshared_share(text, shared + explained)


def copied_words(text: str, shared: list[tuple[int, int]], explained: list[tuple[int, int]]) -> int:
    """The words of the text that other articles also have, outside what explains sharing them."""
    in_shared = covered(len(text), shared)
    in_explained = covered(len(text), explained)
    return sum(
        1 for word in _WORD.finditer(text) if in_shared[word.start()] and not in_explained[word.start()]
    )
