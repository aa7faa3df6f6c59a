from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from articles import coverage, queries, services
from articles.forms import AnnotationEditForm, AnnotationForm, error_text
from articles.models import Article, Outlet, Story, StoryComparison
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


def this_page(request) -> str:
    """The page's URL without a pending undo: where edits and deletes return to."""
    query = request.GET.copy()
    query.pop("undo", None)
    return f"{request.path}?{query.urlencode()}" if query else request.path


def page_to_return_to(request, default: str) -> str:
    """The `next` page the user came from if it is one of ours, else the default."""
    url = request.POST.get("next") or request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(url, {request.get_host()}, require_https=request.is_secure())
    return url if safe else default


def reading_context(request) -> dict:
    """What every page where the user reads and annotates needs, besides its articles."""
    return {
        "annotation_form": AnnotationForm(),
        "undo": queries.undoable_annotation(request.user, request.GET.get("undo")),
        "return_to": this_page(request),
    }


def article_detail(request, pk, slug):
    article = get_object_or_404(Article.objects.select_related("outlet", "story"), pk=pk)
    if slug != article.slug:
        return redirect(article, permanent=True)
    tag = queries.existing_tag_slug(request.user, request.GET.get("tag", ""))
    context = {**queries.article_reading(request.user, article, tag), **reading_context(request)}
    key = page_key("article", article.pk, article.updated_at, article.annotations_changed_at, tag)
    return cached_page(request, key, lambda: render(request, "articles/article_detail.html", context))


def compare(request, slug):
    story = get_object_or_404(Story, slug=slug)
    articles, error = queries.compare_selection(story, request.GET.getlist("a"))
    if error:
        context = {"story": story, "articles": queries.story_articles(story), "error": error}
        return render(request, "articles/story_detail.html", context, status=400)
    columns = coverage.compare_columns(request.user, story, articles)
    context = {"story": story, "columns": columns, **reading_context(request)}
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
    back = page_to_return_to(request, annotation.article.get_absolute_url())
    initial = {"tags": list(annotation.tags.all()), "note": annotation.note}
    form = AnnotationEditForm(request.POST if request.method == "POST" else None, initial=initial)
    if form.is_valid():
        services.update_annotation(annotation=annotation, **form.cleaned_data)
        return redirect(f"{back}#hl-{annotation.pk}")
    context = {"annotation": annotation, "form": form, "back": back}
    return render(request, "articles/annotation_update.html", context)


@login_required
def annotation_delete(request, pk):
    annotation = access_annotation_for_edit(request.user, pk)
    back = page_to_return_to(request, annotation.article.get_absolute_url())
    if request.method == "POST":
        services.delete_annotation(annotation)
        return redirect(f"{back}{'&' if '?' in back else '?'}{urlencode({'undo': annotation.pk})}")
    return render(request, "articles/annotation_delete.html", {"annotation": annotation, "back": back})


@login_required
@require_POST
def annotation_restore(request, pk):
    annotation = access_deleted_annotation(request.user, pk)
    services.restore_annotation(annotation)
    messages.success(request, "The annotation is back.")
    return redirect(f"{page_to_return_to(request, annotation.article.get_absolute_url())}#hl-{annotation.pk}")


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
