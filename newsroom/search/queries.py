"""Searches: what a reader may see that matches a query, ranked, counted and faceted.

The database does the matching and the permissions in one query (the index joined to the
articles or annotations, filtered as every page filters them). A query that matches more than
WINDOW items ranks, counts and facets the WINDOW most recently added of them, and the page says
so: that bounds the work of a common word over a large corpus.
"""

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.db.models import BooleanField, Count, Exists, OuterRef, Q
from django.db.models.expressions import RawSQL

from articles.models import Annotation, Article, Outlet, Story, Tag, TaggedAnnotation
from articles.models.annotations import Visibility
from newsroom.accounts.models import Group
from newsroom.search import backends
from newsroom.search.backends import ANNOTATION_TABLE, ARTICLE_TABLE
from newsroom.search.highlighting import Snippet, article_snippet, marked
from newsroom.search.syntax import STOP_WORDS, WORD, Query, Term

WINDOW = 1000
PAGE_SIZE = 20
FACET_SIZE = 12
SIMILAR_ARTICLES = 10
SIMILAR_WORDS = 24  # of an article, that "more like this" looks for
SIMILAR_DAYS = 30  # around an article's date: coverage of the same event


@dataclass
class Filters:
    """What a search is narrowed to; empty values narrow nothing."""

    story: Story | None = None
    outlet: Outlet | None = None
    tag: str = ""  # a tag's slug
    author: str = ""  # a user name or display name
    group: Group | None = None
    layer: str = ""  # "mine", "group" or "public"
    date_from: datetime.date | None = None  # of the articles' publication
    date_to: datetime.date | None = None
    annotated: str = ""  # "yes" or "no": articles with or without annotations the reader sees


@dataclass
class Results:
    kind: str  # "articles" or "annotations"
    page: object  # a Paginator page of hits (ArticleHit or AnnotationHit)
    count: int
    capped: bool  # more than WINDOW matched: count and facets are of the WINDOW newest
    outlets: list[tuple[Outlet, int]] = field(default_factory=list)
    tags: list[tuple[Tag, int]] = field(default_factory=list)


@dataclass
class ArticleHit:
    article: Article
    title: str  # safe HTML, matches marked
    snippet: Snippet


@dataclass
class AnnotationHit:
    annotation: Annotation
    quote: str  # safe HTML
    note: str
    replies: str


def search(user, query: Query, filters: Filters, *, kind: str, sort: str, page_number) -> Results:
    if kind == "articles":
        rows = _window(_articles(user, filters), ARTICLE_TABLE, query, "published_on", "outlet_id")
    else:
        rows = _window(
            _annotations(user, filters), ANNOTATION_TABLE, query, "created_at", "article__outlet_id"
        )
    capped = len(rows) > WINDOW
    rows = rows[:WINDOW]
    rows.sort(key=_by_date if sort == "date" else _by_rank, reverse=True)
    page = Paginator(rows, PAGE_SIZE).get_page(page_number)
    ids = [row[0] for row in page.object_list]
    page.object_list = _article_hits(query, ids) if kind == "articles" else _annotation_hits(query, ids)
    # Tags are the annotations': an article tab's tag counts would weigh every annotation of
    # thousands of articles, for a facet that its tag filter gives anyway.
    tags = _tags_of_annotations([row[0] for row in rows]) if kind == "annotations" else []
    return Results(
        kind=kind,
        page=page,
        count=len(rows),
        capped=capped,
        outlets=_outlets(Counter(row[3] for row in rows if row[3])),
        tags=tags,
    )


def similar_articles(article: Article, user) -> list[Article]:
    """Other articles that share the most distinctive words of this one's title and text, from the
    days around it when its date is known: other coverage of the same event."""
    words = _distinctive_words(article)
    if not words:
        return []
    query = Query(required=(tuple(Term(word) for word in words),))
    articles = Article.objects.exclude(pk=article.pk)
    if article.published_on:
        around = datetime.timedelta(days=SIMILAR_DAYS)
        articles = articles.filter(
            published_on__range=(article.published_on - around, article.published_on + around)
        )
    rows = sorted(
        _window(articles, ARTICLE_TABLE, query, "published_on", "outlet_id"), key=_by_rank, reverse=True
    )
    ids = [row[0] for row in rows[:SIMILAR_ARTICLES]]
    found = Article.objects.for_listing().select_related("story").in_bulk(ids)
    return [found[pk] for pk in ids]


# The matching rows: (id, rank, date, outlet id), newest first, at most WINDOW + 1.


def _matching(queryset, table: str, query: Query):
    sql, params = backends.current().match(table, query)
    # The backend's SQL names its own tables; the reader's words are parameters (backends.py).
    match = RawSQL(sql, params, output_field=BooleanField())  # nosec B611
    return queryset.filter(match, search_entry__isnull=False)


def _newest_first(table: str):
    """Newest first by the index's row ids: an order it gives without sorting."""
    return RawSQL(f'"{table}"."rowid"', []).desc()  # nosec B611  # table: a constant


