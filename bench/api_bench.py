"""The API's speed: a page of 100 annotations and one annotation POSTed, against the bare response,
and the export of 100,000 annotations to JSON-LD and CSV.

    .venv/bin/python bench/api_bench.py [--seconds 6] [--workers 2] [--clients 4] [--requests 30]
                                        [--export 100000] [--seed 1] [--keep]

A new SQLite site as page_bench.py makes one (harness.py), with a copy of the longest fixture
article holding 100 annotations (written through services.create_annotation(), as every write
path writes them) and a reader with a personal API token. Then:

- in this process (Django's test Client, DEBUG off), the server time of GET /api/articles/<id>/
  annotations?page=0 (the AnnotationPage of those 100, JSON-LD) with the token, and of one
  annotation POSTed through the API, each a new passage; beside it the HTML form's write path the
  popover used before it wrote through the API (that view as it was, in the bench's own urlconf);
- under gunicorn (sync workers, 127.0.0.1, a new connection per request, page_bench.py's rounds),
  requests per second of the bare response and of that API page, with the server's CPU per
  request;
- --export annotations bulk-inserted over ten articles (1-3 tags each, a Markdown note), then
  exported by newsroom.api.export's jsonld_chunks() and csv_chunks() as the download streams them,
  each in a fresh process: seconds, bytes, and the process's peak resident memory (its Django
  included, printed beside it).

It prints figures and the targets, and asserts nothing.
"""

import argparse
import multiprocessing
import os
import random
import resource
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path

from harness import (
    TAGS,
    Target,
    add_common_arguments,
    become_django,
    bench_env,
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
    wait_until_answering,
    web_annotation,
)

BARE_PATH = "/tag-suggestions/?q="
PAGE_ANNOTATIONS = 100
TARGET_RATE_SHARE = 0.25  # the API page of 100 annotations, as a share of the bare rate
TARGET_EXPORT_SECONDS = 20
TARGET_EXPORT_MB = 200
EXPORT_ARTICLES = 10
FORM_WRITE_PATH = "/bench/form-write/"
URLCONF_MODULE = "bench_api_urls"
URLCONF_TEXT = '''"""The project's URLs and the HTML form's write path, for bench/api_bench.py only."""

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.urls import path
from django.views.decorators.http import require_POST

from articles.forms import AnnotationForm
from articles.services.annotations import create_annotation
from newsroom.urls import urlpatterns as project_urlpatterns


@login_required
@require_POST
def form_write(request):
    """The popover's write path before the API (articles.views.annotations.annotation_create)."""
    form = AnnotationForm(request.POST, author=request.user)
    if not form.is_valid():
        return JsonResponse({"error": form.errors.get_json_data()}, status=400)
    annotation = create_annotation(author=request.user, **form.cleaned_data)
    return JsonResponse({"id": annotation.pk, "url": annotation.get_absolute_url()}, status=201)


urlpatterns = [path("bench/form-write/", form_write), *project_urlpatterns]
'''


def make_site(seed: int):
    """The reader, their token, and the article with PAGE_ANNOTATIONS annotations."""
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from articles.models import Article
    from articles.services.annotations import create_annotation
    from newsroom.accounts.services import create_api_token

    reader, writer = (get_user_model().objects.create_user(name) for name in ["reader", "writer"])
    _, secret = create_api_token(user=reader, name="bench")
    source = max(Article.objects.all(), key=lambda article: len(article.body))
    rng = random.Random(seed)
    with transaction.atomic():
        article = copy_article(source, "api-100", f"bench copy, {PAGE_ANNOTATIONS} annotations")
        for n, (start, end) in enumerate(passages(article.body, PAGE_ANNOTATIONS, rng)):
            create_annotation(
                article=article,
                author=rng.choice([reader, writer]),
                start=start,
                end=end,
                exact=article.body[start:end],
                tags=rng.sample(TAGS, rng.randint(1, 3)),
                note=sample_note(rng, article.body[start:end], n),
            )
    return reader, secret, article


def median_ms(samples: list[float]) -> float:
    return 1000 * statistics.median(samples)


def time_writes(client, article, requests: int, rng, write) -> list[float]:
    """Server time of `requests` writes of new passages, each by write(client, article, start, end)."""
    samples = []
    for start, end in passages(article.body, requests + 3, rng):
        started = time.perf_counter()
        response = write(client, article, start, end)
        samples.append(time.perf_counter() - started)
        if response.status_code not in (200, 201):
            raise RuntimeError(f"a write answered {response.status_code}: {response.content[:300]!r}")
    return samples[3:]  # the first ones warm up the process


def api_write(client, article, start, end):
    from django.urls import reverse

    data = web_annotation(
        article.body, start, end, note="A note, *bench*.", tags=["framing"], visibility="public"
    )
    url = reverse("api:annotation_create", args=[article.pk])
    return client.post(url, data, content_type="application/json")


