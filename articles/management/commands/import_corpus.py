from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import ngettext
from tqdm import tqdm

from articles.importer import ImportProblem, iter_records
from articles.services.imports import import_articles


class Command(BaseCommand):
    help = (
        "Import articles from text files (with the folder's manifest.json) and bulk JSON files. "
        "All or nothing: any bad file stops the import and nothing is written."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", type=Path, help="files or folders to import")
        parser.add_argument(
            "--manifest", type=Path, help="manifest to use instead of the folder's manifest.json"
        )
        parser.add_argument(
            "--defer-comparison",
            action="store_true",
            help="mark changed stories for `compare_stories` instead of comparing them now (huge imports)",
        )

    def handle(self, *, paths, manifest, defer_comparison, **options):
        # The bar shows only on a terminal and only once an import takes more than a second.
        with tqdm(unit=" articles", delay=1, disable=None, file=self.stderr._out) as bar:
            try:
                records = iter_records(paths, manifest)
                summary = import_articles(records=records, progress=bar.update, compare=not defer_comparison)
            except ImportProblem as problem:
                raise CommandError(f"Nothing was imported. {problem}") from None
        self.stdout.write(f"Imported: {summary}")
        verb = "Marked for comparison" if defer_comparison else "Compared"
        stories = len(summary.story_ids)
        self.stdout.write(f"{verb}: {stories} {ngettext('story', 'stories', stories)}")
