"""Time the article page with 0, 100 and 1,000 annotations, in-process and under gunicorn.

    .venv/bin/python bench/page_bench.py [--seconds 10] [--workers 2] [--clients 4] [--requests 30]
                                         [--seed 1] [--keep]

Makes a new SQLite database in a temporary folder (under $TMPDIR), migrates it, imports
fixtures/ and copies the longest fixture article into three articles with 0, 100 and 1,000
overlapping annotations (seeded random passages, 1-3 tags of ten, a short Markdown note), written
through services.create_annotation() as the UI writes them. Then it measures:

- server time per request in this process with Django's test Client, DEBUG off: median and p95,
  "cold" (cache cleared before every request, so both fragments render) and "warm" (both
  fragments come from the cache);
- the bytes and queries of one annotation saved and of the fragments the page then fetches
  again, on the article page and in a five-column side-by-side view;
- requests per second under gunicorn (sync workers) on 127.0.0.1, driven by client processes
  that open a new connection per request, for a fixed time per URL (in short rounds that take
  the URLs in turn), with the server's CPU time per request beside it.

The bare response is GET /tag-suggestions/?q=, a JSON view that answers {"tags": []} without a
query: Django's request/response cycle and middleware, nothing else. Static files are collected
into the temporary folder (DEBUG off needs whitenoise's manifest); a settings module there points
STATIC_ROOT at them and changes nothing else. It prints figures and does not assert them. The
set-up (temporary site, gunicorn, client processes) is bench/harness.py's, shared with load_bench.py.
"""

import argparse
import os
import random
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path

from harness import (
    ROUND_SECONDS,
    TAGS,
    WARM_UP_SECONDS,
    Load,
    Target,
    add_common_arguments,
    become_django,
    bench_env,
    check_ok,
    clean_up,
    client_pool,
    copy_article,
    free_port,
    load_average,
    measure_loads,
    passages,
    prepare_database,
    sample_note,
    start_gunicorn,
    stop,
    time_url,
    wait_until_answering,
    web_annotation,
)

BARE_PATH = "/tag-suggestions/?q="
ANNOTATION_COUNTS = [0, 100, 1_000]
TARGET_RATE_SHARE = 0.25  # the page with 100 annotations, as a share of the bare rate
TARGET_COLD_MS = 100  # the page with 1,000 annotations, server time with a cold cache


def make_bench_articles(seed: int) -> list:
    """Three copies of the longest imported article, with 0, 100 and 1,000 annotations."""
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from articles.models import Article
    from articles.services.annotations import create_annotation

    source = max(Article.objects.all(), key=lambda article: len(article.body))
    authors = [get_user_model().objects.create_user(name) for name in ["alice", "bob", "carol"]]
    articles = []
    # One transaction: each create_annotation() is then a savepoint, not a commit (an fsync).
    with transaction.atomic():
        for count in ANNOTATION_COUNTS:
            article = copy_article(source, f"bench-{count}", f"bench copy, {count:,} annotations")
            rng = random.Random(f"{seed}-{count}")
            for n, (start, end) in enumerate(passages(article.body, count, rng)):
                create_annotation(
                    article=article,
                    author=rng.choice(authors),
                    start=start,
                    end=end,
                    exact=article.body[start:end],
                    tags=rng.sample(TAGS, rng.randint(1, 3)),
                    note=sample_note(rng, article.body[start:end], n),
                )
            articles.append(article)
    return articles


def check_page(client, article, count: int) -> str:
    """Whether the page shows every annotation in the list and a highlight anchor for each."""
    from django.core.cache import cache

    cache.clear()
    html = client.get(article.get_absolute_url()).content.decode()
    items, anchors = html.count('<li class="annotation" id="annotation-'), html.count('id="hl-')
    has_highlights = ('<mark class="hl js-highlight"' in html) == bool(count)
    if items == anchors == count and has_highlights:
        return f"{count:,} annotations: {items:,} list items, {anchors:,} highlight anchors, ok"
    return f"{count:,} annotations: {items:,} list items, {anchors:,} highlight anchors, NOT AS EXPECTED"


