"""A job's status for the pages that wait for it, and its page and file for who asked for it."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache

from newsroom.jobs.models import Job, job_files


@never_cache
def job_status(request, pk):
    """Whether the job is finished (job-status.js asks): a public job's for anyone, else only for
    who asked and staff (404 for others, as for a job that does not exist)."""
    job = get_object_or_404(Job, pk=pk)
    if not job.is_followed_by(request.user):
        raise Http404
    return JsonResponse({"status": job.status, "finished": not job.is_pending})


@login_required
def job_detail(request, pk):
    job = get_object_or_404(Job, pk=pk, owner=request.user)
    return render(request, "jobs/job.html", {"job": job})


@login_required
def job_download(request, pk):
    """The file the job wrote, to who asked for it only."""
    job = get_object_or_404(Job.objects.exclude(file=""), pk=pk, owner=request.user, status=Job.Status.DONE)
    return FileResponse(
        job_files().open(job.file, "rb"),
        as_attachment=True,
        filename=job.result["filename"],
        content_type=job.result["media_type"],
    )
