from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.management.base import BaseCommand, CommandError

DEMO_USERNAME = "demo"
DEMO_PASSWORD = "newsroom-demo"


def refuse_unless_served_only_locally() -> None:
    if not settings.SERVED_ONLY_LOCALLY:
        raise CommandError(
            "The demo account has a published password: it is only for a site served on this machine "
            "(ALLOWED_HOSTS no more than localhost, 127.0.0.1 and [::1])."
        )


class Command(BaseCommand):
    help = (
        f"Create the demo account ({DEMO_USERNAME} / {DEMO_PASSWORD}): an editor of articles. "
        "Only for a site served on this machine."
    )

    def handle(self, **options):
        refuse_unless_served_only_locally()
        user, created = get_user_model().objects.get_or_create(
            username=DEMO_USERNAME, defaults={"is_staff": True}
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
            user.user_permissions.set(Permission.objects.filter(content_type__app_label="articles"))
        self.stdout.write(
            f"Demo account: {DEMO_USERNAME} / {DEMO_PASSWORD}" + ("" if created else " (exists)")
        )
