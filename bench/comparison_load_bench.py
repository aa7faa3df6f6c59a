"""The article page under load while the task worker compares many stories: its p95 at rest and
during the comparisons, against issue 14's target (at most twice the idle p95).

    .venv/bin/python bench/comparison_load_bench.py [--articles 10000] [--seconds 20] [--workers 3]
                                                    [--clients 4] [--keep]

A temporary SQLite site (bench/harness.py) gets --articles synthetic ~4 KB articles in stories of
uneven size (bench/import_bench.py's generator: one story per 20 articles, 100,000 articles make
issue 14's 5,000 stories), imported with `import_corpus --defer-comparison`, which queues one
comparison job per story. gunicorn serves the page of an article in the largest story to a
signed-in reader and to an anonymous one; each is loaded for --seconds before the task worker
starts (idle), then again while the worker compares the queued stories (busy). It prints each p95
and their ratio, met or missed, and how many stories the worker compared meanwhile. It asserts
nothing; the machine's other work shows in the figures, so compare the ratio of one run.
"""

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from harness import (
    Target,
    add_common_arguments,
    become_django,
    bench_env,
    clean_up,
    client_pool,
    free_port,
    load_average,
    manage,
    prepare_database,
    run_clients,
    session_cookie,
    start_gunicorn,
    start_task_worker,
    stop,
    wait_until_answering,
)
from import_bench import write_bulk_file

TARGET_RATIO = 2.0  # busy p95 / idle p95
WAIT_FOR_WORKER_SECONDS = 60


def p95_ms(latencies: list[float]) -> float:
    return 1000 * statistics.quantiles(latencies, n=20, method="inclusive")[18] if len(latencies) > 1 else 0.0


def load(pool, port: int, target: Target, clients: int, seconds: float) -> tuple[float, int, int]:
    """(p95 in ms, requests done, failed) of the target loaded for seconds."""
    runs = run_clients(pool, port, target, clients, seconds)
    latencies = [latency for _, _, _, run_latencies in runs for latency in run_latencies]
    return p95_ms(latencies), sum(run[0] for run in runs), sum(run[1] for run in runs)


def comparisons_done() -> int:
    from newsroom.jobs.models import Job

    return Job.objects.filter(kind=Job.Kind.COMPARE_STORY, status=Job.Status.DONE).count()


def wait_for_a_running_comparison() -> None:
    from newsroom.jobs.models import Job

    deadline = time.monotonic() + WAIT_FOR_WORKER_SECONDS
    running = Job.objects.filter(kind=Job.Kind.COMPARE_STORY, status=Job.Status.RUNNING)
    while not running.exists() and time.monotonic() < deadline:
        time.sleep(0.2)


def targets() -> dict[str, Target]:
    """The page of an article of the largest story, signed in and anonymous."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db.models import Count

    from articles.models import Article, Story

    story = Story.objects.annotate(size=Count("articles")).order_by("-size").first()
    article = Article.objects.filter(story=story).first()
    reader = get_user_model().objects.create_user("bench-reader", password="bench-password-1")
    cookie = (("Cookie", f"{settings.SESSION_COOKIE_NAME}={session_cookie(reader)}"),)
    path = article.get_absolute_url()
    print(f"{'page':<14} {path} (its story: {story.size:,} articles)")
    return {"signed in": Target(path, cookie), "anonymous": Target(path)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_common_arguments(parser, seconds=20, workers=3)
    parser.add_argument("--articles", type=int, default=10_000, help="articles to import (10,000)")
    args = parser.parse_args()

    work_dir = Path(tempfile.mkdtemp(prefix="comparison-load-bench-"))
    env = bench_env(work_dir, database_url=f"sqlite:///{work_dir / 'bench.sqlite3'}")
    server = worker = None
    try:
        prepare_database(env, quiet=True)
        bulk = work_dir / "bulk.json"
        write_bulk_file(bulk, args.articles, 4000, args.seed)
        started = time.perf_counter()
        said = manage(env, "import_corpus", "--defer-comparison", "--no-grouping", str(bulk))
        print(f"{'import':<14} {time.perf_counter() - started:,.0f} s: {' / '.join(said.splitlines())}")
        become_django(env, work_dir)
        pages = targets()

        port = free_port()
        log = work_dir / "gunicorn.log"
        server = start_gunicorn(env, port, args.workers, log)
        wait_until_answering(server, port, log, pages["anonymous"].path)
        with client_pool(args.clients) as pool:
            for target in pages.values():
                run_clients(pool, port, target, args.clients, 1.0)  # warm up

            def measure(page: Target) -> tuple[float, int, int]:
                return load(pool, port, page, args.clients, args.seconds)

            idle = {label: measure(page) for label, page in pages.items()}
            worker = start_task_worker(env, work_dir / "worker.log")
            wait_for_a_running_comparison()
            before = comparisons_done()
            started = time.perf_counter()
            busy = {label: measure(page) for label, page in pages.items()}
            compared = comparisons_done() - before
            seconds = time.perf_counter() - started
        print(f"{'load':<14} {args.clients} clients, {args.workers} workers, {args.seconds:g} s a page")
        print(f"{'comparisons':<14} {compared:,} of the queued stories compared meanwhile ({seconds:.0f} s)")
        for label in pages:
            (idle_p95, idle_done, idle_failed), (busy_p95, busy_done, busy_failed) = idle[label], busy[label]
            ratio = busy_p95 / idle_p95 if idle_p95 else float("nan")
            verdict = "met" if ratio <= TARGET_RATIO else "MISSED"
            print(
                f"{label:<14} p95 idle {idle_p95:.1f} ms ({idle_done:,} requests, {idle_failed} failed), "
                f"while comparing {busy_p95:.1f} ms ({busy_done:,}, {busy_failed} failed): "
                f"{ratio:.2f}x, target at most {TARGET_RATIO:g}x: {verdict}"
            )
        print(f"{'load average':<14} {load_average()}")
    finally:
        for process in (worker, server):
            if process is not None:
                stop(process)
        clean_up(work_dir, args.keep)
    return 0


if __name__ == "__main__":
    sys.exit(main())
