from django.shortcuts import get_object_or_404, redirect, render

from articles import queries
from articles.models import Article, Outlet, Story


def home(request):
    return render(request, "articles/home.html", {
        "stories": queries.story_page(request.GET.get("page")),
        "outlets": queries.outlets_with_latest_articles(),
        "unattributed": queries.articles_without_outlet(),
    })


def story_detail(request, slug):
    story = get_object_or_404(Story, slug=slug)
    return render(request, "articles/story_detail.html", {
        "story": story, "articles": queries.story_articles(story),
    })


def outlet_detail(request, slug):
    outlet = get_object_or_404(Outlet, slug=slug)
    return render(request, "articles/outlet_detail.html", {
        "outlet": outlet, "articles": queries.outlet_article_page(outlet, request.GET.get("page")),
    })


def article_detail(request, pk, slug):
    article = get_object_or_404(Article.objects.select_related("outlet", "story"), pk=pk)
    if slug != article.slug:
        return redirect(article, permanent=True)
    related = article.story.articles.for_listing().exclude(pk=article.pk) if article.story else []
    return render(request, "articles/article_detail.html", {"article": article, "related": related})


def compare(request, slug):
    story = get_object_or_404(Story, slug=slug)
    articles, error = queries.compare_selection(story, request.GET.getlist("a"))
    if error:
        context = {"story": story, "articles": queries.story_articles(story), "error": error}
        return render(request, "articles/story_detail.html", context, status=400)
    return render(request, "articles/compare.html", {"story": story, "articles": articles})
