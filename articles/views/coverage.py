"""A story's coverage: what its articles share, as a page and as JSON, and annotating it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from articles.forms import AnnotationEditForm, error_text
from articles.models import Story, StoryComparison
from articles.queries.stories import confirmed_story, coverage_table
from articles.services.annotations import ClusterError, annotate_cluster
from articles.services.coverage import comparison_in_progress
from newsroom.limits import rate_limited


def story_coverage(request, slug):
    story = confirmed_story(slug)
    return render(request, "articles/story_coverage.html", coverage_context(story, request.user))


def coverage_context(story: Story, user, refused: dict | None = None) -> dict:
    """The coverage page; `refused` is the cluster form sent back with its errors and text."""
    comparison = StoryComparison.objects.filter(story=story).first()
    return {
        "story": story,
        "comparison": comparison,
        "comparing": comparison_in_progress(story),
        "table": coverage_table(comparison.record) if comparison and comparison.record else None,
        "cluster_form": AnnotationEditForm(auto_id=False, author=user),
        "refused": refused or {},
    }


def story_comparison_json(request, slug):
    """The stored record (its shape: text.comparison, with its version) and when it was made."""
    stories = Story.objects.confirmed()
    comparison = get_object_or_404(StoryComparison.objects.current(), story__in=stories, story__slug=slug)
    return JsonResponse(
        {
            **comparison.record.to_json(),
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
    if error:  # the page again, with what the user typed
        messages.error(request, error)
        refused = {"cluster": cluster_id, "form": form, "error": error}
        return render(
            request,
            "articles/story_coverage.html",
            coverage_context(story, request.user, refused),
            status=400,
        )
    messages.success(request, f"Annotated the passage in {len(annotations)} articles.")
    return redirect(f"{reverse('articles:story_coverage', args=[slug])}#passage-{cluster_id}")
