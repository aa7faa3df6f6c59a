"""Backups of the site's database, and their restoration.

SQLite: a consistent copy through its online backup API, taken while the site runs, into a file
that stands alone (rollback journal, not WAL). PostgreSQL: pg_dump's custom format, restored by
pg_restore in one transaction. Either is written beside its destination, readable by its owner
only (it holds password hashes), and renamed into place once complete: an interrupted backup
never leaves a truncated file under the name asked for.
"""

import os
import shutil
import sqlite3
import subprocess
import tempfile
from contextlib import closing, contextmanager
from pathlib import Path

from django.apps import apps
from django.db import connection

# How each kind of backup starts: a SQLite database, a pg_dump archive in its custom format.
HEADERS = {"sqlite": b"SQLite format 3\x00", "postgresql": b"PGDMP"}
# Rows that `migrate` creates by itself, and rows the database's triggers derive from the others (the
# tag counts): a database holding only those holds nothing to lose.
NOTHING_TO_LOSE = {
    "contenttypes.ContentType",
    "auth.Permission",
    "articles.TagOutletCount",
    "articles.TagCountVersion",
}
ENGINES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
LIBPQ_VARIABLES = {"HOST": "PGHOST", "PORT": "PGPORT", "USER": "PGUSER", "PASSWORD": "PGPASSWORD"}


class BackupError(Exception):
    """A backup or restore refused or failed, with a message for the person running it."""


class ToolFailed(BackupError):
    """pg_dump or pg_restore ran and failed."""


def backup(path: Path) -> None:
    if not path.parent.is_dir():
        raise BackupError(f"There is no folder {path.parent} to write the backup in.")
    with written_in_place(path) as partial:
        if connection.vendor == "sqlite":
            copy_sqlite(partial)
        elif connection.vendor == "postgresql":
            run_postgresql_tool("pg_dump", "--format=custom", f"--file={partial}", database_argument())
        else:
            raise BackupError(f"Backups of {connection.vendor} databases are not supported.")


def restore(path: Path) -> None:
    """Replace the database's content with the backup's (check_backup() first)."""
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as source:
            source.backup(connection.connection)
    else:
        # --clean drops each object of the dump before creating it again; one transaction, so
        # that a failure changes nothing. Owners and grants are those of the role restoring.
        run_postgresql_tool(
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            database_argument(),
            str(path),
        )


def check_backup(path: Path) -> None:
    """Refuse a file that is not a backup of this site made for this database's engine."""
    try:
        with open(path, "rb") as file:
            header = file.read(16)
    except OSError as error:
        raise BackupError(f"Cannot read {path}: {error.strerror}.") from None
    kind = next((kind for kind, start in HEADERS.items() if header.startswith(start)), None)
    if kind is None:
        raise BackupError(f"{path} is not a backup: neither a SQLite database nor a pg_dump archive.")
    if kind != connection.vendor:
        raise BackupError(
            f"{path} is a backup of a {ENGINES[kind]} database, and this site's database is "
            f"{ENGINES.get(connection.vendor, connection.vendor)}."
        )
    if not (is_site_sqlite(path) if kind == "sqlite" else is_site_dump(path)):
        raise BackupError(f"{path} is a {ENGINES[kind]} database, but not a backup of this site.")


def is_site_sqlite(path: Path) -> bool:
    try:
        with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as database:
            if database.execute("PRAGMA quick_check").fetchone() != ("ok",):
                raise BackupError(f"{path} is damaged: SQLite's check of it fails.")
            query = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'django_migrations'"
            return database.execute(query).fetchone() is not None
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path} is damaged: {error}.") from None


def is_site_dump(path: Path) -> bool:
    try:
        listing = run_postgresql_tool("pg_restore", "--list", str(path))
    except ToolFailed as error:
        raise BackupError(f"{path} is damaged: {error}") from None
    return " TABLE public django_migrations " in listing


def has_data() -> bool:
    """Whether the database holds anything that a restore would destroy."""
    tables = set(connection.introspection.table_names())
    return any(
        model._default_manager.exists()
        for model in apps.get_models()
        if model._meta.db_table in tables and model._meta.label not in NOTHING_TO_LOSE
    )


def copy_sqlite(target: Path) -> None:
    connection.ensure_connection()
    with closing(sqlite3.connect(target)) as copy:
        connection.connection.backup(copy)
        copy.execute("PRAGMA journal_mode=DELETE")  # one file, without -wal and -shm beside it


def run_postgresql_tool(name: str, *arguments: str) -> str:
    """Run pg_dump or pg_restore on this site's database; its output."""
    program = shutil.which(name)
    if program is None:
        raise BackupError(f"{name} is not installed: on Debian, apt-get install postgresql-client.")
    result = subprocess.run([program, *arguments], env=libpq_environment(), capture_output=True, text=True)
    if result.returncode != 0:
        raise ToolFailed(f"{name} failed: {result.stderr.strip()}")
    return result.stdout


def database_argument() -> str:
    return f"--dbname={connection.settings_dict['NAME']}"


def libpq_environment() -> dict[str, str]:
    """The connection settings as libpq's variables: the password never in a command line."""
    settings = connection.settings_dict
    environment = dict(os.environ)
    for key, variable in LIBPQ_VARIABLES.items():
        if settings.get(key):
            environment[variable] = str(settings[key])
    if sslmode := settings.get("OPTIONS", {}).get("sslmode"):
        environment["PGSSLMODE"] = sslmode
    return environment


@contextmanager
def written_in_place(path: Path):
    """A temporary file beside `path`, renamed to it if the block succeeds, removed if not."""
    descriptor, partial = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".partial")
    os.close(descriptor)  # mkstemp made it readable by its owner only
    try:
        yield Path(partial)
        os.replace(partial, path)
    finally:
        Path(partial).unlink(missing_ok=True)
