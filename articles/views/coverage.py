"""A story's coverage: what its articles share, as a page and as JSON, and annotating it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from articles.forms import AnnotationEditForm, error_text
from articles.models import Story, StoryComparison
from articles.navigation import page_number
from articles.queries.stories import confirmed_story, coverage_table
from articles.services.annotations import ClusterError, annotate_cluster
from articles.services.coverage import comparison_in_progress
from articles.views.caching import cached_page, page_key
from newsroom.limits import rate_limited

COVERAGE_PAGE = "articles/story_coverage.html"


def story_coverage(request, slug):
    """Cached like a page of a list (caching.cached_list_page), one copy per page of columns
    (?articles=N): a large story's record takes tens of milliseconds to read and lay out."""
    story = confirmed_story(slug)  # on every request: a dismissed story is gone at once, cached or not
    columns = request.GET.get("articles", "1")
    comparing = comparison_in_progress(story)
    if (number := page_number(columns)) is None:
        return render(request, COVERAGE_PAGE, coverage_context(story, request.user, columns, comparing))

    def page_context():  # only on a cache miss; links back to the page number, not to what was typed
        return coverage_context(story, request.user, columns, comparing) | {
            "page_url": coverage_url(story, number)
        }

    # The comparison's row without its record (megabytes of JSON): when it was computed says what it is.
    computed = StoryComparison.objects.filter(story=story).values_list("computed_at", "is_stale").first()
    key = ("coverage", story.pk, story.slug, story.title, computed, comparing and comparing.pk, number)
    return cached_page(request, page_key(*key), COVERAGE_PAGE, page_context, frozenset({"articles"}))


def coverage_url(story: Story, columns: int) -> str:
    url = reverse("articles:story_coverage", args=[story.slug])
    return url if columns == 1 else f"{url}?articles={columns}"


def coverage_context(story: Story, user, columns: str | None, comparing, refused: dict | None = None) -> dict:
    """The coverage page at the page of columns `columns` (as typed); `refused` is the cluster form
    sent back with its errors and text."""
    comparison = StoryComparison.objects.filter(story=story).first()
    return {
        "story": story,
        "comparison": comparison,
        "comparing": comparing,
        "table": coverage_table(comparison.record, columns) if comparison and comparison.record else None,
        "cluster_form": rendered_fields(AnnotationEditForm(auto_id=False, author=user)),
        "refused": refused or {},
    }


def rendered_fields(form) -> dict:
    """The fields of the same empty form that each of up to COVERAGE_ROWS passages shows: each
    widget rendered once for all of them, not once per passage (half the signed-in page's CPU)."""
    return {name: str(form[name]) for name in form.fields}


def story_comparison_json(request, slug):
    """The stored record (its shape: text.comparison, with its version) and when it was made.

    Served as stored (current(): this code's version of the shape), not read into a Comparison and
    written out again: for 1,500 articles that took twice as long as the rest."""
    stories = Story.objects.confirmed()
    comparison = get_object_or_404(StoryComparison.objects.current(), story__in=stories, story__slug=slug)
    return JsonResponse(
        {
            **comparison.data,
            "computed_at": comparison.computed_at,
            "is_stale": comparison.is_stale,
        }
    )


@login_required
@require_POST
@rate_limited("write")
def cluster_annotate(request, slug, cluster_id):
    story = confirmed_story(slug)
    form = AnnotationEditForm(request.POST, auto_id=False, author=request.user)
    error = "" if form.is_valid() else error_text(form)
    if not error:
        try:
            annotations = annotate_cluster(
                story=story, cluster_id=cluster_id, author=request.user, **form.cleaned_data
            )
        except ClusterError as problem:
            error = str(problem)
    columns = request.GET.get("articles", "1")  # the page of columns the form was on
    if error:  # that page again, with what the user typed
        messages.error(request, error)
        refused = {"cluster": cluster_id, "form": form, "error": error}
        context = coverage_context(story, request.user, columns, comparison_in_progress(story), refused)
        return render(request, COVERAGE_PAGE, context, status=400)
    messages.success(request, f"Annotated the passage in {len(annotations)} articles.")
    return redirect(f"{coverage_url(story, page_number(columns) or 1)}#passage-{cluster_id}")
