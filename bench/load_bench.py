"""Simulated users reading and annotating together under gunicorn while a worker is killed and the
task worker restarted: on SQLite, PostgreSQL, and PostgreSQL with two gunicorn instances sharing Redis.

    .venv/bin/python bench/load_bench.py [--seconds 60] [--users 20] [--workers 3] [--clients 4]
                                         [--compare-seconds S] [--requests 30] [--seed 1]
                                         [--config sqlite|postgres|postgres-redis ...]
                                         [--postgres URL] [--redis URL] [--keep]

`--seconds 10` is a short run for trying it. Each configuration (--config, repeatable; all three by
default, those that can run here) runs in a process of its own: `sqlite`, a temporary file (WAL,
IMMEDIATE transactions and the busy timeout, as settings.py configures the default database);
`postgres`, a new database bench_load_<pid> on the server of --postgres (default
$POSTGRES_TEST_URL or postgres://postgres@127.0.0.1:5432/test), dropped afterwards;
`postgres-redis`, the same with two gunicorn instances on two ports whose cache is the Redis of
--redis (default $REDIS_TEST_URL or redis://127.0.0.1:6379/6, under keys of the run's own, removed
afterwards). For each:

1. A new site as page_bench.py makes one (harness.py): migrated, static files collected,
   fixtures/ imported. --users users without a usable password, in three groups (every fourth
   user in two), each signed in by a session made on the server rather than by the login form;
   ten articles to read (the fixtures and copies of them); a copy of the longest article with 100
   annotations visible to the first user, reader01 (50 public, 30 shared with their groups, 20
   their own private ones) and 20 they may not see (others' private ones, another group's).
2. reader01's page of that article timed in this process exactly as page_bench.py times alice's
   page with 100 annotations, today's signed-in page, so that the two can be compared (not on
   Redis, where a cold page would clear the whole database).
3. gunicorn as newsroom/gunicorn.conf.py runs it (sync workers, the app preloaded), on a free
   port of 127.0.0.1, without its access log (two instances for postgres-redis, users alternating
   between them), and the task worker (manage.py run_worker). One client process per user, for
   --seconds, each in a closed loop without pauses (a request is sent when the last one is
   answered): open one of the ten articles (the CSRF cookie kept as a browser keeps it), then poll
   its fragments 4-12 times with If-None-Match (ETags kept per URL, as a browser's cache keeps
   them), writing now and then (at most once a second, below the per-user write limit), as a
   browser does: create an annotation through the API as the popover does (a passage of the real
   text with its selectors, visible to everyone, one of their groups or themselves: the page's
   choices, at random), edit one of theirs (often the one they edited last; from its edit page,
   sending the version it shows; now and then from an edit page opened earlier, whose version is
   out of date: the answer is 409, and the user saves again), reply to an annotation or a reply
   (the Reply links of the list they read; through the API, as the reply form does), edit one of
   their replies (its edit page). Replies are left out, and the output says so, if the app has no
   reply routes (articles:reply_create, articles:reply_update).
   Meanwhile, the faults: a task of the bench's own queued every 0.5 s (0.3 s of work each); at a
   third of the run one worker of the (first) gunicorn killed with SIGKILL, as the OOM killer
   would (its master starts another); at two thirds the task worker restarted as systemd does
   (SIGTERM, it finishes its task; then a new one).
4. The same client code for equal time on three URLs, in turn (page_bench.py's rounds), as
   reader01: a bare HttpResponse view (a route of the bench's own urlconf, not of the app), the
   poll answered 304 and the article page of step 2.
5. gunicorn stopped, the task worker given time to finish what is queued and stopped; every
   write that got a success answer is looked up in the database: each annotation and reply, with
   the text, tags and audience of its last acknowledged edit, and an annotation's version counting
   its acknowledged edits (an edit accepted against an out-of-date version would be a lost
   update). Writes stored without a success answer are counted too.

It prints per configuration: requests/s, latency p50/p95/p99 per kind of request, requests by
outcome (cut by the kill: no answer, or a 5xx, while the killed worker may have been answering
them; any other 5xx; any other failed connection; 503 with Retry-After; 429), other unexpected
answers with the requests that got them, 409s and 404s that are correct answers, tasks queued,
done, failed and lost, acknowledged vs stored writes, the 304 poll's rate as a share of the bare
view's (target: at least 50%), reader01's page (in-process ms and requests/s), the server's
tracebacks if any (and how many say "database is locked"), and its row of the summary table; then
the summary table of all configurations. It asserts nothing; it exits non-zero only if the bench
itself could not run. Temporary folders, databases, Redis keys and processes are removed also on
Ctrl-C and SIGTERM (--keep keeps the folder: the SQLite database, gunicorn's and the worker's logs).
"""

import argparse
import html
import http.client
import json
import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from typing import NamedTuple
from urllib.parse import parse_qs, urlencode, urlsplit

from harness import (
    REQUEST_TIMEOUT_SECONDS,
    ROUND_SECONDS,
    TAGS,
    WARM_UP_SECONDS,
    Target,
    become_django,
    bench_env,
    client_manager,
    client_pool,
    copy_article,
    create_postgres_database,
    delete_redis_keys,
    drop_postgres_database,
    free_ports,
    kill_a_worker,
    load_average,
    measure_loads,
    passages,
    postgres_answers,
    prepare_database,
    redis_answers,
    restart_task_worker,
    sample_note,
    server_cpu_seconds,
    session_cookie,
    start_gunicorn,
    start_task_worker,
    stop,
    time_url,
    wait_until_answering,
    web_annotation,
)

READING_ARTICLES = 10
GROUPS = 3
MEMBER_ANNOTATIONS = {"public": 50, "group": 30, "private": 20}  # all visible to reader01
HIDDEN_ANNOTATIONS = 20  # on the same page, not visible to reader01
POLLS_PER_VISIT = (4, 12)
WRITE_SHARE = 0.15  # of polls that a write comes before
WRITE_MIX = {"create": 0.45, "edit": 0.25, "reply": 0.2, "reply edit": 0.1}
REEDIT_SHARE = 0.5  # of edits that change the note the user edited last again
STALE_EDIT_SHARE = 0.25  # of edits sent from an edit page opened earlier, if it is out of date
NEW_TAG_SHARE = 0.3  # of writes that add a tag of their own, maybe new: concurrent tag creation
# A user writes at most once a second: busy, yet far from the per-user write limit (a few a second).
MIN_SECONDS_BETWEEN_WRITES = 1.0
TARGET_POLL_SHARE = 0.5  # the 304 poll's rate, as a share of the bare view's
MAX_PROBLEMS_KEPT = 20  # unexpected answers kept per user, with their requests
BARE_PATH = "/bench/bare/"
URLCONF_MODULE = "bench_urls"
URLCONF_TEXT = '''"""The project's URLs and a bare HttpResponse view, for bench/load_bench.py only."""

from django.http import HttpResponse
from django.urls import path

from newsroom.urls import urlpatterns as project_urlpatterns


def bare(request):
    return HttpResponse(b"ok")


urlpatterns = [path("bench/bare/", bare), *project_urlpatterns]
'''
# Faults, at these shares of the mixed load: a gunicorn worker killed, then the task worker restarted.
KILL_AT, RESTART_AT = 1 / 3, 2 / 3
# A request in flight this close to the kill (seconds, either side) counts as cut by it.
KILL_SLACK_SECONDS = 0.1
# Work for the task worker all along the load, so that its restart finds tasks queued and running.
TASKS_MODULE = "bench_tasks"
TASKS_TEXT = '''"""A task of bench/load_bench.py's own: work queued all along the load, so that restarting the
task worker meets tasks waiting and running."""

import time

from django_tasks import task


@task()
def pause(number: int, seconds: float) -> int:
    time.sleep(seconds)
    return number
'''
TASK_EVERY_SECONDS = 0.5
TASK_SECONDS = 0.3
TASK_DRAIN_SECONDS = 60  # after the load, for the worker to finish what is queued
START_TIMEOUT_SECONDS = 120  # for the users' processes to be ready
# Kinds of request, in the order of the tables.
KINDS = ["page", "poll", "create", "edit page", "edit", "edit again", "reply", "reply edit", "recheck"]
WRITE_KINDS = {"create", "edit", "edit again", "reply", "reply edit"}
# The configurations a run may bench: (what it is, whether it needs PostgreSQL, gunicorn instances).
CONFIGS = {
    "sqlite": (
        "SQLite (a temporary file, with the settings' WAL, IMMEDIATE transactions, busy timeout)",
        False,
        1,
    ),
    "postgres": ("PostgreSQL (a database of its own, dropped afterwards)", True, 1),
    "postgres-redis": ("PostgreSQL, two gunicorn instances sharing one Redis (users alternate)", True, 2),
}


