"""Who may do what, as a matrix: every persona × every action × every visibility, through the URLs.

Each action is taken the way a browser takes it, and again through the JSON API (with a session
and with a personal token), and judged by what the database holds after (or what is shown, for
reads), never by the status code alone: both must agree. A refused action answers 404 where the
persona may not read the annotation (as for a missing id), 403 where they may read it, and for
anonymous writers a redirect to sign in (the API: 401). Every route of the site, the API's
included, must have a row in ROUTES, so that a new route cannot escape the matrix.
"""

import json

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse

from articles.models import Annotation
from articles.models.annotations import Flag, Reply
from articles.services.annotations import delete_annotation
from articles.services.moderation import hide
from articles.services.replies import create_reply
from newsroom.accounts.models import Group, Membership, Role
from newsroom.accounts.services import create_api_token
from tests.base import annotate, make_article

pytestmark = pytest.mark.django_db

PERSONAS = ["anonymous", "author", "other", "member", "moderator", "owner", "former", "staff"]
VISIBILITIES = ["private", "group", "public"]
READERS = {
    "private": {"author"},
    "group": {"author", "member", "moderator", "owner"},
    "public": set(PERSONAS),
}
# Who may take each action on the author's annotation (and the author's reply in its thread).
ALLOWED = {
    "read": lambda persona, visibility: persona in READERS[visibility],
    "edit": lambda persona, visibility: persona == "author",
    "change_visibility": lambda persona, visibility: persona == "author",
    "delete": lambda persona, visibility: persona == "author",
    "restore": lambda persona, visibility: persona == "author",
    "reply": lambda persona, visibility: persona != "anonymous" and persona in READERS[visibility],
    "edit_reply": lambda persona, visibility: persona == "author",
    "delete_reply": lambda persona, visibility: persona == "author",
    "hide": lambda persona, visibility: visibility == "group" and persona in {"moderator", "owner"},
    "unhide": lambda persona, visibility: visibility == "group" and persona in {"moderator", "owner"},
    "hide_reply": lambda persona, visibility: visibility == "group" and persona in {"moderator", "owner"},
    "flag": lambda persona, visibility: visibility == "public" and persona not in {"anonymous", "author"},
    "manage_group": lambda persona, visibility: persona == "owner",
    # A new annotation by the persona on the article, for the visibility (group: the author's group).
    "annotate": lambda persona, visibility: (
        persona != "anonymous" and (visibility != "group" or persona in READERS["group"])
    ),
}
BODY = "Microsoft employees protested.\n\nThe letter said the contract must end. Nadella answered."


@pytest.fixture(autouse=True)
def machine_pace(settings):
    """The matrix tries every route as fast as a machine can: the write limit, which holds a person
    to 8 writes at once and 4 a second (tests/test_abuse_limits.py), would answer some of it 429."""
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "write": (1000, 1000)}


@pytest.fixture
def world(django_user_model):
    users = {name: django_user_model.objects.create_user(name, password="pw") for name in PERSONAS[1:]}
    users["staff"].is_staff = True  # staff, without any permission
    users["staff"].save()
    group = Group.objects.create(name="Team", slug="team")
    for name, role in [("owner", Role.OWNER), ("moderator", Role.MODERATOR), ("member", Role.MEMBER)]:
        Membership.objects.create(group=group, user=users[name], role=role)
    Membership.objects.create(group=group, user=users["author"])
    Membership.objects.create(group=group, user=users["former"]).delete()  # joined once, then left
    users["anonymous"] = AnonymousUser()
    return users, group


def make_note(world, visibility):
    users, group = world
    article = make_article(body=BODY)
    audience = {"visibility": visibility, "group": group if visibility == "group" else None}
    annotation = annotate(
        article, users["author"], "letter", ["matrix-tag"], note="Original note", **audience
    )
    reply = create_reply(annotation=annotation, author=users["author"], note="Original reply")
    return annotation, reply