def measure_in_process(articles: list, requests: int) -> dict:
    """Timings keyed by (reader, label, state), reader "anonymous" or "alice"."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    results = {}
    anonymous = Client(HTTP_HOST="127.0.0.1")
    for state in ["cold", "warm"]:
        results["anonymous", "bare", state] = time_url(anonymous, BARE_PATH, requests, cold=state == "cold")
    alice = Client(HTTP_HOST="127.0.0.1")
    alice.force_login(get_user_model().objects.get(username="alice"))
    for reader, client in [("anonymous", anonymous), ("alice", alice)]:
        for count, article in zip(ANNOTATION_COUNTS, articles, strict=True):
            for state in ["cold", "warm"]:
                timings = time_url(client, article.get_absolute_url(), requests, cold=state == "cold")
                results[reader, count, state] = timings
    return results


def measure_save_and_refresh(articles: list) -> list[tuple[str, int, int, int, int]]:
    """Bytes and queries of one annotation saved by alice and of the refresh the page then fetches:
    on the article page, and in a five-column side-by-side view (page, save bytes and queries,
    refresh bytes and queries)."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from articles.queries.reading import ArticleAnnotations

    alice = get_user_model().objects.get(username="alice")
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(alice)
    article = articles[1]
    columns = [article.pk, *article.story.articles.exclude(pk=article.pk).values_list("pk", flat=True)[:4]]
    rows = []
    for page, reading in [
        ("article page", ArticleAnnotations(alice, article)),
        ("5 columns", ArticleAnnotations(alice, article, columns=columns)),
    ]:
        start = article.body.index(" ", 100) + 1
        end = article.body.index(" ", start + 20)
        data = web_annotation(article.body, start, end)
        with CaptureQueriesContext(connection) as save_queries:
            url = reverse("api:annotation_create", args=[article.pk])
            saved = client.post(url, data, content_type="application/json")
        with CaptureQueriesContext(connection) as refresh_queries:
            refreshed = client.get(reading.fragments_url)
        check_ok(refreshed, reading.fragments_url)
        rows.append(
            (page, len(saved.content), len(save_queries), len(refreshed.content), len(refresh_queries))
        )
    return rows


def report_save_and_refresh(rows: list) -> None:
    print("\nOne save and the refresh of its article's fragments (alice, the 100-annotation article).")
    print(f"{'page':<14} {'save bytes':>10} {'queries':>8} {'refresh bytes':>14} {'queries':>8}")
    for page, save_bytes, save_queries, refresh_bytes, refresh_queries in rows:
        print(f"{page:<14} {save_bytes:>10,} {save_queries:>8} {refresh_bytes:>14,} {refresh_queries:>8}")


def measure_gunicorn(args, env: dict, articles: list, work_dir: Path) -> dict:
    """Load keyed by label ("bare" or an annotation count)."""
    targets = {"bare": Target(BARE_PATH)} | {
        count: Target(article.get_absolute_url())
        for count, article in zip(ANNOTATION_COUNTS, articles, strict=True)
    }
    port, log = free_port(), work_dir / "gunicorn.log"
    server = start_gunicorn(env, port, args.workers, log)
    try:
        wait_until_answering(server, port, log, BARE_PATH)
        with client_pool(args.clients) as pool:
            return measure_loads(pool, server, port, targets, args.clients, args.seconds)
    finally:
        stop(server)


def label_text(label) -> str:
    return "bare response" if label == "bare" else f"{label:,} annotations"


def verdict(is_met: bool) -> str:
    return "met" if is_met else "MISSED"


def report_in_process(results: dict, requests: int) -> None:
    print()
    print(f"Server time in-process (Django test Client, DEBUG off), {requests} requests per figure, in ms.")
    print("cold: cache cleared before each request, both fragments render; warm: both come from the cache.")
    print("med and p95 are wall clock; cpu is the median CPU time of this process for one request.")
    columns = ["cold med", "p95", "cpu", "warm med", "p95", "cpu"]
    print(f"{'reader':<10} {'page':<18}" + "".join(f"{name:>9}" for name in columns) + "  queries  HTML")
    for reader, label, state in results:
        if state != "cold":
            continue
        cold, warm = results[reader, label, "cold"], results[reader, label, "warm"]
        figures = [
            *[cold.median_ms, cold.p95_ms, cold.cpu_median_ms],
            *[warm.median_ms, warm.p95_ms, warm.cpu_median_ms],
        ]
        print(
            f"{reader:<10} {label_text(label):<18}"
            + "".join(f"{figure:>9.1f}" for figure in figures)
            + f"  {f'{cold.queries}/{warm.queries}':>7} {cold.size / 1024:>4.0f} KB"
        )
    print("queries: cold/warm, counted on one more request each.")
    print('bare response: GET /tag-suggestions/?q=, JSON {"tags": []} without a query, our stand-in for')
    print("a bare Django response. alice is signed in and wrote about a third of the annotations.")


