from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from newsroom.api.imports import MAX_FILE_BYTES, ImportFileError, import_annotations, read_document


class Command(BaseCommand):
    help = (
        "Import annotations from a JSON file (this site's export, Hypothesis's or Recogito's) as a user, "
        "and print what became of each record. A file that is not an annotation file changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="the JSON file")
        parser.add_argument("--user", required=True, help="the user name of the importer: the author")
        parser.add_argument("--dry-run", action="store_true", help="report what would be done; write nothing")
        parser.add_argument(
            "--creators",
            type=Path,
            help='a JSON map of the file\'s creators to users: {"acct:a@hypothes.is": "a"}',
        )

    def handle(self, *, file, user, dry_run, creators, **options):
        try:
            importer = get_user_model().objects.get_by_natural_key(user)
        except get_user_model().DoesNotExist:
            raise CommandError(f"There is no user named {user!r}.") from None
        try:
            with file.open("rb") as opened:  # a byte over the limit is enough to refuse it
                raw = opened.read(MAX_FILE_BYTES + 1)
            creators_map = read_document(creators.read_bytes()) if creators else None
            document = read_document(raw)
            report = import_annotations(document, user=importer, dry_run=dry_run, creators=creators_map)
        except OSError as error:
            raise CommandError(f"Nothing was imported: {error.strerror}: {error.filename}") from None
        except ImportFileError as error:
            raise CommandError(f"Nothing was imported. {error}") from None
        for line in report.lines():
            self.stdout.write(line)
        self.stdout.write(("Dry run: nothing was changed. " if dry_run else "") + report.summary)
