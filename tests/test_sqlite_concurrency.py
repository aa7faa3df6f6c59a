"""SQLite with several processes, on a real file named by DATABASE_URL (as production names it):
WAL, IMMEDIATE transactions and the busy timeout apply; imports wait for each other; a web write
that waited too long answers 503 with Retry-After, never 500. And two imports at once on PostgreSQL.

Each SQLite test runs Django in subprocesses against its own copy of a migrated file, so it runs the
same whichever database the rest of the suite uses. The test holds SQLite's one write lock itself
(BEGIN IMMEDIATE on its own connection) to make the others wait.
"""

import json
import os
import sqlite3
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.db import connection

from articles.models import Outlet, Story
from newsroom.database import BUSY_MESSAGE

PROJECT = Path(__file__).resolve().parent.parent
FIXTURES = PROJECT / "fixtures"


def django_process(database: Path | str, code: str, *args: str, timeout_option: str = "") -> subprocess.Popen:
    """Python code run with Django set up on the database: a SQLite file, as DATABASE_URL names it
    (with `timeout_option`, e.g. "?timeout=0.5"), or a URL. Its standard streams are pipes."""
    url = database if isinstance(database, str) else f"sqlite:///{database}{timeout_option}"
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "newsroom.settings"}
    return subprocess.Popen(
        [sys.executable, "-c", "import django; django.setup()\n" + code, *args],
        cwd=PROJECT,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def run_django(database: Path | str, code: str, *args: str, timeout_option: str = "") -> str:
    """What the code printed, once it has run without error."""
    process = django_process(database, code, *args, timeout_option=timeout_option)
    stdout, stderr = process.communicate(timeout=120)
    assert process.returncode == 0, stderr
    return stdout


@pytest.fixture(scope="session")
def migrated(tmp_path_factory) -> Path:
    database = tmp_path_factory.mktemp("sqlite") / "migrated.sqlite3"
    run_django(database, "from django.core.management import call_command; call_command('migrate')")
    return database


@pytest.fixture
def database(migrated, tmp_path) -> Path:
    """A fresh copy of the migrated file for this test."""
    copy = tmp_path / "db.sqlite3"
    with sqlite3.connect(migrated) as source, sqlite3.connect(copy) as target:
        source.backup(target)
    return copy


@contextmanager
def write_lock_held(database: Path):
    """SQLite's write lock, held by this process until the block ends."""
    holder = sqlite3.connect(database, isolation_level=None, timeout=30)
    holder.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        holder.execute("ROLLBACK")
        holder.close()


CONNECTION_FACTS = """
import json
from django.db import connection
with connection.cursor() as cursor:
    facts = {}
    for pragma in ["journal_mode", "busy_timeout", "synchronous"]:
        cursor.execute(f"PRAGMA {pragma}")
        facts[pragma] = cursor.fetchone()[0]
print(json.dumps(facts))
"""


@pytest.mark.parametrize("timeout_option, busy_timeout", [("", 20_000), ("?timeout=3", 3_000)])
def test_every_connection_to_a_file_named_by_database_url_has_wal_and_the_busy_timeout(
    database, timeout_option, busy_timeout
):
    stdout = run_django(database, CONNECTION_FACTS, timeout_option=timeout_option)

    assert json.loads(stdout) == {"journal_mode": "wal", "busy_timeout": busy_timeout, "synchronous": 1}


# Inside atomic() before any write, another connection tries to write without waiting: with IMMEDIATE
# transactions the lock was taken when the transaction began.
TRANSACTION_MODE = """
import sqlite3, sys
from django.db import connection, transaction
with transaction.atomic():
    connection.cursor().execute("SELECT 1")
    other = sqlite3.connect(sys.argv[1], timeout=0)
    try:
        other.execute("CREATE TABLE probe (id integer)")
        print("the other connection could write")
    except sqlite3.OperationalError as error:
        print(error)
"""


def test_transactions_take_the_write_lock_as_they_begin(database):
    stdout = run_django(database, TRANSACTION_MODE, str(database))

    assert stdout.strip() == "database is locked"


# Connected and ready, an import starts when told to (a line on its standard input), so that two
# start at once.
IMPORT_WHEN_TOLD = """
import sys
from django.core.management import call_command
from django.db import connection
connection.ensure_connection()
print("ready", flush=True)
sys.stdin.readline()
call_command("import_corpus", sys.argv[1])
"""


def test_two_imports_at_once_both_finish_however_long_the_other_holds_the_lock(database, tmp_path):
    """Each import holds the lock throughout; the other waits its turn, longer than the usual busy
    timeout (half a second here, which the lock this test holds for 2 s outlasts)."""
    other_corpus = tmp_path / "other"
    other_corpus.mkdir()
    (other_corpus / "a.txt").write_text("Another title\nAnother text.")
    imports = ready_imports(database, [FIXTURES, other_corpus], timeout_option="?timeout=0.5")

    with write_lock_held(database):
        start(imports)
        time.sleep(2)  # both wait for the lock meanwhile

    outputs = finished(imports)
    assert "Imported: 5 new, 0 changed, 0 unchanged" in outputs[0]
    assert "Imported: 1 new, 0 changed, 0 unchanged" in outputs[1]


def ready_imports(database: Path | str, corpora: list[Path], **options) -> list[subprocess.Popen]:
    imports = [django_process(database, IMPORT_WHEN_TOLD, str(corpus), **options) for corpus in corpora]
    assert [process.stdout.readline() for process in imports] == ["ready\n"] * len(imports)
    return imports


def start(imports: list[subprocess.Popen]) -> None:
    for process in imports:
        process.stdin.write("go\n")
        process.stdin.flush()


def finished(imports: list[subprocess.Popen]) -> list[str]:
    """What each import printed, once all have succeeded."""
    outcomes = [(*process.communicate(timeout=120), process.returncode) for process in imports]
    assert [(code, stderr) for _, stderr, code in outcomes] == [(0, "")] * len(imports)
    return [stdout for stdout, _, _ in outcomes]


@pytest.mark.django_db(transaction=True)
def test_two_imports_at_once_on_postgresql_both_create_what_they_share(tmp_path):
    """Both name the same new outlet and story: each looks them up, then creates what is missing,
    which the other must not do at the same time (IntegrityError). Run on the PostgreSQL pass."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: SQLite runs one writer at a time anyway")
    db = connection.settings_dict  # the test database
    url = f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    corpora = [tmp_path / "a.json", tmp_path / "b.json"]
    shared = {"outlet": "New outlet", "story": "New story"}
    for corpus in corpora:
        articles = [
            {"source_file": f"{corpus.stem}{n}", "title": f"Title {n}", "body": f"{corpus.stem} {n}"}
            for n in range(500)
        ]
        corpus.write_text(json.dumps([article | shared for article in articles]))
    imports = ready_imports(url, corpora)

    start(imports)

    assert ["Imported: 500 new" in output for output in finished(imports)] == [True, True]
    assert Outlet.objects.get().articles.count() == Story.objects.get().articles.count() == 1000


# A member writes from a page and through the API while another process holds the write lock for
# longer than the busy timeout (a tenth of a second here).
WRITES_WHILE_LOCKED = """
import json, sqlite3, sys
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse
from articles.models import Annotation, Article
from articles.models.annotations import Reply
from tests.base import annotate, annotation_json, passage

call_command("import_corpus", sys.argv[2], stdout=open("/dev/null", "w"))
member = User.objects.create_user("member", password="a long password")
article = Article.objects.order_by("pk").first()
annotation = annotate(article, member, article.body[:20])
client = Client(raise_request_exception=False, HTTP_HOST="localhost")  # an allowed host
client.force_login(member)

holder = sqlite3.connect(sys.argv[1], isolation_level=None)
holder.execute("BEGIN IMMEDIATE")
page = client.post(reverse("articles:reply_create", args=[annotation.pk]), {"note": "A reply"})
api = client.post(
    reverse("api:annotation_create", args=[article.pk]),
    annotation_json(**passage(article, article.body[:10])),
    content_type="application/json",
)
with override_settings(SESSION_SAVE_EVERY_REQUEST=True):  # saved after the view, by the middleware
    session = client.get(reverse("api:annotation", args=[annotation.pk]))
holder.execute("ROLLBACK")

print(json.dumps({
    "page": [page.status_code, page.get("Retry-After"), page["Content-Type"], page.content.decode()],
    "api": [api.status_code, api.get("Retry-After"), api["Content-Type"], api.json()],
    "session": [session.status_code, session.get("Retry-After")],
    "written": [Annotation.objects.count(), Reply.objects.count()],
}))
"""


def test_a_write_that_finds_the_database_locked_answers_503_with_retry_after(database):
    stdout = run_django(
        database, WRITES_WHILE_LOCKED, str(database), str(FIXTURES), timeout_option="?timeout=0.1"
    )

    answers = json.loads(stdout.splitlines()[-1])  # after the log lines
    status, retry_after, content_type, page = answers["page"]
    assert (status, retry_after, content_type) == (503, "10", "text/html; charset=utf-8")
    assert BUSY_MESSAGE in page
    assert "Traceback" not in page
    status, retry_after, content_type, body = answers["api"]
    assert (status, retry_after, content_type) == (503, "10", "application/json")
    assert body == {"error": BUSY_MESSAGE}
    assert answers["session"] == [503, "10"]
    assert answers["written"] == [1, 0]  # the annotation made before the lock, nothing after
