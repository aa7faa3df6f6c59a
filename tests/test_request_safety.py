"""Every URL of the project, walked with real objects: a GET changes nothing, and a POST (or PUT,
PATCH, DELETE) from a browser's session needs its CSRF token, whereas a script with a personal API
token needs none.

The URLs come from the project's resolver, so a new one is walked as soon as it exists; each of its
parameters gets a real object's value, chosen by the path segment that names it ("stories/<slug>"
takes the story's slug).
"""

import re
from dataclasses import dataclass
from io import StringIO

import pytest
from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLResolver, get_resolver, reverse

from articles.models import Article, Outlet, Story
from articles.services.replies import create_reply
from newsroom.accounts.models import Membership
from newsroom.accounts.services import add_member_by_username, create_api_token, create_group, create_invite
from newsroom.jobs.models import Job
from tests.base import FIXTURES, annotate, annotation_json, passage

pytestmark = pytest.mark.django_db

WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE)\b", re.IGNORECASE)
# Writes a GET may make, each for a reason:
GET_MAY_WRITE = {
    # Signing in, out and the session's own data (allauth keeps a password reset key there).
    "django_session",
    # A member's own page lists the replies to them and marks them seen: a read receipt of their own,
    # which changes nothing anyone else sees (articles/views/people.py).
    "accounts_profile",
}


@dataclass
class Corpus:
    """Real objects for every URL parameter: the corpus, a group, an annotation with a reply..."""

    values: dict[tuple[str, str], object]  # by (the path segment before the parameter, its name)
    by_name: dict[str, dict]  # the kwargs of the URLs that regular expressions give (allauth's)


@pytest.fixture
def corpus(alice, bob) -> Corpus:
    call_command("import_corpus", str(FIXTURES), stdout=StringIO())
    story = Story.objects.get()
    article = story.articles.order_by("pk").first()
    group = create_group(owner=alice, name="Readers")
    add_member_by_username(group=group, username=bob.username)
    annotation = annotate(article, alice, article.body.split(".")[0], tags=["framing"])
    answer = create_reply(annotation=annotation, author=bob, note="A reply")
    reply = create_reply(annotation=annotation, author=alice, note="An answer", parent=answer)
    invite = create_invite(group=group, created_by=alice)
    token, _ = create_api_token(user=alice, name="script")
    job = Job.objects.create(kind=Job.Kind.EXPORT_ANNOTATIONS, owner=alice)
    email = EmailAddress.objects.create(user=alice, email="alice@example.org", primary=True)
    values = {
        ("stories", "slug"): story.slug,
        ("passages", "cluster_id"): story.comparison.record.passages[0].id,
        ("outlets", "slug"): Outlet.objects.order_by("pk").first().slug,
        ("articles", "pk"): article.pk,
        ("<pk>", "slug"): article.slug,  # articles/<pk>/<slug>
        ("annotations", "pk"): annotation.pk,
        ("replies", "pk"): reply.pk,
        ("people", "username"): alice.username,
        ("groups", "slug"): group.slug,
        ("join", "token"): invite.token,
        ("members", "pk"): Membership.objects.get(group=group, user=bob).pk,
        ("invites", "pk"): invite.pk,
        ("tokens", "pk"): token.pk,
        ("tags", "slug"): "framing",
        ("jobs", "pk"): job.pk,
    }
    by_name = {
        "account_confirm_email": {"key": EmailConfirmationHMAC(email).key},
        "account_reset_password_from_key": {
            "uidb36": user_pk_to_url_str(alice),
            "key": default_token_generator.make_token(alice),
        },
    }
    return Corpus(values, by_name)


def every_url_pattern(patterns=None, prefix: str = "", namespace: str = ""):
    """(name, route) of every named URL pattern of the project, its includes' too (the unnamed ones
    are the admin's redirects to named ones)."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from every_url_pattern(pattern.url_patterns, route, inner)
        elif pattern.name:
            yield f"{namespace}{pattern.name}", route


def every_url(corpus: Corpus, staff) -> list[tuple[str, str]]:
    """(name, URL) of every pattern, its parameters filled in with the corpus's objects."""
    urls = []
    for name, route in every_url_pattern():
        if name in corpus.by_name:
            kwargs = corpus.by_name[name]
        elif name.startswith("admin:"):
            kwargs = admin_kwargs(name, route, staff)
        else:
            kwargs = path_kwargs(name, route, corpus)
        urls.append((name, reverse(name, kwargs=kwargs)))
    return urls


