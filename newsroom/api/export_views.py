"""The export page: choose the annotations, then download them or read them as a report."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from articles.models import Article
from newsroom.api.export import (
    ExportForm,
    api_export_url,
    background,
    export_response,
    exported_annotations,
    make_report,
)
from newsroom.api.responses import base_of
from newsroom.limits import rate_limited


def export_page(request, form: ExportForm, status: int = 200):
    """The form, and while it is valid how many annotations it keeps and the same export's API URL."""
    context = {"form": form}
    if form.is_valid():
        filters = form.filters()
        # An article is chosen by a link from its page: say which, since no field shows it.
        context["article"] = Article.objects.filter(pk=filters.article).first() if filters.article else None
        context["matches"] = exported_annotations(request.user, filters).count()
        context["api_url"] = api_export_url(base_of(request), filters, "csv")
    return render(request, "api/export.html", context, status=status)


@rate_limited("export", methods=("GET",))
def export(request):
    return export_page(request, ExportForm(request.user, request.GET))


@rate_limited("export", methods=("GET",))
def export_download(request):
    """The download, or the form with its errors (400); export_response() reads the first rows
    before it answers, so that a failure is never a 200 whose body stops short."""
    form = ExportForm(request.user, request.GET)
    if not form.is_valid():
        return export_page(request, form, status=400)
    filters, format = form.filters(), form.cleaned_data["format"]
    if (matches := exported_annotations(request.user, filters).count()) > background.STREAMED_UP_TO:
        # Too large to stream: a page to have it prepared in the background (a POST, below).
        fields = {**filters.chosen(), "format": format}
        context = {"matches": matches, "limit": background.STREAMED_UP_TO, "fields": fields, "format": format}
        return render(request, "api/export_prepare.html", context)
    return export_response(base_of(request), request.user, filters, format)


@login_required
@require_POST
@rate_limited("export")
def export_prepare(request):
    """Have the worker write a large export, and follow it on its job's page."""
    form = ExportForm(request.user, request.POST)
    if not form.is_valid():
        return export_page(request, form, status=400)
    job = background.start_export(request.user, base_of(request), form.filters(), form.cleaned_data["format"])
    return redirect("jobs:detail", job.pk)


@rate_limited("export", methods=("GET",))
def export_report(request):
    form = ExportForm(request.user, request.GET)
    if form.is_valid() and not (form.cleaned_data["tag"] or form.cleaned_data["story"]):
        form.add_error(None, "Choose a tag or a story for a report.")
    if not form.is_valid():
        return export_page(request, form, status=400)
    context = {"report": make_report(request.user, form.filters()), "filters": form.filters()}
    return render(request, "api/report.html", context)
