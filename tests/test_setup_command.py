"""What `make serve` runs: setup_site (one process, harmless to repeat), then gunicorn's config."""

import re
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command

from articles.models import Annotation, Article
from articles.services.demo import DEMO_COLLEAGUE, DEMO_EDITOR, DEMO_PASSWORD
from newsroom import settings as project_settings

PROJECT = Path(__file__).resolve().parent.parent


@pytest.fixture
def served_site(settings, tmp_path):
    """The site as `make serve` runs it: DEBUG off, hashed and compressed static files."""
    settings.DEBUG = False
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = project_settings.STORAGES  # the production storage (tests use a plain one)


@pytest.fixture
def setup_site(served_site, capsys):
    """Run the command and return what its steps wrote to sys.stdout."""

    def run() -> str:
        call_command("setup_site")
        return capsys.readouterr().out

    return run


@pytest.mark.django_db
def test_it_sets_the_site_up_and_changes_nothing_when_run_again(setup_site):
    first = setup_site()

    assert "Imported: 5 new, 0 changed, 0 unchanged" in first
    assert f"Demo accounts: {DEMO_EDITOR} and {DEMO_COLLEAGUE}, password {DEMO_PASSWORD}\n" in first
    editor = authenticate(username=DEMO_EDITOR, password=DEMO_PASSWORD)
    assert editor.is_staff and editor.has_perm("articles.change_article")
    colleague = authenticate(username=DEMO_COLLEAGUE, password=DEMO_PASSWORD)
    assert not colleague.is_staff
    # One group for both, and notes of every visibility to try collaboration with.
    assert {m.group.name for m in editor.memberships.all()} == {
        m.group.name for m in colleague.memberships.all()
    }
    assert set(Annotation.objects.values_list("visibility", flat=True)) == {"public", "group", "private"}
    assert (
        Annotation.objects.visible_to(colleague).filter(visibility="group").exclude(author=colleague).exists()
    )
    assert not Annotation.objects.visible_to(colleague).filter(visibility="private").exists()
    # Each on a whole sentence, which a newcomer sees the note is about.
    for exact in Annotation.objects.values_list("exact", flat=True):
        assert len(exact.split()) > 3 and exact.rstrip('”"’')[-1] in ".!?", exact

    again = setup_site()

    assert "No migrations to apply." in again
    assert "Imported: 0 new, 0 changed, 5 unchanged" in again
    assert f"Demo accounts: {DEMO_EDITOR} and {DEMO_COLLEAGUE}, password {DEMO_PASSWORD} (exist)" in again
    assert Annotation.objects.count() == 5
    assert Article.objects.count() == 5


@pytest.mark.django_db
def test_whitenoise_serves_the_collected_static_files_without_debug(setup_site, client):
    setup_site()

    page = client.get("/").content.decode()
    stylesheet = re.search(r'<link rel="stylesheet" href="(/static/css/site\.[0-9a-f]+\.css)">', page)[1]
    response = client.get(stylesheet)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/css")
    assert b".site-header" in b"".join(response.streaming_content)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_the_server_says_where_to_log_in_once_it_is_ready():
    address = f"127.0.0.1:{free_port()}"
    command = ["-m", "gunicorn", "newsroom.wsgi", "--config", "newsroom/gunicorn.conf.py", "--workers", "1"]
    server = subprocess.Popen(
        [sys.executable, *command, "--bind", address],
        cwd=PROJECT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    watchdog = threading.Timer(60, server.kill)  # a server that never gets ready fails the test
    watchdog.start()
    try:
        first_line = server.stdout.readline()
    finally:
        watchdog.cancel()
        server.terminate()
        server.wait(timeout=30)

    assert (
        first_line
        == f"Newsroom is ready: open http://{address}/ and log in as demo (or colleague) / newsroom-demo\n"
    )
