from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from articles import coverage, queries, services
from articles.forms import AnnotationEditForm, AnnotationForm, error_text
from articles.models import Article, Outlet, Story, StoryComparison
from articles.navigation import at_highlight, return_url, with_query
from articles.page_cache import cached_page, page_key
from articles.permissions import access_annotation_for_edit, access_deleted_annotation


def home(request):
    return render(
        request,
        "articles/home.html",
        {
            "stories": queries.story_page(request.GET.get("page")),
            "outlets": queries.outlets_with_latest_articles(),
            "unattributed": queries.articles_without_outlet(),
        },
    )


def story_detail(request, slug):
    story = get_object_or_404(Story, slug=slug)
    return render(
        request,
        "articles/story_detail.html",
        {
            "story": story,
            "articles": queries.story_articles(story),
        },
    )


def outlet_detail(request, slug):
    outlet = get_object_or_404(Outlet, slug=slug)
    return render(
        request,
        "articles/outlet_detail.html",
        {
            "outlet": outlet,
            "articles": queries.outlet_article_page(outlet, request.GET.get("page")),
        },
    )


def reading_context(request, return_to: str) -> dict:
    """What every page where the user reads and annotates needs, besides its articles.

    return_to, where edits and deletes come back to, is built from the page's checked
    parameters only: it is part of cache keys.
    """
    return {
        "annotation_form": AnnotationForm(),
        "undo": queries.undoable_annotation(request.user, request.GET.get("undo")),
        "return_to": return_to,
    }


def article_detail(request, pk, slug):
    article = get_object_or_404(Article.objects.select_related("outlet", "story"), pk=pk)
    if slug != article.slug:
        return redirect(article, permanent=True)
    tag = queries.existing_tag_slug(request.user, request.GET.get("tag", ""))
    key = page_key("article", article.pk, article.updated_at, article.annotations_changed_at, tag)

    def render_page():
        return_to = with_query(article.get_absolute_url(), tag=tag)
        context = {
            **queries.article_reading(request.user, article, tag),
            **reading_context(request, return_to),
        }
        return render(request, "articles/article_detail.html", context)

    return cached_page(request, key, render_page)


def compare(request, slug):
    story = get_object_or_404(Story, slug=slug)
    articles, error = queries.compare_selection(story, request.GET.getlist("a"))
    if error:
        context = {"story": story, "articles": queries.story_articles(story), "error": error}
        return render(request, "articles/story_detail.html", context, status=400)
    columns = coverage.compare_columns(request.user, story, articles)
    return_to = with_query(reverse("articles:compare", args=[slug]), a=[article.pk for article in articles])
    context = {"story": story, "columns": columns, **reading_context(request, return_to)}
    return render(request, "articles/compare.html", context)


def story_coverage(request, slug):
    story = get_object_or_404(Story, slug=slug)
    return render(request, "articles/story_coverage.html", coverage_context(story))


def coverage_context(story: Story, refused: dict | None = None) -> dict:
    """The coverage page; `refused` is the cluster form sent back with its errors and text."""
    comparison = StoryComparison.objects.filter(story=story).first()
    return {
        "story": story,
        "comparison": comparison,
        "table": coverage.coverage_table(comparison) if comparison else None,
        "cluster_form": AnnotationEditForm(auto_id=False),
        "refused": refused or {},
    }


def story_comparison_json(request, slug):
    comparison = get_object_or_404(StoryComparison, story__slug=slug)
    return JsonResponse(
        {**comparison.data, "computed_at": comparison.computed_at, "is_stale": comparison.is_stale}
    )


@login_required
@require_POST
def cluster_annotate(request, slug, cluster_id):
    story = get_object_or_404(Story, slug=slug)
    form = AnnotationEditForm(request.POST, auto_id=False)
    error = "" if form.is_valid() else error_text(form)
    if not error:
        try:
            annotations = services.annotate_cluster(
                story=story, cluster_id=cluster_id, author=request.user, **form.cleaned_data
            )
        except services.ClusterError as problem:
            error = str(problem)
    if error:  # the page again, with what the user typed
        messages.error(request, error)
        refused = {"cluster": cluster_id, "form": form, "error": error}
        return render(request, "articles/story_coverage.html", coverage_context(story, refused), status=400)
    messages.success(request, f"Annotated the passage in {len(annotations)} articles.")
    return redirect(f"{reverse('articles:story_coverage', args=[slug])}#passage-{cluster_id}")


@login_required
@require_POST
def annotation_create(request):
    form = AnnotationForm(request.POST)
    if not form.is_valid():
        return JsonResponse({"error": error_text(form)}, status=400)
    try:
        annotation = services.create_annotation(author=request.user, **form.cleaned_data)
    except services.AnnotationError as error:
        return JsonResponse({"error": str(error)}, status=400)
    # The page fetches its highlights again: only it knows its tag filter and shared passages.
    return JsonResponse({"id": annotation.pk, "url": annotation.get_absolute_url()}, status=201)


@login_required
def annotation_update(request, pk):
    annotation = access_annotation_for_edit(request.user, pk)
    back = return_url(request, annotation.article.get_absolute_url())
    initial = {"tags": list(annotation.tags.all()), "note": annotation.note}
    form = AnnotationEditForm(request.POST if request.method == "POST" else None, initial=initial)
    if form.is_valid():
        services.update_annotation(annotation=annotation, **form.cleaned_data)
        return redirect(at_highlight(back, annotation.pk))
    context = {"annotation": annotation, "form": form, "back": back}
    return render(request, "articles/annotation_update.html", context)


@login_required
def annotation_delete(request, pk):
    annotation = access_annotation_for_edit(request.user, pk)
    back = return_url(request, annotation.article.get_absolute_url())
    if request.method == "POST":
        services.delete_annotation(annotation)
        return redirect(with_query(back, undo=annotation.pk))
    return render(request, "articles/annotation_delete.html", {"annotation": annotation, "back": back})


@login_required
@require_POST
def annotation_restore(request, pk):
    annotation = access_deleted_annotation(request.user, pk)
    services.restore_annotation(annotation)
    messages.success(request, "The annotation is back.")
    return redirect(at_highlight(return_url(request, annotation.article.get_absolute_url()), annotation.pk))


@require_GET
def tag_suggestions(request):
    return JsonResponse({"tags": queries.tag_suggestions(request.user, request.GET.get("q", ""))})


def tag_index(request):
    story = get_object_or_404(Story, slug=request.GET["story"]) if request.GET.get("story") else None
    return render(
        request,
        "articles/tag_index.html",
        {
            "overview": queries.tag_overview(request.user, story),
            "story": story,
        },
    )


def tag_detail(request, slug):
    tag = get_object_or_404(queries.visible_tags(request.user), slug=slug)
    return render(
        request,
        "articles/tag_detail.html",
        {
            "tag": tag,
            "passages": queries.tagged_passages_page(request.user, tag, request.GET.get("page")),
        },
    )
