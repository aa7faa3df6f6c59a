from allauth.account import auth_backends
from django.contrib.auth import get_user_model

USER_SQL = "SELECT * FROM auth_user WHERE id = %s"


class AuthenticationBackend(auth_backends.AuthenticationBackend):
    """allauth's, checking each account's password once per sign-in.

    allauth tries a login that looks like an e-mail address as an address and as a user name, so it
    would check the password of the address's account twice, and an unknown address costs one hash
    (a dummy one): a known address would take twice as long to refuse, which tells that it exists.
    """

    def authenticate(self, request, **credentials):
        self.checked = {}  # each account's result, by its id
        return super().authenticate(request, **credentials)

    def _check_password(self, user, password):
        if user is None:
            return None
        if user.pk not in self.checked:
            self.checked[user.pk] = super()._check_password(user, password)
        return self.checked[user.pk]

    def get_user(self, user_id):
        """ModelBackend's, its query raw (see sessions.py): every signed-in request reads its user."""
        user = next(iter(get_user_model().objects.raw(USER_SQL, [user_id])), None)
        return user if user is not None and self.user_can_authenticate(user) else None
