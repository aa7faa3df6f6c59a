import os

from django.core.management.base import CommandError
from django_tasks_db.management.commands import db_worker

from newsroom.jobs.services import beat, keep_beating

# Background work (comparing thousands of stories after a big import) yields the CPU to the web
# workers on the same host, so that pages keep answering as fast while it runs.
DEFAULT_NICENESS = 10


class Command(db_worker.Command):
    help = (
        "Run the background tasks, as db_worker does (same options), and write a heartbeat: the tasks "
        "of a worker that stopped mid-run (killed, or its host gone) are queued again."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--niceness",
            type=int,
            default=DEFAULT_NICENESS,
            help=f"lower the worker's CPU priority by this much ({DEFAULT_NICENESS}; 0 to keep it)",
        )

    def handle(self, *args, worker_id, reload, niceness, **options):
        if reload:
            raise CommandError("run_worker does not reload on code changes: restart it, or pass --no-reload.")
        if niceness:
            os.nice(niceness)
        beat(worker_id)  # alive before it claims a task; the tasks of dead workers queued again
        keep_beating(worker_id)
        super().handle(*args, worker_id=worker_id, reload=False, **options)
