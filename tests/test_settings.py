"""Settings from the environment: safe by default, local conveniences only for a local site."""

import os
import runpy
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command

PROJECT = Path(__file__).resolve().parent.parent
SETTINGS_FILE = PROJECT / "newsroom" / "settings.py"
STRONG_KEY = secrets.token_urlsafe(50)
PUBLIC = {"ALLOWED_HOSTS": "newsroom.example.org", "SECRET_KEY": STRONG_KEY}


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
    assert "SESSION_COOKIE_NAME" not in settings  # a __Host- cookie needs HTTPS
    assert settings["SECURE_SSL_REDIRECT"] is False and settings["SECURE_HSTS_SECONDS"] == 0
    assert "SECURE_PROXY_SSL_HEADER" not in settings
    assert "PASSWORD_HASHERS" not in settings  # Django's slow, strong hashers


def test_debug_is_on_only_when_asked_for(monkeypatch):
    assert settings_with(monkeypatch, DEBUG="true")["DEBUG"] is True
    assert settings_with(monkeypatch, DEBUG="false")["DEBUG"] is False


@pytest.mark.parametrize("hosts", ["newsroom.example.org", "localhost,newsroom.example.org", "*"])
def test_a_site_served_to_others_needs_a_secret_key_from_the_environment(monkeypatch, hosts):
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY must be set in the environment"):
        settings_with(monkeypatch, ALLOWED_HOSTS=hosts)


@pytest.mark.parametrize(
    ("key", "weakness"),
    [
        ("a-key-from-the-environment", "it has 26 characters, fewer than 50"),
        ("abcd" * 20, "it has fewer than 5 distinct characters"),
        ("django-insecure-" + STRONG_KEY, "it starts with 'django-insecure-'"),
    ],
    ids=["short", "few characters", "insecure prefix"],  # not the key: each xdist worker makes its own
)
def test_a_site_served_to_others_refuses_a_weak_secret_key(monkeypatch, key, weakness):
    with pytest.raises(ImproperlyConfigured, match=f"SECRET_KEY is too weak .*: {weakness}"):
        settings_with(monkeypatch, **PUBLIC | {"SECRET_KEY": key})


def test_a_local_site_takes_any_secret_key(monkeypatch):
    assert settings_with(monkeypatch, SECRET_KEY="short")["SECRET_KEY"] == "short"


def test_a_site_served_to_others_gets_https_only_cookies(monkeypatch):
    settings = settings_with(monkeypatch, **PUBLIC)

    assert settings["SERVED_ONLY_LOCALLY"] is False
    assert settings["SECRET_KEY"] == STRONG_KEY
    assert settings["SESSION_COOKIE_SECURE"] is True and settings["CSRF_COOKIE_SECURE"] is True
    assert settings["SESSION_COOKIE_NAME"] == "__Host-sessionid"
    assert settings["CSRF_COOKIE_NAME"] == "__Host-csrftoken"
    assert settings["SECURE_PROXY_SSL_HEADER"] == ("HTTP_X_FORWARDED_PROTO", "https")


def test_secure_cookies_can_be_switched_either_way(monkeypatch):
    plain = settings_with(monkeypatch, **PUBLIC, SECURE_COOKIES="false")
    assert plain["SESSION_COOKIE_SECURE"] is False and "SESSION_COOKIE_NAME" not in plain
    assert settings_with(monkeypatch, SECURE_COOKIES="true")["SESSION_COOKIE_SECURE"] is True


def test_a_site_served_to_others_uses_https_only_and_says_so_for_a_year(monkeypatch):
    settings = settings_with(monkeypatch, **PUBLIC)

    assert settings["SECURE_SSL_REDIRECT"] is True
    assert settings["SECURE_HSTS_SECONDS"] == 365 * 24 * 3600
    assert settings["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True and settings["SECURE_HSTS_PRELOAD"] is True


def test_each_https_setting_can_be_turned_down(monkeypatch):
    settings = settings_with(
        monkeypatch,
        **PUBLIC,
        SECURE_SSL_REDIRECT="false",
        SECURE_HSTS_SECONDS="60",
        SECURE_HSTS_INCLUDE_SUBDOMAINS="false",
        SECURE_HSTS_PRELOAD="false",
    )

    assert settings["SECURE_SSL_REDIRECT"] is False and settings["SECURE_HSTS_SECONDS"] == 60
    assert settings["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is False and settings["SECURE_HSTS_PRELOAD"] is False


def test_csp_violations_are_reported_where_asked(monkeypatch):
    settings = settings_with(monkeypatch, CSP_REPORT_URI="https://reports.example.org/csp")
    assert settings["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]["report-uri"] == [
        "https://reports.example.org/csp"
    ]
    assert "report-uri" not in settings_with(monkeypatch)["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]


def run_manage(*arguments, **environment) -> subprocess.CompletedProcess:
    """manage.py in a fresh process with only the given environment (and a PATH)."""
    return subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=PROJECT,
        env={"PATH": os.environ["PATH"], **environment},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_production_settings_pass_the_deployment_checks():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", **PUBLIC)

    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_the_deployment_checks_fail_a_local_site():
    """The check above can fail: a local site (plain http, no HSTS) is no deployment."""
    result = run_manage("check", "--deploy", "--fail-level", "WARNING")

    assert result.returncode != 0
    assert "security.W004" in result.stderr and "security.W008" in result.stderr


def test_a_weak_secret_key_stops_the_start_up():
    result = run_manage("check", **PUBLIC | {"SECRET_KEY": "changeme"})

    assert result.returncode != 0
    assert "SECRET_KEY is too weak for a site served to others" in result.stderr


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
