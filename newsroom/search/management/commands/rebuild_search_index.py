import time

from django.core.management.base import BaseCommand

from newsroom.jobs.models import Job
from newsroom.jobs.services import start_job
from newsroom.search import index


class Command(BaseCommand):
    help = "Drop and rebuild the full-text search index of articles and annotations, and its triggers."

    def add_arguments(self, parser):
        parser.add_argument(
            "--background",
            action="store_true",
            help="leave it to the task worker (run_worker), and follow it in the admin's background jobs",
        )

    def handle(self, *args, background, **options):
        if background:
            job = start_job(Job.Kind.REBUILD_SEARCH_INDEX)
            self.stdout.write(f"Search index rebuild queued: job {job.pk}.")
            return
        started = time.monotonic()
        index.rebuild()
        self.stdout.write(
            f"Search index rebuilt in {time.monotonic() - started:.1f} s: {index.size_bytes() / 1e6:.1f} MB."
        )