def client_for(world, persona, auth="session") -> Client:
    """A client as the persona: signed in by a session cookie, or sending a personal API token."""
    if persona == "anonymous":
        return Client()
    if auth == "token":
        secret = create_api_token(user=world[0][persona], name="matrix")[1]
        return Client(headers={"Authorization": f"Bearer {secret}"})
    client = Client()
    client.force_login(world[0][persona])
    return client


def post(client, name, pk, data=None):
    return client.post(reverse(f"articles:{name}", args=[pk]), data or {})


# Each action: take it as the persona, and say whether it happened.
def read(client, annotation, reply, world):
    page = client.get(annotation.article.get_absolute_url()).text
    fragments = client.get(reverse("articles:article_fragments", args=[annotation.article_id])).json()
    tag_page = client.get(reverse("articles:tag_detail", args=["matrix-tag"]))
    seen = [
        f'id="hl-{annotation.pk}"' in page,
        f'id="hl-{annotation.pk}"' in fragments["text"],
        "Original reply" in page,
        tag_page.status_code == 200 and "Original note" in tag_page.text,
    ]
    assert len(set(seen)) == 1, f"pages disagree: {seen}"
    return seen[0]


def edit(client, annotation, reply, world):
    post(client, "annotation_update", annotation.pk, {"note": "Changed", "tags": "matrix-tag"})
    return Annotation.objects.get(pk=annotation.pk).note == "Changed"


def change_visibility(client, annotation, reply, world):
    wanted = "private" if annotation.visibility != "private" else "public"
    post(client, "annotation_update", annotation.pk, {"note": annotation.note, "audience": wanted})
    return Annotation.objects.get(pk=annotation.pk).visibility == wanted


def delete(client, annotation, reply, world):
    post(client, "annotation_delete", annotation.pk)
    return Annotation.objects.get(pk=annotation.pk).deleted_at is not None


def restore(client, annotation, reply, world):
    delete_annotation(annotation)
    post(client, "annotation_restore", annotation.pk)
    return Annotation.objects.get(pk=annotation.pk).deleted_at is None


def reply_to(client, annotation, reply, world):
    post(client, "reply_create", annotation.pk, {"note": "An answer"})
    return Reply.objects.filter(note="An answer").exists()


def edit_reply(client, annotation, reply, world):
    post(client, "reply_update", reply.pk, {"note": "Changed reply"})
    return Reply.objects.get(pk=reply.pk).note == "Changed reply"


def delete_reply(client, annotation, reply, world):
    post(client, "reply_delete", reply.pk)
    return Reply.objects.get(pk=reply.pk).deleted_at is not None


def hide_annotation(client, annotation, reply, world):
    post(client, "annotation_hide", annotation.pk)
    return Annotation.objects.get(pk=annotation.pk).hidden_at is not None


def hidden_first(annotation, world):
    """The annotation hidden, so that unhiding it can be seen (the private one directly: nobody
    may hide it)."""
    if annotation.visibility == "group":
        hide(item=annotation, moderator=world[0]["owner"])
    else:
        Annotation.objects.filter(pk=annotation.pk).update(hidden_at=annotation.created_at)


def unhide_annotation(client, annotation, reply, world):
    hidden_first(annotation, world)
    post(client, "annotation_unhide", annotation.pk)
    return Annotation.objects.get(pk=annotation.pk).hidden_at is None


def hide_reply(client, annotation, reply, world):
    post(client, "reply_hide", reply.pk)
    return Reply.objects.get(pk=reply.pk).hidden_at is not None


def flag(client, annotation, reply, world):
    post(client, "annotation_flag", annotation.pk, {"reason": "It breaks the rules."})
    return Flag.objects.filter(annotation=annotation).exists()


