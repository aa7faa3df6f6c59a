from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

DEMO_USERNAME = "demo"
DEMO_PASSWORD = "newsroom-demo"


class Command(BaseCommand):
    help = f"Create the demo account ({DEMO_USERNAME} / {DEMO_PASSWORD}), a staff editor. Local use only."

    def handle(self, **options):
        user, created = get_user_model().objects.get_or_create(
            username=DEMO_USERNAME, defaults={"is_staff": True, "is_superuser": True}
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        self.stdout.write(
            f"Demo account: {DEMO_USERNAME} / {DEMO_PASSWORD}" + ("" if created else " (exists)")
        )
