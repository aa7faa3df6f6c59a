"""Personal API tokens on one's own page: created with a name, shown once, stored as a digest,
listed and revoked."""

import pytest
from django.urls import reverse

from newsroom.accounts.models import ApiToken, api_token_digest
from newsroom.accounts.services import create_api_token

pytestmark = pytest.mark.django_db

CREATE = reverse("accounts:api_token_create")


def own_page(client, user):
    return client.get(reverse("articles:person_detail", args=[user.get_username()]))


def api_get(client, secret):
    return client.get(reverse("api:stories"), headers={"Authorization": f"Bearer {secret}"})


def test_it_creates_a_token_and_shows_it_once(client, alice):
    client.force_login(alice)
    response = client.post(CREATE, {"name": "  my   notebook "})

    assert response.status_code == 200  # shown here, not after a redirect
    assert "no-store" in response["Cache-Control"]
    secret = response.context["secret"]
    assert secret in response.text and "Authorization: Bearer " in response.text
    token = ApiToken.objects.get()
    assert (token.user, token.name, token.hint) == (alice, "my notebook", secret[:10])
    assert token.digest == api_token_digest(secret) and secret not in token.digest
    assert api_get(client, secret).status_code == 200

    page = own_page(client, alice).text
    assert "my notebook" in page and f"{token.hint}…" in page
    assert secret not in page


def test_it_lists_only_ones_own_active_tokens_on_ones_own_page(client, alice, bob):
    create_api_token(user=alice, name="notebook")
    revoked, _ = create_api_token(user=alice, name="old script")
    revoked.revoked_at = revoked.created_at
    revoked.save()
    create_api_token(user=bob, name="bob's bot")

    client.force_login(alice)
    page = own_page(client, alice).text
    assert "notebook" in page and "never used" in page
    assert "old script" not in page and "bob's bot" not in page
    assert "API tokens" not in own_page(client, bob).text  # on another's page: none of this


def test_a_revoked_token_is_refused_by_the_api(client, alice):
    token, secret = create_api_token(user=alice, name="notebook")
    client.force_login(alice)
    response = client.post(reverse("accounts:api_token_revoke", args=[token.pk]), follow=True)

    assert "The token “notebook” no longer works." in response.text
    token.refresh_from_db()
    assert token.revoked_at is not None
    client.logout()
    assert api_get(client, secret).status_code == 401


def test_nobody_revokes_anothers_token(client, alice, bob):
    token, secret = create_api_token(user=alice, name="notebook")
    client.force_login(bob)
    assert client.post(reverse("accounts:api_token_revoke", args=[token.pk])).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


@pytest.mark.parametrize(
    "name, message",
    [
        ("   ", "Name the token after what will use it"),
        ("x" * 101, "at most 100 characters; this one has 101"),
    ],
)
def test_it_refuses_an_empty_or_overlong_name_with_a_message(client, alice, name, message):
    client.force_login(alice)
    response = client.post(CREATE, {"name": name}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("articles:person_detail", args=["alice"])
    assert message in response.text
    assert not ApiToken.objects.exists()


def test_it_takes_only_posts_from_people_signed_in(client, alice):
    token, _ = create_api_token(user=alice, name="notebook")
    for url in [CREATE, reverse("accounts:api_token_revoke", args=[token.pk])]:
        response = client.post(url, {"name": "x"})
        assert response.status_code == 302 and reverse("account_login") in response["Location"]
    client.force_login(alice)
    assert client.get(CREATE).status_code == 405
    assert ApiToken.objects.count() == 1
