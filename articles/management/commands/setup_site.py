from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from articles.management.commands.create_demo_user import refuse_unless_served_only_locally


class Command(BaseCommand):
    help = (
        "Set the site up on this machine, as `make serve` does before serving: migrate, collect "
        "static files, import fixtures/, compare what needs it and create the demo account. Quick when "
        "all is done already."
    )

    def handle(self, *, verbosity, **options):
        refuse_unless_served_only_locally()  # before anything is written
        # One process for all steps: starting Django once instead of four times.
        call_command("migrate", interactive=False, verbosity=verbosity)
        call_command("collectstatic", interactive=False, verbosity=0)
        call_command("import_corpus", settings.BASE_DIR / "fixtures")
        call_command("compare_stories")  # those whose comparison is missing, stale or outdated
        call_command("create_demo_user")
