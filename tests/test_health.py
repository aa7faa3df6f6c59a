"""/healthz and /readyz: for load balancers, Docker and monitoring, cheap, unauthenticated, no cookie."""

import socket

import pytest
from django.db import connection

REDIS = "redis://127.0.0.1:6379/4"
NOBODY_LISTENING = "redis://127.0.0.1:1/0"


def redis_cache(location: str) -> dict:
    return {"default": {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": location}}


def redis_answers() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), 1).close()
    except OSError:
        return False
    return True


def test_healthz_answers_without_the_database(client, django_db_blocker):
    with django_db_blocker.block():
        response = client.get("/healthz")

    assert response.status_code == 200 and response.json() == {"status": "alive"}
    assert not response.cookies


@pytest.mark.parametrize("url", ["/healthz", "/readyz"])
@pytest.mark.django_db
def test_probes_are_answered_whatever_their_host_and_scheme(client, settings, url):
    # A load balancer or Docker asks by IP address or as localhost, over plain http.
    settings.ALLOWED_HOSTS = ["newsroom.example.org"]
    settings.SECURE_SSL_REDIRECT = True

    response = client.get(url, headers={"host": "10.0.0.5:8000"})

    assert response.status_code == 200
    assert not response.cookies


@pytest.mark.django_db
def test_readyz_checks_the_database_and_the_task_backend(client):
    response = client.get("/readyz")

    assert response.status_code == 200
    assert response.json() == {"status": "ready", "checked": ["database", "tasks"]}
    assert not response.cookies


def test_readyz_answers_503_when_the_database_does_not(client, django_db_blocker, caplog):
    with django_db_blocker.block():
        response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "failed": ["database", "tasks"]}
    assert "Not ready: database" in caplog.text  # the log says why


@pytest.mark.django_db
def test_readyz_answers_503_when_the_task_table_is_missing(client):
    with connection.cursor() as cursor:  # rolled back with the test's transaction
        cursor.execute("DROP TABLE django_tasks_database_dbtaskresult")

    response = client.get("/readyz")

    assert response.status_code == 503 and response.json()["failed"] == ["tasks"]


@pytest.mark.django_db
def test_readyz_answers_503_when_redis_does_not(client, settings):
    settings.CACHES = redis_cache(NOBODY_LISTENING)

    response = client.get("/readyz")

    assert response.status_code == 503 and response.json()["failed"] == ["redis"]


@pytest.mark.django_db
@pytest.mark.skipif(not redis_answers(), reason="Redis does not answer on 127.0.0.1:6379")
def test_readyz_checks_redis_when_the_cache_is_redis(client, settings):
    settings.CACHES = redis_cache(REDIS)

    response = client.get("/readyz")

    assert response.status_code == 200 and response.json()["checked"] == ["database", "redis", "tasks"]


@pytest.mark.parametrize("url", ["/healthz", "/readyz"])
@pytest.mark.django_db
def test_probes_write_no_log_line_when_all_is_well(client, caplog, url):
    caplog.set_level("DEBUG")
    assert client.get(url).status_code == 200
    assert [record for record in caplog.records if not record.name.startswith("django.db")] == []


@pytest.mark.django_db
def test_other_methods_are_not_probes(client):
    assert client.post("/healthz").status_code == 404