def _window(queryset, table: str, query: Query, date: str, outlet: str) -> list[tuple]:
    rank_sql, rank_params = backends.current().rank(table, query)
    ranked = _matching(queryset, table, query).annotate(rank=RawSQL(rank_sql, rank_params))  # nosec B611
    newest_first = ranked.order_by(_newest_first(table))
    return list(newest_first.values_list("pk", "rank", date, outlet)[: WINDOW + 1])


def _by_rank(row):
    return (row[1], row[0])


def _by_date(row):
    return (row[2] is not None, row[2] or datetime.date.min, row[0])


def _visible_annotations(user):
    return Annotation.objects.visible_to(user).shown_in_full_to(user)


def _annotations(user, filters: Filters):
    annotations = _visible_annotations(user).filter(_article_conditions(filters, "article__"))
    if filters.tag:
        annotations = annotations.filter(tags__slug=filters.tag)
    if filters.author:  # by user name, or by the name the results show (a display name)
        # The users first, then their annotations through the author index (an OR across the two
        # joined tables would read every annotation).
        named = Q(username=filters.author) | Q(profile__display_name__iexact=filters.author)
        annotations = annotations.filter(author__in=get_user_model().objects.filter(named).values("pk"))
    if filters.group:
        annotations = annotations.filter(group=filters.group)
    if filters.layer == "mine":
        annotations = annotations.filter(author=user) if user.is_authenticated else annotations.none()
    elif filters.layer in (Visibility.GROUP, Visibility.PUBLIC):
        annotations = annotations.filter(visibility=filters.layer)
    return annotations


def _articles(user, filters: Filters):
    articles = Article.objects.filter(_article_conditions(filters, ""))
    annotations = _annotations(user, filters)
    if filters.tag or filters.author or filters.group:
        # Their few annotations' articles found once: checked per matching article instead,
        # SQLite walks all of one author's annotations for each.
        articles = articles.filter(pk__in=annotations.values("article"))
    elif filters.layer:
        # A layer holds too many annotations to list: each matching article is checked.
        articles = articles.filter(Exists(annotations.filter(article=OuterRef("pk"))))
    annotated = Exists(_visible_annotations(user).filter(article=OuterRef("pk")))
    if filters.annotated == "yes":
        articles = articles.filter(annotated)
    elif filters.annotated == "no":
        articles = articles.exclude(annotated)
    return articles


def _article_conditions(filters: Filters, path: str) -> Q:
    conditions = Q()
    if filters.story:
        conditions &= Q(**{f"{path}story": filters.story})
    if filters.outlet:
        conditions &= Q(**{f"{path}outlet": filters.outlet})
    if filters.date_from:
        conditions &= Q(**{f"{path}published_on__gte": filters.date_from})
    if filters.date_to:
        conditions &= Q(**{f"{path}published_on__lte": filters.date_to})
    return conditions


# A page of hits, with their snippets.


def _article_hits(query: Query, ids: list[int]) -> list[ArticleHit]:
    # The bodies are read apart, for the snippets only: the hits are kept in the cache without them.
    articles = Article.objects.select_related("outlet", "story").defer("body").in_bulk(ids)
    bodies = dict(Article.objects.filter(pk__in=ids).values_list("pk", "body"))
    snippets = backends.current().article_snippets(query, ids) if ids else {}
    hits = []
    for pk in ids:
        title, body = snippets.get(pk, ("", ""))
        article = articles[pk]
        hits.append(ArticleHit(article, marked(title or article.title), article_snippet(bodies[pk], body)))
    return hits


def _annotation_hits(query: Query, ids: list[int]) -> list[AnnotationHit]:
    annotations = (
        Annotation.objects.select_related("article__outlet", "article__story", "author__profile")
        .defer("article__body")
        .prefetch_related("tags")
        .in_bulk(ids)
    )
    snippets = backends.current().annotation_snippets(query, ids) if ids else {}
    hits = []
    for pk in ids:
        quote, note, replies = snippets.get(pk, ("", "", ""))
        annotation = annotations[pk]
        hits.append(
            AnnotationHit(annotation, marked(quote or annotation.short_exact), marked(note), marked(replies))
        )
    return hits


# Facets: how many of the matches are of each outlet and carry each tag.


def _outlets(counts: Counter) -> list[tuple[Outlet, int]]:
    top = counts.most_common(FACET_SIZE)
    outlets = Outlet.objects.in_bulk([pk for pk, _ in top])
    return [(outlets[pk], count) for pk, count in top]


def _tags_of_annotations(ids: list[int]) -> list[tuple[Tag, int]]:
    tagged = TaggedAnnotation.objects.filter(content_object_id__in=ids)
    rows = list(tagged.values("tag").annotate(count=Count("id")).order_by("-count", "tag")[:FACET_SIZE])
    tags = Tag.objects.in_bulk([row["tag"] for row in rows])
    return [(tags[row["tag"]], row["count"]) for row in rows]


def _distinctive_words(article: Article) -> list[str]:
    """The title's words, then the body's most frequent long words: a query for its event."""
    title = [word for word in WORD.findall(article.title.lower()) if word not in STOP_WORDS]
    body = Counter(
        word for word in WORD.findall(article.body.lower()) if len(word) > 4 and word not in STOP_WORDS
    )
    words = dict.fromkeys(title + [word for word, _ in body.most_common(SIMILAR_WORDS)])
    return list(words)[:SIMILAR_WORDS]
