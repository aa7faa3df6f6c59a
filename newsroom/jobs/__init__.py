"""Background jobs: heavy work run by the task worker (django-tasks' database backend), retried,
recovered when a worker dies, and followed by the pages that wait for it."""
