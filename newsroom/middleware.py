from django.core.exceptions import BadRequest


def refuse_nul_characters(get_response):
    """Answer 400 to a query string holding a NUL character, before any view looks it up.

    PostgreSQL text cannot hold NUL, so such a value in a lookup (`?tag=%00`) would fail as a
    server error. (Forms check their own fields and say which one is wrong.)
    """

    def middleware(request):
        if any("\x00" in part for name, values in request.GET.lists() for part in [name, *values]):
            raise BadRequest("The address holds a NUL character.")
        return get_response(request)

    return middleware
