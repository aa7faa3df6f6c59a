"""Finding where a record's passage is here: the article its source URL names, else the articles that
contain its quote, placed by the rules the app re-anchors by (w3c.place). What cannot be placed in
exactly one article is Orphaned, never guessed. And the audience it can have here."""

from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.urls import Resolver404, resolve

from articles.models import Article
from articles.models.annotations import Visibility
from articles.text.anchoring import Anchor
from newsroom.accounts.models import memberships_of
from newsroom.api.imports.formats import Item
from newsroom.api.w3c import group_slug_of, place

# Articles that contain a quote, looked at to choose one: more than this, and the quote says nothing.
MAX_QUOTE_MATCHES = 20


class Orphaned(Exception):
    """An annotation whose passage cannot be found in any article; the message says why."""


@dataclass
class ArticleFinder:
    """Finds the article of each record of a file. A file's records name few articles: each URL and
    quote is looked up once."""

    at_url: dict = field(default_factory=dict)  # URL -> the articles it names
    quoting: dict = field(default_factory=dict)  # quote -> the articles that contain it

    def find_passage(self, item: Item) -> tuple[Article, Anchor]:
        """The one article the item's passage is in, and where; Orphaned if not exactly one."""
        if not item.selectors:
            raise Orphaned("It has no passage to place (no TextQuoteSelector or TextPositionSelector).")
        quote = next((s for s in item.selectors if s.type == "TextQuoteSelector" and s.exact), None)
        named = next((found for url in item.sources if url and (found := self.articles_at(url))), [])
        if not named and quote is None:
            raise Orphaned("No article here has its source URL, and it has no quote to look for.")
        candidates = named or self.articles_quoting(quote.exact)
        placed = [
            (article, anchor) for article in candidates if (anchor := place(article.body, item.selectors))
        ]
        if len(placed) > 1 and quote is not None:  # several articles quote it: its context decides
            in_context = quote.prefix + quote.exact + quote.suffix
            placed = [(article, anchor) for article, anchor in placed if in_context in article.body] or placed
        if len(placed) == 1:
            return placed[0]
        if placed:
            titles = ", ".join(f"“{article.title}”" for article, _ in placed[:5])
            raise Orphaned(
                f"Its quote is in {len(placed)} articles ({titles}): its source URL must say which."
            )
        if named:
            raise Orphaned(f"Its passage is not in “{named[0].title}” (any more).")
        raise Orphaned("No article here has its source URL or its quote.")

    def articles_at(self, url: str) -> list[Article]:
        if url not in self.at_url:
            self.at_url[url] = articles_at(url)
        return self.at_url[url]

    def articles_quoting(self, exact: str) -> list[Article]:
        if exact not in self.quoting:
            found = Article.objects.filter(body__contains=exact).only("pk", "slug", "title", "body")
            self.quoting[exact] = list(found[:MAX_QUOTE_MATCHES])
        return self.quoting[exact]


def articles_at(url: str) -> list[Article]:
    """The articles a URL names: one's page on this site (its pk and slug), else their source URL."""
    try:
        parts = urlsplit(url)
        match = resolve(parts.path)
    except (ValueError, Resolver404):
        match = None
    if match is not None and match.view_name == "articles:article_detail":
        return list(Article.objects.filter(pk=match.kwargs["pk"], slug=match.kwargs["slug"]))
    bare = url.split("#")[0].rstrip("/")
    if not bare or len(bare) > 2000:
        return []
    return list(Article.objects.filter(source_url__in={bare, bare + "/"}).order_by("pk"))


def audience_here(author, item: Item) -> tuple[str, str]:
    """The popover's audience choice for the item's visibility and group as its author can choose it
    here, and what the report says of it: a group the author is not in (or that is not here) makes it
    private, which the message says."""
    if item.visibility != Visibility.GROUP:
        return item.visibility, ""
    slug = group_slug_of(item.group)
    membership = next((m for m in memberships_of(author) if m.group.slug == slug), None)
    if membership is None:
        shown = slug[:60] or "(none)"
        return (
            Visibility.PRIVATE,
            f"Imported as private: {author.get_username()} is not in a group “{shown}” here.",
        )
    return f"group-{membership.group_id}", ""