# The simulated users: plain HTTP clients, no Django.


class Answer(NamedTuple):
    status: int  # 0: no answer (the connection failed or timed out)
    location: str
    etag: str
    body: bytes
    retry_after: bool = False  # whether it said when to try again

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    @property
    def says_retry_later(self) -> bool:
        """429 (a limit) or 503 with Retry-After (busy): nothing done, correctly, for now."""
        return self.status == 429 or (self.status == 503 and self.retry_after)


class Record(NamedTuple):
    """One request as the user's client saw it."""

    kind: str
    status: int
    started: float  # time.time(): comparable across processes, with the moment of a fault
    seconds: float
    retry_after: bool


class Browser:
    """One user's HTTP client: cookies kept as a browser keeps them, every request recorded."""

    def __init__(self, port: int, cookies: dict, csrf_cookie: str):
        self.port, self.cookies, self.csrf_cookie = port, dict(cookies), csrf_cookie
        self.origin = f"http://127.0.0.1:{port}"
        self.records: list[Record] = []

    def request(
        self, kind: str, path: str, form: dict | None = None, headers: dict | None = None, *, json_body=None
    ) -> Answer:
        """GET path, or POST the form (or JSON, with the CSRF header, as annotate.js does) to it, as a
        browser does (a POST with its Origin)."""
        sent = {"Cookie": "; ".join(f"{name}={value}" for name, value in self.cookies.items())}
        sent |= headers or {}
        body = None
        if form is not None:
            body = urlencode(form)
            sent |= {"Content-Type": "application/x-www-form-urlencoded", "Origin": self.origin}
        if json_body is not None:
            body, form = json.dumps(json_body), json_body
            sent |= {
                "Content-Type": "application/json",
                "Origin": self.origin,
                "X-CSRFToken": self.csrf_token,
            }
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=REQUEST_TIMEOUT_SECONDS)
        started, started_at = time.perf_counter(), time.time()
        try:
            connection.request("GET" if form is None else "POST", path, body, sent)
            response = connection.getresponse()
            answer = Answer(
                response.status,
                response.getheader("Location", ""),
                response.getheader("ETag", ""),
                response.read(),
                response.getheader("Retry-After") is not None,
            )
            for header in response.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(header).items():
                    self.cookies[name] = morsel.value
        except (OSError, http.client.HTTPException) as error:
            answer = Answer(0, "", "", f"{type(error).__name__}: {error}".encode())
        finally:
            connection.close()
        elapsed = time.perf_counter() - started
        self.records.append(Record(kind, answer.status, started_at, elapsed, answer.retry_after))
        return answer

    @property
    def csrf_token(self) -> str:
        return self.cookies.get(self.csrf_cookie, "")


REPLY_LINK = re.compile(r'href="(/annotations/\d+/replies/\?[^"]*)"')
AUDIENCE_SELECT = re.compile(r'<select name="audience"[^>]*>(.*?)</select>', re.S)
# An audience choice and, for a group, its slug (the API names groups by slug).
AUDIENCE_OPTION = re.compile(r'<option value="([^"]+)"(?:[^>]*data-group="([^"]+)")?')
FRAGMENTS_URL = re.compile(r'data-fragments-url="([^"]*)"')
VERSION_INPUT = re.compile(r'name="version" value="(\d+)"')


def reply_links(list_html: str) -> list[str]:
    return [html.unescape(link) for link in REPLY_LINK.findall(list_html)]


def reply_target(link: str) -> tuple[int, int | None]:
    """The annotation a Reply link answers in, and the reply it answers (None: the annotation)."""
    parts = urlsplit(link)
    parent = parse_qs(parts.query).get("parent")
    return int(parts.path.split("/")[2]), int(parent[0]) if parent else None


@dataclass
class Mine:
    """One of the user's annotations, as they know it."""

    article_url: str
    version: int = 1  # as it is now: only its author changes it, one request at a time
    opened: int | None = None  # the version on an edit page opened earlier and left open


