"""Security headers on every kind of page: the Content Security Policy and pages that keep it (no
inline script, event handler or style attribute), Django's headers, cookies, and what caches keep."""

from html.parser import HTMLParser

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from newsroom.accounts.models import Group, Membership, Role
from newsroom.accounts.services import create_api_token
from tests.base import annotate, make_article, make_outlet, make_story

pytestmark = pytest.mark.django_db

POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
}
DATA_SCRIPTS = {"application/json", "application/ld+json"}  # data the browser does not run


class InlineCode(HTMLParser):
    """What a policy without 'unsafe-inline' refuses in a page, as (tag, what) pairs."""

    def __init__(self, html: str):
        super().__init__()
        self.found = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "script" and "src" not in attributes and attributes.get("type") not in DATA_SCRIPTS:
            self.found.append((tag, "inline script"))
        if tag == "style":
            self.found.append((tag, "style element"))
        for name, value in attrs:
            if name == "style" or name.startswith("on"):
                self.found.append((tag, f"{name}={value!r}"))
            elif (value or "").strip().lower().startswith("javascript:"):
                self.found.append((tag, f"{name}={value!r}"))


def policy_of(response) -> dict[str, str]:
    directives = (part.strip().split(None, 1) for part in response["Content-Security-Policy"].split(";"))
    return {name: value for name, value in directives}


def assert_secure_headers(response):
    policy = policy_of(response)
    assert policy | POLICY == policy, response["Content-Security-Policy"]
    assert not any("unsafe" in value for value in policy.values())
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


def assert_strict_page(response):
    assert_secure_headers(response)
    assert InlineCode(response.text).found == []


@pytest.fixture
def site(alice, bob):
    """One of each thing the pages show: a story of two articles, a tagged note, a group."""
    story = make_story()
    outlet = make_outlet("Daily")
    article = make_article(story=story, outlet=outlet, body="The letter said the contract must end.")
    make_article(story=story, outlet=make_outlet("Weekly"), body="The contract must end, they said.")
    annotation = annotate(article, alice, "contract", tags=["framing"], note="Which *contract*?")
    group = Group.objects.create(name="Seminar", slug="seminar")
    Membership.objects.create(group=group, user=alice, role=Role.OWNER)
    User.objects.create_superuser("editor", password="pw")
    return {"story": story, "outlet": outlet, "article": article, "annotation": annotation, "group": group}


def page_url(site, name) -> str:
    story, article, annotation = site["story"], site["article"], site["annotation"]
    articles = story.articles.order_by("pk")
    return {
        "home": reverse("articles:home"),
        "story": story.get_absolute_url(),
        "outlet": site["outlet"].get_absolute_url(),
        "article": article.get_absolute_url(),
        "article filtered": f"{article.get_absolute_url()}?tag=framing",
        "side by side": reverse("articles:compare", args=[story.slug])
        + "?"
        + "&".join(f"a={a.pk}" for a in articles),
        "coverage": reverse("articles:story_coverage", args=[story.slug]),
        "tags": reverse("articles:tag_index"),
        "tag": reverse("articles:tag_detail", args=["framing"]),
        "search": reverse("search:results") + "?q=contract",
        "more like this": reverse("search:more_like_this", args=[article.pk]),
        "person": reverse("articles:person_detail", args=["alice"]),
        "group": reverse("articles:group_detail", args=[site["group"].slug]),
        "export": reverse("export"),
        "log in": reverse("account_login"),
        "sign up": reverse("account_signup"),
        "password reset": reverse("account_reset_password"),
        "groups": reverse("accounts:group_list"),
        "group members": reverse("accounts:group_members", args=[site["group"].slug]),
        "new group": reverse("accounts:group_create"),
        "display name": reverse("accounts:display_name_update"),
        "e-mail": reverse("account_email"),
        "password change": reverse("account_change_password"),
        "import": reverse("annotation_import"),
        "edit note": reverse("articles:annotation_update", args=[annotation.pk]),
        "reply": reverse("articles:reply_create", args=[annotation.pk]),
        "flag": reverse("articles:annotation_flag", args=[annotation.pk]),
        "delete note": reverse("articles:annotation_delete", args=[annotation.pk]),
        "admin": reverse("admin:index"),
        "admin articles": reverse("admin:articles_article_changelist"),
        "admin article": reverse("admin:articles_article_change", args=[article.pk]),
        "admin new story": reverse("admin:articles_story_add"),
        "admin annotation": reverse("admin:articles_annotation_change", args=[annotation.pk]),
        "admin users": reverse("admin:auth_user_changelist"),
        "api docs": reverse("api:openapi-view"),
    }[name]