def report_gunicorn(loads: dict, args) -> None:
    print()
    print(
        f"gunicorn on 127.0.0.1: {args.workers} sync workers; {args.clients} client processes, a new"
        f" connection per request, {args.seconds:g} s per URL in rounds of ~{ROUND_SECONDS:g} s taking the"
        f" URLs in turn, after {WARM_UP_SECONDS:g} s of warm-up each; {os.cpu_count()} CPUs shared by both."
    )
    print("Anonymous readers; each worker caches fragments in its own memory, so these pages are warm.")
    print("No URL defeats the fragment cache, so cold pages are measured in-process only (above).")
    print("server cpu: CPU time of gunicorn's processes per request, and bare's as a share of it: what")
    print("the rate share would be if the server had the CPUs to itself (the clients use them too).")
    header = f"{'page':<18} {'requests/s':>11} {'of bare':>8} {'median latency':>15} {'server cpu':>11}"
    print(f"{header} {'of bare':>8} {'failed':>7}")
    bare = loads["bare"]
    for label, load in loads.items():
        share = f"{load.rate / bare.rate:.0%}" if bare.rate else "-"
        cpu = f"{load.cpu_ms:.2f} ms" if load.cpu_ms is not None else "-"
        cpu_share = cpu_share_of_bare(load, bare)
        cpu_share = f"{cpu_share:.0%}" if cpu_share else "-"
        print(
            f"{label_text(label):<18} {load.rate:>11,.0f} {share:>8} {load.median_ms:>12.1f} ms {cpu:>11}"
            f" {cpu_share:>8} {load.failures:>7,}"
        )


def cpu_share_of_bare(load: Load, bare: Load) -> float | None:
    """Bare's server CPU per request over this page's: the rate share on a server of its own."""
    return bare.cpu_ms / load.cpu_ms if load.cpu_ms and bare.cpu_ms is not None else None


def report_targets(results: dict, loads: dict) -> None:
    share = loads[100].rate / loads["bare"].rate if loads["bare"].rate else 0.0
    cpu_share = cpu_share_of_bare(loads[100], loads["bare"])
    by_cpu = f"; {cpu_share:.0%} by server CPU per request" if cpu_share else ""
    cold = results["anonymous", 1_000, "cold"]
    print()
    print(
        f"target         page with 100 annotations ≥ {TARGET_RATE_SHARE:.0%} of bare rate (gunicorn, warm):"
        f" {verdict(share >= TARGET_RATE_SHARE)} ({share:.0%}{by_cpu})"
    )
    print(
        f"target         page with 1,000 annotations < {TARGET_COLD_MS} ms server time (cold, anonymous,"
        f" median): {verdict(cold.median_ms < TARGET_COLD_MS)}"
        f" (median {cold.median_ms:.0f} ms, p95 {cold.p95_ms:.0f} ms; CPU {cold.cpu_median_ms:.0f} ms)"
    )


def overlap(article) -> str:
    """How deep the highlights are: annotations over an annotated character, mean and most."""
    depth = [0] * len(article.body)
    for start, end in article.annotations.values_list("start", "end"):
        for offset in range(start, end):
            depth[offset] += 1
    covered = [count for count in depth if count]
    if not covered:
        return "no highlights"
    share, mean = len(covered) / len(depth), statistics.mean(covered)
    return f"{share:.0%} of the text highlighted, {mean:.1f} deep on average, {max(covered)} at most"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_common_arguments(parser, seconds=10, workers=2)
    args = parser.parse_args()
    # A plain `kill` then cleans up too: gunicorn stopped, the temporary folder removed.
    signal.signal(signal.SIGTERM, lambda number, frame: sys.exit(128 + number))

    work_dir = Path(tempfile.mkdtemp(prefix="page-bench-"))
    env = bench_env(work_dir, database_url=f"sqlite:///{work_dir / 'bench.sqlite3'}")
    try:
        prepare_database(env)
        become_django(env, work_dir)
        from django.db import connections
        from django.test import Client

        started = time.perf_counter()
        articles = make_bench_articles(args.seed)
        seconds = time.perf_counter() - started
        body = articles[0].body
        print(f"{'annotations':<14} {sum(ANNOTATION_COUNTS):,} written in {seconds:.1f} s")
        print(f"{'article':<14} {len(body):,} characters, {len(articles[0].paragraphs())} paragraphs")
        for count, article in zip(ANNOTATION_COUNTS, articles, strict=True):
            print(f"{'page check':<14} {check_page(Client(HTTP_HOST='127.0.0.1'), article, count)}")
        for count, article in zip(ANNOTATION_COUNTS[1:], articles[1:], strict=True):
            print(f"{'overlap':<14} {count:,} annotations: {overlap(article)}")
        print(f"{'machine':<14} {os.cpu_count()} CPUs, load average {load_average()} (1, 5, 15 min) before")

        results = measure_in_process(articles, args.requests)
        report_in_process(results, args.requests)
        report_save_and_refresh(measure_save_and_refresh(articles))
        connections.close_all()  # gunicorn's workers open their own

        loads = measure_gunicorn(args, env, articles, work_dir)
        report_gunicorn(loads, args)
        report_targets(results, loads)
        print(f"{'machine':<14} load average {load_average()} (1, 5, 15 min) after")
    finally:
        clean_up(work_dir, args.keep)
    return 0


if __name__ == "__main__":
    sys.exit(main())
