from django.core.management.base import CommandError
from django_tasks_db.management.commands import db_worker

from newsroom.jobs.services import beat, keep_beating


class Command(db_worker.Command):
    help = (
        "Run the background tasks, as db_worker does (same options), and write a heartbeat: the tasks "
        "of a worker that stopped mid-run (killed, or its host gone) are queued again."
    )

    def handle(self, *args, worker_id, reload, **options):
        if reload:
            raise CommandError("run_worker does not reload on code changes: restart it, or pass --no-reload.")
        beat(worker_id)  # alive before it claims a task; the tasks of dead workers queued again
        keep_beating(worker_id)
        super().handle(*args, worker_id=worker_id, reload=False, **options)
