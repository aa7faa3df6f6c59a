from django import template

from newsroom.ops.request_id import current_request_id

register = template.Library()


@register.simple_tag
def request_id() -> str:
    """The id of the request being answered: it needs no context, so the 500 page, rendered
    without one, shows it too."""
    return current_request_id() or ""
