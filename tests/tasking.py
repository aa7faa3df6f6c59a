"""Running the queued background tasks in a test, with django_tasks_db's own worker loop."""

from unittest import mock

from django_tasks_db.management.commands.db_worker import Worker


def run_queued_tasks() -> None:
    """Run every task that is ready, as `manage.py db_worker --batch` does, without its signal
    handlers (they would outlive the test in this process) and without closing the database
    connection between tasks (it holds the test's transaction)."""
    worker = Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    )
    with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
        worker.run()