READERS_PAGES = [
    *"home|story|outlet|article|article filtered|side by side|coverage|tags|tag|search".split("|"),
    *"more like this|person|export|api docs".split("|"),
]
PAGES = [
    *[(None, name) for name in [*READERS_PAGES, "log in", "sign up", "password reset"]],
    *[("alice", name) for name in READERS_PAGES],
    *[("alice", name) for name in ["group", "groups", "group members", "new group", "display name"]],
    *[
        ("alice", name)
        for name in ["e-mail", "password change", "import", "edit note", "reply", "delete note"]
    ],
    ("bob", "flag"),
    *[("editor", name) for name in ["admin", "admin articles", "admin article", "admin new story"]],
    *[("editor", name) for name in ["admin annotation", "admin users", "article"]],
]


def client_of(username) -> Client:
    client = Client()
    if username:
        client.force_login(User.objects.get(username=username))
    return client


@pytest.mark.parametrize(
    ("username", "name"), PAGES, ids=[f"{who or 'anonymous'}: {name}" for who, name in PAGES]
)
def test_every_page_sends_the_strict_policy_and_keeps_it(site, username, name):
    response = client_of(username).get(page_url(site, name))

    assert response.status_code == 200
    assert_strict_page(response)


def test_the_page_check_finds_what_the_policy_would_refuse():
    html = (
        '<script>go()</script><script type="module">go()</script><script src="/a.js"></script>'
        '<script type="application/json">{}</script><p style="color: red" onclick="go()">'
        '<a href="javascript:go()">x</a><style>p {}</style>'
    )

    assert [what for _, what in InlineCode(html).found] == [
        "inline script",
        "inline script",
        "style='color: red'",
        "onclick='go()'",
        "href='javascript:go()'",
        "style element",
    ]


def test_signed_in_fragments_keep_the_policy(client, site, alice):
    """fragments.js puts these into the page as they come: they must carry nothing the policy refuses."""
    client.force_login(alice)
    response = client.get(reverse("articles:article_fragments", args=[site["article"].pk]))

    assert response.status_code == 200
    fragments = response.json()
    assert "Which" in fragments["annotations"]
    assert InlineCode(fragments["text"] + fragments["annotations"]).found == []


@pytest.mark.parametrize(
    ("url", "status"),
    [("/no-such-page/", 404), ("/articles/999999/gone/", 404), ("/tags/?tag=%00", 400)],
)
def test_error_pages_send_the_same_headers(client, url, status):
    response = client.get(url)

    assert response.status_code == status
    assert_strict_page(response)


def test_the_csrf_failure_page_sends_the_same_headers(alice):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)

    response = client.post(reverse("accounts:group_create"), {"name": "No token"})

    assert response.status_code == 403
    assert_strict_page(response)


def test_api_answers_send_the_same_headers(client, site):
    for url in [reverse("api:stories"), reverse("api:openapi-json"), reverse("api:annotation", args=[0])]:
        response = client.get(url)
        assert response["Content-Type"].startswith("application/")
        assert_secure_headers(response)


def test_static_files_are_not_sniffed(settings):
    settings.WHITENOISE_USE_FINDERS = True
    response = Client().get("/static/js/api.js")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["X-Content-Type-Options"] == "nosniff"


# HTTPS, as a site served to others has it (tests/test_settings.py checks those settings) ----------