@dataclass
class SimulatedUser:
    spec: dict
    browser: Browser = field(init=False)
    rng: random.Random = field(init=False)
    audiences: dict[str, str] = field(default_factory=lambda: {"public": ""})  # choice: group slug
    etags: dict[str, str] = field(default_factory=dict)  # by fragments URL, as a browser's cache
    links: list[str] = field(default_factory=list)  # the Reply links of the list last read
    mine: dict[int, Mine] = field(default_factory=dict)
    last_edited: int | None = None
    my_replies: dict[int, tuple[str, int, int]] = field(default_factory=dict)  # id: (page, article, thread)
    acks: list[tuple[str, int, dict]] = field(default_factory=list)  # (write, id, what), in order
    problems: list[dict] = field(default_factory=list)
    problem_count: int = 0
    conflicts: int = 0  # 409 for an edit sent with an out-of-date version: the correct answer
    refused: int = 0  # 404 to a reply in a thread no longer theirs to read: the correct answer
    written: int = 0
    last_write: float = float("-inf")  # time.perf_counter() of the last one

    def __post_init__(self):
        self.browser = Browser(self.spec["port"], self.spec["cookies"], self.spec["csrf_cookie"])
        self.rng = random.Random(f"{self.spec['seed']}-{self.spec['username']}")

    def run(self, seconds: float) -> dict:
        started = time.perf_counter()
        deadline = started + seconds
        while time.perf_counter() < deadline:
            article = self.rng.choice(self.spec["articles"])
            if not self.open(article):
                time.sleep(0.05)  # not a tight loop if the server is gone
                continue
            for _ in range(self.rng.randint(*POLLS_PER_VISIT)):
                if time.perf_counter() >= deadline:
                    break
                wants_to_write = self.rng.random() < WRITE_SHARE
                if wants_to_write and time.perf_counter() - self.last_write >= MIN_SECONDS_BETWEEN_WRITES:
                    self.write(article)
                self.poll(article)
        return {
            "username": self.spec["username"],
            "elapsed": time.perf_counter() - started,
            "records": self.browser.records,
            "acks": self.acks,
            "problems": self.problems,
            "problem_count": self.problem_count,
            "conflicts": self.conflicts,
            "refused": self.refused,
        }

    def problem(self, kind: str, path: str, form: dict | None, answer: Answer, why: str) -> None:
        """An answer that is not one of the request's correct answers: kept with its request. A
        limit's 429 or a busy server's 503 with Retry-After are correct, and counted apart."""
        if answer.says_retry_later:
            return
        self.problem_count += 1
        if len(self.problems) < MAX_PROBLEMS_KEPT:
            shown = {name: value for name, value in (form or {}).items() if name != "csrfmiddlewaretoken"}
            self.problems.append(
                {
                    "user": self.spec["username"],
                    "kind": kind,
                    "request": f"{'POST' if form is not None else 'GET'} {path}",
                    "form": shown,
                    "status": answer.status,
                    "why": why,
                    "body": answer.text[:300],
                    "at": time.strftime("%H:%M:%S"),
                }
            )

    def open(self, article: dict) -> bool:
        answer = self.browser.request("page", article["url"])
        if answer.status != 200:
            self.problem("page", article["url"], None, answer, "the article page did not answer 200")
            return False
        page = answer.text
        if found := FRAGMENTS_URL.search(page):
            article["fragments_url"] = html.unescape(found.group(1))
        if select := AUDIENCE_SELECT.search(page):
            self.audiences = dict(AUDIENCE_OPTION.findall(select.group(1))) or {"public": ""}
        self.links = reply_links(page)
        return True

    def poll(self, article: dict) -> None:
        url = article.get("fragments_url", f"/articles/{article['pk']}/fragments/")
        headers = {"Accept": "application/json"}
        if etag := self.etags.get(url):
            headers["If-None-Match"] = etag
        answer = self.browser.request("poll", url, headers=headers)
        if answer.status == 200:
            self.etags[url] = answer.etag
            try:
                self.links = reply_links(json.loads(answer.body)["annotations"])
            except (ValueError, KeyError) as error:
                self.problem("poll", url, None, answer, f"not the fragments' JSON: {error}")
        elif answer.status != 304:
            self.problem("poll", url, None, answer, "a poll answers 200 or 304")

    def write(self, article: dict) -> None:
        self.last_write = time.perf_counter()
        kinds, weights = zip(*WRITE_MIX.items(), strict=True)
        kind = self.rng.choices(kinds, weights)[0]
        if kind == "edit" and self.mine:
            self.edit()
        elif kind == "reply" and self.links and self.spec["replies"]:
            self.reply(article)
        elif kind == "reply edit" and self.my_replies:
            self.edit_reply()
        else:
            self.create(article)

    def new_text(self, passage: str) -> str:
        """A note no other write has: its last write's text tells which write it was."""
        self.written += 1
        note = sample_note(self.rng, passage, self.written)
        return f"{note}\n\n({self.spec['username']}, write {self.written})"

    def new_tags(self) -> list[str]:
        tags = self.rng.sample(TAGS, self.rng.randint(0, 3))
        if self.rng.random() < NEW_TAG_SHARE:  # from a pool that grows with the run: some are new
            tags.append(f"Topic {self.rng.randint(1, 10 + self.written)}")
        return tags

    def create(self, article: dict) -> None:
        start, end = next(passages(article["body"], 1, self.rng))
        exact = article["body"][start:end]
        what = {
            "article": article["pk"],
            "start": start,
            "end": end,
            "exact": exact,
            "tags": self.new_tags(),
            "note": self.new_text(exact),
            "audience": self.rng.choice(list(self.audiences)),
        }
        slug = self.audiences[what["audience"]]
        audience = {"visibility": "group", "group": slug} if slug else {"visibility": what["audience"]}
        annotation = web_annotation(
            article["body"], start, end, note=what["note"], tags=what["tags"], **audience
        )
        path = f"/api/articles/{article['pk']}/annotations"
        answer = self.browser.request("create", path, json_body=annotation)
        if answer.status != 201:
            self.problem("create", path, annotation, answer, "a new annotation answers 201")
            return
        try:
            pk = int(json.loads(answer.body)["id"].rsplit("/", 1)[1])
        except (ValueError, KeyError, TypeError, IndexError) as error:
            self.problem("create", path, annotation, answer, f"201 without the new id: {error}")
            return
        self.acks.append(("annotation", pk, what))
        self.mine[pk] = Mine(article_url=article["url"])

    def edit(self) -> None:
        if self.last_edited is None or self.rng.random() >= REEDIT_SHARE:
            self.last_edited = self.rng.choice(list(self.mine))
        pk = self.last_edited
        mine = self.mine[pk]
        path = f"/annotations/{pk}/edit/?{urlencode({'next': mine.article_url})}"
        stale = (
            mine.opened is not None and mine.opened < mine.version and self.rng.random() < STALE_EDIT_SHARE
        )
        if stale:
            version = mine.opened
        else:
            answer = self.browser.request("edit page", path)
            found = VERSION_INPUT.search(answer.text) if answer.status == 200 else None
            if found is None:
                self.problem("edit page", path, None, answer, "the edit page, with the version, answers 200")
                return
            version = int(found.group(1))
            if version != mine.version:
                self.problem("edit page", path, None, answer, f"shows version {version}, not {mine.version}")
            if mine.opened is None:
                mine.opened = version  # this tab stays open: a later edit may be sent from it
        what = {
            "tags": self.new_tags(),
            "note": self.new_text(""),
            "audience": self.rng.choice(list(self.audiences)),
        }
        answer = self.send_edit("edit", path, pk, what, version)
        if answer.status == 409 and stale:
            self.conflicts += 1
            mine.opened = None  # the conflict page replaces that tab's form: the user saves again
            found = VERSION_INPUT.search(answer.text)
            if found is None:
                self.problem("edit", path, None, answer, "the 409 page gives the current version")
                return
            self.send_edit("edit again", path, pk, what, int(found.group(1)))
        elif answer.status == 409:
            self.problem("edit", path, what, answer, f"409 although version {version} is the current one")
        elif answer.status == 302 and stale:
            self.problem(
                "edit", path, what, answer, f"a LOST UPDATE: accepted version {version}, not current"
            )

    def send_edit(self, kind: str, path: str, pk: int, what: dict, version: int) -> Answer:
        form = {
            **what,
            "tags": ", ".join(what["tags"]),
            "version": version,
            "next": self.mine[pk].article_url,
            "csrfmiddlewaretoken": self.browser.csrf_token,
        }
        answer = self.browser.request(kind, path, form)
        if answer.status == 302:
            self.acks.append(("annotation edit", pk, what))
            self.mine[pk].version += 1
        elif answer.status != 409:
            self.problem(kind, path, form, answer, "an edit answers 302 (saved) or 409 (changed meanwhile)")
        return answer

    def reply(self, article: dict) -> None:
        link = self.rng.choice(self.links)
        annotation, parent = reply_target(link)
        # As replies.js sends it: the reply answered, if any, by its IRI.
        reply = {"body": {"type": "TextualBody", "value": self.new_text("")}}
        if parent:
            reply["target"] = f"{self.browser.origin}/api/replies/{parent}"
        path = f"/api/annotations/{annotation}/replies"
        answer = self.browser.request("reply", path, json_body=reply)
        if answer.status == 201:
            pk = int(json.loads(answer.body)["id"].rsplit("/", 1)[1])
            note = reply["body"]["value"]
            self.acks.append(("reply", pk, {"annotation": annotation, "parent": parent, "note": note}))
            page = next(iter(parse_qs(urlsplit(link).query).get("next", [])), article["url"])
            self.my_replies[pk] = (page, article["pk"], annotation)
        elif answer.status == 404:
            self.check_gone("reply", path, reply, answer, article["pk"], annotation)
        else:
            self.problem("reply", path, reply, answer, "a reply answers 201 with its IRI")

    def edit_reply(self) -> None:
        pk = self.rng.choice(list(self.my_replies))
        page, article, annotation = self.my_replies[pk]
        path = f"/replies/{pk}/edit/?{urlencode({'next': page})}"
        form = {"note": self.new_text(""), "csrfmiddlewaretoken": self.browser.csrf_token}
        answer = self.browser.request("reply edit", path, form)
        if answer.status == 302:
            self.acks.append(("reply edit", pk, {"note": form["note"]}))
        elif answer.status == 404:
            self.check_gone("reply edit", path, form, answer, article, annotation)
        else:
            self.problem("reply edit", path, form, answer, "a reply's edit answers 302")

    def check_gone(self, kind: str, path: str, form: dict, answer: Answer, article: int, annotation: int):
        """A 404 to a reply or its edit is correct if the user may no longer read the thread: its
        annotation's author made it private or moved it to another group since the list was read.
        The list is fetched again at once, as a reader would: the annotation must be gone from it."""
        url = f"/articles/{article}/fragments/"
        fragments = self.browser.request("recheck", url, headers={"Accept": "application/json"})
        try:
            annotations = json.loads(fragments.body)["annotations"] if fragments.status == 200 else None
        except (ValueError, KeyError):
            annotations = None
        if annotations is None:
            self.problem("recheck", url, None, fragments, "the fragments, after a 404, answer 200 with JSON")
        elif f'id="annotation-{annotation}"' in annotations:
            self.problem(kind, path, form, answer, f"404, yet annotation {annotation} is in their list")
        else:
            self.refused += 1


