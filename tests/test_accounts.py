"""Accounts through django-allauth: sign up, sign in by name or e-mail, sign out, passwords, e-mail."""

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from newsroom.accounts.services import set_display_name

pytestmark = pytest.mark.django_db

SIGN_UP = {
    "username": "carol",
    "email": "carol@example.org",
    "password1": "a long pass phrase",
    "password2": "a long pass phrase",
}


def signed_in_as(client) -> str | None:
    user = get_user_model().objects.filter(pk=client.session.get("_auth_user_id")).first()
    return user.username if user else None


def test_it_signs_up_a_newcomer_in_the_sites_layout(client):
    page = client.get(reverse("account_signup"))
    assert page.status_code == 200 and '<header class="site-header">' in page.text

    response = client.post(reverse("account_signup"), SIGN_UP)

    assert response.status_code == 302
    assert signed_in_as(client) == "carol"  # e-mail verification is optional by default
    [message] = mail.outbox
    assert message.to == ["carol@example.org"] and "confirm" in message.subject.lower()


def test_it_refuses_a_bad_sign_up_and_creates_nobody(client, alice):
    taken = client.post(reverse("account_signup"), {**SIGN_UP, "username": "alice"})
    mismatch = client.post(reverse("account_signup"), {**SIGN_UP, "password2": "something else"})
    assert taken.status_code == mismatch.status_code == 200
    assert "already" in taken.text
    assert get_user_model().objects.count() == 1


def test_it_waits_for_a_confirmed_address_when_verification_is_mandatory(client, settings):
    settings.ACCOUNT_EMAIL_VERIFICATION = "mandatory"
    client.post(reverse("account_signup"), SIGN_UP)
    assert signed_in_as(client) is None
    assert len(mail.outbox) == 1


@pytest.mark.parametrize("login", ["alice", "alice@example.org"])
def test_it_signs_in_by_user_name_or_e_mail(client, alice, login):
    alice.email = "alice@example.org"
    alice.save()
    response = client.post(reverse("account_login"), {"login": login, "password": "pw"})
    assert response.status_code == 302 and signed_in_as(client) == "alice"


def test_it_refuses_a_wrong_password_without_saying_whether_the_account_exists(client, alice):
    wrong = client.post(reverse("account_login"), {"login": "alice", "password": "nope"})
    nobody = client.post(reverse("account_login"), {"login": "nobody", "password": "nope"})
    assert wrong.status_code == nobody.status_code == 200
    assert signed_in_as(client) is None
    assert wrong.context["form"].errors == nobody.context["form"].errors


def test_it_refuses_a_user_name_that_someone_already_shows_as(client, alice):
    set_display_name(user=alice, name="Carol")
    response = client.post(reverse("account_signup"), SIGN_UP)  # as "carol"
    assert response.status_code == 200 and "username" in response.context["form"].errors
    assert get_user_model().objects.count() == 1


def test_it_refuses_a_name_longer_than_any_account_has(client, alice):
    response = client.post(reverse("account_login"), {"login": "x" * 100_000, "password": "pw"})
    assert response.status_code == 200 and signed_in_as(client) is None
    assert "Ensure this value has at most 254 characters" in response.text


def test_it_signs_out_with_a_post_only(client, alice):
    client.force_login(alice)
    page = client.get(reverse("articles:home")).text
    assert f'action="{reverse("account_logout")}"' in page
    client.post(reverse("account_logout"))
    assert signed_in_as(client) is None


def test_it_changes_a_password(client, alice):
    client.force_login(alice)
    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": "pw", "password1": "a new pass phrase", "password2": "a new pass phrase"},
    )
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.check_password("a new pass phrase")


def test_it_mails_a_reset_link_and_says_the_same_for_unknown_addresses(client, alice):
    alice.email = "alice@example.org"
    alice.save()
    known = client.post(reverse("account_reset_password"), {"email": "alice@example.org"})
    unknown = client.post(reverse("account_reset_password"), {"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    assert [message.to for message in mail.outbox if "reset" in message.subject.lower()] == [
        ["alice@example.org"]
    ]