@pytest.fixture
def https_site(settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = settings.SECURE_HSTS_PRELOAD = True


def test_https_pages_tell_browsers_to_use_https_only(https_site, client):
    response = client.get(reverse("articles:home"), secure=True)

    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"


def test_plain_http_is_redirected_but_for_the_health_probes(https_site, client):
    home = client.get(reverse("articles:home"))
    assert home.status_code == 301 and home["Location"].startswith("https://")
    assert "Strict-Transport-Security" not in home  # browsers take it from HTTPS answers only

    for probe in ["/healthz", "/readyz"]:
        assert client.get(probe).status_code == 200


# Cookies ------------------------------------------------------------------------------------------


def test_the_session_and_csrf_cookies_are_out_of_scripts_reach(client, alice):
    page = client.get(reverse("account_login"))
    response = client.post(
        reverse("account_login"),
        {"login": "alice", "password": "pw", "csrfmiddlewaretoken": page.context["csrf_token"]},
    )

    assert response.status_code == 302
    assert response.cookies["sessionid"]["httponly"] and response.cookies["csrftoken"]["httponly"]


def test_https_only_cookies_carry_host_only_names(settings, alice):
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True
    settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME = "__Host-sessionid", "__Host-csrftoken"
    client = Client()
    client.force_login(alice)

    response = client.get(reverse("accounts:group_create"), secure=True)

    cookie = response.cookies["__Host-csrftoken"]
    assert cookie["secure"] and cookie["httponly"] and cookie["path"] == "/" and not cookie["domain"]
    assert client.cookies["__Host-sessionid"]["secure"]
    assert client.get(reverse("accounts:group_list"), secure=True).status_code == 200  # signed in by it


# What caches may keep ------------------------------------------------------------------------------


def test_signed_in_pages_are_stored_by_no_cache(client, site, alice):
    client.force_login(alice)

    for url in [site["article"].get_absolute_url(), reverse("articles:home"), reverse("accounts:group_list")]:
        assert client.get(url)["Cache-Control"] == "private, no-store"


def test_api_answers_to_a_token_are_stored_by_no_cache(client, site, alice):
    _, secret = create_api_token(user=alice, name="script")

    response = client.get(reverse("api:stories"), headers={"Authorization": f"Bearer {secret}"})

    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"


def test_anonymous_pages_stay_cacheable(client, site):
    response = client.get(site["article"].get_absolute_url())

    assert response.status_code == 200
    assert "Cache-Control" not in response


def test_the_live_update_poll_keeps_its_etag_and_revalidation(client, site, alice):
    client.force_login(alice)
    url = reverse("articles:article_fragments", args=[site["article"].pk])

    first = client.get(url)
    again = client.get(url, headers={"If-None-Match": first["ETag"]})

    assert first["Cache-Control"] == "private, no-cache"
    assert again.status_code == 304
    assert "no-store" not in again.get("Cache-Control", "")  # the browser keeps the copy it confirms


@pytest.mark.parametrize(
    "query",
    [
        "tag=no-such-tag",
        "tag=%3Cscript%3Ealert(1)%3C/script%3E",
        "tag=%22%3E%3Ca%20href%3D%22https://evil.example/%22%3EClick",
        "author=nobody&layer=group-999",
    ],
)
def test_a_query_the_page_does_not_show_reaches_no_other_reader(site, query):
    """An unknown filter is dropped, so the page is the plain one, cached for everyone: it must not
    carry the query of the reader who filled the cache (in its log-in links' `next`)."""
    article_url = site["article"].get_absolute_url()
    planted = Client().get(f"{article_url}?{query}")
    assert planted.status_code == 200

    served = Client().get(article_url)

    marker = query.split("=", 1)[1].split("&")[0]
    assert marker not in served.text and marker not in planted.text
    assert served.text == planted.text  # one cached page, as the plain page shows it
    assert f'?next={article_url}"' in served.text


def test_a_filter_the_page_shows_comes_back_in_its_log_in_link(client, site):
    response = client.get(f"{site['article'].get_absolute_url()}?tag=framing")

    assert f'?next={site["article"].get_absolute_url()}%3Ftag%3Dframing"' in response.text