def form_write(client, article, start, end):
    data = {"article": article.pk, "start": start, "end": end, "exact": article.body[start:end]}
    data |= {"tags": "framing", "note": "A note, *bench*.", "audience": "public"}
    return client.post(FORM_WRITE_PATH, data)


def measure_in_process(reader, secret: str, article, requests: int, seed: int) -> dict:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse
    from harness import time_url

    results = {}
    scripted = Client(HTTP_HOST="127.0.0.1", headers={"Authorization": f"Bearer {secret}"})
    page = reverse("api:container", args=[article.pk]) + "?page=0"
    results["api page, token"] = time_url(scripted, page, requests, cold=False)
    with CaptureQueriesContext(connection) as queries:
        scripted.get(page)
    results["api page queries"] = len(queries)
    rng = random.Random(seed)
    results["api POST, token"] = time_writes(scripted, article, requests, rng, api_write)
    browser = Client(HTTP_HOST="127.0.0.1")
    browser.force_login(reader)
    results["api POST, session"] = time_writes(browser, article, requests, rng, api_write)
    results["HTML form POST"] = time_writes(browser, article, requests, rng, form_write)
    return results


def report_in_process(results: dict, requests: int) -> None:
    print(f"\nServer time in this process, {requests} requests per figure, in ms:")
    print(f"{'request':<24} {'median':>8} {'p95':>8}")
    page = results.pop("api page, token")
    queries = results.pop("api page queries")
    print(
        f"{'api page of 100, token':<24} {page.median_ms:8.1f} {page.p95_ms:8.1f}   {queries} queries, "
        f"{page.size:,} bytes"
    )
    for label, samples in results.items():
        p95 = 1000 * statistics.quantiles(samples, n=20, method="inclusive")[18]
        print(f"{label:<24} {median_ms(samples):8.1f} {p95:8.1f}")
    api, form = median_ms(results["api POST, session"]), median_ms(results["HTML form POST"])
    verdict = "met" if api <= form * 1.05 else "MISSED"  # 5%: these machines' noise
    print(
        f"target         API POST no slower than the HTML form's (within 5%): {verdict} "
        f"({api:.1f} ms against {form:.1f} ms, {api / form:.0%})"
    )


def measure_gunicorn(args, env: dict, secret: str, article, work_dir: Path) -> dict:
    from django.urls import reverse

    page = reverse("api:container", args=[article.pk]) + "?page=0"
    targets = {
        "bare response": Target(BARE_PATH),
        "api page of 100, token": Target(page, (("Authorization", f"Bearer {secret}"),)),
    }
    port, log = free_port(), work_dir / "gunicorn.log"
    server = start_gunicorn(env, port, args.workers, log)
    try:
        wait_until_answering(server, port, log, BARE_PATH)
        with client_pool(args.clients) as pool:
            return measure_loads(pool, server, port, targets, args.clients, args.seconds)
    finally:
        stop(server)


def report_gunicorn(loads: dict, args) -> None:
    print(
        f"\ngunicorn on 127.0.0.1: {args.workers} sync workers, {args.clients} client processes, a new "
        f"connection per request, {args.seconds:g} s per URL in rounds."
    )
    bare = loads["bare response"]
    print(f"{'url':<24} {'requests/s':>10} {'of bare':>8} {'median ms':>10} {'server cpu':>11} {'failed':>7}")
    for label, load in loads.items():
        cpu = f"{load.cpu_ms:.2f} ms" if load.cpu_ms is not None else "n/a"
        print(
            f"{label:<24} {load.rate:10,.0f} {load.rate / bare.rate:8.0%} {load.median_ms:10.1f} "
            f"{cpu:>11} {load.failures:7}"
        )
    share = loads["api page of 100, token"].rate / bare.rate
    verdict = "met" if share >= TARGET_RATE_SHARE else "MISSED"
    print(f"target         API page of 100 annotations ≥ 25% of the bare rate: {verdict} ({share:.0%})")


def bulk_annotations(count: int, seed: int) -> None:
    """count annotations over EXPORT_ARTICLES copies of the longest article, inserted in bulk (the
    services would take an hour): offsets, quotes, notes and tags as the app stores them."""
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from articles.models import Annotation, Article, Tag
    from articles.models.annotations import TaggedAnnotation
    from articles.sanitize import render_note
    from articles.text.anchoring import quote_at

    rng = random.Random(seed)
    users = [get_user_model().objects.create_user(f"exporter{n}") for n in range(5)]
    tags = Tag.objects.named(TAGS)
    source = max(Article.objects.all(), key=lambda article: len(article.body))
    rendered = {}
    with transaction.atomic():
        articles = [copy_article(source, f"export-{n}", f"export copy {n}") for n in range(EXPORT_ARTICLES)]
        for article_number, article in enumerate(articles):
            share = count // EXPORT_ARTICLES + (article_number < count % EXPORT_ARTICLES)
            rows = []
            for n, (start, end) in enumerate(passages(article.body, share, rng)):
                quote = quote_at(article.body, start, end)
                note = sample_note(rng, quote.exact, n % 50)
                html = rendered.get(note) or rendered.setdefault(note, render_note(note))
                rows.append(
                    Annotation(
                        article=article,
                        author=rng.choice(users),
                        start=start,
                        end=end,
                        exact=quote.exact,
                        prefix=quote.prefix,
                        suffix=quote.suffix,
                        note=note,
                        note_html=html,
                    )
                )
            created = Annotation.objects.bulk_create(rows, batch_size=2000)
            links = [
                TaggedAnnotation(content_object=annotation, tag=tag)
                for annotation in created
                for tag in rng.sample(tags, rng.randint(1, 3))
            ]
            TaggedAnnotation.objects.bulk_create(links, batch_size=5000)


