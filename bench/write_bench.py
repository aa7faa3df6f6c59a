"""Time the write paths (create, edit, delete an annotation) against a minimal insert view.

    .venv/bin/python bench/write_bench.py [--requests 200] [--database sqlite|postgres|both]
                                          [--postgres URL] [--profile create|edit|delete] [--sql]
                                          [--keep]

For each database (SQLite in a temporary folder; PostgreSQL as a new database bench_write_<pid> on
the server of --postgres, default $POSTGRES_TEST_URL or postgres://postgres@127.0.0.1:5432/test,
dropped afterwards; skipped when nothing answers there) it migrates, imports fixtures/ and then
measures in one process, with Django's test Client and DEBUG off, through the project's middleware
and a signed-in session:

- bare: GET of a view returning HttpResponse("ok");
- insert: the minimal insert view, POST of a JSON span {start, end, exact} that it validates
  against the article's length and inserts as one Annotation row (no tags, no note);
- floor, floor-delete: the rows that create and delete write, in raw SQL with nothing else (no
  note rendered, no tag created, no answer built): what no create or delete can beat;
- create: POST to the API (api:annotation_create), as the popover does: two tags in use already
  and a short Markdown note;
- edit: POST of the edit page (articles:annotation_update): a new note and one tag swapped;
- delete: POST of the delete page (articles:annotation_delete).

The paths take turns, one request each per round, so that the machine's other work falls on all
of them alike. It prints the median server CPU per request: this process's (time.process_time:
steadier than wall clock on a shared machine), plus, on PostgreSQL, the CPU of the server process
serving its connection (/proc/<pid>/schedstat, when the server runs on this machine); the rate that
CPU allows (requests/s on one core), each write's rate as a share of insert's, and the SQL
statements of one more request (savepoints aside: none are made when served), with the issue's
targets (at most 8 statements, at least 0.9x insert's rate) met or missed. The insert view does
not read the article (its length is in the URL): a write that checks a passage against the text
cannot cost less. The write rate limit is raised so that the bench is not refused, but it is
still checked on every request. --profile prints cProfile's costliest functions of one path.
The bench's views and URLconf are its own (written into the temporary folder beside its settings
module), the set-up is bench/harness.py's.
"""

import argparse
import cProfile
import json
import os
import pstats
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from harness import (
    become_django,
    bench_env,
    clean_up,
    create_postgres_database,
    drop_postgres_database,
    postgres_answers,
    prepare_database,
)

MAX_STATEMENTS = 8
TARGET_SHARE = 0.9  # of the minimal insert view's rate
TAGS = ["framing", "sourcing"]