def manage_group(client, annotation, reply, world):
    users, group = world
    membership = group.memberships.get(user=users["member"])
    client.post(reverse("accounts:member_role", args=[group.slug, membership.pk]), {"role": "moderator"})
    return group.memberships.get(pk=membership.pk).role == Role.MODERATOR


ACTIONS = {
    "read": read,
    "edit": edit,
    "change_visibility": change_visibility,
    "delete": delete,
    "restore": restore,
    "reply": reply_to,
    "edit_reply": edit_reply,
    "delete_reply": delete_reply,
    "hide": hide_annotation,
    "unhide": unhide_annotation,
    "hide_reply": hide_reply,
    "flag": flag,
    "manage_group": manage_group,
}


@pytest.mark.parametrize("visibility", VISIBILITIES)
@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("persona", PERSONAS)
def test_the_matrix(world, persona, action, visibility):
    annotation, reply = make_note(world, visibility)
    happened = ACTIONS[action](client_for(world, persona), annotation, reply, world)
    assert happened == ALLOWED[action](persona, visibility)


# The same actions through the JSON API: (method, route, what it acts on, body) for each, and
# whether it happened, judged as above. Restoring and managing groups have no API route.
def api_call(client, action, annotation, reply, world):
    method, name, target, body = API_REQUEST[action](annotation, world)
    pk = {"annotation": annotation, "reply": reply, "article": annotation.article}[target].pk
    headers = {"If-Match": "*"} if method in {"PUT", "DELETE"} else {}
    data = json.dumps(body) if body is not None else b""
    return client.generic(
        method, reverse(f"api:{name}", args=[pk]), data, content_type="application/json", headers=headers
    )


def audience(annotation, world, visibility) -> dict:
    return {"visibility": visibility} | ({"group": world[1].slug} if visibility == "group" else {})


API_REQUEST = {
    "edit": lambda a, world: ("PUT", "annotation_replace", "annotation", {"body": [note("Changed")]}),
    "change_visibility": lambda a, world: (
        "PUT",
        "annotation_replace",
        "annotation",
        {"body": [note(a.note)]} | audience(a, world, "private" if a.visibility != "private" else "public"),
    ),
    "delete": lambda a, world: ("DELETE", "annotation_delete", "annotation", None),
    "reply": lambda a, world: ("POST", "reply_create", "annotation", {"body": note("An answer")}),
    "edit_reply": lambda a, world: ("PUT", "reply_replace", "reply", {"body": note("Changed reply")}),
    "delete_reply": lambda a, world: ("DELETE", "reply_delete", "reply", None),
    "hide": lambda a, world: ("POST", "annotation_hide", "annotation", None),
    "unhide": lambda a, world: ("POST", "annotation_unhide", "annotation", None),
    "hide_reply": lambda a, world: ("POST", "reply_hide", "reply", None),
    "flag": lambda a, world: ("POST", "annotation_flag", "annotation", {"reason": "It breaks the rules."}),
    "annotate": lambda a, world: (
        "POST",
        "annotation_create",
        "article",
        {
            "body": [note("A new one")],
            "target": {"selector": [{"type": "TextQuoteSelector", "exact": "Nadella answered"}]},
        }
        | audience(a, world, a.visibility),
    ),
}


def note(text: str) -> dict:
    return {"type": "TextualBody", "value": text, "purpose": "commenting"}


def api_read(client, annotation, reply, world):
    one = client.get(reverse("api:annotation", args=[annotation.pk]))
    page = client.get(reverse("api:container", args=[annotation.article_id]), {"page": 0}).json()
    thread = client.get(reverse("api:replies", args=[annotation.pk]))
    answer = client.get(reverse("api:reply", args=[reply.pk]))
    seen = [
        one.status_code == 200 and "Original note" in one.text,
        "Original note" in json.dumps(page),
        thread.status_code == 200 and "Original reply" in thread.text,
        answer.status_code == 200 and "Original reply" in answer.text,
    ]
    assert len(set(seen)) == 1, f"routes disagree: {seen}"
    return seen[0]