PARAMETER = re.compile(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>")


def path_kwargs(name: str, route: str, corpus: Corpus) -> dict:
    """Each parameter's value, by the path segment before it: stories/<slug> takes the story's."""
    kwargs, before = {}, ""
    for segment in route.split("/"):
        if match := PARAMETER.fullmatch(segment):
            key = (before, match[1])
            assert key in corpus.values, f"{name} ({route}): give the corpus a value for {key}"
            kwargs[match[1]] = corpus.values[key]
            before = f"<{match[1]}>"
        else:
            before = segment
    return kwargs


def admin_kwargs(name: str, route: str, staff) -> dict:
    """An admin page's parameters: its model's first row (or a missing one), the articles app."""
    prefixes = {
        f"admin:{model._meta.app_label}_{model._meta.model_name}_": model for model in admin.site._registry
    }
    model = next((model for prefix, model in prefixes.items() if name.startswith(prefix)), None)
    row = model.objects.order_by("pk").first() if model else None
    values = {
        "app_label": "articles",
        "object_id": str(row.pk) if row else "0",
        "id": str(row.pk if row else staff.pk),
        "content_type_id": ContentType.objects.get_for_model(Article).pk,
    }
    parameters = [a or b for a, b in PARAMETER.findall(route)]
    return {parameter: values[parameter] for parameter in parameters}


@pytest.fixture
def staff(django_user_model):
    return django_user_model.objects.create_superuser("staff", password="pw")


def client_for(who: str, alice, staff, **options) -> Client:
    client = Client(**options)
    if who != "anonymous":
        client.force_login({"member": alice, "staff": staff}[who])
    return client


def writes(queries) -> list[str]:
    """The statements that changed the database, but the ones GET_MAY_WRITE explains."""
    return [
        query["sql"]
        for query in queries
        if WRITE.match(query["sql"]) and not any(table in query["sql"] for table in GET_MAY_WRITE)
    ]


@pytest.mark.parametrize("who", ["anonymous", "member", "staff"])
def test_no_get_changes_anything(corpus, alice, staff, who):
    client = client_for(who, alice, staff)
    changed = {}
    urls = every_url(corpus, staff)
    for name, url in urls:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code < 500, f"GET {url} ({name}): {response.status_code}"
        if found := writes(queries.captured_queries):
            changed[f"GET {url} ({name})"] = found
    assert changed == {}
    assert len(urls) > 150  # all of them: the site's, the API's, the accounts' and the admin's


def test_the_walk_sees_the_writes_of_a_get(corpus, alice, staff):
    """The check above sees writes: a member's own page makes one, which GET_MAY_WRITE explains."""
    client = client_for("member", alice, staff)
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("articles:person_detail", args=[alice.username]))

    assert writes(queries.captured_queries) == []
    assert any("accounts_profile" in query["sql"] and WRITE.match(query["sql"]) for query in queries)


UNSAFE_METHODS = ["post", "put", "patch", "delete"]


def refusals(url: str, who: str) -> set[int]:
    """How a write without the CSRF token is refused: 403 by the CSRF check. The API's routes make
    their own check, for sessions only: a caller without one is told to sign in (401); and they
    answer 405 to a method they do not take."""
    if not url.startswith("/api/"):
        return {403}
    return {403, 405} | ({401} if who == "anonymous" else set())


@pytest.mark.parametrize("who", ["anonymous", "member"])
def test_every_write_from_a_browser_session_needs_the_csrf_token(corpus, alice, staff, who):
    client = client_for(who, alice, staff, enforce_csrf_checks=True)
    client.get(reverse("articles:home"))  # a page that sets the CSRF cookie: only the token is missing
    accepted, changed = {}, {}
    for name, url in every_url(corpus, staff):
        for method in UNSAFE_METHODS:
            with CaptureQueriesContext(connection) as queries:
                response = getattr(client, method)(url, {"note": "x"}, content_type="application/json")
            if response.status_code not in refusals(url, who):
                accepted[f"{method.upper()} {url} ({name})"] = response.status_code
            if found := [query["sql"] for query in queries.captured_queries if WRITE.match(query["sql"])]:
                changed[f"{method.upper()} {url} ({name})"] = found
    assert accepted == {}
    assert changed == {}


def test_the_same_writes_with_the_token_are_accepted(corpus, alice, staff):
    """The refusals above are the CSRF check's: with the token, a page and the API accept them."""
    client = client_for("member", alice, staff, enforce_csrf_checks=True)
    client.get(reverse("articles:home"))
    csrf = {"X-CSRFToken": client.cookies[settings.CSRF_COOKIE_NAME].value}
    article = Article.objects.get(pk=corpus.values[("articles", "pk")])
    annotation = article.annotations.get()

    page = client.post(
        reverse("articles:reply_create", args=[annotation.pk]), {"note": "Agreed"}, headers=csrf
    )
    api = post_annotation(client, article, headers=csrf)

    assert page.status_code == 302, page.content
    assert api.status_code == 201, api.content
    assert annotation.replies.count() == 3
    assert article.annotations.count() == 2


def test_a_personal_token_needs_no_csrf_token(corpus, alice):
    _, secret = create_api_token(user=alice, name="another script")
    client = Client(enforce_csrf_checks=True, headers={"Authorization": f"Bearer {secret}"})
    article = Article.objects.get(pk=corpus.values[("articles", "pk")])

    response = post_annotation(client, article)

    assert response.status_code == 201, response.content
    assert article.annotations.count() == 2


def post_annotation(client, article, **options):
    return client.post(
        reverse("api:annotation_create", args=[article.pk]),
        annotation_json(**passage(article, article.body.split(" ")[0])),
        content_type="application/json",
        **options,
    )