URLS_TEXT = '''"""The project's URLs and the write bench's reference views."""

import json

from django.db import connection, transaction
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import path
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from articles.models import Annotation
from newsroom.urls import urlpatterns as project_urlpatterns


def bare(request):
    return HttpResponse("ok")


@csrf_exempt
def insert(request, pk, length):
    """Validate a span of an article of `length` characters and insert it as one row."""
    span = json.loads(request.body)
    start, end, exact = int(span["start"]), int(span["end"]), str(span["exact"])
    if not (0 <= start < end <= length and len(exact) == end - start) or not request.user.is_authenticated:
        return JsonResponse({"error": "bad span"}, status=400)
    annotation = Annotation.objects.create(
        article_id=pk, author=request.user, start=start, end=end, exact=exact
    )
    return JsonResponse({"id": annotation.pk}, status=201)


@csrf_exempt
def floor(request, pk, length):
    """What create writes, in raw SQL and one transaction, checked as insert checks it: the article
    read (locked where the database can), the annotation's row (without a note), two tags linked
    by their names, the article's change stamp."""
    span = json.loads(request.body)
    start, end, exact = int(span["start"]), int(span["end"]), str(span["exact"])
    if not (0 <= start < end <= length and len(exact) == end - start) or not request.user.is_authenticated:
        return JsonResponse({"error": "bad span"}, status=400)
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT body FROM articles_article WHERE id = %s" + lock, [pk])
        cursor.fetchone()
        now = timezone.now()
        cursor.execute(
            'INSERT INTO articles_annotation (article_id, author_id, start, "end", exact, prefix, suffix,'
            " note, note_html, is_orphan, created_at, updated_at, visibility, version)"
            " VALUES (%s, %s, %s, %s, %s, '', '', '', '', FALSE, %s, %s, 'public', 1) RETURNING id",
            [pk, request.user.pk, start, end, exact, now, now],
        )
        (annotation_id,) = cursor.fetchone()
        cursor.execute(
            "INSERT INTO articles_taggedannotation (content_object_id, tag_id)"
            " SELECT %s, id FROM articles_tag WHERE key IN (%s, %s) ON CONFLICT DO NOTHING",
            [annotation_id, "framing", "sourcing"],
        )
        cursor.execute("UPDATE articles_article SET annotations_changed_at = %s WHERE id = %s", [now, pk])
    return JsonResponse({"id": annotation_id}, status=201)


def floor_delete(request, pk):
    """What delete writes, in raw SQL and one transaction: the author's own annotation found
    (locked where the database can), marked deleted, the article's change stamp."""
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    now = timezone.now()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT article_id FROM articles_annotation WHERE id = %s AND author_id = %s"
            " AND deleted_at IS NULL" + lock,
            [pk, request.user.pk],
        )
        if (row := cursor.fetchone()) is None:
            return HttpResponse(status=404)
        cursor.execute(
            "UPDATE articles_annotation SET deleted_at = %s, updated_at = %s WHERE id = %s", [now, now, pk]
        )
        cursor.execute("UPDATE articles_article SET annotations_changed_at = %s WHERE id = %s", [now, row[0]])
    return HttpResponseRedirect(f"/articles/{row[0]}/?undo={pk}")


urlpatterns = [
    path("bench/bare/", bare),
    path("bench/insert/<int:pk>/<int:length>/", insert),
    path("bench/floor/<int:pk>/<int:length>/", floor),
    path("bench/floor-delete/<int:pk>/", floor_delete),
    *project_urlpatterns,
]
'''
SETTINGS_TEXT = """
ROOT_URLCONF = "bench_write_urls"
RATE_LIMITS = {**RATE_LIMITS, "write": (1e9, 1e9)}  # noqa: F405
"""


TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE SAVEPOINT")


def statements(queries) -> tuple[int, int]:
    """(statements that read or write rows, and transaction control: BEGIN, COMMIT, savepoints)."""
    control = sum(query["sql"].startswith(TRANSACTION_CONTROL) for query in queries)
    return len(queries) - control, control


class Writer:
    """alice's signed-in client and the article she writes on."""

    def __init__(self):
        from django.contrib.auth import get_user_model
        from django.test import Client

        from articles.models import Article, Tag
        from articles.services.annotations import create_annotation

        self.create_annotation = create_annotation
        self.alice = get_user_model().objects.create_user("alice")
        self.client = Client(HTTP_HOST="127.0.0.1")
        self.client.force_login(self.alice)
        self.article = max(Article.objects.all(), key=lambda article: len(article.body))
        for name in [*TAGS, "context"]:
            Tag.objects.get_or_create(key=name, defaults={"name": name})
        body = self.article.body
        self.start = body.index(" ", 100) + 1
        self.end = body.index(" ", self.start + 20)
        self.versions = {}

    def span(self) -> dict:
        return {"start": self.start, "end": self.end, "exact": self.article.body[self.start : self.end]}

    def bare(self, n):
        return self.client.get("/bench/bare/")

    def insert(self, n):
        url = f"/bench/insert/{self.article.pk}/{len(self.article.body)}/"
        return self.client.post(url, json.dumps(self.span()), content_type="application/json")

    def floor(self, n):
        url = f"/bench/floor/{self.article.pk}/{len(self.article.body)}/"
        return self.client.post(url, json.dumps(self.span()), content_type="application/json")

    def floor_delete(self, annotation, n):
        return self.client.post(f"/bench/floor-delete/{annotation.pk}/")

    def create(self, n):
        from django.urls import reverse

        span = self.span()
        selectors = [
            {"type": "TextPositionSelector", "start": span["start"], "end": span["end"]},
            {"type": "TextQuoteSelector", "exact": span["exact"]},
        ]
        bodies = [
            {"type": "TextualBody", "value": f"Who says so? *No source* ({n}).", "purpose": "commenting"}
        ]
        bodies += [{"type": "TextualBody", "value": tag, "purpose": "tagging"} for tag in TAGS]
        data = {"type": "Annotation", "body": bodies, "target": {"selector": selectors}}
        url = reverse("api:annotation_create", args=[self.article.pk])
        return self.client.post(url, data, content_type="application/json")

    def annotation(self, n):
        """The n-th annotation made for an edit or a delete, written outside the timing."""
        span = self.span()
        return self.create_annotation(article=self.article, author=self.alice, tags=TAGS, note="n", **span)

    def edit(self, annotation, n):
        from django.urls import reverse

        tags = ", ".join([TAGS[0], "context" if n % 2 else TAGS[1]])
        url = reverse("articles:annotation_update", args=[annotation.pk])
        return self.client.post(url, {"tags": tags, "note": f"Edit {n}", "audience": "public"})

    def delete(self, annotation, n):
        from django.urls import reverse

        return self.client.post(reverse("articles:annotation_delete", args=[annotation.pk]))


