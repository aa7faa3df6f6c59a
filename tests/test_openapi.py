"""The API's OpenAPI description, as served, says exactly what the API serves: every route of the
`api` namespace in Django's URL resolver, with each method it answers, is documented, and nothing
documented is missing from the resolver.

What is served comes from the resolver and from the routes themselves: a method a route does not
have answers 405 with the methods it has (Allow), so the methods are not read from the
description that is being checked.
"""

import re

import pytest
from django.test import Client
from django.urls import URLResolver, get_resolver, path, reverse
from ninja import NinjaAPI

# django-ninja's own routes, which serve the description rather than being part of it.
NINJA_OWN = {"openapi-json", "openapi-view", "api-root"}
METHODS = {"get", "put", "post", "delete", "patch", "options", "head", "trace"}


def routes_in(namespace: str, resolver=None, prefix: str = "", inside: bool = False):
    """(route, name) of every URL pattern in the namespace, its route as Django writes it."""
    for pattern in (resolver or get_resolver()).url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from routes_in(namespace, pattern, route, inside or pattern.namespace == namespace)
        elif inside and pattern.name not in NINJA_OWN:
            yield route, pattern.name


def openapi_path(route: str) -> str:
    """Django's route syntax as an OpenAPI path: api/annotations/<int:pk> -> /api/annotations/{pk}"""
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)


def served(client: Client, namespace: str) -> set[tuple[str, str]]:
    """(path, method) of every operation the namespace's routes answer."""
    operations = set()
    for route, name in routes_in(namespace):
        path_ = openapi_path(route)
        url = re.sub(r"{\w+}", "1", path_)
        response = client.generic("TRACE", url)  # a method no route of ours has
        assert response.status_code == 405, (name, url, response.status_code)
        operations |= {(path_, method.strip().lower()) for method in response["Allow"].split(",")}
    return operations


def documented(schema: dict) -> set[tuple[str, str]]:
    return {
        (path_, method) for path_, item in schema["paths"].items() for method in item if method in METHODS
    }


def mismatches(serving: set, describing: set) -> dict:
    return {"undocumented": serving - describing, "documented but not served": describing - serving}


def test_every_route_of_the_api_is_documented_and_nothing_else(client):
    schema = client.get(reverse("api:openapi-json")).json()
    serving = served(client, "api")
    assert len(serving) >= 20  # the resolver was walked (annotations, replies, corpus, ...)
    assert ("/api/articles/{pk}/annotations", "post") in serving
    assert mismatches(serving, documented(schema)) == {
        "undocumented": set(),
        "documented but not served": set(),
    }


def test_the_description_says_how_to_authenticate(client):
    schema = client.get(reverse("api:openapi-json")).json()
    schemes = schema["components"]["securitySchemes"]
    assert {scheme["type"] for scheme in schemes.values()} >= {"http", "apiKey"}
    create = schema["paths"]["/api/articles/{pk}/annotations"]["post"]
    assert create["security"] and "requestBody" in create


@pytest.mark.parametrize(
    "route, path_",
    [
        ("api/annotations/<int:pk>", "/api/annotations/{pk}"),
        ("api/stories/<slug:slug>/comparison", "/api/stories/{slug}/comparison"),
        ("api/articles/<pk>/annotations", "/api/articles/{pk}/annotations"),
        ("api/outlets", "/api/outlets"),
    ],
)
def test_django_routes_become_openapi_paths(route, path_):
    assert openapi_path(route) == path_


# The check itself: on an API with a route left out of its description, it must fail.

selfcheck = NinjaAPI(urls_namespace="selfcheck", docs_url=None)


@selfcheck.get("/things/{pk}")
def thing(request, pk: int):
    return {"pk": pk}


@selfcheck.delete("/things/{pk}", include_in_schema=False)
def forget_thing(request, pk: int):
    return {"pk": pk}


@selfcheck.get("/secret", include_in_schema=False)
def secret(request):
    return {}


urlpatterns = [path("selfcheck/", selfcheck.urls)]


@pytest.mark.urls(__name__)
def test_the_check_finds_a_route_or_method_left_out_of_the_description(client):
    schema = client.get(reverse("selfcheck:openapi-json")).json()
    found = mismatches(served(client, "selfcheck"), documented(schema))
    assert found == {
        "undocumented": {("/selfcheck/things/{pk}", "delete"), ("/selfcheck/secret", "get")},
        "documented but not served": set(),
    }


def test_the_check_finds_a_documented_route_that_is_not_served():
    serving = {("/api/outlets", "get")}
    describing = {("/api/outlets", "get"), ("/api/outlets", "post"), ("/api/gone", "get")}
    assert mismatches(serving, describing)["documented but not served"] == {
        ("/api/outlets", "post"),
        ("/api/gone", "get"),
    }


@pytest.mark.django_db
def test_the_docs_page_fits_a_phone_and_the_admin_names_the_site_icon(admin_client):
    docs = admin_client.get("/api/docs")
    assert docs.status_code == 200 and '<meta name="viewport" content="width=device-width' in docs.text
    assert "{#" not in docs.text and "1.7.1" not in docs.text  # the template's comment stays out
    admin = admin_client.get(reverse("admin:index"))
    assert admin.status_code == 200 and 'rel="icon" href="/static/favicon.svg"' in admin.text


@pytest.mark.django_db
def test_the_description_gives_the_status_each_create_answers(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    for path_ in ["/api/articles/{pk}/annotations", "/api/annotations/{pk}/replies"]:
        assert list(paths[path_]["post"]["responses"]) == ["201"], path_
    assert "201" in paths["/api/stories/{slug}/passages/{cluster_id}/annotations"]["post"]["responses"]
