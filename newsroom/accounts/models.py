"""People and the groups they read and annotate in."""

import hashlib
import secrets

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone


def display_name(user) -> str:
    """How the app names a person: their chosen display name, else their user name."""
    profile = getattr(user, "profile", None)
    return (profile.display_name if profile else "") or user.get_username()


class Profile(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, models.CASCADE, related_name="profile")
    display_name = models.CharField(max_length=80, blank=True)
    # When they last saw the replies to them: newer ones are marked unread.
    replies_seen_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return display_name(self.user)


class Role(models.TextChoices):
    OWNER = "owner", "owner"
    MODERATOR = "moderator", "moderator"
    MEMBER = "member", "member"


class GroupQuerySet(models.QuerySet):
    def of(self, user):
        """The groups the user is a member of (any role)."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(memberships__user=user)


GROUP_DESCRIPTION_MAX_CHARS = 2000


class Group(models.Model):
    """People who read and annotate together: a class, a newsroom team."""

    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=120, unique=True)
    # A TextField's max_length only sizes its form field; the validator holds it in full_clean().
    description = models.TextField(
        blank=True,
        max_length=GROUP_DESCRIPTION_MAX_CHARS,
        validators=[MaxLengthValidator(GROUP_DESCRIPTION_MAX_CHARS)],
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = GroupQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        # The public group page shows annotations, so it lives in articles (accounts imports none
        # of ours); the members page is accounts:group_members.
        return reverse("articles:group_detail", args=[self.slug])

    def role_of(self, user) -> str | None:
        """The user's role in the group, or None for a non-member."""
        if not user.is_authenticated:
            return None
        return self.memberships.filter(user=user).values_list("role", flat=True).first()


def memberships_of(user) -> list["Membership"]:
    """The user's memberships with their groups, in group order: one query per request, kept on
    the user object as Django keeps permissions (a user loaded again sees later changes)."""
    if not user.is_authenticated:
        return []
    if not hasattr(user, "_memberships"):
        user._memberships = list(
            Membership.objects.filter(user=user).select_related("group").order_by("group_id")
        )
    return user._memberships


def roles_of(user_id) -> tuple:
    """(group id, role) of each group a user is in: what decides which group notes they read
    and moderate, so it is part of the keys of everything cached per reader."""
    if user_id is None:
        return ()
    return tuple(
        Membership.objects.filter(user_id=user_id).order_by("group_id").values_list("group_id", "role")
    )


class Membership(models.Model):
    group = models.ForeignKey(Group, models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MEMBER)
    joined_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["joined_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["group", "user"], name="one_membership_per_group"),
            # A group always has exactly one owner: at most one here, at least one by the services.
            models.UniqueConstraint(
                fields=["group"], condition=models.Q(role="owner"), name="one_owner_per_group"
            ),
        ]

    def __str__(self):
        return f"{self.user} in {self.group} ({self.role})"


def new_invite_token() -> str:
    return secrets.token_urlsafe(24)


class InviteQuerySet(models.QuerySet):
    def usable(self):
        """Invites not revoked and not expired."""
        now = timezone.now()
        return self.filter(revoked_at=None).filter(models.Q(expires_at=None) | models.Q(expires_at__gt=now))


class Invite(models.Model):
    """A link that lets whoever has it join a group, until it is revoked or expires."""

    group = models.ForeignKey(Group, models.CASCADE, related_name="invites")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+")
    token = models.CharField(max_length=64, unique=True, default=new_invite_token, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = InviteQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"Invite to {self.group}"

    def get_absolute_url(self):
        return reverse("accounts:invite_accept", args=[self.token])


API_TOKEN_PREFIX = "nrt_"
API_TOKEN_NAME_MAX_CHARS = 100


def api_token_digest(secret: str) -> str:
    """What is stored of a token: its SHA-256. A token is 32 random bytes, so a fast hash is enough
    (there is no dictionary to try), and it lets each API request find its token by one lookup."""
    return hashlib.sha256(secret.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at=None)


class ApiToken(models.Model):
    """A personal token for scripts using the API as its user. Only its digest is stored: the
    token itself is shown once, when it is made."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=API_TOKEN_NAME_MAX_CHARS)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    hint = models.CharField(max_length=12, editable=False)  # its first characters, to tell tokens apart
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.name} ({self.hint}…)"
