from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from newsroom.ops import backups


class Command(BaseCommand):
    help = (
        "Write a consistent copy of the database to FILE while the site runs: SQLite's online "
        "backup, or a pg_dump archive of PostgreSQL. `manage.py restore FILE` puts it back."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *, file: Path, **options):
        try:
            backups.backup(file)
        except backups.BackupError as error:
            raise CommandError(str(error)) from None
        engine = backups.ENGINES[connection.vendor]
        self.stdout.write(f"Backed up the {engine} database to {file} ({file.stat().st_size:,} bytes).")
