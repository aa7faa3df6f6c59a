from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from articles.services.demo import DEMO_COLLEAGUE, DEMO_EDITOR, DEMO_GROUP, DEMO_PASSWORD, create_demo_data


def refuse_unless_served_only_locally() -> None:
    if not settings.SERVED_ONLY_LOCALLY:
        raise CommandError(
            "The demo accounts have a published password: they are only for a site served on this machine "
            "(ALLOWED_HOSTS no more than localhost, 127.0.0.1 and [::1])."
        )


class Command(BaseCommand):
    help = (
        f"Create the demo accounts ({DEMO_EDITOR}, an editor of articles, and {DEMO_COLLEAGUE}; password "
        f"{DEMO_PASSWORD}) in the group {DEMO_GROUP!r}, with a few notes of each visibility. "
        "Only for a site served on this machine."
    )

    def handle(self, **options):
        refuse_unless_served_only_locally()
        created = create_demo_data()
        self.stdout.write(
            f"Demo accounts: {DEMO_EDITOR} and {DEMO_COLLEAGUE}, password {DEMO_PASSWORD}"
            + ("" if created else " (exist)")
        )
