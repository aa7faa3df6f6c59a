import sys
from pathlib import Path

from django.core.cache import cache
from django.core.management.base import BaseCommand, CommandError

from newsroom.ops import backups


class Command(BaseCommand):
    help = (
        "Replace the database's content with a backup made by `manage.py backup`. A database that "
        "holds data is replaced only with --force, or once you confirm."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--force", action="store_true", help="Replace a database that holds data.")
        parser.add_argument(
            "--no-input",
            action="store_false",
            dest="interactive",
            help="Never ask: a database that holds data is refused unless --force is given.",
        )

    def handle(self, *, file: Path, force: bool, interactive: bool, **options):
        try:
            backups.check_backup(file)
            if backups.has_data() and not force and not self.confirmed(interactive):
                raise CommandError(
                    "The database holds data, which the restore would replace. Stop the site, make a "
                    "backup of it if it may be needed, then run the restore again with --force."
                )
            backups.restore(file)
        except backups.BackupError as error:
            raise CommandError(str(error)) from None
        cache.clear()  # pages and fragments rendered from the data replaced
        self.stdout.write(
            f"Restored the database from {file}. If the backup is older than this version of the "
            "site, run `manage.py migrate` now."
        )

    def confirmed(self, interactive: bool) -> bool:
        if not (interactive and sys.stdin.isatty()):
            return False
        answer = input("The database holds data. Replace all of it with the backup? Type 'yes' to go on: ")
        return answer == "yes"
