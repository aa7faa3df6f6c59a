"""Logs: one JSON object per line on stdout, each with the request's id; security events with
their user, IP and UTC time; gunicorn's access log with the id and without the health checks."""

import io
import json
import logging
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.models import Outlet
from articles.models.annotations import Visibility
from newsroom.ops.logging import JsonFormatter
from tests.base import annotate, make_article, make_outlet

ROOT = Path(__file__).resolve().parent.parent
GIVEN_ID = "0123456789abcdef0123456789abcdef"  # as nginx's $request_id


@pytest.fixture
def log_lines():
    """The lines the site's configured log handler (settings.LOGGING) writes, parsed, as a
    function that reads those written so far."""
    [handler] = [handler for handler in logging.root.handlers if isinstance(handler.formatter, JsonFormatter)]
    stream = io.StringIO()
    previous = handler.setStream(stream)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    handler.setStream(previous)


def events(lines, name: str) -> list[dict]:
    return [line for line in lines if line.get("security", {}).get("event") == name]


def test_a_log_line_is_one_json_object_with_time_level_logger_message_and_request_id(client, log_lines):
    response = client.get("/no-such-page/", headers={"x-request-id": GIVEN_ID})

    [line] = [line for line in log_lines() if line["logger"] == "django.request"]
    assert line["level"] == "WARNING" and line["message"] == "Not Found: /no-such-page/"
    assert line["request_id"] == response["X-Request-ID"] == GIVEN_ID
    logged_at = datetime.fromisoformat(line["time"])
    assert logged_at.utcoffset() == timedelta(0)
    assert abs(logged_at - timezone.now()) < timedelta(minutes=1)


def test_a_request_without_a_well_formed_id_gets_one_of_its_own(client):
    ids = [
        client.get("/no-such-page/", headers=headers)["X-Request-ID"]
        for headers in [{}, {}, {"x-request-id": "two words"}, {"x-request-id": "a" * 129}]
    ]
    assert all(re.fullmatch(r"[0-9a-f]{32}", request_id) for request_id in ids)
    assert len(set(ids)) == len(ids)


def test_an_error_is_logged_with_its_traceback_and_request_id(log_lines):
    client = Client(raise_request_exception=False)

    response = client.get(reverse("articles:tag_suggestions"), {"q": "x"}, headers={"x-request-id": GIVEN_ID})

    # No database in this test: the view fails, and the line says how, once, as one line.
    assert response.status_code == 500
    [line] = [line for line in log_lines() if line["level"] == "ERROR"]
    assert line["request_id"] == GIVEN_ID and "Traceback" in line["exc_info"]


@pytest.mark.django_db
def test_a_refusal_is_logged_in_one_line_without_a_traceback(client, alice, log_lines):
    client.force_login(alice)
    mine = annotate(make_article(body="The letter said so."), alice, "letter")
    assert client.get(reverse("articles:annotation_flag", args=[mine.pk])).status_code == 403  # one's own

    [line] = [line for line in log_lines() if line["logger"] == "django.request"]
    assert line["level"] == "WARNING" and line["message"].startswith("Forbidden") and "exc_info" not in line


def test_a_line_logged_outside_any_request_has_no_request_id(log_lines):
    logging.getLogger("newsroom.test").warning("outside")
    [line] = log_lines()
    assert line["message"] == "outside" and line["request_id"] is None


# Security events


@pytest.mark.django_db
def test_a_failed_login_is_logged_with_the_login_tried_the_ip_and_the_request_id(client, alice, log_lines):
    response = client.post(
        reverse("account_login"),
        {"login": "alice", "password": "wrong"},
        headers={"x-request-id": GIVEN_ID},
        REMOTE_ADDR="198.51.100.7",
    )

    [line] = events(log_lines(), "login_failed")
    assert line["security"] == {
        "event": "login_failed",
        "user": None,
        "ip": "198.51.100.7",
        "path": "/accounts/login/",
        "login": "alice",
    }
    assert line["level"] == "WARNING" and line["logger"] == "newsroom.security"
    assert line["request_id"] == response["X-Request-ID"] == GIVEN_ID
    assert "wrong" not in json.dumps(log_lines())


@pytest.mark.django_db
def test_logins_and_logouts_are_logged(client, alice, log_lines):
    client.post(reverse("account_login"), {"login": "alice", "password": "pw"})
    client.post(reverse("account_logout"))

    [login] = events(log_lines(), "login")
    [logout] = events(log_lines(), "logout")
    assert login["security"]["user"] == "alice" and logout["security"]["user"] == "alice"
    assert login["security"]["ip"] == "127.0.0.1"


@pytest.mark.django_db
def test_a_password_change_is_logged(client, alice, log_lines):
    client.force_login(alice)
    new = "a new pass phrase"
    client.post(reverse("account_change_password"), {"oldpassword": "pw", "password1": new, "password2": new})

    [line] = events(log_lines(), "password_changed")
    assert line["security"]["user"] == "alice"