def api_action(action, happened):
    """Take the action through the API (after the set-up its HTML test makes), judged the same way."""

    def take(client, annotation, reply, world):
        if action == "unhide":
            hidden_first(annotation, world)
        api_call(client, action, annotation, reply, world)
        return happened(annotation, reply)

    return take


API_ACTIONS = {
    "read": api_read,
    "edit": api_action("edit", lambda a, r: Annotation.objects.get(pk=a.pk).note == "Changed"),
    "change_visibility": api_action(
        "change_visibility", lambda a, r: Annotation.objects.get(pk=a.pk).visibility != a.visibility
    ),
    "delete": api_action("delete", lambda a, r: Annotation.objects.get(pk=a.pk).deleted_at is not None),
    "reply": api_action("reply", lambda a, r: Reply.objects.filter(note="An answer").exists()),
    "edit_reply": api_action("edit_reply", lambda a, r: Reply.objects.get(pk=r.pk).note == "Changed reply"),
    "delete_reply": api_action(
        "delete_reply", lambda a, r: Reply.objects.get(pk=r.pk).deleted_at is not None
    ),
    "hide": api_action("hide", lambda a, r: Annotation.objects.get(pk=a.pk).hidden_at is not None),
    "unhide": api_action("unhide", lambda a, r: Annotation.objects.get(pk=a.pk).hidden_at is None),
    "hide_reply": api_action("hide_reply", lambda a, r: Reply.objects.get(pk=r.pk).hidden_at is not None),
    "flag": api_action("flag", lambda a, r: Flag.objects.filter(annotation=a).exists()),
    "annotate": api_action("annotate", lambda a, r: Annotation.objects.filter(note="A new one").exists()),
}


@pytest.mark.parametrize("auth", ["session", "token"])
@pytest.mark.parametrize("visibility", VISIBILITIES)
@pytest.mark.parametrize("action", API_ACTIONS)
@pytest.mark.parametrize("persona", PERSONAS)
def test_the_matrix_through_the_api(world, persona, action, visibility, auth):
    annotation, reply = make_note(world, visibility)
    happened = API_ACTIONS[action](client_for(world, persona, auth), annotation, reply, world)
    assert happened == ALLOWED[action](persona, visibility)


REFUSALS = ["edit", "delete", "reply", "edit_reply", "delete_reply", "hide", "hide_reply", "flag"]
URL_OF = {
    "edit": ("annotation_update", "annotation"),
    "delete": ("annotation_delete", "annotation"),
    "reply": ("reply_create", "annotation"),
    "edit_reply": ("reply_update", "reply"),
    "delete_reply": ("reply_delete", "reply"),
    "hide": ("annotation_hide", "annotation"),
    "hide_reply": ("reply_hide", "reply"),
    "flag": ("annotation_flag", "annotation"),
}


REFUSED = [
    (persona, action, visibility)
    for persona in PERSONAS
    for action in REFUSALS
    for visibility in VISIBILITIES
    if not ALLOWED[action](persona, visibility)
]


@pytest.mark.parametrize("persona, action, visibility", REFUSED)
def test_a_refusal_says_404_for_what_one_may_not_read_and_403_for_the_rest(
    world, persona, action, visibility
):
    annotation, reply = make_note(world, visibility)
    name, target = URL_OF[action]
    response = post(client_for(world, persona), name, {"annotation": annotation, "reply": reply}[target].pk)
    if persona == "anonymous":
        assert response.status_code == 302 and reverse("account_login") in response["Location"]
    else:
        assert response.status_code == (403 if persona in READERS[visibility] else 404)


API_REFUSED = [
    (persona, action, visibility)
    for persona in PERSONAS
    for action in set(API_REQUEST) - {"annotate"}
    for visibility in VISIBILITIES
    if not ALLOWED[action](persona, visibility)
]