def database_cpu():
    """A function giving the CPU seconds the database server's process serving this connection
    has used (PostgreSQL's backend, through /proc/<pid>/schedstat, in nanoseconds); None where the
    database runs in this process (SQLite) or that process cannot be read (another host)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        stat = Path(f"/proc/{cursor.fetchone()[0]}/schedstat")
    if not stat.exists():
        return None
    return lambda: int(stat.read_text().split()[0]) / 1e9


def measure(writer: Writer, requests: int, show_sql: bool) -> tuple[dict, str]:
    """(median server CPU ms, statements of one more request) keyed by path name, and whose CPU
    that is.

    The paths take turns, one request each per round, so that the machine's other work falls on
    all of them alike. Server CPU is this process's, plus PostgreSQL's backend's when it can be
    read (see database_cpu)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    targets = {
        "bare": (writer.bare, 200, None),
        "insert": (writer.insert, 201, None),
        "floor": (writer.floor, 201, None),
        "create": (writer.create, 201, None),
        "edit": (writer.edit, 302, "one"),
        "delete": (writer.delete, 302, "each"),
        "floor-delete": (writer.floor_delete, 302, "each"),
    }
    one = writer.annotation(0)
    made = {  # one to delete per request
        name: [writer.annotation(n) for n in range(requests + 4)]
        for name, (_, _, needs) in targets.items()
        if needs == "each"
    }

    def run(name, n):
        call, status, needs = targets[name]
        response = call(one, n) if needs == "one" else call(made[name][n], n) if needs == "each" else call(n)
        if response.status_code != status:
            raise RuntimeError(f"{name} answered {response.status_code}: {response.content[:300]!r}")

    db_cpu = database_cpu()
    samples = {name: [] for name in targets}
    for n in range(requests + 3):  # the first three rounds warm up
        for name in targets:
            started, db_started = time.process_time(), db_cpu() if db_cpu else 0
            run(name, n)
            spent = time.process_time() - started + (db_cpu() - db_started if db_cpu else 0)
            if n >= 3:
                samples[name].append(spent)
    results = {}
    for name in targets:
        with CaptureQueriesContext(connection) as queries:
            run(name, requests + 3)
        results[name] = (1000 * statistics.median(samples[name]), statements(queries.captured_queries))
        if show_sql:
            print(f"\n{name}: the statements of one request")
            for query in queries.captured_queries:
                print(f"  {query['sql'][:150]}")
    return results, "this process's and PostgreSQL's backend's" if db_cpu else "this process's"


