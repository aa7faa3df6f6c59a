"""Reading: home, stories, outlets, an article, and articles side by side."""

from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from articles.forms import AnnotationForm
from articles.models import Article, Outlet, Story
from articles.queries.reading import article_reading, undoable_annotation
from articles.queries.stories import (
    articles_without_outlet,
    compare_columns,
    compare_selection,
    outlet_article_page,
    outlets_with_latest_articles,
    story_articles,
    story_page,
)
from articles.queries.tags import existing_tag_slug
from articles.views.caching import cached_page, page_key
from articles.views.navigation import with_query


def home(request):
    return render(
        request,
        "articles/home.html",
        {
            "stories": story_page(request.GET.get("page")),
            "outlets": outlets_with_latest_articles(),
            "unattributed": articles_without_outlet(),
        },
    )


def story_detail(request, slug):
    story = get_object_or_404(Story, slug=slug)
    return render(
        request,
        "articles/story_detail.html",
        {
            "story": story,
            "articles": story_articles(story),
        },
    )


def outlet_detail(request, slug):
    outlet = get_object_or_404(Outlet, slug=slug)
    return render(
        request,
        "articles/outlet_detail.html",
        {
            "outlet": outlet,
            "articles": outlet_article_page(outlet, request.GET.get("page")),
        },
    )


def reading_context(request, return_to: str) -> dict:
    """What every page where the user reads and annotates needs, besides its articles.

    return_to, where edits and deletes come back to, is built from the page's checked
    parameters only: it is part of cache keys.
    """
    return {
        "annotation_form": AnnotationForm(),
        "undo": undoable_annotation(request.user, request.GET.get("undo")),
        "return_to": return_to,
    }


def article_detail(request, pk, slug):
    article = get_object_or_404(Article.objects.select_related("outlet", "story"), pk=pk)
    if slug != article.slug:
        return redirect(article, permanent=True)
    tag = existing_tag_slug(request.user, request.GET.get("tag", ""))
    key = page_key("article", article.pk, article.updated_at, article.annotations_changed_at, tag)

    def render_page():
        return_to = with_query(article.get_absolute_url(), tag=tag)
        context = {
            **article_reading(request.user, article, tag),
            **reading_context(request, return_to),
        }
        return render(request, "articles/article_detail.html", context)

    return cached_page(request, key, render_page)


def compare(request, slug):
    story = get_object_or_404(Story, slug=slug)
    articles, error = compare_selection(story, request.GET.getlist("a"))
    if error:
        context = {"story": story, "articles": story_articles(story), "error": error}
        return render(request, "articles/story_detail.html", context, status=400)
    columns = compare_columns(request.user, story, articles)
    return_to = with_query(reverse("articles:compare", args=[slug]), a=[article.pk for article in articles])
    context = {"story": story, "columns": columns, **reading_context(request, return_to)}
    return render(request, "articles/compare.html", context)
