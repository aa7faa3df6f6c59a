"""Who calls the API: a script with a personal token, a browser with its session (and its CSRF
token on writes), or, for reads, an anonymous reader."""

from ninja.errors import AuthenticationError
from ninja.security import HttpBearer, SessionAuth

from newsroom.accounts.services import user_of_api_token


class TokenAuth(HttpBearer):
    """Authorization: Bearer <personal token>. A token that is wrong, revoked or of an inactive
    user is refused (401), never taken for an anonymous reader."""

    def authenticate(self, request, token):
        user = user_of_api_token(token)
        if user is None:
            raise AuthenticationError("This API token is not valid: it may have been revoked.")
        request.user = user  # what every permission check and query reads
        return user


def anonymous(request):
    """Reads need no account: anonymous readers see what is public."""
    return request.user


# Writes: a token, or a signed-in browser session with its CSRF token.
WRITERS = [TokenAuth(), SessionAuth()]
READERS = [*WRITERS, anonymous]
