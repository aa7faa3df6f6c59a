from django.core.exceptions import NON_FIELD_ERRORS


class ApiError(Exception):
    """A refusal with its status, its message for the user and, when one is at fault, the field."""

    def __init__(self, status: int, message: str, field: str = "", **details):
        super().__init__(message)
        self.status, self.field, self.details = status, field, details


def form_error(form, fields: dict[str, str] | None = None) -> ApiError:
    """A 400 with the first error of an invalid form, naming its field: as the form names it, or as
    `fields` maps the form's names to the API's (a field it leaves out, or the whole form's, is none)."""
    name, messages = next(iter(form.errors.items()))
    field = "" if name == NON_FIELD_ERRORS else name
    if fields is not None:
        field = fields.get(name, "")
    return ApiError(400, messages[0], field)