def simulate_user(spec: dict, seconds: float, start) -> dict:
    """One client process: one user for seconds (a Pool job), from when all users and the bench
    have reached the `start` barrier."""
    user = SimulatedUser(spec)
    start.wait(START_TIMEOUT_SECONDS)
    return user.run(seconds)


# The site: users, sessions, articles (Django, in the bench's process).


def make_users(count: int) -> tuple[list, list]:
    """count users with no usable password (nothing to hash) in up to three groups."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    from newsroom.accounts.models import Membership
    from newsroom.accounts.services import create_group

    model = get_user_model()
    names = [f"reader{number:02d}" for number in range(1, count + 1)]
    model.objects.bulk_create([model(username=name, password=make_password(None)) for name in names])
    users = list(model.objects.filter(username__in=names).order_by("username"))
    groups = []
    for number in range(max(1, min(GROUPS, count // 2))):
        members = [user for index, user in enumerate(users) if in_group(index, number)]
        group = create_group(owner=members[0], name=f"Desk {number + 1}")
        Membership.objects.bulk_create([Membership(group=group, user=user) for user in members[1:]])
        groups.append(group)
    return users, groups


def in_group(index: int, group: int) -> bool:
    """User index is in group index % GROUPS; every fourth user also in the next one."""
    return index % GROUPS == group or (index % 4 == 0 and (index + 1) % GROUPS == group)


def reading_articles() -> list:
    """The fixtures and copies of them: READING_ARTICLES articles for the users to read."""
    from articles.models import Article

    fixtures = list(Article.objects.order_by("pk"))
    articles = fixtures[:READING_ARTICLES]
    while len(articles) < READING_ARTICLES:
        number = len(articles)
        articles.append(copy_article(fixtures[number % len(fixtures)], f"load-{number}", "load copy"))
    return articles


def member_article(member, users: list, groups: list, seed: int):
    """A copy of the longest article with 100 annotations the member sees and 20 they do not."""
    from django.db import transaction

    from articles.models import Annotation, Article
    from articles.services.annotations import create_annotation
    from newsroom.accounts.models import Group

    theirs = list(Group.objects.of(member))
    others = [group for group in groups if group not in theirs]
    strangers = [user for user in users if user != member]
    # (authors, or None for the group's members; visibility; the groups to choose from)
    plan = (
        [(users, "public", [])] * MEMBER_ANNOTATIONS["public"]
        + [(None, "group", theirs)] * MEMBER_ANNOTATIONS["group"]
        + [([member], "private", [])] * MEMBER_ANNOTATIONS["private"]
    )
    if strangers:  # half shared with a group they are not in, if there is one; half others' private
        plan += [
            (None, "group", others) if others and n % 2 else (strangers, "private", [])
            for n in range(HIDDEN_ANNOTATIONS)
        ]
    source = max(Article.objects.all(), key=lambda article: len(article.body))
    article = copy_article(source, "member-100", f"{sum(MEMBER_ANNOTATIONS.values())} visible to {member}")
    rng = random.Random(f"{seed}-member")
    with transaction.atomic():  # one commit, not one per annotation
        for n, ((start, end), (authors, visibility, group_choices)) in enumerate(
            zip(passages(article.body, len(plan), rng), plan, strict=True)
        ):
            group = rng.choice(group_choices) if group_choices else None
            create_annotation(
                article=article,
                author=rng.choice(authors or [membership.user for membership in group.memberships.all()]),
                start=start,
                end=end,
                exact=article.body[start:end],
                tags=rng.sample(TAGS, rng.randint(1, 3)),
                note=sample_note(rng, article.body[start:end], n),
                visibility=visibility,
                group=group,
            )
    visible = Annotation.objects.visible_to(member).for_article(article).count()
    return article, visible, len(plan) - visible


def has_reply_routes() -> bool:
    from django.urls import NoReverseMatch, reverse

    try:
        reverse("articles:reply_create", args=[1])
        reverse("articles:reply_update", args=[1])
    except NoReverseMatch:
        return False
    return True


# After the run: what the database holds.


@dataclass
class Check:
    """Acknowledged writes of one kind, and how many of them the database holds as answered."""

    acknowledged: int = 0
    stored: int = 0
    missing: int = 0
    different: int = 0
    examples: list[str] = field(default_factory=list)

    def fail(self, how: str, count: int, example: str) -> None:
        if not count:
            return
        setattr(self, how, getattr(self, how) + count)
        if len(self.examples) < 5:
            self.examples.append(example)


def tag_keys(names) -> set[str]:
    from articles.models import Tag
    from articles.models.annotations import normalize_tag

    return {Tag.key_for(normalize_tag(name)) for name in names if normalize_tag(name)}


def verify(results: list[dict], users: list, articles: list, with_replies: bool) -> dict:
    """Each acknowledged write looked up, by kind; and writes stored without a success answer.
    with_replies: whether the app has replies (an app without them has no Reply model either)."""
    from articles.forms import audience_of
    from articles.models import Annotation

    created, edits, replies, reply_edits = {}, defaultdict(list), {}, defaultdict(list)
    authors = {}
    for result in results:  # each object is written by one user only, whose acks are in order
        for write, pk, what in result["acks"]:
            authors[write, pk] = result["username"]
            if write == "annotation":
                created[pk] = what
            elif write == "annotation edit":
                edits[pk].append(what)
            elif write == "reply":
                replies[pk] = what
            else:
                reply_edits[pk].append(what)
    checks = {name: Check() for name in ["annotation", "annotation edit", "reply", "reply edit"]}
    unanswered = {
        "annotations": Annotation.objects.filter(author__in=users, article__in=articles)
        .exclude(pk__in=list(created))
        .count(),
        "replies": 0,
    }

    rows = Annotation.objects.select_related("author").prefetch_related("tags").in_bulk(list(created))
    for pk, what in created.items():
        check, row, done = checks["annotation"], rows.get(pk), edits.get(pk, [])
        check.acknowledged += 1
        checks["annotation edit"].acknowledged += len(done)
        if row is None or row.deleted_at is not None:
            check.fail("missing", 1, f"annotation {pk} by {authors['annotation', pk]}: not in the database")
            checks["annotation edit"].fail("missing", len(done), f"annotation {pk}: gone with its edits")
            continue
        stored = (row.article_id, row.author.username, row.start, row.end, row.exact)
        answered = (what["article"], authors["annotation", pk], what["start"], what["end"], what["exact"])
        if stored != answered:
            check.fail("different", 1, f"annotation {pk}: stored {stored}, answered {answered}")
        # The note, audience and tags of its last acknowledged write; a version per edit.
        final = done[-1] if done else what
        now = (row.note, audience_of(row), tag_keys(tag.name for tag in row.tags.all()))
        last = (final["note"], final["audience"], tag_keys(final["tags"]))
        if now != last:
            example = f"annotation {pk}: holds {now}, its last acknowledged write says {last}"
            (checks["annotation edit"] if done else check).fail("different", len(done) or 1, example)
        elif row.version != 1 + len(done):
            how = "missing" if row.version < 1 + len(done) else "different"
            example = f"annotation {pk}: version {row.version} after {len(done)} acknowledged edits"
            checks["annotation edit"].fail(how, abs(row.version - 1 - len(done)), example)
        elif done:
            checks["annotation edit"].stored += len(done)
        if stored == answered and (done or now == last):
            check.stored += 1
    if not with_replies:
        return {"checks": checks, "unanswered": unanswered}

    from articles.models.annotations import Reply

    rows = Reply.objects.select_related("author").in_bulk(list(replies))
    for pk, what in replies.items():
        check, row, done = checks["reply"], rows.get(pk), reply_edits.get(pk, [])
        check.acknowledged += 1
        checks["reply edit"].acknowledged += len(done)
        if row is None or row.deleted_at is not None:
            check.fail("missing", 1, f"reply {pk} by {authors['reply', pk]}: not in the database")
            checks["reply edit"].fail("missing", len(done), f"reply {pk}: gone with its edits")
            continue
        stored = (row.annotation_id, row.parent_id, row.author.username)
        answered = (what["annotation"], what["parent"], authors["reply", pk])
        if stored != answered:
            check.fail("different", 1, f"reply {pk}: stored {stored}, answered {answered}")
        last = (done[-1] if done else what)["note"]
        if row.note != last:
            example = f"reply {pk}: holds {row.note!r}, its last acknowledged write says {last!r}"
            (checks["reply edit"] if done else check).fail("different", len(done) or 1, example)
        elif done:
            checks["reply edit"].stored += len(done)
        if stored == answered and (done or row.note == last):
            check.stored += 1

    unanswered["replies"] = Reply.objects.filter(author__in=users).exclude(pk__in=list(replies)).count()
    return {"checks": checks, "unanswered": unanswered}


# Reports.


def percentiles_ms(latencies: list[float]) -> tuple[float, float, float]:
    if len(latencies) < 2:
        return (1000 * latencies[0],) * 3 if latencies else (float("nan"),) * 3
    cuts = statistics.quantiles(latencies, n=100, method="inclusive")
    return 1000 * cuts[49], 1000 * cuts[94], 1000 * cuts[98]


def answers_text(statuses: Counter) -> str:
    return ", ".join(f"{status or 'failed'}: {count:,}" for status, count in sorted(statuses.items()))


def outcome(record: Record, killed_at: float | None) -> str:
    """What became of a request: "answered" (with anything but the ones below), "429" (a limit),
    "503" (busy, with Retry-After), "cut" (no answer or a 5xx while the killed worker may have been
    answering it), "5xx" (any other 5xx) or "failed" (any other request without an answer)."""
    if record.status == 429 or (record.status == 503 and record.retry_after):
        return str(record.status)
    if record.status and record.status < 500:
        return "answered"
    in_flight = killed_at is not None and (
        record.started - KILL_SLACK_SECONDS
        <= killed_at
        <= record.started + record.seconds + KILL_SLACK_SECONDS
    )
    return "cut" if in_flight else "5xx" if record.status else "failed"


def report_load(results: list[dict], server_cpu: float | None, killed_at: float | None) -> dict:
    records = [record for result in results for record in result["records"]]
    elapsed = statistics.mean(result["elapsed"] for result in results)
    by_kind = defaultdict(list)
    for record in records:
        by_kind[record.kind].append(record)
    print(f"{'request':<11} {'count':>7} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7}  answers")
    for kind in [*KINDS, "all"]:
        rows = records if kind == "all" else by_kind.get(kind, [])
        if not rows:
            continue
        p50, p95, p99 = percentiles_ms([record.seconds for record in rows])
        statuses = Counter(record.status for record in rows)
        print(
            f"{kind:<11} {len(rows):>7,} {len(rows) / elapsed:>7.1f} {p50:>7.1f} {p95:>7.1f} {p99:>7.1f}"
            f"  {answers_text(statuses)}"
        )
    polls = Counter(record.status for record in by_kind.get("poll", []))
    outcomes = Counter(outcome(record, killed_at) for record in records)
    unexpected = sum(result["problem_count"] for result in results)
    p50, p95, p99 = percentiles_ms([record.seconds for record in records])
    cpu = f"{1000 * server_cpu / len(records):.2f} ms" if server_cpu is not None and records else "-"
    print(
        f"polls answered 304: {polls[304] / max(1, sum(polls.values())):.0%}; server CPU per request: {cpu}"
    )
    print(
        f"cut by the kill (no answer, or a 5xx, while the killed worker may have been answering them):"
        f" {outcomes['cut']:,};\nother 5xx: {outcomes['5xx']:,}; other connections failed or timed out:"
        f" {outcomes['failed']:,}; 503 with Retry-After: {outcomes['503']:,}; 429: {outcomes['429']:,};"
        f"\nanswers not among the request's correct ones (5xx and failures included, 429 and 503 with"
        f" Retry-After not): {unexpected:,}"
    )
    problems = [problem for result in results for problem in result["problems"]]
    for problem in sorted(problems, key=lambda problem: problem["at"])[:10]:
        print(
            f"  {problem['at']} {problem['user']} {problem['request']} -> {problem['status']}:"
            f" {problem['why']}"
        )
        if problem["form"]:
            print(f"    form: {json.dumps(problem['form'], ensure_ascii=False)[:400]}")
        print(f"    answer: {' '.join(problem['body'].split())[:200]!r}")
    return {
        "requests": len(records),
        "rate": len(records) / elapsed,
        "p50": p50,
        "p95": p95,
        "p99": p99,
        "cut": outcomes["cut"],
        "server_errors": outcomes["5xx"],
        "failed": outcomes["failed"],
        "busy": outcomes["503"],
        "limited": outcomes["429"],
        "unexpected": unexpected,
        "poll_304": polls[304] / max(1, sum(polls.values())),
    }


def report_checks(verification: dict, results: list[dict]) -> dict:
    checks = verification["checks"]
    print(f"{'write':<16} {'acknowledged':>12} {'stored as answered':>19} {'missing':>8} {'different':>10}")
    for name, check in checks.items():
        print(
            f"{name:<16} {check.acknowledged:>12,} {check.stored:>19,} {check.missing:>8,}"
            f" {check.different:>10,}"
        )
    total = Check(
        sum(check.acknowledged for check in checks.values()),
        sum(check.stored for check in checks.values()),
        sum(check.missing for check in checks.values()),
        sum(check.different for check in checks.values()),
    )
    print(
        f"{'all':<16} {total.acknowledged:>12,} {total.stored:>19,} {total.missing:>8,}"
        f" {total.different:>10,}"
    )
    for check in checks.values():
        for example in check.examples:
            print(f"  {example}")
    unanswered = verification["unanswered"]
    print(
        f"stored without a success answer (e.g. a request that failed after its commit):"
        f" {unanswered['annotations']:,} annotations, {unanswered['replies']:,} replies"
    )
    conflicts = sum(result["conflicts"] for result in results)
    print(
        f"409 to an edit sent from an edit page opened before the last edit (correct, not an error):"
        f" {conflicts:,}, each then saved again"
    )
    refused = sum(result["refused"] for result in results)
    print(
        f"404 to a reply or a reply's edit whose annotation is no longer in the user's list right after"
        f" (made private or moved to another group since; correct, not an error): {refused:,}"
    )
    return {"acknowledged": total.acknowledged, "stored": total.stored, "conflicts": conflicts}


SERVER_TROUBLE = re.compile(r"Internal Server Error|WORKER TIMEOUT|Exception in worker|database is locked")
LOCKED = "database is locked"


def server_log_problems(logs: list[Path]) -> tuple[int, int, str]:
    """Server errors and worker timeouts in gunicorn's logs (Django logs its errors there, through
    --capture-output): how many lines tell of one, how many of those say "database is locked", and
    the lines from the first one on."""
    count, locked, first = 0, 0, ""
    for log in logs:
        lines = log.read_text(errors="replace").splitlines() if log.exists() else []
        troubled = [number for number, line in enumerate(lines) if SERVER_TROUBLE.search(line)]
        count += len(troubled)
        locked += sum(LOCKED in lines[number] for number in troubled)
        if troubled and not first:
            first = "\n".join(lines[troubled[0] : troubled[0] + 40])
    return count, locked, first


# Faults and the task worker.


@dataclass
class Faults:
    """What was done to the servers and the task worker during the mixed load, and when (time.time())."""

    started_at: float = field(default_factory=time.time)
    killed_pid: int = 0
    killed_at: float | None = None
    restarted_at: float | None = None
    stop_seconds: float = 0.0  # the old task worker's, from SIGTERM to its exit
    tasks_queued: int = 0  # the bench's own


def inflict_faults(site, env: dict, jobs, args) -> Faults:
    """While the users run: one of the bench's tasks queued every TASK_EVERY_SECONDS; at KILL_AT of
    the run, a worker of the first gunicorn killed with SIGKILL; at RESTART_AT, the task worker
    restarted (SIGTERM, then a new one)."""
    from bench_tasks import pause

    faults = Faults()
    rng = random.Random(f"{args.seed}-faults")
    while not jobs.ready() and time.time() - faults.started_at < args.seconds + REQUEST_TIMEOUT_SECONDS + 60:
        run_time = time.time() - faults.started_at
        if faults.killed_at is None and run_time >= KILL_AT * args.seconds:
            faults.killed_pid, faults.killed_at = kill_a_worker(site.servers[0].pid, rng)
        if faults.restarted_at is None and run_time >= RESTART_AT * args.seconds:
            faults.restarted_at = time.time()
            site.task_worker, faults.stop_seconds = restart_task_worker(site.task_worker, env, site.tasks_log)
        pause.enqueue(faults.tasks_queued, TASK_SECONDS)
        faults.tasks_queued += 1
        jobs.wait(TASK_EVERY_SECONDS)
    return faults


def report_faults(faults: Faults) -> None:
    def when(moment: float | None) -> str:
        return f"at {moment - faults.started_at:.1f} s" if moment else "NOT DONE (the load ended first)"

    print(
        f"faults: gunicorn worker {faults.killed_pid or '-'} killed with SIGKILL {when(faults.killed_at)};"
        f" the task worker restarted {when(faults.restarted_at)} (SIGTERM: it stopped in"
        f" {faults.stop_seconds:.1f} s, finishing its task);\n{faults.tasks_queued} tasks of the bench's own"
        f" queued, one every {TASK_EVERY_SECONDS:g} s, each {TASK_SECONDS:g} s of work"
    )


def finish_tasks(site) -> dict:
    """Let the task worker finish what is due (at most TASK_DRAIN_SECONDS), stop it, and count the
    tasks by status: the bench's own and any the app queued during the run."""
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    def unfinished():  # due or running
        return DBTaskResult.objects.ready() | DBTaskResult.objects.running()

    started = time.perf_counter()
    while unfinished().exists() and time.perf_counter() - started < TASK_DRAIN_SECONDS:
        time.sleep(0.5)
    stop(site.task_worker)
    counts = Counter(DBTaskResult.objects.values_list("task_path", "status"))
    lost = Counter(unfinished().values_list("task_path", flat=True))
    print(f"\nTasks, after {time.perf_counter() - started:.1f} s more for the worker to finish what was due:")
    print(f"{'task':<44} {'queued':>7} {'done':>7} {'failed':>7} {'later':>7} {'lost':>7}")
    totals = Counter()
    for path in sorted({path for path, _ in counts}):
        queued = sum(counts[path, status] for status in TaskResultStatus)
        done, failed = counts[path, TaskResultStatus.SUCCESSFUL], counts[path, TaskResultStatus.FAILED]
        later = queued - done - failed - lost[path]
        print(f"{path:<44} {queued:>7,} {done:>7,} {failed:>7,} {later:>7,} {lost[path]:>7,}")
        totals.update(queued=queued, done=done, lost=lost[path])
    print("later: a retry waiting for its time; lost: due or running when the worker was stopped")
    return {"tasks_queued": totals["queued"], "tasks_done": totals["done"], "tasks_lost": totals["lost"]}


