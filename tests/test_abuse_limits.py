"""Abuse limits: each answers 429 with Retry-After (JSON from the API, the site's page from forms),
logs the hit, writes nothing, and lets the requester in again once its bucket or window refills.

Time is a controllable clock, both ours (newsroom.limits) and allauth's: no test sleeps."""

import time
from types import SimpleNamespace

import pytest
from allauth.core.internal import ratelimit as allauth_ratelimit
from django.conf import settings as django_settings
from django.core import mail
from django.test import Client
from django.urls import reverse

from articles.models import Annotation
from articles.models.annotations import Reply
from newsroom import limits
from newsroom.accounts.services import create_api_token, create_group, create_invite
from tests.base import annotate, make_article, make_story

pytestmark = pytest.mark.django_db

BODY = "Microsoft employees protested.\n\nThe letter said the contract must end."
WRITE_RATE, WRITE_BURST = django_settings.RATE_LIMITS["write"]


class Clock:
    """Seconds since the epoch, moved on by the test."""

    def __init__(self):
        self.now = time.time()

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(limits, "clock", clock)
    monkeypatch.setattr(
        allauth_ratelimit, "time", SimpleNamespace(time=clock, monotonic=time.monotonic, sleep=time.sleep)
    )
    return clock


@pytest.fixture
def article():
    return make_article(story=make_story(), body=BODY)


@pytest.fixture
def annotation(article, bob):
    return annotate(article, bob, "letter", note="Bob's note")


def signed_in(user, address="192.0.2.1") -> Client:
    client = Client(REMOTE_ADDR=address)
    client.force_login(user)
    return client


def api_annotate(client, article):
    document = {
        "type": "Annotation",
        "body": [{"type": "TextualBody", "value": "A note", "purpose": "commenting"}],
        "target": {"selector": [{"type": "TextQuoteSelector", "exact": "letter"}]},
    }
    return client.post(reverse("api:container", args=[article.pk]), document, "application/json")


def page_reply(client, annotation):
    return client.post(reverse("articles:reply_create", args=[annotation.pk]), {"note": "A reply"})


def assert_api_429(response, retry_after: int, words: str):
    assert response.status_code == 429
    assert response["Retry-After"] == str(retry_after)
    assert response["Content-Type"].startswith("application/json") and words in response.json()["error"]


def assert_page_429(response, retry_after: int, words: str):
    assert response.status_code == 429
    assert response["Retry-After"] == str(retry_after)
    assert response["Content-Type"].startswith("text/html")
    assert '<header class="site-header">' in response.text and words in response.text


def limit_hits(caplog) -> list[str]:
    return [
        record.security["limit"]
        for record in caplog.records
        if record.name == "newsroom.security" and record.security["event"] == "rate_limited"
    ]


# The token bucket itself.


def test_a_bucket_gives_its_burst_at_once_then_its_rate(clock):
    rate = limits.Rate(per_second=4, burst=8)

    assert [limits.take("bucket", rate) for _ in range(8)] == [0] * 8
    assert limits.take("bucket", rate) == pytest.approx(0.25)  # refused: a token comes back in 0.25 s
    clock.advance(0.25)
    assert limits.take("bucket", rate) == 0
    assert limits.take("bucket", rate) > 0
    clock.advance(10)  # full again, and no fuller
    assert [limits.take("bucket", rate) for _ in range(9)] == [0] * 8 + [pytest.approx(0.25)]
    assert limits.take("other", rate, count=8) == 0  # buckets are per key
    assert limits.take("other", rate, count=9) == 2  # more than it holds: the time to refill it whole


# Writes: the API and the pages share one bucket per user.


def test_api_writes_beyond_the_burst_are_429_then_allowed_as_the_bucket_refills(
    alice, bob, article, clock, caplog
):
    client = signed_in(alice)

    assert [api_annotate(client, article).status_code for _ in range(WRITE_BURST)] == [201] * WRITE_BURST
    refused = api_annotate(client, article)

    assert_api_429(refused, 1, "Too many annotations and replies written in a short time")
    assert Annotation.objects.filter(author=alice).count() == WRITE_BURST
    assert limit_hits(caplog) == ["write"]
    assert api_annotate(signed_in(bob), article).status_code == 201  # each user has their own
    clock.advance(1 / WRITE_RATE)
    assert api_annotate(client, article).status_code == 201
    assert api_annotate(client, article).status_code == 429


def test_page_writes_beyond_the_burst_get_the_429_page_then_are_allowed_again(alice, annotation, clock):
    client = signed_in(alice)

    assert [page_reply(client, annotation).status_code for _ in range(WRITE_BURST)] == [302] * WRITE_BURST
    assert (
        client.get(reverse("articles:reply_create", args=[annotation.pk])).status_code == 200
    )  # reads: free
    refused = page_reply(client, annotation)

    assert_page_429(refused, 1, "Too many annotations and replies written in a short time")
    assert Reply.objects.count() == WRITE_BURST
    clock.advance(1 / WRITE_RATE)
    assert page_reply(client, annotation).status_code == 302


