"""Jobs: started with the caller's transaction, run by the task worker with retries, and run again
when the worker running them died.

django-tasks has no retries and django_tasks_db leaves a task RUNNING for ever when its worker is
killed; a Job carries what both need: its attempts, its status, and which task runs it now.
"""

import logging
import threading
import time
from contextlib import nullcontext
from datetime import timedelta
from traceback import format_exception

from django.db import DatabaseError, close_old_connections, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import TaskContext, TaskResultStatus, task
from django_tasks_db.models import DBTaskResult

from newsroom.jobs.models import Job, Worker

logger = logging.getLogger("newsroom.jobs")

# Each kind's work: a function of the job that returns its result (JSON), and whether that work is
# one transaction, which then commits with the job's "done", so that a worker killed between the
# two cannot leave it done and to do again. The others are idempotent: run twice, they leave what
# they leave run once.
WORK = {
    Job.Kind.COMPARE_STORY: ("articles.jobs.compare_story", False),
    Job.Kind.ARTICLE_TEXT: ("articles.jobs.apply_article_text", True),
    Job.Kind.IMPORT_ARTICLES: ("articles.jobs.import_articles", True),
    Job.Kind.EXPORT_ANNOTATIONS: ("newsroom.api.export.background.export_annotations", False),
    Job.Kind.REBUILD_SEARCH_INDEX: ("newsroom.search.jobs.rebuild_index", True),
    Job.Kind.GROUP_STORIES: ("articles.jobs.group_stories", True),
}

# The waits before the second and third attempts: long enough for a database restart or a full
# disk's cleanup, short enough that a page waiting for the result sees it soon.
RETRY_DELAYS = [timedelta(seconds=30), timedelta(minutes=5)]
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1

# Workers write that they are alive this often; one unseen for LOST_AFTER is taken for dead and its
# running tasks are queued again. LOST_AFTER is long because on SQLite a long write (an import of
# 100,000 articles holds the lock for about a minute) delays the heartbeat of every other worker.
HEARTBEAT = timedelta(seconds=10)
LOST_AFTER = timedelta(minutes=2)


class JobRefused(Exception):
    """The work cannot be done and trying again will not help: the job fails at once."""


class WorkerDied(Exception):
    """The worker stopped (killed, or out of memory) during each of the job's attempts."""


def start_job(kind: Job.Kind, *, subject: str = "", owner=None, file: str = "", **arguments) -> Job:
    """Create the job and queue its first attempt, in the caller's transaction: the worker sees
    it only once what it works on is committed."""
    with transaction.atomic():
        job = Job.objects.create(kind=kind, subject=subject, owner=owner, file=file, arguments=arguments)
        queue_attempt(job)
    return job


def start_job_once(kind: Job.Kind, *, subject: str, **arguments) -> Job:
    """A public job about the subject, unless one is still waiting to start: that one will read
    what is there when it does. (Its row is locked until the caller commits, so that a worker
    cannot start it meanwhile and read what the caller is changing.)"""
    with transaction.atomic():
        waiting = Job.objects.select_for_update().filter(kind=kind, subject=subject, status=Job.Status.QUEUED)
        return waiting.first() or start_job(kind, subject=subject, **arguments)


def start_jobs_once(kind: Job.Kind, arguments_by_subject: dict[str, dict]) -> None:
    """start_job_once() for many subjects at once (the thousands of stories of a big import): one
    query finds the jobs still waiting, the new ones are inserted together and their task ids set
    in one update, so that each costs about one insert (its task's) instead of four statements."""
    with transaction.atomic():
        waiting = Job.objects.select_for_update().filter(
            kind=kind, subject__in=list(arguments_by_subject), status=Job.Status.QUEUED
        )
        waiting_subjects = set(waiting.values_list("subject", flat=True))
        new = Job.objects.bulk_create(
            Job(kind=kind, subject=subject, arguments=arguments)
            for subject, arguments in arguments_by_subject.items()
            if subject not in waiting_subjects
        )
        for job in new:
            job.task_id = run_job.enqueue(str(job.pk)).id
        Job.objects.bulk_update(new, ["task_id"], batch_size=500)


def pending_job(kind: Job.Kind, subject: str) -> Job | None:
    """The job about the subject that is waiting or running, for the page that shows it."""
    return Job.objects.filter(kind=kind, subject=subject, status__in=Job.PENDING).first()


