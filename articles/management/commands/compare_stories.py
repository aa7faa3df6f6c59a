import json

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import ngettext
from tqdm import tqdm

from articles.models import Story
from articles.queries.stories import stories_to_compare
from articles.services.coverage import compare_story


class Command(BaseCommand):
    help = (
        "Find what the articles of each story share (passages, quotes, numeric facts) and store it. "
        "By default only the stories whose comparison is missing or stale; proposed and dismissed stories "
        "only when named."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--story", action="append", default=[], metavar="SLUG", help="this story (repeatable)"
        )
        parser.add_argument(
            "--all", action="store_true", dest="every", help="every story, even up-to-date ones"
        )
        parser.add_argument(
            "--json", action="store_true", dest="as_json", help="print the comparisons as JSON"
        )

    def handle(self, *, story, every, as_json, **options):
        if story:
            stories = Story.objects.filter(slug__in=story)
            if missing := set(story) - set(stories.values_list("slug", flat=True)):
                raise CommandError(f"No story with the slug {', '.join(sorted(missing))}.")
        else:
            stories = Story.objects.confirmed() if every else stories_to_compare()
        comparisons = [compare_story(one) for one in tqdm(stories, unit=" stories", delay=1, disable=None)]
        if as_json:
            self.stdout.write(
                json.dumps([comparison.data for comparison in comparisons], indent=2, ensure_ascii=False)
            )
        else:
            count = len(comparisons)
            self.stdout.write(f"Compared: {count} {ngettext('story', 'stories', count)}")
