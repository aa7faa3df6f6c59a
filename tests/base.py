"""Small helpers that make rows for tests."""

from functools import cache
from itertools import count
from pathlib import Path

from django.urls import reverse

from articles.importer import load_manifest, parse_text_file
from articles.models import Article, Outlet, Story
from articles.text.canonical import canonicalize

_numbers = count(1)


def make_outlet(name: str = "") -> Outlet:
    number = next(_numbers)
    name = name or f"Outlet {number}"
    return Outlet.objects.create(name=name, slug=f"outlet-{number}")


def make_story(title: str = "A story") -> Story:
    return Story.objects.create(title=title, slug=f"story-{next(_numbers)}")


def annotate(article: Article, author, text: str, tags=(), note: str = "", **audience):
    """Annotate the first occurrence of text in the article, through the service the app uses
    (public, unless `audience` gives a visibility and group)."""
    from articles.services.annotations import create_annotation

    start = article.body.index(text)
    end = start + len(text)
    return create_annotation(
        article=article,
        author=author,
        start=start,
        end=end,
        exact=text,
        tags=list(tags),
        note=note,
        **audience,
    )


def make_article(
    *, story=None, outlet=None, title: str = "", body: str = "First paragraph.\n\nSecond one.", **fields
) -> Article:
    number = next(_numbers)
    article = Article(
        story=story,
        outlet=outlet,
        title=title or f"Article {number}",
        slug=f"article-{number}",
        source_file=f"article-{number}.txt",
        body=canonicalize(body),
        **fields,
    )
    article.full_clean()
    article.save()
    return article


FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


@cache
def corpus() -> dict[int, str]:
    """The cleaned body of each corpus file, keyed by the number its name starts with (0 to 4)."""
    manifest = load_manifest(FIXTURES / "manifest.json")
    return {
        int(path.name[:3]): parse_text_file(path.name, path.read_bytes(), manifest)["body"]
        for path in sorted(FIXTURES.glob("*.txt"))
    }


# Writing through the API, as the popover does.


def passage(article, text):
    start = article.body.index(text)
    return {"start": start, "end": start + len(text), "exact": text}


def annotation_json(*, start, end, exact, tags="", note="", **audience):
    """What the popover (annotate.js) sends: a W3C Web Annotation of the passage."""
    bodies = [{"type": "TextualBody", "value": note, "purpose": "commenting", "format": "text/markdown"}]
    bodies = bodies if note else []
    bodies += [{"type": "TextualBody", "value": tag, "purpose": "tagging"} for tag in tags.split(",")]
    selectors = [
        {"type": "TextPositionSelector", "start": start, "end": end},
        {"type": "TextQuoteSelector", "exact": exact},
    ]
    return {"type": "Annotation", "body": bodies, "target": {"selector": selectors}, **audience}


def post_annotation(client, article, **fields):
    url = reverse("api:annotation_create", args=[article.pk])
    return client.post(url, annotation_json(**fields), content_type="application/json")
