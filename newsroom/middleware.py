from django.core.exceptions import BadRequest
from django.http import JsonResponse

NUL_IN_ADDRESS = "The address holds a NUL character."


def refuse_nul_characters(get_response):
    """Answer 400 to a query string holding a NUL character, before any view looks it up.

    PostgreSQL text cannot hold NUL, so such a value in a lookup (`?tag=%00`) would fail as a
    server error. (Forms check their own fields and say which one is wrong.)
    """

    def middleware(request):
        if any("\x00" in part for name, values in request.GET.lists() for part in [name, *values]):
            if request.path.startswith("/api/"):  # scripts read the API's errors as JSON
                return JsonResponse({"error": NUL_IN_ADDRESS}, status=400)
            raise BadRequest(NUL_IN_ADDRESS)
        return get_response(request)

    return middleware
