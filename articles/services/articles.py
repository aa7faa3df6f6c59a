"""An article's text changed: keep it canonical, place its annotations again, recompare its story."""

from dataclasses import dataclass

from django.db import transaction

from articles.models import Annotation, Article
from articles.services.coverage import mark_stale
from articles.text.anchoring import TextQuote, quote_at, relocate


@dataclass
class ReanchorSummary:
    kept: int = 0
    moved: int = 0
    orphaned: int = 0


@transaction.atomic
def update_article_text(article: Article) -> ReanchorSummary:
    """Save an article whose text may have changed, by an editor or a re-import.

    Its body is kept canonical, its annotations are placed again (or orphaned), and its story's
    comparison is marked stale: the caller compares it now or leaves it to `compare_stories`.
    """
    article.clean()
    article.save()
    mark_stale([article.story_id])
    return reanchor_article(article)


@transaction.atomic
def reanchor_article(article: Article) -> ReanchorSummary:
    """Place every annotation of an edited article again; those not found become orphans."""
    summary = ReanchorSummary()
    changed = []
    for annotation in article.annotations.all():
        quote = TextQuote(annotation.exact, annotation.prefix, annotation.suffix)
        anchor = relocate(article.body, start=annotation.start, end=annotation.end, quote=quote)
        if anchor is None:
            summary.orphaned += 1
            annotation.is_orphan = True
        elif anchor.method == "position" and not annotation.is_orphan:
            summary.kept += 1
            continue
        else:
            summary.moved += 1
            # The selectors follow the text, so the next edit is matched against what is there now.
            new_quote = quote_at(article.body, anchor.start, anchor.end)
            annotation.start, annotation.end, annotation.is_orphan = anchor.start, anchor.end, False
            annotation.exact, annotation.prefix, annotation.suffix = (
                new_quote.exact,
                new_quote.prefix,
                new_quote.suffix,
            )
        annotation.version += 1  # its passage moved: an edit made against the old one is refused
        changed.append(annotation)
    fields = ["start", "end", "exact", "prefix", "suffix", "is_orphan", "version"]
    Annotation.objects.bulk_update(changed, fields)
    article.touch_annotations()
    return summary