# One configuration.


class Site:
    """What one configuration's run makes and must remove: a folder, a database, servers, the task
    worker, keys in Redis."""

    def __init__(self, config: str):
        self.config = config
        self.work_dir = Path(tempfile.mkdtemp(prefix=f"load-bench-{config}-"))
        self.tasks_log = self.work_dir / "tasks.log"
        self.postgres_name = ""
        self.postgres_admin_url = ""
        self.redis_url = ""
        self.servers: list[subprocess.Popen] = []
        self.task_worker: subprocess.Popen | None = None
        self.has_django = False

    def create_postgres_database(self, admin_url: str) -> str:
        self.postgres_name, self.postgres_admin_url = f"bench_load_{os.getpid()}", admin_url
        return create_postgres_database(admin_url, self.postgres_name)

    def clean_up(self, keep: bool) -> None:
        for process in [*self.servers, self.task_worker]:
            if process is not None and process.poll() is None:
                stop(process)
        if self.has_django:
            from django.db import connections

            connections.close_all()
        if self.postgres_name:
            drop_postgres_database(self.postgres_admin_url, self.postgres_name)
        if self.redis_url:
            delete_redis_keys(self.redis_url, self.work_dir)
        if keep:
            print(f"{'kept':<14} {self.work_dir}")
        else:
            shutil.rmtree(self.work_dir, ignore_errors=True)


