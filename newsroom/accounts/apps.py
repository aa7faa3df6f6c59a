from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """People and their groups: profiles, groups, memberships, invitations (imports none of ours)."""

    name = "newsroom.accounts"
    label = "accounts"
    verbose_name = "People and groups"  # allauth's own app is "Accounts" in the admin too
    default_auto_field = "django.db.models.BigAutoField"
