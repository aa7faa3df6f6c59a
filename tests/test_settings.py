"""Settings from the environment: safe by default, local conveniences only for a local site."""

import os
import runpy
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command

PROJECT = Path(__file__).resolve().parent.parent
SETTINGS_FILE = PROJECT / "newsroom" / "settings.py"
PUBLIC = {"ALLOWED_HOSTS": "newsroom.example.org", "SECRET_KEY": "a-key-from-the-environment"}


def settings_with(monkeypatch, **environment) -> dict:
    """The settings module run afresh in an environment holding only the given variables."""
    for name in list(os.environ):
        monkeypatch.delenv(name)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(SETTINGS_FILE))


def test_the_defaults_are_a_site_served_on_this_machine_without_debug(monkeypatch):
    settings = settings_with(monkeypatch)

    assert settings["DEBUG"] is False
    assert settings["SERVED_ONLY_LOCALLY"] is True
    assert settings["ALLOWED_HOSTS"] == ["127.0.0.1", "localhost"]
    assert settings["SECRET_KEY"] == (PROJECT / ".secret_key").read_text().strip()
    # Logging in works over http://127.0.0.1:8000/.
    assert settings["SESSION_COOKIE_SECURE"] is False and settings["CSRF_COOKIE_SECURE"] is False
    assert "SECURE_PROXY_SSL_HEADER" not in settings
    assert "PASSWORD_HASHERS" not in settings  # Django's slow, strong hashers


def test_debug_is_on_only_when_asked_for(monkeypatch):
    assert settings_with(monkeypatch, DEBUG="true")["DEBUG"] is True
    assert settings_with(monkeypatch, DEBUG="false")["DEBUG"] is False


@pytest.mark.parametrize("hosts", ["newsroom.example.org", "localhost,newsroom.example.org", "*"])
def test_a_site_served_to_others_needs_a_secret_key_from_the_environment(monkeypatch, hosts):
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY must be set in the environment"):
        settings_with(monkeypatch, ALLOWED_HOSTS=hosts)


def test_a_site_served_to_others_gets_https_only_cookies(monkeypatch):
    settings = settings_with(monkeypatch, **PUBLIC)

    assert settings["SERVED_ONLY_LOCALLY"] is False
    assert settings["SECRET_KEY"] == "a-key-from-the-environment"
    assert settings["SESSION_COOKIE_SECURE"] is True and settings["CSRF_COOKIE_SECURE"] is True
    assert settings["SECURE_PROXY_SSL_HEADER"] == ("HTTP_X_FORWARDED_PROTO", "https")


def test_secure_cookies_can_be_switched_either_way(monkeypatch):
    assert settings_with(monkeypatch, **PUBLIC, SECURE_COOKIES="false")["SESSION_COOKIE_SECURE"] is False
    assert settings_with(monkeypatch, SECURE_COOKIES="true")["SESSION_COOKIE_SECURE"] is True


# The demo account, whose password is published ----------------------------------------------------


@pytest.mark.django_db
def test_the_demo_account_is_refused_to_a_site_served_to_others(settings):
    settings.SERVED_ONLY_LOCALLY = False

    with pytest.raises(CommandError, match="published password"):
        call_command("create_demo_user")
    with pytest.raises(CommandError, match="published password"):
        call_command("setup_site")

    assert not User.objects.exists()


def test_the_demo_account_command_reads_the_hosts_from_the_environment(tmp_path):
    database = tmp_path / "unused.sqlite3"
    env = {**os.environ, **PUBLIC, "DATABASE_URL": f"sqlite:///{database}"}

    result = subprocess.run(
        [sys.executable, "manage.py", "create_demo_user"],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode != 0
    assert "The demo accounts have a published password" in result.stderr
    assert not database.exists()


@pytest.mark.parametrize("url", ["", "sqlite:////tmp/elsewhere.sqlite3"])
def test_sqlite_runs_in_wal_mode_with_immediate_transactions_whatever_the_file(monkeypatch, url):
    settings = settings_with(monkeypatch, DATABASE_URL=url)
    database = settings["DATABASES"]["default"]
    assert database["ENGINE"] == "django.db.backends.sqlite3"
    assert "journal_mode=WAL" in database["OPTIONS"]["init_command"]
    assert database["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
