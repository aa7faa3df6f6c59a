from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.exceptions import ImmediateHttpResponse
from django.core.exceptions import ValidationError

from newsroom.accounts.models import Profile
from newsroom.limits import allauth_limit_hit


class AccountAdapter(DefaultAccountAdapter):
    def pre_authenticate(self, request, **credentials):
        """Too many failed sign-ins (from the address, or for the account) answer the 429 page with
        Retry-After, as allauth's other limits do, rather than an error on the form."""
        try:
            super().pre_authenticate(request, **credentials)
        except ValidationError:  # allauth's "too_many_login_attempts", its only refusal here
            raise ImmediateHttpResponse(allauth_limit_hit(request, "login_failed")) from None

    def clean_username(self, username, shallow=False):
        """A user name someone already shows as (their display name) is taken too: two people would
        appear under one name."""
        username = super().clean_username(username, shallow=shallow)
        if not shallow and Profile.objects.filter(display_name__iexact=username).exists():
            raise self.validation_error("username_taken")
        return username
