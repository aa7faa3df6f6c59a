"""How templates name people: {{ user|display_name }}."""

from django import template

from newsroom.accounts import models

register = template.Library()


@register.filter
def display_name(user) -> str:
    """The user's display name, else their user name."""
    return models.display_name(user)
