from io import StringIO

from django.core.management import call_command


def test_it_has_no_missing_migrations(db):
    call_command("makemigrations", "--check", "--dry-run", stdout=StringIO())
