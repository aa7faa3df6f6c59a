"""The site's own error pages (DEBUG off): the header, what happened, a way home, nothing technical.

This module is also the URLconf of its tests: the site's URLs and views that fail.
"""

import pytest
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.test import Client
from django.urls import path

from newsroom import settings as project_settings
from newsroom.urls import urlpatterns as site_urlpatterns

DETAIL = "database password hunter2"  # what an exception may say, and a visitor must never read


def fail(request):
    raise RuntimeError(DETAIL)


def forbid(request):
    raise PermissionDenied(DETAIL)


def suspect(request):
    raise SuspiciousOperation(DETAIL)


urlpatterns = [path("fail/", fail), path("forbid/", forbid), path("suspect/", suspect), *site_urlpatterns]

pytestmark = pytest.mark.urls(__name__)

# What Django's technical pages show: tracebacks, settings, the URL patterns tried.
TECHNICAL_DETAIL = [DETAIL, "Traceback", "SECRET_KEY", "DEBUG", "URLconf", "Request Method", "site-packages"]


@pytest.fixture(autouse=True)
def production_mode(settings):
    settings.DEBUG = False


def assert_error_page(response, status: int, sentence: str):
    html = response.content.decode()
    assert response.status_code == status
    # The request's id, to quote when telling us about it: the one its log lines carry.
    assert f'<code class="request-id">{response["X-Request-ID"]}</code>' in html
    assert '<header class="site-header">' in html
    assert '<a class="site-name" href="/">Newsroom</a>' in html
    assert sentence in html
    assert '<a href="/">Back to the home page</a>' in html
    for detail in TECHNICAL_DETAIL:
        assert detail not in html


@pytest.mark.django_db
def test_a_missing_article_gets_the_404_page(client):
    response = client.get("/articles/999999/no-such-article/")

    assert_error_page(response, 404, "There is no page at this address.")


def test_a_failing_view_gets_the_500_page_without_touching_the_database(django_db_blocker):
    client = Client(raise_request_exception=False)

    with django_db_blocker.block():
        response = client.get("/fail/")

    assert_error_page(response, 500, "because of an error on our side")


@pytest.mark.django_db
def test_too_many_failed_logins_get_the_429_page(client):
    for _ in range(10):
        response = client.post("/accounts/login/", {"login": "nobody", "password": "wrong"})
        if response.status_code == 429:
            break

    assert_error_page(response, 429, "Too many")


def test_the_500_page_quotes_the_request_id_given_by_the_proxy(django_db_blocker):
    request_id = "0123456789abcdef0123456789abcdef"

    with django_db_blocker.block():
        response = Client(raise_request_exception=False).get("/fail/", headers={"x-request-id": request_id})

    assert_error_page(response, 500, "because of an error on our side")
    assert response["X-Request-ID"] == request_id


def test_permission_denied_gets_the_403_page(client):
    assert_error_page(client.get("/forbid/"), 403, "You are not allowed to see this page")


def test_a_form_without_its_csrf_token_gets_the_403_page():
    client = Client(enforce_csrf_checks=True)

    response = client.post("/accounts/login/", {"username": "demo", "password": "newsroom-demo"})

    assert_error_page(response, 403, "The form was sent without its security token.")


def test_a_suspicious_request_gets_the_400_page(client):
    assert_error_page(client.get("/suspect/"), 400, "could not make sense of what your browser sent")


def test_a_host_the_site_does_not_serve_gets_the_400_page(client):
    response = client.get("/", headers={"host": "newsroom.example.org"})

    assert_error_page(response, 400, "could not make sense of what your browser sent")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        *["/articles/1/x/?tag=%00", "/tag-suggestions/?q=a%00", "/tags/?story=%00", "/?page=%00"],
        *["/tags/?%00=1", "/people/%00/", "/groups/join/%00/", "/tags/a%00/"],
    ],
)
def test_a_nul_character_in_the_address_gets_the_400_page(client, url):
    # PostgreSQL cannot compare text holding NUL: without the check this is a 500 there.
    assert_error_page(client.get(url), 400, "The address holds a NUL character.")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url", ["/api/articles?story=%00", "/api/export?tag=%00", "/api/stories/%00", "/api/outlets/%00/"]
)
def test_a_nul_character_in_an_api_parameter_gets_a_json_error(client, url):
    response = client.get(url)
    assert response.status_code == 400 and response.json() == {"error": "The address holds a NUL character."}


def test_the_500_page_renders_before_collectstatic_has_run(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path  # empty: no manifest of hashed names
    settings.STORAGES = project_settings.STORAGES  # the production storage (tests use a plain one)
    response = Client(raise_request_exception=False).get("/fail/")
    assert_error_page(response, 500, "because of an error on our side")
    assert 'href="/static/css/site.css"' in response.content.decode()
