"""Two app hosts sharing one Redis: what one writes, the other shows at once where pages and
answers are cached, and a limit counts the requests of both.

The hosts are two gunicorn instances, real processes, so their database must be one they can
reach: a SQLite file (the suite's own SQLite test database lives in memory), or, when the suite runs
on PostgreSQL, a database of this module's own on that server, dropped afterwards. Redis is
REDIS_TEST_URL (default redis://127.0.0.1:6379/6); the hosts' keys there are their own (a prefix)
and are removed afterwards. Without Redis the tests are skipped: it is not installed everywhere.
"""

import http.client
import json
import os
import uuid
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

import pytest

from bench.harness import (
    bench_env,
    create_postgres_database,
    delete_redis_keys,
    drop_postgres_database,
    free_ports,
    manage,
    prepare_database,
    redis_answers,
    start_gunicorn,
    stop,
    wait_until_answering,
    web_annotation,
)

REDIS_URL = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/6")
SETTINGS = """
# Static files unhashed: nothing to collect.
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
# Three writes at once, then one every 100 s: a test empties the bucket before it refills.
RATE_LIMITS = {**RATE_LIMITS, "write": (0.01, 3)}
"""
# A user with a personal API token per test, so that no test spends another's writes.
SETUP = """
import json
from django.contrib.auth import get_user_model
from articles.models import Article
from newsroom.accounts.services import create_api_token

tokens = {}
for name in ["writer", "hasty"]:
    tokens[name] = create_api_token(user=get_user_model().objects.create_user(name), name="test")[1]
article = Article.objects.order_by("pk").first()
site = {"tokens": tokens, "pk": article.pk, "url": article.get_absolute_url(), "body": article.body}
print(json.dumps(site))
"""


@dataclass
class Hosts:
    ports: list[int]  # two hosts
    tokens: dict[str, str]
    pk: int  # an article's
    url: str
    body: str


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    text: str


def call(port: int, method: str, path: str, headers: dict | None = None, body: dict | None = None) -> Answer:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        sent = {**(headers or {}), **({"Content-Type": "application/json"} if body else {})}
        connection.request(method, path, json.dumps(body) if body else None, sent)
        response = connection.getresponse()
        return Answer(response.status, dict(response.headers), response.read().decode())
    finally:
        connection.close()


def database_of_the_hosts(work_dir, request) -> str:
    """The suite's kind of database, in a form the hosts can reach."""
    suite_url = os.environ.get("DATABASE_URL", "")
    if not suite_url.startswith("postgres"):
        return f"sqlite:///{work_dir / 'db.sqlite3'}"
    admin_url = urlunsplit(urlsplit(suite_url)._replace(path="/postgres"))
    name = f"test_shared_cache_{os.getpid()}"
    drop_postgres_database(admin_url, name)  # left by a run that was killed
    request.addfinalizer(lambda: drop_postgres_database(admin_url, name))
    return create_postgres_database(admin_url, name)


@pytest.fixture(scope="module")
def hosts(tmp_path_factory, request):
    if not redis_answers(REDIS_URL):
        pytest.skip(f"Redis does not answer at {REDIS_URL} (set REDIS_TEST_URL): no cache to share")
    work_dir = tmp_path_factory.mktemp("shared-cache")
    env = bench_env(
        work_dir,
        database_url=database_of_the_hosts(work_dir, request),
        settings=SETTINGS,
        redis_url=REDIS_URL,
    )
    prepare_database(env, collect_static=False, quiet=True)
    site = json.loads(manage(env, "shell", "--no-imports", "-c", SETUP))
    ports = free_ports(2)
    logs = [work_dir / f"gunicorn-{port}.log" for port in ports]
    servers = []
    try:
        for port, log in zip(ports, logs, strict=True):
            servers.append(start_gunicorn(env, port, 1, log, "--capture-output"))
        for server, port, log in zip(servers, ports, logs, strict=True):
            wait_until_answering(server, port, log, "/")
        yield Hosts(ports, site["tokens"], site["pk"], site["url"], site["body"])
    finally:
        for server in servers:
            stop(server)
        delete_redis_keys(REDIS_URL, work_dir)


def annotate(hosts: Hosts, port: int, token: str, note: str) -> Answer:
    """A public note on the article's first word, through the API of the host on port."""
    end = hosts.body.index(" ")
    annotation = web_annotation(hosts.body, 0, end, note=note, visibility="public")
    auth = {"Authorization": f"Bearer {token}"}
    return call(port, "POST", f"/api/articles/{hosts.pk}/annotations", auth, annotation)


def api_listing(hosts: Hosts, port: int) -> list[str]:
    """The paths of the article's annotations in the first page of its API container."""
    answer = call(port, "GET", f"/api/articles/{hosts.pk}/annotations?page=0")
    assert answer.status == 200, answer.text
    return [urlsplit(item["id"]).path for item in json.loads(answer.text)["items"]]


def test_a_note_written_on_one_host_shows_at_once_on_the_other_and_so_does_its_deletion(hosts):
    one, other = hosts.ports
    fragments = f"/articles/{hosts.pk}/fragments/"
    polled = call(other, "GET", fragments)
    assert polled.status == 200
    # The other host now answers this poll from its cache: it has not changed.
    assert call(other, "GET", fragments, {"If-None-Match": polled.headers["ETag"]}).status == 304
    assert api_listing(hosts, other) == []  # cached too
    assert call(other, "GET", hosts.url).status == 200  # the anonymous page, cached

    note = f"Seen on every host {uuid.uuid4().hex}"
    created = annotate(hosts, one, hosts.tokens["writer"], note)
    assert created.status == 201, created.text
    path = urlsplit(json.loads(created.text)["id"]).path

    polled_again = call(other, "GET", fragments, {"If-None-Match": polled.headers["ETag"]})
    assert polled_again.status == 200 and note in polled_again.text
    assert api_listing(hosts, other) == [path]
    assert note in call(other, "GET", hosts.url).text

    auth = {"Authorization": f"Bearer {hosts.tokens['writer']}"}
    assert call(one, "DELETE", path, auth).status == 204

    after_deletion = call(other, "GET", fragments, {"If-None-Match": polled_again.headers["ETag"]})
    assert after_deletion.status == 200 and note not in after_deletion.text
    assert api_listing(hosts, other) == []
    assert note not in call(other, "GET", hosts.url).text


def test_the_write_limit_counts_the_writes_made_on_both_hosts(hosts):
    one, other = hosts.ports
    token = hosts.tokens["hasty"]
    answers = [annotate(hosts, port, token, "Quick") for port in [one, other, one, other, one]]
    # Three writes fill the bucket (a host alone took two at most): the next are refused on each host.
    assert [answer.status for answer in answers] == [201, 201, 201, 429, 429]
    assert all(int(answer.headers["Retry-After"]) > 0 for answer in answers[3:])
