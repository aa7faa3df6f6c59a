import csv
import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import ngettext
from tqdm import tqdm

from articles.importer import ImportProblem, ImportReport, InvalidRecords, iter_records_aside
from articles.services.grouping import group_later
from articles.services.imports import import_articles
from articles.services.stories import compare_confirmed

REPORT_FORMATS = {".csv", ".json"}
REFUSED = " (listed above; --skip-invalid imports the others)."


class Command(BaseCommand):
    help = (
        "Import articles from text files (with the folder's manifest.json), bulk JSON, JSON Lines, CSV "
        "and saved web pages. Every bad record is reported; by default nothing is then imported, "
        "with --skip-invalid the good records are."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", type=Path, help="files or folders to import")
        parser.add_argument(
            "--manifest", type=Path, help="manifest to use instead of the folder's manifest.json"
        )
        parser.add_argument(
            "--skip-invalid",
            action="store_true",
            help="import the good records and report the bad ones (by default a bad record stops it all)",
        )
        parser.add_argument(
            "--report", type=Path, help="also write the bad records to this file (.csv or .json)"
        )
        parser.add_argument(
            "--defer-comparison",
            action="store_true",
            help="queue the changed stories' comparisons for the task worker instead of comparing them now "
            "(huge imports)",
        )
        parser.add_argument(
            "--no-grouping",
            action="store_true",
            help="do not queue the grouping of new articles into proposed stories",
        )

    def handle(self, *, paths, manifest, skip_invalid, report, defer_comparison, no_grouping, **options):
        if report and report.suffix.lower() not in REPORT_FORMATS:
            raise CommandError("--report must name a .csv or .json file.")
        if report and not report.parent.is_dir():
            raise CommandError(f"--report names a file in {report.parent}, which is no folder.")
        problems = ImportReport()
        # The bar shows only on a terminal and only once an import takes more than a second.
        with tqdm(unit=" articles", delay=1, disable=None, file=self.stderr._out) as bar:
            try:
                summary = import_articles(
                    records=iter_records_aside(paths, manifest, problems),
                    progress=bar.update,
                    compare=not defer_comparison,
                    report=problems,
                    skip_invalid=skip_invalid,
                )
            except InvalidRecords:
                self.write_report(problems, report, refused=True)
                raise CommandError(problems.refusal(REFUSED)) from None
            except ImportProblem as problem:
                raise CommandError(f"Nothing was imported. {problem}") from None
        self.write_report(problems, report)
        self.stdout.write(f"Imported: {summary}")
        if defer_comparison:  # readers see confirmed stories only: the others are compared once confirmed
            count = compare_confirmed(summary.story_ids)
        else:
            count = len(summary.story_ids)
        verb = "Queued for comparison" if defer_comparison else "Compared"
        self.stdout.write(f"{verb}: {count} {ngettext('story', 'stories', count)}")
        if summary.created and not no_grouping:
            group_later()
            self.stdout.write("Grouping of the new articles into proposed stories: queued")

    def write_report(self, problems: ImportReport, path: Path | None, *, refused: bool = False) -> None:
        """The bad records on stderr (when the import was refused for one, the error says it), and
        in the report file if asked."""
        if problems.count > (1 if refused else 0):
            self.stderr.write(f"Bad records ({problems.count:,}):")
            for line in problems.lines():
                self.stderr.write(f"  {line}")
        if path:
            write_report_file(problems, path)
            self.stderr.write(f"Report written to {path}")


def write_report_file(problems: ImportReport, path: Path) -> None:
    rows = problems.rows()
    with path.open("w", encoding="utf-8", newline="") as file:
        if path.suffix.lower() == ".json":
            json.dump({"bad_records": problems.count, "listed": rows}, file, ensure_ascii=False, indent=1)
            return
        writer = csv.DictWriter(file, fieldnames=["file", "index", "name", "reason"])
        writer.writeheader()
        writer.writerows(rows)
        if problems.unlisted:
            writer.writerow(
                {"file": f"... and {problems.unlisted:,} more", "index": "", "name": "", "reason": ""}
            )
