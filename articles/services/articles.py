"""An article's text changed: keep it canonical, place its annotations again, recompare its story."""

from dataclasses import asdict, dataclass

from django.db import transaction

from articles.models import Annotation, Article
from articles.services.coverage import compare_later, mark_stale
from articles.text.anchoring import TextQuote, quote_at, relocate
from articles.text.canonical import canonicalize, content_hash
from newsroom.jobs.models import Job
from newsroom.jobs.services import JobRefused, pending_job, start_job

# Up to this many annotations, an edited article's are placed again in the editor's request, in
# under a second: finding one takes 0.07 to 0.26 ms, but writing a moved one back (its row and its
# search entry) about 4 ms on SQLite, so 1,000 moved take 4 to 5 s. Beyond, the worker saves the new
# text and places them, in one transaction (update_article_text_later).
REANCHOR_IN_REQUEST_UP_TO = 200


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


def is_big_edit(article: Article) -> bool:
    return article.annotations.count() > REANCHOR_IN_REQUEST_UP_TO


def article_subject(article_id: int) -> str:
    return f"article:{article_id}"


def text_edit_in_progress(article: Article) -> Job | None:
    return pending_job(Job.Kind.ARTICLE_TEXT, article_subject(article.pk))


def update_article_text_later(article: Article, body: str, editor) -> Job:
    """Have the worker save the article's new text and place its annotations again, together, so
    that no reader sees annotations placed in a text they were not placed in. Meanwhile the article
    keeps its text (the caller saves its other fields)."""
    stored_hash = Article.objects.values_list("content_hash", flat=True).get(pk=article.pk)
    return start_job(
        Job.Kind.ARTICLE_TEXT,
        subject=article_subject(article.pk),
        owner=editor,
        article_id=article.pk,
        body=body,
        previous_hash=stored_hash,
    )


@transaction.atomic
def apply_article_text(*, article_id: int, body: str, previous_hash: str) -> dict:
    """The worker's side of update_article_text_later(): the summary of the re-anchoring. Run twice,
    it finds the text already there and every annotation in place."""
    article = Article.objects.select_for_update().filter(pk=article_id).first()
    if article is None:
        raise JobRefused("The article was deleted before its new text was saved.")
    body = canonicalize(body)
    if article.content_hash not in {previous_hash, content_hash(body)}:
        raise JobRefused("The article's text changed again meanwhile (re-imported?): edit it again.")
    article.body = body
    summary = update_article_text(article)
    compare_later([article.story_id] if article.story_id else [])
    return asdict(summary)


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