def queue_attempt(job: Job, delay: timedelta | None = None) -> None:
    run_after = timezone.now() + delay if delay else None
    job.task_id = run_job.using(run_after=run_after).enqueue(str(job.pk)).id
    Job.objects.filter(pk=job.pk).update(task_id=job.task_id)


@task(takes_context=True)
def run_job(context: TaskContext, job_id: str) -> None:
    """One attempt at a job. Safe to run again: a finished job is left alone, and so is a job that
    another task runs now (this one was queued again by mistake)."""
    job = claim(job_id, context.task_result.id)
    if job is None:
        return
    path, one_transaction = WORK[job.kind]
    try:
        if job.attempts > MAX_ATTEMPTS:
            raise WorkerDied(f"The worker stopped during each of the job's {MAX_ATTEMPTS} attempts.")
        with transaction.atomic() if one_transaction else nullcontext():
            result = import_string(path)(job)
            finish(job, result)
    except BaseException as error:  # a forced shutdown too (SystemExit): it is tried again
        retry_or_fail(job, error)
        raise  # the task fails too, with its traceback in the admin's task results


def claim(job_id: str, task_id: str) -> Job | None:
    """The job, marked running by this task, if it is waiting, or was running under this task in a
    worker that died; else None."""
    mine = Q(status=Job.Status.QUEUED) | Q(status=Job.Status.RUNNING, task_id=task_id)
    claimed = Job.objects.filter(mine, pk=job_id).update(
        status=Job.Status.RUNNING, task_id=task_id, attempts=F("attempts") + 1, started_at=timezone.now()
    )
    return Job.objects.get(pk=job_id) if claimed else None


def finish(job: Job, result) -> None:
    job.status, job.result, job.finished_at = Job.Status.DONE, result, timezone.now()
    job.save(update_fields=["status", "result", "finished_at"])


def retry_or_fail(job: Job, error: BaseException) -> None:
    job.error = "".join(format_exception(error))
    if job.attempts < MAX_ATTEMPTS and not isinstance(error, JobRefused):
        job.status = Job.Status.QUEUED
        job.save(update_fields=["status", "error"])
        queue_attempt(job, RETRY_DELAYS[job.attempts - 1])
        logger.warning("Job %s (%s) failed, attempt %d: tried again later", job.pk, job.kind, job.attempts)
    else:
        job.status, job.finished_at = Job.Status.FAILED, timezone.now()
        job.save(update_fields=["status", "error", "finished_at"])
        logger.error("Job %s (%s) failed after %d attempts", job.pk, job.kind, job.attempts)


def try_again(job: Job) -> None:
    """Queue a failed job again, with all its attempts (staff fixed what made it fail)."""
    with transaction.atomic():
        job.status, job.attempts, job.finished_at = Job.Status.QUEUED, 0, None
        job.save(update_fields=["status", "attempts", "finished_at"])
        queue_attempt(job)


def requeue_lost_tasks() -> int:
    """Queue again the tasks left running by workers not seen for LOST_AFTER; their run_job finds
    the job unfinished and runs it again."""
    alive = set(
        Worker.objects.filter(seen_at__gte=timezone.now() - LOST_AFTER).values_list("worker_id", flat=True)
    )
    running = DBTaskResult.objects.running().only("worker_ids")
    lost = [result.pk for result in running if not alive & set(result.worker_ids[-1:])]
    return DBTaskResult.objects.filter(pk__in=lost, status=TaskResultStatus.RUNNING).update(
        status=TaskResultStatus.READY
    )


def beat(worker_id: str) -> None:
    """Say that this worker is alive, and queue again the tasks of the workers that are not."""
    close_old_connections()
    now = timezone.now()
    try:
        Worker.objects.update_or_create(worker_id=worker_id, defaults={"seen_at": now})
        if requeued := requeue_lost_tasks():
            logger.warning("Queued again %d task(s) of workers that stopped mid-run", requeued)
        Worker.objects.filter(seen_at__lt=now - timedelta(days=1)).delete()  # long gone
    except DatabaseError:
        logger.exception("Worker %s could not write its heartbeat", worker_id)


def keep_beating(worker_id: str) -> threading.Thread:
    """Beat every HEARTBEAT in a thread, while the worker runs tasks in its main thread."""

    def beat_forever():
        while True:
            time.sleep(HEARTBEAT.total_seconds())
            beat(worker_id)

    thread = threading.Thread(target=beat_forever, name=f"heartbeat of {worker_id}", daemon=True)
    thread.start()
    return thread
