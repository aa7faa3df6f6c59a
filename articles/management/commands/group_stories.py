import datetime

from django.core.management.base import BaseCommand, CommandError

from articles.services.grouping import group_stories


def iso_date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--since must be a date such as 2024-03-01, not {value!r}.") from None


def similarity(value: str) -> float:
    try:
        threshold = float(value)
    except ValueError:
        threshold = -1.0
    if not 0 < threshold <= 1:
        raise CommandError(
            f"--threshold must be a similarity above 0 and at most 1 (such as 0.35), not {value!r}."
        )
    return threshold


class Command(BaseCommand):
    help = (
        "Group the articles that have no story into proposed stories, for editors to confirm: similar "
        "titles and ledes within a few days of each other, from two outlets or more."
    )

    def add_arguments(self, parser):
        parser.add_argument("--since", help="only articles published on or after this date (YYYY-MM-DD)")
        parser.add_argument(
            "--threshold",
            help="similarity at which articles are one event, 0-1 (default: STORY_GROUPING_THRESHOLD)",
        )

    def handle(self, *, since, threshold, **options):
        since = iso_date(since) if since is not None else None
        threshold = similarity(threshold) if threshold is not None else None
        self.stdout.write(f"Grouped: {group_stories(since=since, threshold=threshold)}.")
