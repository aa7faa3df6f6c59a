"""What a page's forms need to write through the API when scripts run (static/js/api-forms.js)."""

from django import template

from newsroom.api.responses import version_etag

register = template.Library()


@register.filter
def etag(item) -> str:
    """The annotation's or reply's ETag, as the API gives it: the form's If-Match."""
    return version_etag(item)
