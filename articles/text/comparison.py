"""A story's comparison: what its articles share, whom they quote and which numbers they give.

`compare_articles()` computes it from the texts alone; `Comparison` is the record that is
stored (as `to_json()`), served at /stories/<slug>/comparison.json and read by every page.
Its `version` changes whenever its shape does: a stored record of another version is
recomputed, never read (`from_json` refuses it).
"""

from dataclasses import asdict, dataclass, field

from articles.text.facts import align_facts, differs, find_facts
from articles.text.passages import find_shared_passages, unshared_share
from articles.text.quotes import find_quotes, group_quotes, statement_texts

VERSION = 1

# From this share of its text found in other articles OUTSIDE its quotation marks, an article is
# flagged as repeating others: quoting the same letter is journalism, repeating another's
# sentences is not.
REPEATS_FROM = 0.1


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


@dataclass(frozen=True)
class ComparedArticle:
    id: int
    url: str
    label: str
    title: str
    unshared_share: float  # of its text found in no other article
    copied_share: float  # of its text found in others, outside its own quotation marks

    @property
    def repeats_others(self) -> bool:
        return self.copied_share >= REPEATS_FROM


@dataclass(frozen=True)
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


@dataclass(frozen=True)
class Comparison:
    story: str
    articles: list[ComparedArticle]
    passages: list[SharedPassage]
    quotes: list[QuotedStatement]
    facts: list[AlignedFact]
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
            articles=[ComparedArticle(**article) for article in data["articles"]],
            passages=groups(SharedPassage, PassageOccurrence, "passages"),
            quotes=groups(QuotedStatement, QuoteOccurrence, "quotes"),
            facts=groups(AlignedFact, FactOccurrence, "facts"),
        )

    def labels(self) -> dict[int, str]:
        return {article.id: article.label for article in self.articles}


def compare_articles(story: str, articles: list[ArticleText]) -> Comparison:
    """Compare the articles of one story (named by its slug)."""
    texts = {article.id: article.body for article in articles}
    clusters = find_shared_passages(texts)
    quotes = [quote for article in articles for quote in find_quotes(article.id, article.body)]
    shared = spans_by_article(texts, [o for cluster in clusters for o in cluster.occurrences])
    quoted = spans_by_article(texts, quotes)
    return Comparison(
        story=story,
        articles=[compared_article(article, shared[article.id], quoted[article.id]) for article in articles],
        passages=[shared_passage(number, cluster, texts) for number, cluster in enumerate(clusters, start=1)],
        quotes=quoted_statements(quotes),
        facts=aligned_facts(texts),
    )


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


def compared_article(article: ArticleText, shared: list, quoted: list) -> ComparedArticle:
    return ComparedArticle(
        id=article.id,
        url=article.url,
        label=article.label,
        title=article.title,
        unshared_share=round(unshared_share(article.body, shared), 3),
        copied_share=round(copied_share(article.body, shared, quoted), 3),
    )


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


def aligned_facts(texts: dict[int, str]) -> list[AlignedFact]:
    """The numbers the articles give, aligned across articles by kind, subject and value."""
    facts = [fact for article, text in texts.items() for fact in find_facts(article, text)]
    return [
        AlignedFact(
            kind=group[0].kind,
            subject=group[0].subject,
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


def copied_share(text: str, shared: list[tuple[int, int]], quoted: list[tuple[int, int]]) -> float:
    """Share of the text's non-space characters that other articles also have, outside its quotes."""
    # What shared and quoted text cover together, less what the quotes cover alone.
    return unshared_share(text, quoted) - unshared_share(text, shared + quoted)