def shield_from_signals() -> None:
    """While cleaning up: a second Ctrl-C or SIGTERM must not leave things half removed."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)


def run_config(config: str, args) -> dict:
    site = Site(config)
    try:
        return bench_config(site, args)
    finally:
        shield_from_signals()
        site.clean_up(args.keep)


def site_env(site: Site, args) -> dict:
    """The configuration's database (and Redis), its settings module and the bench's modules."""
    work_dir = site.work_dir
    _, on_postgres, instances = CONFIGS[site.config]
    (work_dir / f"{URLCONF_MODULE}.py").write_text(URLCONF_TEXT)
    (work_dir / f"{TASKS_MODULE}.py").write_text(TASKS_TEXT)
    settings = f"\nROOT_URLCONF = {URLCONF_MODULE!r}\n"
    if on_postgres:
        database_url = site.create_postgres_database(args.postgres)
    else:  # with the settings' SQLite options (WAL, IMMEDIATE, busy timeout), whatever the file
        database_url = f"sqlite:///{work_dir / 'db.sqlite3'}"
    site.redis_url = args.redis if instances > 1 else ""
    return bench_env(work_dir, database_url=database_url, settings=settings, redis_url=site.redis_url)


def time_member_page(member, page_article, visible: int, args) -> dict:
    """reader01's page, timed in this process as page_bench.py times alice's: median ms, cold and warm."""
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(member)
    path = page_article.get_absolute_url()
    timings = {
        state: time_url(client, path, args.requests, cold=state == "cold") for state in ["cold", "warm"]
    }
    print(
        f"\n{member}'s page with {visible} visible annotations, server time in this process as page_bench.py"
    )
    print(
        f"times alice's page with 100 annotations (the baseline), {args.requests} requests per figure, in ms:"
    )
    print(f"{'':<14} {'med':>7} {'p95':>7} {'cpu':>7} {'queries':>8} {'HTML':>8}")
    for state, timing in timings.items():
        print(
            f"{state:<14} {timing.median_ms:>7.1f} {timing.p95_ms:>7.1f} {timing.cpu_median_ms:>7.1f}"
            f" {timing.queries:>8} {timing.size / 1024:>5.0f} KB"
        )
    return {f"page_{state}_ms": timing.median_ms for state, timing in timings.items()}


def start_servers(site: Site, env: dict, instances: int, args) -> tuple[list[int], list[Path]]:
    """gunicorn instances as newsroom/gunicorn.conf.py runs one, on ports of their own, without the
    access log, and the task worker; (their ports, their logs)."""
    ports = free_ports(instances)
    logs = [site.work_dir / f"gunicorn-{number}.log" for number in range(1, instances + 1)]
    for port, log in zip(ports, logs, strict=True):
        site.servers.append(start_gunicorn(env, port, args.workers, log, "--preload", "--capture-output"))
    for server, port, log in zip(site.servers, ports, logs, strict=True):
        wait_until_answering(server, port, log, BARE_PATH)
    site.task_worker = start_task_worker(env, site.tasks_log)
    return ports, logs


def servers_cpu_seconds(servers: list[subprocess.Popen]) -> float | None:
    seconds = [server_cpu_seconds(server.pid) for server in servers]
    return None if None in seconds else sum(seconds)


def bench_config(site: Site, args) -> dict:
    title, _, instances = CONFIGS[site.config]
    env = site_env(site, args)
    print(f"\n=== {site.config}: {title} ===")
    prepare_database(env)
    become_django(env, site.work_dir)
    site.has_django = True
    from django.conf import settings
    from django.db import connections

    started = time.perf_counter()
    users, groups = make_users(args.users)
    member = users[0]
    cookies = {user.username: session_cookie(user) for user in users}
    articles = reading_articles()
    page_article, visible, hidden = member_article(member, users, groups, args.seed)
    replies = has_reply_routes()
    print(
        f"{'site':<14} {len(users)} users in {len(groups)} groups, signed in by sessions made on the server;"
        f" {len(articles)} articles to read; made in {time.perf_counter() - started:.1f} s"
    )
    print(
        f"{'page':<14} {page_article.get_absolute_url()}: {visible} annotations visible to {member},"
        f" {hidden} not"
    )
    if not replies:
        print(
            f"{'replies':<14} NOT SIMULATED: the app has no reply routes"
            " (articles:reply_create, articles:reply_update)"
        )
    print(f"{'machine':<14} {os.cpu_count()} CPUs, load average {load_average()} (1, 5, 15 min) before")
    if site.redis_url:  # a cold page clears the whole cache: Redis's database, not only the bench's keys
        print(f"\n{member}'s page in this process: not timed on Redis (see the postgres configuration)")
        page_timings = {}
    else:
        page_timings = time_member_page(member, page_article, visible, args)
    connections.close_all()  # gunicorn's workers open their own

    ports, logs = start_servers(site, env, instances, args)
    specs = [
        {
            "port": ports[index % instances],  # users alternate between the instances
            "username": user.username,
            "cookies": {settings.SESSION_COOKIE_NAME: cookies[user.username]},
            "csrf_cookie": settings.CSRF_COOKIE_NAME,
            "articles": [{"pk": a.pk, "url": a.get_absolute_url(), "body": a.body} for a in articles],
            "seed": args.seed,
            "replies": replies,
        }
        for index, user in enumerate(users)
    ]
    with client_pool(max(args.users, args.clients)) as pool, client_manager() as manager:
        servers = f"{instances} gunicorn instances sharing Redis" if instances > 1 else "gunicorn"
        print(
            f"\nMixed load: {args.users} users for {args.seconds:g} s, one client process each, in a closed"
            f" loop (no pauses;\na write at most every {MIN_SECONDS_BETWEEN_WRITES:g} s per user); {servers}"
            f" with {args.workers} sync workers each; each request on a new connection."
        )
        start = manager.Barrier(len(specs) + 1)  # the users and the faults' clock start together
        jobs = pool.starmap_async(simulate_user, [(spec, args.seconds, start) for spec in specs])
        start.wait(START_TIMEOUT_SECONDS)
        before = servers_cpu_seconds(site.servers)
        faults = inflict_faults(site, env, jobs, args)
        results = jobs.get(5)  # ready, unless a user hung
        after = servers_cpu_seconds(site.servers)
        report_faults(faults)
        load = report_load(
            results, None if before is None or after is None else after - before, faults.killed_at
        )
        compared = compare(
            pool, site.servers[0], ports[0], member, cookies[member.username], page_article, args
        )
    for server in site.servers:
        stop(server)
    log_count, locked, first_traceback = server_log_problems(logs)
    print(
        f"\ngunicorn's log: {log_count} lines of tracebacks, 500s or worker timeouts,"
        f' {locked} of them "{LOCKED}"'
    )
    if first_traceback:
        print(first_traceback)
    tasks = finish_tasks(site)

    print("\nAcknowledged writes (a success answer) and what the database holds of them:")
    checks = report_checks(verify(results, users, articles, replies), results)
    print(f"{'machine':<14} load average {load_average()} (1, 5, 15 min) after")
    summary = {
        "config": site.config,
        **load,
        **checks,
        **compared,
        **tasks,
        **page_timings,
        "log_problems": log_count,
        "locked": locked,
        "replies": replies,
    }
    print()
    report_table([summary])
    return summary


def compare(pool, server, port: int, member, session: str, article, args) -> dict:
    """The 304 poll and the article page against a bare HttpResponse, as the member, in turn."""
    from django.conf import settings

    browser = Browser(port, {settings.SESSION_COOKIE_NAME: session}, settings.CSRF_COOKIE_NAME)
    page = browser.request("page", article.get_absolute_url())
    if page.status != 200 or not (found := FRAGMENTS_URL.search(page.text)):
        raise RuntimeError(f"{member}'s article page answered {page.status}, without its fragments' URL")
    fragments_url = html.unescape(found.group(1))
    etag = browser.request("poll", fragments_url, headers={"Accept": "application/json"}).etag
    cookie = (
        (
            "Cookie",
            f"{settings.SESSION_COOKIE_NAME}={session}; {settings.CSRF_COOKIE_NAME}={browser.csrf_token}",
        ),
    )
    targets = {
        "bare HttpResponse view": Target(BARE_PATH, cookie),
        "poll answered 304": Target(
            fragments_url, (*cookie, ("Accept", "application/json"), ("If-None-Match", etag)), expect=304
        ),
        f"article page, {member}": Target(article.get_absolute_url(), cookie),
    }
    loads = measure_loads(pool, server, port, targets, args.clients, args.compare_seconds)
    print(
        f"\nThe same client code as {member} (signed in), {args.clients} client processes,"
        f" {args.compare_seconds:g} s"
        f" per URL in rounds of ~{ROUND_SECONDS:g} s\ntaking the URLs in turn, after {WARM_UP_SECONDS:g} s"
        f" of warm-up each; {os.cpu_count()} CPUs shared by clients and server."
    )
    print(
        f"{'url':<28} {'requests/s':>10} {'of bare':>8} {'p50 ms':>7} {'p95 ms':>7} {'server cpu':>11}"
        f" {'failed':>7}"
    )
    bare = loads["bare HttpResponse view"]
    for label, load in loads.items():
        _, p95, _ = percentiles_ms(load.latencies)
        cpu = f"{load.cpu_ms:.2f} ms" if load.cpu_ms is not None else "-"
        print(
            f"{label:<28} {load.rate:>10,.0f} {load.rate / (bare.rate or 1):>8.0%} {load.median_ms:>7.1f}"
            f" {p95:>7.1f}"
            f" {cpu:>11} {load.failures:>7,}"
        )
    poll = loads["poll answered 304"]
    share = poll.rate / bare.rate if bare.rate else 0.0
    verdict = "met" if share >= TARGET_POLL_SHARE else "MISSED"
    print(
        f"target: the 304 poll at least {TARGET_POLL_SHARE:.0%} of the bare view's rate:"
        f" {verdict} ({share:.0%})"
    )
    page_load = loads[f"article page, {member}"]
    return {
        "bare_rate": bare.rate,
        "poll_rate": poll.rate,
        "poll_share": share,
        "page_rate": page_load.rate,
        "page_p50": page_load.median_ms,
    }


# All configurations.

# The summary's columns: heading, width, the figure from a configuration's summary.
TABLE = [
    ("requests", 9, lambda row: f"{row['requests']:,}"),
    ("req/s", 6, lambda row: f"{row['rate']:,.0f}"),
    ("p50", 5, lambda row: f"{row['p50']:.0f}"),
    ("p95", 6, lambda row: f"{row['p95']:.0f}"),
    ("acked", 6, lambda row: f"{row['acknowledged']:,}"),
    ("found", 6, lambda row: f"{row['stored']:,}"),
    ("lost", 5, lambda row: f"{row['acknowledged'] - row['stored']:,}"),
    ("cut", 4, lambda row: f"{row['cut']:,}"),
    ("5xx", 4, lambda row: f"{row['server_errors']:,}"),
    ("failed", 7, lambda row: f"{row['failed']:,}"),
    ("503", 5, lambda row: f"{row['busy']:,}"),
    ("429", 5, lambda row: f"{row['limited']:,}"),
    ("locked", 7, lambda row: f"{row['locked']:,}"),
    ("tasks", 10, lambda row: f"{row['tasks_done']:,}/{row['tasks_queued']:,}"),
    ("poll/bare", 10, lambda row: f"{row['poll_share']:.0%}"),
]


def report_table(summaries: list[dict]) -> None:
    """One row per configuration."""
    print(f"{'config':<15}" + "".join(f"{heading:>{width}}" for heading, width, _ in TABLE))
    for summary in summaries:
        if "rate" not in summary:
            print(f"{summary['config']:<15} {summary['error']}")
            continue
        print(
            f"{summary['config']:<15}" + "".join(f"{figure(summary):>{width}}" for _, width, figure in TABLE)
        )
    print(
        "requests of the mixed load, p50/p95 in ms; acked: writes answered with success, found: those the"
        " database holds\nas answered, lost: acked but not found; cut: requests cut by the worker's kill (no"
        " answer, or a 5xx, while\nit may have been answering them); 5xx: any other 5xx (a 503 with"
        " Retry-After is not one); failed: any other\nrequest without an answer; 503: busy, with Retry-After;"
        ' 429: limited (neither acknowledged); locked: lines of\n"database is locked" in gunicorn\'s logs;'
        " tasks: done/queued (the bench's own and the app's); poll/bare: the 304\npoll's rate over a bare"
        f" HttpResponse's (target ≥ {TARGET_POLL_SHARE:.0%})."
    )
    if not all(summary.get("replies", True) for summary in summaries):
        print("Replies were NOT simulated: the app has no reply routes.")


def run_children(args, configs: list[str]) -> list[dict]:
    """Each configuration in a process of its own (Django is set up once per process)."""
    summaries = []
    with tempfile.TemporaryDirectory(prefix="load-bench-") as folder:
        for config in configs:
            summary_file = Path(folder) / f"{config}.json"
            command = [sys.executable, __file__, *child_arguments(args), "--config", config]
            child = subprocess.Popen([*command, "--summary-file", str(summary_file)])
            try:
                code = child.wait()
            except BaseException:  # Ctrl-C (the child got it too) or SIGTERM: the child cleans up
                shield_from_signals()
                try:
                    child.wait(timeout=2)
                except subprocess.TimeoutExpired:  # it did not get the signal: pass it on
                    child.send_signal(signal.SIGTERM)
                    try:
                        child.wait(timeout=120)
                    except subprocess.TimeoutExpired:
                        child.kill()
                raise
            if code == 0 and summary_file.exists():
                summaries.append(json.loads(summary_file.read_text()))
            else:
                summaries.append({"config": config, "error": f"the bench could not run: exit code {code}"})
    return summaries


def child_arguments(args) -> list[str]:
    arguments = [
        *["--seconds", str(args.seconds), "--users", str(args.users), "--workers", str(args.workers)],
        *["--clients", str(args.clients), "--compare-seconds", str(args.compare_seconds)],
        *["--requests", str(args.requests), "--seed", str(args.seed)],
        *["--postgres", args.postgres, "--redis", args.redis],
    ]
    return [*arguments, "--keep"] if args.keep else arguments


def unavailable(config: str, args) -> str:
    """Why the configuration cannot run here ("" if it can)."""
    _, on_postgres, instances = CONFIGS[config]
    if on_postgres and not postgres_answers(args.postgres):
        return f"skipped: PostgreSQL does not answer at {urlsplit(args.postgres).netloc}"
    if instances > 1 and not redis_answers(args.redis):
        return f"skipped: Redis does not answer at {urlsplit(args.redis).netloc}"
    return ""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60, help="mixed load per configuration (default 60)")
    parser.add_argument(
        "--users", type=int, default=20, help="simulated users, one process each (default 20)"
    )
    parser.add_argument(
        "--workers", type=int, default=3, help="gunicorn sync workers per instance (default 3)"
    )
    parser.add_argument("--clients", type=int, default=4, help="client processes comparing URLs (default 4)")
    parser.add_argument(
        "--compare-seconds", type=float, help="load per compared URL (default: a quarter of --seconds)"
    )
    parser.add_argument("--requests", type=int, default=30, help="timed requests per in-process figure")
    parser.add_argument("--seed", type=int, default=1, help="random seed of users and annotations")
    parser.add_argument(
        "--config",
        action="append",
        choices=list(CONFIGS),
        help="a configuration to bench; repeat for more (default: all three, those that can run here)",
    )
    parser.add_argument(
        "--postgres",
        default=os.environ.get("POSTGRES_TEST_URL", "postgres://postgres@127.0.0.1:5432/test"),
        help="a PostgreSQL database to connect to while creating and dropping the bench's own",
    )
    parser.add_argument(
        "--redis",
        default=os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/6"),
        help="the Redis database the two instances share (the bench's keys are removed afterwards)",
    )
    parser.add_argument(
        "--keep",
        action="store_true",
        help="keep the temporary folders: SQLite, gunicorn's and the worker's logs",
    )
    parser.add_argument("--summary-file", help=argparse.SUPPRESS)  # where a child leaves its figures
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)  # progress shows also when piped to a file
    if args.users < 1:
        parser.error("--users must be at least 1")
    args.compare_seconds = args.compare_seconds or max(ROUND_SECONDS, args.seconds / 4)
    # A plain `kill` cleans up as Ctrl-C does: gunicorn stopped, the database dropped, the folder removed.
    signal.signal(signal.SIGTERM, lambda number, frame: signal.default_int_handler(number, frame))

    if args.summary_file:  # a child: one configuration
        try:
            summary = run_config(args.config[0], args)
        except Exception as error:  # the bench could not run: say why, exit non-zero
            traceback.print_exc()
            print(
                f"\nThe bench could not run {args.config[0]}: {type(error).__name__}: {error}",
                file=sys.stderr,
            )
            return 1
        Path(args.summary_file).write_text(json.dumps(summary))
        return 0

    configs, skipped = [], []
    for config in dict.fromkeys(args.config or CONFIGS):
        if reason := unavailable(config, args):
            print(f"{config}: {reason}", flush=True)
            skipped.append({"config": config, "error": reason})
        else:
            configs.append(config)
    summaries = run_children(args, configs)
    print("\n=== Summary ===")
    report_table(summaries + skipped)
    return 0 if all("rate" in summary for summary in summaries) else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        if "--summary-file" not in sys.argv:  # said once, by the process that was started
            print(
                "\nInterrupted: gunicorn stopped, temporary databases and folders removed.", file=sys.stderr
            )
        sys.exit(130)
