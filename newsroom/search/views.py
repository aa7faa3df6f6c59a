"""The search page and "more like this"."""

from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from articles.models import Article
from newsroom.limits import rate_limited
from newsroom.search import caching, queries, syntax
from newsroom.search.forms import SearchForm


@require_GET
@rate_limited("search", methods=("GET",))
def results(request):
    form = SearchForm(request.GET, user=request.user)
    context = {"form": form}
    if not form.is_valid():
        return render(request, "search/results.html", context, status=400)
    query = syntax.parse(form.cleaned_data["q"])
    context["query"] = query
    if query:
        filters, sort = form.filters(), form.cleaned_data["sort"] or "relevance"
        kind = form.cleaned_data["kind"] or "articles"
        results = caching.cached_search(
            request.user, query, filters, kind=kind, sort=sort, page_number=request.GET.get("page")
        )
        context["results"] = results
        if not results.count:  # whether the other tab finds something
            other = "annotations" if kind == "articles" else "articles"
            found = caching.cached_search(request.user, query, filters, kind=other, sort=sort, page_number=1)
            context["elsewhere"] = {"kind": other, "count": found.count}
    return render(request, "search/results.html", context)


@require_GET
@rate_limited("search", methods=("GET",))
def more_like_this(request, pk):
    article = get_object_or_404(Article.objects.select_related("outlet"), pk=pk)
    return render(
        request,
        "search/more_like_this.html",
        {"article": article, "similar": queries.similar_articles(article, request.user)},
    )