@pytest.mark.django_db
def test_a_password_reset_is_logged(client, alice, log_lines):
    alice.email = "alice@example.org"
    alice.save()
    client.post(reverse("account_reset_password"), {"email": "alice@example.org"})
    [link] = re.findall(r"http://testserver(/accounts/password/reset/key/\S+/)", mail.outbox[-1].body)
    form = client.get(link, follow=True)
    new = "a new pass phrase"
    client.post(form.redirect_chain[-1][0], {"password1": new, "password2": new})

    [line] = events(log_lines(), "password_reset")
    assert line["security"]["user"] == "alice"


@pytest.mark.django_db
def test_a_write_refused_as_forbidden_or_missing_is_logged_as_a_permission_denial(
    client, alice, bob, log_lines
):
    article = make_article()
    public = annotate(article, alice, "First")
    private = annotate(article, alice, "Second", visibility=Visibility.PRIVATE)
    client.force_login(bob)

    not_hers = client.post(reverse("articles:annotation_delete", args=[public.pk]))
    unseen = client.post(reverse("articles:annotation_delete", args=[private.pk]))
    client.get(reverse("articles:annotation_delete", args=[private.pk]))  # a read: no denial
    client.post("/no-such-page/")  # not one of our URLs: no denial

    assert (not_hers.status_code, unseen.status_code) == (403, 404)
    denials = [line["security"] for line in events(log_lines(), "permission_denied")]
    assert [(denial["user"], denial["status"], denial["method"], denial["path"]) for denial in denials] == [
        ("bob", 403, "POST", f"/annotations/{public.pk}/delete/"),
        ("bob", 404, "POST", f"/annotations/{private.pk}/delete/"),
    ]


@pytest.mark.django_db
def test_a_form_without_its_csrf_token_is_logged_as_a_permission_denial(alice, log_lines):
    client = Client(enforce_csrf_checks=True)

    client.post(reverse("account_login"), {"login": "alice", "password": "pw"})

    [line] = events(log_lines(), "permission_denied")
    assert line["security"]["status"] == 403 and line["security"]["user"] is None


@pytest.fixture
def admin_client_as_editor(client):
    editor = User.objects.create_superuser("editor", "editor@example.org", "pw")
    client.force_login(editor)
    return client


@pytest.mark.django_db
def test_admin_actions_are_logged_one_per_object(admin_client_as_editor, log_lines):
    client = admin_client_as_editor
    first, second, third = make_outlet("First"), make_outlet("Second"), make_outlet("Third")

    client.post(
        reverse("admin:articles_outlet_change", args=[first.pk]), {"name": "Renamed", "slug": first.slug}
    )
    client.post(
        reverse("admin:articles_outlet_changelist"),
        {"action": "delete_selected", "_selected_action": [second.pk, third.pk], "post": "yes"},
    )

    assert not Outlet.objects.filter(pk__in=[second.pk, third.pk]).exists()
    assert LogEntry.objects.count() == 3
    actions = [line["security"] for line in events(log_lines(), "admin_action")]
    assert [(action["user"], action["action"], action["object"]) for action in actions] == [
        ("editor", "change", f"articles.outlet:{first.pk}"),
        ("editor", "deletion", f"articles.outlet:{second.pk}"),
        ("editor", "deletion", f"articles.outlet:{third.pk}"),
    ]
    assert actions[0]["object_repr"] == "Renamed" and actions[0]["ip"] == "127.0.0.1"


@pytest.mark.django_db
def test_browsing_the_admin_logs_no_action(admin_client_as_editor, log_lines):
    admin_client_as_editor.get(reverse("admin:articles_outlet_changelist"))
    assert events(log_lines(), "admin_action") == []


# Gunicorn, run as deploy/gunicorn.conf.py runs it


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get(url: str, **headers) -> tuple[int, dict]:
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers)


def test_gunicorns_access_log_has_the_request_id_and_skips_the_health_checks(tmp_path):
    port = free_port()
    environment = {
        **{name: value for name, value in os.environ.items() if name not in {"DATABASE_URL", "REDIS_URL"}},
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "1",
    }
    command = [sys.executable, "-m", "gunicorn", "newsroom.wsgi", "--config", "deploy/gunicorn.conf.py"]
    server = subprocess.Popen(
        command, cwd=ROOT, env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if get(f"http://127.0.0.1:{port}/healthz")[0] == 200:
                    break
            except OSError:
                time.sleep(0.1)
        get(f"http://127.0.0.1:{port}/readyz")
        status, headers = get(f"http://127.0.0.1:{port}/no-such-page/", **{"X-Forwarded-For": "203.0.113.9"})
    finally:
        server.terminate()
        output = server.communicate(timeout=30)[0].decode()

    lines = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    [access] = [line for line in lines if line["logger"] == "gunicorn.access"]
    assert status == 404
    assert access["request_id"] == headers["X-Request-ID"]
    assert access["message"].startswith('203.0.113.9 "GET /no-such-page/ HTTP/1.1" 404 ')
    assert access["message"].endswith(headers["X-Request-ID"])
    assert not any("/healthz" in line["message"] for line in lines)