def peak_rss_mb() -> float:
    """This process's peak resident memory: Linux's VmHWM, which starting the process anew resets
    (ru_maxrss keeps the forking parent's), else ru_maxrss."""
    status = Path("/proc/self/status")
    if status.exists():
        peak = next(line for line in status.read_text().splitlines() if line.startswith("VmHWM:"))
        return int(peak.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def export_in_fresh_process(env: dict, work_dir: str, kind: str, queue) -> None:
    """Run in a spawned process: export everything to nowhere, report seconds, bytes and peak memory."""
    become_django(env, Path(work_dir))
    from django.contrib.auth.models import AnonymousUser

    from newsroom.api.export import ExportFilters, csv_chunks, jsonld_chunks

    baseline_mb = peak_rss_mb()
    chunks = {"JSON-LD": jsonld_chunks, "CSV": csv_chunks}[kind]
    started = time.perf_counter()
    size = sum(len(chunk.encode()) for chunk in chunks("http://127.0.0.1", AnonymousUser(), ExportFilters()))
    seconds = time.perf_counter() - started
    peak_mb = peak_rss_mb()
    queue.put((seconds, size, baseline_mb, peak_mb))


def measure_exports(env: dict, work_dir: Path) -> dict:
    context = multiprocessing.get_context("spawn")
    results = {}
    for kind in ["JSON-LD", "CSV"]:
        queue = context.Queue()
        process = context.Process(target=export_in_fresh_process, args=(env, str(work_dir), kind, queue))
        process.start()
        results[kind] = queue.get(timeout=600)
        process.join()
    return results


def report_exports(results: dict, count: int) -> None:
    print(f"\nExport of {count:,} annotations (all public), each in a fresh process:")
    print(f"{'format':<8} {'seconds':>8} {'MB out':>8} {'peak RSS MB':>12} {'of which Django':>16}")
    for kind, (seconds, size, baseline_mb, peak_mb) in results.items():
        print(f"{kind:<8} {seconds:8.1f} {size / 1e6:8.1f} {peak_mb:12.0f} {baseline_mb:16.0f}")
    for kind, (seconds, _, _, peak_mb) in results.items():
        met = seconds < TARGET_EXPORT_SECONDS and peak_mb < TARGET_EXPORT_MB
        print(
            f"target         {kind} export under {TARGET_EXPORT_SECONDS} s and {TARGET_EXPORT_MB} MB: "
            f"{'met' if met else 'MISSED'} ({seconds:.1f} s, {peak_mb:.0f} MB)"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_common_arguments(parser, seconds=6, workers=2)
    parser.add_argument("--export", type=int, default=100_000, help="annotations to export (100,000)")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda number, frame: sys.exit(128 + number))

    work_dir = Path(tempfile.mkdtemp(prefix="api-bench-"))
    (work_dir / f"{URLCONF_MODULE}.py").write_text(URLCONF_TEXT)
    database_url = f"sqlite:///{work_dir / 'bench.sqlite3'}"
    env = bench_env(work_dir, database_url=database_url, settings=f"\nROOT_URLCONF = {URLCONF_MODULE!r}\n")
    try:
        prepare_database(env)
        become_django(env, work_dir)
        from django.db import connections

        reader, secret, article = make_site(args.seed)
        print(f"{'machine':<14} {os.cpu_count()} CPUs, load average {load_average()} (1, 5, 15 min) before")
        report_in_process(
            measure_in_process(reader, secret, article, args.requests, args.seed), args.requests
        )
        connections.close_all()  # gunicorn's workers open their own
        report_gunicorn(measure_gunicorn(args, env, secret, article, work_dir), args)

        started = time.perf_counter()
        bulk_annotations(args.export, args.seed)
        connections.close_all()
        print(f"\n{'annotations':<14} {args.export:,} inserted in {time.perf_counter() - started:.1f} s")
        report_exports(measure_exports(env, work_dir), args.export)
        print(f"{'machine':<14} load average {load_average()} (1, 5, 15 min) after")
    finally:
        clean_up(work_dir, args.keep)
    return 0


if __name__ == "__main__":
    sys.exit(main())