def profile(writer: Writer, requests: int, path: str) -> None:
    """cProfile of requests of one path (create, edit or delete)."""
    made = [writer.annotation(n) for n in range(requests)] if path != "create" else []
    profiler = cProfile.Profile()
    profiler.enable()
    for n in range(requests):
        if path == "create":
            writer.create(10_000 + n)
        else:
            getattr(writer, path)(made[n], 10_000 + n)
    profiler.disable()
    print(f"\ncProfile of {requests} of {path}: the project's and the API's costliest 30 by cumulative time")
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(r"/(articles|newsroom|ninja|pydantic)/", 30)
    print("and the 20 costliest by their own time:")
    pstats.Stats(profiler).sort_stats("tottime").print_stats(20)


def report(database: str, results: dict, counted: str) -> None:
    print(f"\n{database}: median server CPU per request, {counted} (Django test Client, DEBUG off).")
    print("statements: those that read or write rows + transaction control (BEGIN, COMMIT).")
    print(f"{'path':<12} {'cpu ms':>8} {'req/s':>8} {'of insert':>10} {'statements':>11}  targets")
    insert_ms = results["insert"][0]
    for name, (cpu_ms, (count, control)) in results.items():
        share = insert_ms / cpu_ms
        line = f"{name:<12} {cpu_ms:>8.2f} {1000 / cpu_ms:>8,.0f} {share:>10.2f} {f'{count} + {control}':>11}"
        if name in {"create", "edit", "delete"}:
            rate = "met" if share >= TARGET_SHARE else "MISSED"
            sql = "met" if count <= MAX_STATEMENTS else "MISSED"
            line += f"  ≤{MAX_STATEMENTS} statements {sql}, ≥{TARGET_SHARE}x insert {rate}"
        print(line)
    floors = {"create": results["floor"][0], "delete": results["floor-delete"][0]}
    print("floor, floor-delete: the same rows as create and delete, written in raw SQL with nothing else;")
    for name, floor_ms in floors.items():
        print(f"  no {name} that writes its rows can pass {insert_ms / floor_ms:.2f}x insert")


def run_one(args) -> int:
    """This process measures one database (--database sqlite or postgres)."""
    work_dir = Path(tempfile.mkdtemp(prefix="write-bench-"))
    (work_dir / "bench_write_urls.py").write_text(URLS_TEXT)
    postgres_name = f"bench_write_{os.getpid()}"
    if args.database == "postgres":
        database_url = create_postgres_database(args.postgres, postgres_name)
    else:
        database_url = f"sqlite:///{work_dir / 'bench.sqlite3'}"
    try:
        env = bench_env(work_dir, database_url=database_url, settings=SETTINGS_TEXT)
        prepare_database(env, collect_static=False, quiet=True)
        become_django(env, work_dir)
        writer = Writer()
        report(args.database, *measure(writer, args.requests, args.sql))
        if args.profile:
            profile(writer, args.requests, args.profile)
        from django.db import connections

        connections.close_all()
    finally:
        if args.database == "postgres":
            drop_postgres_database(args.postgres, postgres_name)
        clean_up(work_dir, args.keep)
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200, help="timed requests per path (200)")
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument(
        "--postgres",
        default=os.environ.get("POSTGRES_TEST_URL", "postgres://postgres@127.0.0.1:5432/test"),
        help="a database on the PostgreSQL server to use ($POSTGRES_TEST_URL)",
    )
    parser.add_argument("--profile", choices=["create", "edit", "delete"], help="cProfile this path")
    parser.add_argument("--sql", action="store_true", help="print the SQL of one request of each path")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args()
    if args.database != "both":
        return run_one(args)
    databases = ["sqlite"] + (["postgres"] if postgres_answers(args.postgres) else [])
    if len(databases) == 1:
        print(f"PostgreSQL: nothing answers at {args.postgres}; SQLite only.")
    failed = 0
    for database in databases:  # one process each: a process becomes Django on one database
        command = [sys.executable, __file__, *sys.argv[1:], "--database", database]
        failed |= subprocess.run(command).returncode
    return failed


if __name__ == "__main__":
    sys.exit(main())
