"""manage.py backup and restore: a round trip gives back the same rows and the same pages, on
SQLite (the online backup API) and on PostgreSQL (pg_dump and pg_restore), whichever the suite
runs on; a database holding data or a file that is not a backup is refused with a message."""

import io
import re
import sqlite3
import stat
from contextlib import closing
from pathlib import Path

import pytest
from django.apps import apps
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse

from articles.models import Article, Story
from articles.models.annotations import Visibility
from newsroom.ops.backups import run_postgresql_tool
from tests.base import annotate, make_article

pytestmark = pytest.mark.django_db(transaction=True)  # pg_dump and pg_restore see committed rows only

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
ARTICLES = 5  # in fixtures/


def every_row() -> dict[str, list[dict]]:
    tables = connection.introspection.table_names()
    return {
        model._meta.label: list(model._default_manager.order_by("pk").values())
        for model in apps.get_models()
        if model._meta.db_table in tables
    }


def pages(client) -> dict[str, str]:
    """Pages as rendered from the database (not from the cache), less their per-request tokens."""
    urls = [
        reverse("articles:home"),
        reverse("articles:story_detail", args=[Story.objects.get().slug]),
        Article.objects.order_by("pk").first().get_absolute_url(),
        reverse("articles:tag_index"),
        reverse("articles:person_detail", args=["alice"]),
    ]
    rendered = {}
    for url in urls:
        cache.clear()
        response = client.get(url)
        assert response.status_code == 200, url
        rendered[url] = re.sub(
            r'(csrfmiddlewaretoken" value|csrf-token" content)="\w+"', "TOKEN", response.text
        )
    return rendered


def backup(path: Path) -> None:
    call_command("backup", str(path), stdout=io.StringIO())


def restore(path: Path, **options) -> None:
    call_command("restore", str(path), interactive=False, stdout=io.StringIO(), **options)


@pytest.fixture
def site(alice, bob):
    call_command("import_corpus", str(FIXTURES), verbosity=0, stdout=io.StringIO())
    article = Article.objects.order_by("pk").first()
    first, second, third = article.body.split()[:3]
    annotate(article, alice, first, tags=["sources"], note="A *public* note")
    annotate(article, alice, second, note="Mine only", visibility=Visibility.PRIVATE)
    annotate(article, bob, third, tags=["numbers"])


def test_a_backup_restored_into_a_wiped_database_gives_the_same_rows_and_pages(site, client, alice, tmp_path):
    client.force_login(alice)
    pages_before, rows_before = pages(client), every_row()
    path = tmp_path / "newsroom.backup"

    backup(path)
    call_command("flush", interactive=False)
    assert not Article.objects.exists()
    restore(path)  # no --force: flush left nothing to lose

    assert every_row() == rows_before
    assert pages(client) == pages_before  # alice's session came back too
    assert stat.S_IMODE(path.stat().st_mode) == 0o600  # it holds password hashes


def test_a_restore_refuses_a_database_that_holds_data_unless_forced(site, tmp_path):
    path = tmp_path / "newsroom.backup"
    backup(path)
    make_article(title="Written after the backup")

    with pytest.raises(CommandError, match="The database holds data"):
        restore(path)
    assert Article.objects.filter(title="Written after the backup").exists()

    restore(path, force=True)
    assert not Article.objects.filter(title="Written after the backup").exists()
    assert Article.objects.count() == ARTICLES


def text_file(path: Path) -> None:
    path.write_text("name,quote\nalice,hello\n")


def a_damaged_backup(path: Path) -> None:
    header = b"SQLite format 3\x00" if connection.vendor == "sqlite" else b"PGDMP"
    path.write_bytes(header + bytes(2000))


def the_other_engines_backup(path: Path) -> None:
    if connection.vendor == "sqlite":
        path.write_bytes(b"PGDMP" + bytes(100))
    else:
        with closing(sqlite3.connect(path)) as database:
            database.execute("CREATE TABLE django_migrations (id)")


def a_database_of_something_else(path: Path) -> None:
    if connection.vendor == "sqlite":
        with closing(sqlite3.connect(path)) as database:
            database.execute("CREATE TABLE notes (text)")
    else:  # the server's maintenance database, which has none of the site's tables
        run_postgresql_tool("pg_dump", "--format=custom", f"--file={path}", "--dbname=postgres")


@pytest.mark.parametrize(
    "make, message",
    [
        (text_file, "is not a backup: neither a SQLite database nor a pg_dump archive"),
        (a_damaged_backup, "is damaged"),
        (
            the_other_engines_backup,
            "is a backup of a (SQLite|PostgreSQL) database, and this site's database is",
        ),
        (a_database_of_something_else, "is a (SQLite|PostgreSQL) database, but not a backup of this site"),
    ],
)
def test_a_restore_refuses_a_file_that_is_not_a_backup_of_this_site(site, tmp_path, make, message):
    path = tmp_path / "file"
    make(path)

    with pytest.raises(CommandError, match=message):
        restore(path, force=True)
    assert Article.objects.count() == ARTICLES


def test_a_backup_into_a_missing_folder_is_refused(tmp_path):
    with pytest.raises(CommandError, match=f"There is no folder {tmp_path / 'missing'}"):
        backup(tmp_path / "missing" / "newsroom.backup")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite's backups need no program")
def test_without_pg_dump_the_backup_says_so_and_leaves_no_file(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))

    with pytest.raises(
        CommandError, match="pg_dump is not installed: on Debian, apt-get install postgresql-client"
    ):
        backup(tmp_path / "newsroom.backup")
    assert list(tmp_path.iterdir()) == []
