import time

from django.core.management.base import BaseCommand

from newsroom.search import index


class Command(BaseCommand):
    help = "Drop and rebuild the full-text search index of articles and annotations, and its triggers."

    def handle(self, *args, **options):
        started = time.monotonic()
        index.rebuild()
        self.stdout.write(
            f"Search index rebuilt in {time.monotonic() - started:.1f} s: {index.size_bytes() / 1e6:.1f} MB."
        )
