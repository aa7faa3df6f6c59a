"""Tag pages and suggestions."""

from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET

from articles.models import Story
from articles.navigation import keeping_query
from articles.queries import tags


@require_GET
def tag_suggestions(request):
    return JsonResponse({"tags": tags.tag_suggestions(request.user, request.GET.get("q", ""))})


def tag_index(request):
    slug = request.GET.get("story")
    story = get_object_or_404(Story.objects.confirmed(), slug=slug) if slug else None
    return render(
        request,
        "articles/tag_index.html",
        {
            "overview": tags.tag_overview(tags.Reader.of(request.user), story, request.GET.get("page")),
            "story": story,
        },
    )


def tag_detail(request, slug):
    reader = tags.Reader.of(request.user)
    tag = tags.visible_tag(reader, slug)
    if tag is None:
        named = tags.visible_tag_named(reader, slug)
        if named and (url := tags.tag_url(named.slug)):
            return redirect(keeping_query(request, url), permanent=True)
        raise Http404("No such tag.")
    return render(
        request,
        "articles/tag_detail.html",
        {"tag": tag, "passages": tags.tagged_passages_page(reader, tag, request.GET.get("after"))},
    )