def test_the_pages_and_the_api_and_a_token_draw_on_the_same_bucket(alice, article, annotation, clock):
    session = signed_in(alice)
    token = Client(headers={"Authorization": f"Bearer {create_api_token(user=alice, name='script')[1]}"})
    half = WRITE_BURST // 2

    assert all(page_reply(session, annotation).status_code == 302 for _ in range(half))
    assert all(api_annotate(token, article).status_code == 201 for _ in range(WRITE_BURST - half))

    assert api_annotate(session, article).status_code == 429
    assert page_reply(session, annotation).status_code == 429
    assert api_annotate(token, article).status_code == 429


def test_a_person_writing_at_human_pace_is_never_limited(alice, article, annotation, clock):
    client = signed_in(alice)
    for number in range(40):  # two writes a second, faster than anyone types a note
        response = api_annotate(client, article) if number % 2 else page_reply(client, annotation)
        assert response.status_code in {201, 302}
        clock.advance(0.5)


def test_flags_edits_and_deletions_are_writes_too(alice, bob, annotation, clock):
    client = signed_in(alice)
    own = annotate(annotation.article, alice, "contract")
    edit = reverse("articles:annotation_update", args=[own.pk])
    for _ in range(WRITE_BURST):
        client.post(edit, {"note": "Edited", "tags": "", "version": own.version})
        own.refresh_from_db()

    flag = client.post(reverse("articles:annotation_flag", args=[annotation.pk]), {"reason": "Spam"})
    delete = client.post(reverse("articles:annotation_delete", args=[own.pk]))

    assert flag.status_code == delete.status_code == 429
    assert not annotation.flags.exists() and Annotation.objects.filter(pk=own.pk, deleted_at=None).exists()


# Search, export, invite links.


def test_searches_are_limited_per_address_when_signed_out_and_per_user_when_signed_in(alice, clock, caplog):
    rate, burst = django_settings.RATE_LIMITS["search"]
    visitor = Client(REMOTE_ADDR="192.0.2.1")
    url = reverse("search:results")

    assert all(visitor.get(url, {"q": "letter"}).status_code == 200 for _ in range(burst))
    assert_page_429(visitor.get(url, {"q": "letter"}), 1, "Too many searches in a short time")
    assert Client(REMOTE_ADDR="192.0.2.2").get(url, {"q": "letter"}).status_code == 200
    assert signed_in(alice, "192.0.2.1").get(url, {"q": "letter"}).status_code == 200
    assert limit_hits(caplog) == ["search"]
    clock.advance(1 / rate)
    assert visitor.get(url, {"q": "letter"}).status_code == 200


def test_behind_the_proxy_visitors_are_told_apart_by_the_address_it_forwards(clock, settings):
    """deploy/'s nginx sets X-Forwarded-For to the address it sees; every request comes from it."""
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    _, burst = django_settings.RATE_LIMITS["search"]
    url = reverse("search:results")

    def search_from(address):
        return Client(REMOTE_ADDR="127.0.0.1").get(url, {"q": "letter"}, headers={"x-forwarded-for": address})

    assert all(search_from("192.0.2.1").status_code == 200 for _ in range(burst))
    assert search_from("192.0.2.1").status_code == 429
    assert search_from("192.0.2.2").status_code == 200


def test_exports_are_limited_on_the_page_and_in_the_api_alike(alice, annotation, clock):
    rate, burst = django_settings.RATE_LIMITS["export"]
    client = signed_in(alice)
    pages = [reverse("export"), reverse("export_download")]

    for number in range(burst):
        assert client.get(pages[number % 2], {"format": "csv"}).status_code == 200
    wait = round(1 / rate)
    assert_page_429(client.get(reverse("export_download"), {"format": "csv"}), wait, "Too many exports")
    assert_api_429(client.get(reverse("api:export"), {"format": "csv"}), wait, "Too many exports")
    clock.advance(1 / rate)
    assert client.get(reverse("api:export"), {"format": "csv"}).status_code == 200


def test_opening_invite_links_is_limited_so_that_tokens_cannot_be_guessed(alice, bob, clock):
    rate, burst = django_settings.RATE_LIMITS["invite"]
    invite = create_invite(group=create_group(owner=alice, name="Team"), created_by=alice)
    client = signed_in(bob)

    guesses = [client.get(reverse("accounts:invite_accept", args=[f"guess{n}"])) for n in range(burst)]
    assert {response.status_code for response in guesses} == {404}
    refused = client.post(invite.get_absolute_url())

    assert_page_429(refused, round(1 / rate), "Too many invite links opened")
    assert not invite.group.memberships.filter(user=bob).exists()
    clock.advance(1 / rate)
    assert client.post(invite.get_absolute_url()).status_code == 302
    assert invite.group.memberships.filter(user=bob).exists()


