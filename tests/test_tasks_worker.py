"""Real task workers (`manage.py run_worker`, in processes of their own, on a database of their own,
SQLite or PostgreSQL as the suite runs): a job survives its worker being killed with SIGKILL
mid-run, and is done once in effect by the next worker."""

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

PROJECT = Path(__file__).resolve().parent.parent
ARTICLES = 5000  # an import long enough (seconds) to be killed in the middle of


@pytest.fixture
def database_url(tmp_path):
    """A new database of the suite's kind, migrated by manage.py, dropped after."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        yield f"sqlite:///{tmp_path / 'db.sqlite3'}"
        return
    import psycopg

    name = f"test_tasks_worker_{uuid.uuid4().hex[:12]}"
    server = urlunsplit(urlsplit(url)._replace(path="/postgres"))
    with psycopg.connect(server, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    yield urlunsplit(urlsplit(url)._replace(path=f"/{name}"))
    with psycopg.connect(server, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def env(database_url, tmp_path):
    environment = {name: value for name, value in os.environ.items() if name != "REDIS_URL"}
    environment |= {"DATABASE_URL": database_url, "JOB_FILES_DIR": str(tmp_path / "jobs")}
    manage(environment, "migrate", "--noinput", "--verbosity", "0")
    return environment


def manage(env: dict, *command: str, timeout: float = 300) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *command],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def query(env: dict, sql: str) -> list[tuple]:
    """Rows read (or written) by this process, beside the workers', in a connection of its own."""
    url = env["DATABASE_URL"]
    if url.startswith("sqlite"):
        with sqlite3.connect(url.removeprefix("sqlite:///"), timeout=20) as connection:
            return connection.execute(sql).fetchall()
    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        cursor = connection.execute(sql)
        return cursor.fetchall() if cursor.description else []


def job_state(env: dict) -> tuple[str, int]:
    # The import's job (an import that created articles queues the grouping's job after it).
    [(status, attempts)] = query(env, "SELECT status, attempts FROM jobs_job WHERE kind = 'import_articles'")
    return status, attempts


def start_worker(env: dict, worker_id: str, log: Path, *options: str) -> subprocess.Popen:
    with log.open("a") as output:
        return subprocess.Popen(
            [sys.executable, "manage.py", "run_worker", "--worker-id", worker_id, "--no-startup-delay"]
            + ["--interval", "0.1", *options],
            cwd=PROJECT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )


def wait_for(condition, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"waited {seconds} s for {what}"
        time.sleep(0.05)


QUEUE_IMPORT = """
from django.core.files import File
from articles.services.uploads import store_upload
from newsroom.jobs.models import Job
from newsroom.jobs.services import start_job
with open({path!r}, "rb") as file:
    start_job(Job.Kind.IMPORT_ARTICLES, file=store_upload(File(file, name="big.json")), name="big.json")
"""


def test_a_job_survives_its_worker_killed_mid_run_and_is_done_once(env, tmp_path):
    articles = [
        {
            "source_file": f"a{n}.txt",
            "title": f"Article {n}",
            "body": f"Article number {n} says {n * 7} things.",
        }
        for n in range(ARTICLES)
    ]
    (tmp_path / "big.json").write_text(json.dumps(articles))
    manage(env, "shell", "--command", QUEUE_IMPORT.format(path=str(tmp_path / "big.json")))
    log = tmp_path / "workers.log"

    first = start_worker(env, "worker-killed", log)
    try:
        wait_for(lambda: job_state(env)[0] == "running", 60, "the first worker to start the import")
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=30)

    # Killed mid-run: nothing imported (the import is one transaction), the job still running.
    assert job_state(env) == ("running", 1), log.read_text()
    assert query(env, "SELECT count(*) FROM articles_article") == [(0,)]
    # Another worker starting now leaves it alone: the killed one was seen seconds ago, and might
    # be alive on another host.
    manage(env, "run_worker", "--batch", "--no-startup-delay", "--worker-id", "worker-early")
    assert job_state(env) == ("running", 1)

    # Long unseen (as LOST_AFTER later), it is taken for dead: the next worker runs its task again.
    query(env, "UPDATE jobs_worker SET seen_at = '2000-01-01 00:00:00' WHERE worker_id = 'worker-killed'")
    manage(env, "run_worker", "--batch", "--no-startup-delay", "--worker-id", "worker-next")

    assert job_state(env) == ("done", 2)
    [(result,)] = query(env, "SELECT result FROM jobs_job WHERE kind = 'import_articles'")
    report = (json.loads(result) if isinstance(result, str) else result)["report"]
    assert report.startswith(f"Imported: {ARTICLES} new, 0 changed, 0 unchanged")
    assert query(env, "SELECT count(*) FROM articles_article") == [(ARTICLES,)]
    [(status, workers)] = query(
        env,
        "SELECT status, worker_ids FROM django_tasks_database_dbtaskresult WHERE id IN "
        "(SELECT task_id FROM jobs_job WHERE kind = 'import_articles')",
    )
    workers = json.loads(workers) if isinstance(workers, str) else workers
    assert (status, workers) == ("SUCCESSFUL", ["worker-killed", "worker-next"])


def test_a_worker_stopped_with_sigterm_finishes_its_task_first(env, tmp_path):
    """As systemd and `make serve` stop it: the task it runs completes, and nothing is left to redo."""
    articles = [{"source_file": f"b{n}.txt", "title": f"B {n}", "body": f"B text {n}."} for n in range(2000)]
    (tmp_path / "big.json").write_text(json.dumps(articles))
    manage(env, "shell", "--command", QUEUE_IMPORT.format(path=str(tmp_path / "big.json")))

    worker = start_worker(env, "worker-stopped", tmp_path / "worker.log")
    try:
        wait_for(lambda: job_state(env)[0] == "running", 60, "the worker to start the import")
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=120)

    assert job_state(env) == ("done", 1)
    assert query(env, "SELECT count(*) FROM articles_article") == [(2000,)]