@pytest.mark.parametrize("persona, action, visibility", sorted(API_REFUSED))
def test_an_api_refusal_says_401_404_or_403_as_the_pages_do(world, persona, action, visibility):
    annotation, reply = make_note(world, visibility)
    response = api_call(client_for(world, persona, "token"), action, annotation, reply, world)
    if persona == "anonymous":
        expected = 401
    else:
        expected = 403 if persona in READERS[visibility] else 404
    assert response.status_code == expected, response.content
    assert "Original" not in response.content.decode()  # a refusal shows nothing of what it refuses


@pytest.mark.parametrize("persona", ["anonymous", "other", "former", "staff"])
def test_annotating_for_a_group_one_is_not_in_is_refused_on_the_field_group(world, persona):
    annotation, reply = make_note(world, "group")
    response = api_call(client_for(world, persona, "token"), "annotate", annotation, reply, world)
    if persona == "anonymous":
        assert response.status_code == 401
    else:
        assert (response.status_code, response.json()["field"]) == (400, "group")
    assert not Annotation.objects.filter(note="A new one").exists()


def test_nobody_reads_or_changes_anothers_private_annotation_by_any_route(world):
    annotation, reply = make_note(world, "private")
    for persona in set(PERSONAS) - {"author"}:
        client = client_for(world, persona)
        for name in ["annotation_update", "annotation_delete", "annotation_restore", "reply_create"]:
            for method in (client.get, client.post):
                response = method(reverse(f"articles:{name}", args=[annotation.pk]))
                assert response.status_code in {302, 404, 405}, (persona, name)
                assert "Original note" not in response.content.decode()
    for persona in set(PERSONAS) - {"author"}:
        client = client_for(world, persona, "token")
        for method, name, pk in [
            ("GET", "annotation", annotation.pk),
            ("PUT", "annotation_replace", annotation.pk),
            ("DELETE", "annotation_delete", annotation.pk),
            ("GET", "replies", annotation.pk),
            ("POST", "reply_create", annotation.pk),
            ("GET", "reply", reply.pk),
            ("PUT", "reply_replace", reply.pk),
            ("DELETE", "reply_delete", reply.pk),
        ]:
            body = json.dumps({"body": {"value": "x"}})
            url = reverse(f"api:{name}", args=[pk])
            response = client.generic(method, url, body, content_type="application/json")
            assert response.status_code in {401, 404}, (persona, name)
            assert "Original" not in response.content.decode()
    annotation.refresh_from_db()
    assert (annotation.note, annotation.deleted_at, annotation.replies.count()) == ("Original note", None, 1)