# Imports: a bucket of IMPORTED_PER_HOUR annotations and replies that refills in an hour.


def test_an_import_beyond_the_hourly_budget_waits_for_it_to_refill(alice, article, clock, settings):
    settings.IMPORTED_PER_HOUR = 2
    client = signed_in(alice)
    one = [
        {
            "type": "Annotation",
            "body": [],
            "target": {
                "source": f"http://testserver{article.get_absolute_url()}",
                "selector": [{"type": "TextQuoteSelector", "exact": word}],
            },
        }
        for word in ["letter", "contract", "employees"]
    ]

    assert client.post(reverse("api:import"), one[:2], "application/json").status_code == 200
    refused = client.post(reverse("api:import"), one[2:], "application/json")
    assert_api_429(refused, 1800, "at most 2 annotations and replies an hour")  # one comes back in 30 min
    clock.advance(1800)
    assert client.post(reverse("api:import"), one[2:], "application/json").status_code == 200
    assert Annotation.objects.count() == 3


# allauth's limits: sign-in, failed sign-ins, sign-up, password reset.


def sign_in(client, login, password):
    return client.post(reverse("account_login"), {"login": login, "password": password})


def test_failed_sign_ins_for_one_account_are_429_even_with_the_right_password_until_the_window_ends(
    alice, bob, clock, caplog
):
    client = Client(REMOTE_ADDR="192.0.2.1")
    assert [sign_in(client, "alice", "wrong").status_code for _ in range(5)] == [200] * 5

    refused = sign_in(client, "alice", "pw")

    assert_page_429(refused, 300, "Too many attempts in a short time")  # 5 in 5 minutes per account
    assert "_auth_user_id" not in client.session
    assert limit_hits(caplog) == ["login_failed"]
    assert sign_in(Client(REMOTE_ADDR="192.0.2.1"), "bob", "pw").status_code == 302  # another account
    clock.advance(300)
    assert sign_in(client, "alice", "pw").status_code == 302


def test_failed_sign_ins_from_one_address_are_limited_whatever_the_accounts(alice, clock):
    client = Client(REMOTE_ADDR="192.0.2.1")
    assert [sign_in(client, f"user{n}", "wrong").status_code for n in range(10)] == [200] * 10

    assert sign_in(client, "alice", "pw").status_code == 429  # 10 a minute per address
    assert sign_in(Client(REMOTE_ADDR="198.51.100.1"), "alice", "pw").status_code == 302
    clock.advance(60)
    assert sign_in(client, "someone", "wrong").status_code == 200


def test_sign_in_attempts_are_limited_per_address(alice, clock):
    client = Client(REMOTE_ADDR="192.0.2.1")
    for _ in range(30):  # correct ones count too: 30 a minute
        sign_in(client, "alice", "pw")
        client.post(reverse("account_logout"))

    assert_page_429(sign_in(client, "alice", "pw"), 60, "Too many attempts")
    clock.advance(60)
    assert sign_in(client, "alice", "pw").status_code == 302


def test_sign_ups_are_limited_per_address(clock, django_user_model):
    client = Client(REMOTE_ADDR="192.0.2.1")
    for number in range(20):
        client.post(reverse("account_signup"), {"username": f"user{number}"})  # incomplete: refused, counted
    new = {
        "username": "carol",
        "email": "carol@example.org",
        "password1": "a long pass phrase",
        "password2": "a long pass phrase",
    }

    assert_page_429(client.post(reverse("account_signup"), new), 60, "Too many attempts")
    assert not django_user_model.objects.exists()
    clock.advance(60)
    assert client.post(reverse("account_signup"), new).status_code == 302
    assert django_user_model.objects.filter(username="carol").exists()


def test_password_reset_requests_are_limited_per_address_typed(alice, clock):
    alice.email = "alice@example.org"
    alice.save()
    client = Client(REMOTE_ADDR="192.0.2.1")
    url = reverse("account_reset_password")

    assert [client.post(url, {"email": "alice@example.org"}).status_code for _ in range(5)] == [302] * 5
    assert_page_429(client.post(url, {"email": "alice@example.org"}), 60, "Too many attempts")
    assert len(mail.outbox) == 5
    clock.advance(60)
    assert client.post(url, {"email": "alice@example.org"}).status_code == 302


def test_the_admin_signs_in_through_the_sites_form_and_its_limits(client):
    response = client.get(reverse("admin:login"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
