"""Sessions and accounts' secrecy: the session id changes at sign-in, signing out ends the session,
a new password ends the user's other sessions, and nothing tells whether an e-mail address has an
account (user names are public: /people/<name>/)."""

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth.hashers import MD5PasswordHasher
from django.contrib.sessions.models import Session
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from newsroom.accounts.sessions import SessionStore
from tests.test_settings import PUBLIC, settings_with

pytestmark = pytest.mark.django_db

SIGNED_IN_PAGE = reverse("accounts:group_list")  # a page only a signed-in user sees (302 otherwise)


def sign_in(client, login="alice", password="pw"):
    return client.post(reverse("account_login"), {"login": login, "password": password})


def session_id(client) -> str:
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def with_session(session_id: str) -> Client:
    """A browser that sends this session cookie, as someone who copied it would."""
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = session_id
    return client


def is_signed_in(client) -> bool:
    return client.get(SIGNED_IN_PAGE).status_code == 200


def test_signing_in_changes_the_session_id_so_a_planted_one_is_worthless(client, alice):
    planted = SessionStore()
    planted["seen"] = True
    planted.create()
    client.cookies[settings.SESSION_COOKIE_NAME] = planted.session_key

    assert sign_in(client).status_code == 302

    assert session_id(client) != planted.session_key
    assert not SessionStore().exists(planted.session_key)
    assert is_signed_in(client) and not is_signed_in(with_session(planted.session_key))


def test_signing_out_deletes_the_session_so_its_cookie_no_longer_works(client, alice):
    sign_in(client)
    old = session_id(client)
    assert is_signed_in(with_session(old))

    client.post(reverse("account_logout"))

    assert not SessionStore().exists(old)
    assert not is_signed_in(with_session(old)) and not is_signed_in(client)


def test_an_expired_session_signs_nobody_in_and_is_replaced(client, alice):
    sign_in(client)
    old = session_id(client)
    Session.objects.filter(session_key=old).update(expire_date=timezone.now() - timedelta(seconds=1))

    assert not is_signed_in(with_session(old))
    assert SessionStore(old).load() == {}


def test_a_deactivated_user_is_signed_out_on_their_next_request(client, alice):
    sign_in(client)
    assert is_signed_in(client)
    alice.is_active = False
    alice.save()

    assert not is_signed_in(client)


def test_a_password_change_ends_the_users_other_sessions_but_not_this_one(alice, bob):
    here, elsewhere, other_user = Client(), Client(), Client()
    sign_in(here), sign_in(elsewhere), sign_in(other_user, "bob")

    changed = here.post(
        reverse("account_change_password"),
        {"oldpassword": "pw", "password1": "a new pass phrase", "password2": "a new pass phrase"},
    )

    assert changed.status_code == 302
    assert is_signed_in(here) and is_signed_in(other_user)
    assert not is_signed_in(elsewhere)


def test_a_password_reset_ends_every_session_of_the_user(alice):
    alice.email = "alice@example.org"
    alice.save()
    laptop, phone, forgetful = Client(), Client(), Client()
    sign_in(laptop), sign_in(phone)

    forgetful.post(reverse("account_reset_password"), {"email": "alice@example.org"})
    [link] = re.findall(r"https?://\S+/password/reset/key/\S+/", mail.outbox[0].body)
    form = forgetful.get(link)  # allauth moves the key into the session, then shows the form
    done = forgetful.post(
        form["Location"], {"password1": "a new pass phrase", "password2": "a new pass phrase"}
    )

    assert done.status_code == 302
    assert not is_signed_in(laptop) and not is_signed_in(phone)
    assert sign_in(Client(), "alice", "a new pass phrase").status_code == 302


# No enumeration of e-mail addresses.


@pytest.mark.parametrize("known, unknown", [("alice", "nobody"), ("alice@example.org", "nobody@example.org")])
def test_a_refused_sign_in_says_the_same_whether_or_not_the_account_exists(client, alice, known, unknown):
    alice.email = "alice@example.org"
    alice.save()
    wrong = sign_in(client, known, "wrong")
    nobody = sign_in(client, unknown, "wrong")
    assert wrong.status_code == nobody.status_code == 200
    assert wrong.context["form"].errors == nobody.context["form"].errors


class CountingHasher(MD5PasswordHasher):
    """MD5 (fast), counting how many passwords it hashes: a real hasher's time is in its hashing."""

    algorithm = "counting_md5"
    hashed = 0

    def encode(self, password, salt):
        CountingHasher.hashed += 1
        return super().encode(password, salt)


def test_refusing_a_sign_in_costs_one_hash_whether_or_not_the_account_exists(settings, django_user_model):
    settings.PASSWORD_HASHERS = [f"{__name__}.CountingHasher"]
    django_user_model.objects.create_user("carol", "carol@example.org", "the right one")

    def hashes(login: str) -> int:
        CountingHasher.hashed = 0
        assert sign_in(Client(), login, "wrong").status_code == 200
        return CountingHasher.hashed

    assert [hashes(login) for login in ["carol", "nobody", "carol@example.org", "nobody@example.org"]] == [
        1
    ] * 4


NEWCOMER = {
    "username": "carol",
    "email": "carol@example.org",
    "password1": "a long pass",
    "password2": "a long pass",
}


def test_signing_up_with_a_taken_address_looks_the_same_and_mails_its_owner(
    settings, alice, django_user_model
):
    settings.ACCOUNT_EMAIL_VERIFICATION = "mandatory"  # a site served to others: newsroom/settings.py
    alice.email = "alice@example.org"
    alice.save()

    new = Client().post(reverse("account_signup"), NEWCOMER)
    taken = Client().post(
        reverse("account_signup"), NEWCOMER | {"username": "dave", "email": "alice@example.org"}
    )

    assert new.status_code == taken.status_code == 302 and new["Location"] == taken["Location"]
    assert not django_user_model.objects.filter(username="dave").exists()
    assert sorted(message.to[0] for message in mail.outbox) == ["alice@example.org", "carol@example.org"]


def test_a_taken_user_name_is_said_since_names_are_public(client, alice, django_user_model):
    response = client.post(reverse("account_signup"), NEWCOMER | {"username": "alice"})
    assert response.status_code == 200 and "username" in response.context["form"].errors
    assert django_user_model.objects.count() == 1


def test_a_site_served_to_others_confirms_addresses_by_default(monkeypatch):
    # Without it, a taken address must be refused on the sign-up form, which would tell it is taken.
    assert settings_with(monkeypatch, **PUBLIC)["ACCOUNT_EMAIL_VERIFICATION"] == "mandatory"
    assert settings_with(monkeypatch)["ACCOUNT_EMAIL_VERIFICATION"] == "optional"  # a local site
