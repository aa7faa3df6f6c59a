from django import forms
from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from newsroom.jobs.models import Job
from newsroom.jobs.services import try_again


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    """Background jobs: what runs, what waits, and what failed (filter by status) with its traceback."""

    list_display = ["__str__", "status", "attempts", "owner", "created_at", "finished_at"]
    list_filter = ["status", "kind"]
    list_select_related = ["owner"]
    search_fields = ["subject", "owner__username"]
    date_hierarchy = "created_at"
    fields = readonly_fields = [
        "kind",
        "subject",
        "state",
        "report",
        "attempts",
        "owner",
        "created_at",
        "started_at",
        "finished_at",
        "latest_task",
        "traceback",
    ]
    actions = ["try_failed_again"]

    class Media:
        js = [forms.Script("js/job-status.js", type="module")]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # written by the worker only

    def has_view_permission(self, request, obj=None):
        """Staff follow the jobs they started (an import, a big edit), whatever their permissions."""
        return super().has_view_permission(request, obj) or (
            obj is not None and obj.owner_id == request.user.pk
        )

    @admin.display(description="status")
    def state(self, job):
        if not job.is_pending:
            return job.get_status_display()
        return format_html(
            '<span role="status" data-job-status="{}">{}: this page updates when it is done '
            '(or <a href="">reload it</a>).</span>',
            reverse("jobs:status", args=[job.pk]),
            job.get_status_display(),
        )

    @admin.display(description="result")
    def report(self, job):
        """The job's report, and the records it could not take (an import's bad records) listed."""
        result = job.result or {}
        problems = result.get("problems") or []
        if not problems:
            return result.get("report", "")
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (row["file"], "" if row["index"] is None else row["index"], row["name"], row["reason"])
                for row in problems
            ),
        )
        unlisted = result.get("bad_records", len(problems)) - len(problems)
        more = format_html("<p>… and {} more.</p>", unlisted) if unlisted > 0 else ""
        return format_html(
            '<p>{}</p><table><caption>Bad records ({})</caption><thead><tr><th scope="col">File</th>'
            '<th scope="col">Record</th><th scope="col">Name</th><th scope="col">Reason</th>'
            "</tr></thead><tbody>{}</tbody></table>{}",
            result.get("report", ""),
            result.get("bad_records", len(problems)),
            rows,
            more,
        )

    @admin.display(description="latest task")
    def latest_task(self, job):
        if job.task_id is None:
            return ""
        url = reverse("admin:django_tasks_database_dbtaskresult_change", args=[job.task_id])
        return format_html('<a href="{}">{}</a>', url, job.task_id)

    @admin.display(description="error")
    def traceback(self, job):
        return format_html("<pre>{}</pre>", job.error) if job.error else ""

    @admin.action(description="Try the selected failed jobs again")
    def try_failed_again(self, request, queryset):
        failed = queryset.filter(status=Job.Status.FAILED)
        for job in failed:
            try_again(job)
        messages.success(request, f"{len(failed)} failed job(s) queued again.")
