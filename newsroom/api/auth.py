"""Who calls the API: a script with a personal token, a browser with its session (and its CSRF
token on writes), or, for reads, an anonymous reader."""

from ninja.errors import AuthenticationError
from ninja.security import HttpBearer
from ninja.security import SessionAuth as NinjaSessionAuth

from newsroom.accounts.services import user_of_api_token


class TokenAuth(HttpBearer):
    """Authorization: Bearer <personal token>. A token that is wrong, revoked or of an inactive
    user is refused (401), never taken for an anonymous reader; so is any other Authorization."""

    def __call__(self, request):
        authorization = request.headers.get(self.header)
        if authorization and authorization.split(" ")[0].lower() != self.openapi_scheme:
            raise AuthenticationError("Send your personal API token as Authorization: Bearer <token>.")
        return super().__call__(request)

    def authenticate(self, request, token):
        user = user_of_api_token(token)
        if user is None:
            raise AuthenticationError("This API token is not valid: it may have been revoked.")
        request.user = user  # what every permission check and query reads
        return user


class SessionAuth(NinjaSessionAuth):
    """A signed-in browser, whose writes carry its CSRF token (403 without). A caller with no
    session at all is not asked for one: it is told to sign in (401)."""

    def __call__(self, request):
        return super().__call__(request) if request.user.is_authenticated else None


def anonymous(request):
    """Reads need no account: anonymous readers see what is public."""
    return request.user


# Writes: a token, or a signed-in browser session with its CSRF token.
WRITERS = [TokenAuth(), SessionAuth()]
READERS = [*WRITERS, anonymous]
