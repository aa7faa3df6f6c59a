"""Links that change one thing of the search being shown, keeping the rest of its query string."""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def search_url(context, **changes) -> str:
    """ "?" and the current query string with these parameters set (an empty value removes one);
    back to the first page unless `page` is one of them."""
    params = context["request"].GET.copy()
    params.pop("page", None)
    for name, value in changes.items():
        params.pop(name, None)
        if value not in ("", None):
            params[name] = value
    return "?" + params.urlencode()
