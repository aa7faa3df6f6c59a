"""Large exports: written to a file by the task worker, then offered for download to who asked."""

import tempfile

from django.core.files import File
from django.http import QueryDict
from django.template.defaultfilters import filesizeformat
from django.utils import timezone

from newsroom.api.export.download import EXPORTS
from newsroom.api.export.filters import ExportFilters, ExportForm
from newsroom.api.export.threads import exported_threads, joined
from newsroom.jobs.models import Job, job_files
from newsroom.jobs.services import JobRefused, start_job

# Exports of up to this many annotations stream in the request, as they start at once and take
# about 0.1 s per 1,000 annotations; larger ones are written by the worker (100,000 take 9 to 11 s).
STREAMED_UP_TO = 5000


def start_export(user, base: str, filters: ExportFilters, format: str) -> Job:
    """The filters are kept as the page's query string and checked again when the export runs."""
    return start_job(
        Job.Kind.EXPORT_ANNOTATIONS,
        subject=filters.description(),
        owner=user,
        base=base,
        query=filters.query(),
        format=format or "jsonld",
    )


def export_annotations(job: Job) -> dict:
    """Write the export to a file named after the job: run twice, it writes the same file again."""
    if job.owner is None:
        raise JobRefused("The account that asked for this export was deleted.")
    form = ExportForm(job.owner, QueryDict(job.arguments["query"]))
    if not form.is_valid():  # e.g. the reader left a group they filtered on
        raise JobRefused(f"The export's filters no longer hold: {form.errors.as_text()}")
    pieces, media_type, extension = EXPORTS[job.arguments["format"]]
    threads = exported_threads(job.owner, form.filters())
    name = f"exports/{job.pk}.{extension}"
    with tempfile.TemporaryFile() as output:
        for chunk in joined(pieces(job.arguments["base"], form.filters(), threads)):
            output.write(chunk.encode())
        job_files().delete(name)
        job.file = job_files().save(name, File(output))
    job.save(update_fields=["file"])
    return {
        "filename": f"newsroom-annotations-{timezone.localdate():%Y-%m-%d}.{extension}",
        "media_type": media_type,
        "report": f"{filesizeformat(job_files().size(job.file))}, ready to download.",
    }