# Every route, with the actions of the matrix it can take, or why it takes none of them.
ROUTES = {
    "articles:article_detail": {"read"},
    "articles:article_fragments": {"read"},
    "articles:tag_detail": {"read"},
    "articles:compare": {"read"},  # the same fragments, per column (test_visibility)
    "articles:group_detail": {"read"},  # members only (test_people)
    "articles:person_detail": {"read"},  # public annotations only (test_people)
    "articles:tag_index": {"read"},  # counts of what one may read (test_visibility)
    "articles:tag_suggestions": {"read"},  # names of what one may read (test_visibility)
    "search:results": {"read"},  # hits, counts and facets of what one may read (test_search)
    "articles:annotation_update": {"edit", "change_visibility"},
    "articles:annotation_delete": {"delete"},
    "articles:annotation_restore": {"restore"},
    "articles:reply_create": {"reply"},
    "articles:reply_update": {"edit_reply"},
    "articles:reply_delete": {"delete_reply"},
    "articles:annotation_hide": {"hide"},
    "articles:annotation_unhide": {"unhide"},
    "articles:reply_hide": {"hide_reply"},
    "articles:reply_unhide": {"hide_reply"},  # the same rule (test_moderation)
    "articles:annotation_flag": {"flag"},
    "articles:cluster_annotate": {"change_visibility"},  # creates through create_annotation's checks
    "accounts:member_role": {"manage_group"},
    "accounts:member_add": {"manage_group"},  # owner and moderators (test_groups)
    "accounts:member_remove": {"manage_group"},
    "accounts:ownership_transfer": {"manage_group"},
    "accounts:invite_create": {"manage_group"},  # owner and moderators (test_groups)
    "accounts:invite_revoke": {"manage_group"},
    "accounts:group_members": {"manage_group"},  # members only (test_groups)
    "api:container": {"read"},
    "api:annotation": {"read"},
    "api:replies": {"read"},
    "api:reply": {"read"},
    "api:annotation_create": {"annotate"},  # the popover's too
    "api:annotation_replace": {"edit", "change_visibility"},
    "api:annotation_delete": {"delete"},
    "api:annotation_restore": {"restore"},
    "api:cluster_annotate": {"annotate"},  # the coverage page's, as articles:cluster_annotate
    "api:reply_create": {"reply"},
    "api:reply_replace": {"edit_reply"},
    "api:reply_delete": {"delete_reply"},
    "api:annotation_hide": {"hide"},
    "api:annotation_unhide": {"unhide"},
    "api:reply_hide": {"hide_reply"},
    "api:reply_unhide": {"hide_reply"},  # the same rule (test_moderation)
    "api:annotation_flag": {"flag"},
    "api:export": {"read"},  # what one may read, and nothing else (test_export)
    "export": {"read"},
    "export_download": {"read"},
    "export_prepare": {"read"},  # a large export, written for its reader only (test_tasks)
    "jobs:download": {"read"},  # that export's file, for who asked only (test_tasks)
    "export_report": {"read"},
    "api:import": {"annotate"},  # a group one is not in: private (test_annotation_import)
    "annotation_import": {"annotate"},
}
NO_ANNOTATIONS = {
    "articles:home": "stories and outlets",
    "articles:story_detail": "a story's articles",
    "articles:outlet_detail": "an outlet's articles",
    "articles:article_by_id": "a redirect to the article's address (test_reading_views)",
    "articles:story_coverage": "the comparison of texts, and annotate-every-occurrence's form",
    "articles:story_comparison_json": "the comparison of texts",
    "search:more_like_this": "articles like an article",
    "jobs:detail": "a background job one asked for (test_tasks)",
    "jobs:status": "whether background work is finished: one's own, or public work's (test_tasks)",
    "accounts:group_list": "one's own groups",
    "accounts:group_create": "a new group of one's own",
    "accounts:group_leave": "one's own membership",
    "accounts:invite_accept": "joining by a link one was given (test_groups)",
    "accounts:display_name_update": "one's own display name",
    "accounts:api_token_create": "one's own API tokens",
    "accounts:api_token_revoke": "one's own API tokens",
    "api:outlets": "the corpus",
    "api:outlet": "the corpus",
    "api:stories": "the corpus",
    "api:story": "the corpus",
    "api:story_comparison": "the comparison of texts",
    "api:articles": "the corpus",
    "api:article": "an article's text, and the address of its annotations",
    "api:context": "the API's JSON-LD terms",
    "api:openapi-json": "the API's description (test_openapi)",
    "api:openapi-view": "the API's documentation page",
    "api:api-root": "nothing: django-ninja's root, a 404",
}


def route_names(resolver=None, namespace=""):
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            yield from route_names(
                pattern, f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            )
        elif pattern.name:
            yield namespace + pattern.name


def test_every_route_has_a_row():
    # allauth's pages are one's own account; the admin checks Django's model permissions itself.
    ours = {name for name in route_names() if not name.startswith(("admin:", "account_"))}
    assert ours == set(ROUTES) | set(NO_ANNOTATIONS)
    assert {action for actions in ROUTES.values() for action in actions} == set(ACTIONS) | set(API_ACTIONS)
