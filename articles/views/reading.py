"""Reading: home, stories, outlets, an article, and articles side by side."""

from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from articles.forms import AnnotationEditForm
from articles.models import Article, Outlet
from articles.navigation import keeping_query
from articles.queries.reading import (
    ArticleAnnotations,
    article_head,
    article_reading,
    reading_filters,
    reading_key,
    undoable_annotation,
)
from articles.queries.stories import (
    OtherCoverage,
    articles_without_outlet,
    compare_columns,
    compare_head,
    compare_key,
    compare_selection,
    confirmed_story,
    current_comparison,
    fragments_reading,
    latest_articles,
    outlet_article_page,
    outlets_with_counts,
    story_articles,
    story_page,
)
from articles.views.caching import (
    cached_list_page,
    cached_page,
    fragments_response,
    not_modified_since,
    page_key,
    poll_of,
)


def home(request):
    def page_context():  # only on a cache miss: the same for every reader
        return {
            "stories": story_page(request.GET.get("page")),
            "latest": latest_articles(),
            "outlets": outlets_with_counts(),
            "unattributed": articles_without_outlet(),
        }

    return cached_list_page(request, ("home",), "articles/home.html", page_context)


def story_detail(request, slug):
    story = confirmed_story(slug)  # on every request: a dismissed story is gone at once, cached or not

    def page_context():  # only on a cache miss
        return {"story": story, "articles": story_articles(story, request.GET.get("page"))}

    key = ("story", story.pk, story.title, story.summary, story.date)  # an editor's fix shows at once
    return cached_list_page(request, key, "articles/story_detail.html", page_context)


def outlet_detail(request, slug):
    outlet = get_object_or_404(Outlet, slug=slug)
    articles = outlet_article_page(outlet, request.GET.get("page"))
    return render(request, "articles/outlet_detail.html", {"outlet": outlet, "articles": articles})


def reading_context(request, page_url: str) -> dict:
    """What every page where the user reads and annotates needs, besides its articles."""
    return {
        "annotation_form": AnnotationEditForm(author=request.user),
        "undo": undoable_annotation(request.user, request.GET.get("undo")),
        "page_url": page_url,
    }


def article_detail(request, pk, slug):
    if (head := article_head(pk)) is None:
        raise Http404("No such article.")
    if slug != head.slug:  # to its address, with the filters it was asked for
        url = reverse("articles:article_detail", args=[pk, head.slug])
        return redirect(keeping_query(request, url), permanent=True)
    filters = reading_filters(request.user, request.GET)

    def page_context():  # only on a cache miss
        article = get_object_or_404(Article.objects.select_related("outlet", "story"), pk=pk)
        reading = ArticleAnnotations(request.user, article, filters=filters)
        context = article_reading(reading) | reading_context(request, reading.page_url)
        return context | {"story": article.shown_story, "other_coverage": OtherCoverage(article)}

    # Its story's confirmation, dismissal or new title changes what the page shows (kicker, other coverage).
    key = page_key("article", reading_key(request.user, head.state, filters), head.shown_story)
    return cached_page(request, key, "articles/article_detail.html", page_context)


# The columns (as compare_head() checked them) and the filters.
COMPARE_QUERY_KEYS = frozenset({"a", "tag", "layer", "author"})


def compare(request, slug):
    picked = request.GET.getlist("a")
    if (head := compare_head(slug, picked)) is None:  # no story, or no selection of it: say which
        story = confirmed_story(slug)
        error = compare_selection(story, picked)[1] or "These articles changed; pick them again."
        context = {"story": story, "articles": story_articles(story), "error": error, "picked": picked}
        return render(request, "articles/story_detail.html", context, status=400)
    filters = reading_filters(request.user, request.GET)

    def page_context():  # only on a cache miss
        story = confirmed_story(slug)
        articles, error = compare_selection(story, picked)
        if error:  # (changed since the head was read)
            raise Http404(error)
        comparison = current_comparison(story)
        columns = compare_columns(request.user, comparison, articles, filters)
        unmarked = comparison.more_passages if comparison else 0  # the record lists the most shared
        context = {"story": story, "columns": columns, "unmarked_passages": unmarked}
        return context | reading_context(request, columns[0].page_url)

    key = page_key("compare", compare_key(request.user, head, filters))
    return cached_page(request, key, "articles/compare.html", page_context, COMPARE_QUERY_KEYS)


@require_GET
def article_fragments(request, pk):
    """An article's highlighted text and annotation list as a page shows them (its tag filter, or
    its side-by-side columns): pages fetch them again after each write, and poll them."""
    poll = poll_of(request, pk)
    if (not_modified := not_modified_since(request, poll)) is not None:
        return not_modified  # the quick answer to most polls: no user, article or template loaded
    article = get_object_or_404(Article.objects.select_related("story"), pk=pk)
    reading = fragments_reading(request.user, article, request.GET)
    if reading is None:
        return JsonResponse({"error": "These columns are no side-by-side view of this article."}, status=400)
    return fragments_response(request, reading)
