from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """People and their groups: profiles, groups, memberships, invitations (imports none of ours)."""

    name = "newsroom.accounts"
    label = "accounts"
    default_auto_field = "django.db.models.BigAutoField"
