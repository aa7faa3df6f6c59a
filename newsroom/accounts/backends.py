from allauth.account import auth_backends
from django.contrib.auth import get_user_model
from django.db import connection


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
        user_model = get_user_model()
        meta = user_model._meta
        table, pk = (connection.ops.quote_name(name) for name in (meta.db_table, meta.pk.column))
        sql = f"SELECT * FROM {table} WHERE {pk} = %s"  # nosec B608: names
        user = next(iter(user_model._default_manager.raw(sql, [user_id])), None)
        return user if user is not None and self.user_can_authenticate(user) else None
