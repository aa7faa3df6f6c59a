"""deploy/ and docker-compose.yml name commands, files and services that exist.

Docker's compose plugin is not installed on every machine that runs the suite, so the compose file
is read here as compose reads it (YAML with merge keys) and held to what the app needs.
"""

import re
import shlex
from pathlib import Path

import yaml
from django.conf import settings
from django.core.management import get_commands

ROOT = Path(__file__).resolve().parent.parent
SERVICE_FILES = sorted((ROOT / "deploy" / "systemd").glob("*.service"))


def manage_commands(command_line: str) -> list[str]:
    """The management commands a shell command line runs, e.g. `python manage.py backup FILE`."""
    return re.findall(r"manage\.py\s+([\w-]+)", command_line)


def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_runs_the_app_its_worker_postgresql_and_redis():
    services = compose()["services"]
    assert {"app", "worker", "db", "redis"} <= services.keys()
    for name in ("app", "worker", "migrate"):
        environment = services[name]["environment"]
        assert environment["DATABASE_URL"].startswith("postgres://")
        assert "@db:5432/" in environment["DATABASE_URL"]
        assert environment["REDIS_URL"].startswith("redis://redis:6379/")
        assert services[name]["build"] == "."
    assert services["app"]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"


def test_compose_commands_are_commands_of_this_project():
    known = get_commands()
    services = compose()["services"].values()
    named = [name for service in services for name in manage_commands(" ".join(service.get("command", [])))]
    assert {"migrate", "run_worker"} <= set(named)
    assert all(name in known for name in named), named


def test_the_image_serves_with_the_deploy_gunicorn_config():
    dockerfile = (ROOT / "Dockerfile").read_text()
    config = re.search(r"deploy/gunicorn\.conf\.py", dockerfile)
    assert config and (ROOT / config.group()).is_file()
    assert "collectstatic" in dockerfile


def test_systemd_units_run_existing_commands_and_files():
    known = get_commands()
    exec_lines = [
        line.split("=", 1)[1]
        for unit in SERVICE_FILES
        for line in unit.read_text().splitlines()
        if line.startswith("ExecStart=")
    ]
    assert len(exec_lines) == len(SERVICE_FILES) >= 3
    named = [name for line in exec_lines for name in manage_commands(line)]
    assert {"run_worker", "backup"} <= set(named)
    assert all(name in known for name in named), named
    gunicorn = next(shlex.split(line) for line in exec_lines if "gunicorn" in line)
    assert (ROOT / gunicorn[gunicorn.index("--config") + 1]).is_file()


def test_nginx_accepts_the_largest_upload_the_app_accepts():
    conf = (ROOT / "deploy" / "nginx" / "newsroom.conf").read_text()
    megabytes = int(re.search(r"client_max_body_size\s+(\d+)m;", conf).group(1))
    assert megabytes * 1024 * 1024 >= settings.MAX_REQUEST_BYTES
    assert megabytes * 1024 * 1024 <= settings.MAX_REQUEST_BYTES * 1.1  # and not much more
