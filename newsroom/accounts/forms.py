import unicodedata
from datetime import timedelta

from allauth.account.forms import LoginForm
from django import forms
from django.contrib.auth import get_user_model
from django.core.validators import MaxLengthValidator
from django.db.models import Q
from django.utils import timezone

from newsroom.accounts.models import (
    GROUP_DESCRIPTION_MAX_CHARS,
    ApiToken,
    Group,
    Membership,
    Profile,
    Role,
    display_name,
)
from newsroom.accounts.services import tidy

# The longest e-mail address (user names are shorter). SQLite refuses the case-blind lookup of a
# name of some 50,000 characters as a LIKE pattern too complex: a 500 without this limit.
LOGIN_MAX_CHARS = 254


class NewsroomLoginForm(LoginForm):
    """allauth's sign-in form, its first field labelled for what it takes."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        login = self.fields["login"]
        login.label = "Username or e-mail"
        login.validators.append(MaxLengthValidator(LOGIN_MAX_CHARS))


class LimitedTextField(forms.CharField):
    """Text with a length limit that is refused over it, never cut.

    No maxlength attribute: a browser would cut pasted text silently. field-limits.js shows the
    limit from data-max-chars; line breaks come as CRLF from browsers and count once, as stored.
    """

    def __init__(self, *, what: str, **kwargs):
        too_long = f"{what} can have at most %(limit_value)s characters; this one has %(show_value)s."
        kwargs["error_messages"] = {"max_length": too_long, **kwargs.get("error_messages", {})}
        super().__init__(**kwargs)

    def to_python(self, value):
        return super().to_python(value).replace("\r\n", "\n").replace("\r", "\n")

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        if attrs.pop("maxlength", None):
            attrs["data-max-chars"] = str(self.max_length)
        return attrs


class OneLineField(LimitedTextField):
    """A name on one line, tidied (services.tidy) before its length is checked: normalising can
    lengthen text, and what is stored must fit."""

    def to_python(self, value):
        return tidy(super().to_python(value))


class GroupForm(forms.Form):
    name = OneLineField(
        what="A group's name",
        max_length=Group._meta.get_field("name").max_length,
        error_messages={"required": "Give the group a name."},
    )
    description = LimitedTextField(
        what="A description",
        required=False,
        max_length=GROUP_DESCRIPTION_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Optional: who the group is for and what it reads.",
    )


EXPIRY_CHOICES = [("", "Until revoked"), ("1", "For 1 day"), ("7", "For 7 days"), ("30", "For 30 days")]


class InviteForm(forms.Form):
    expires_in = forms.TypedChoiceField(
        label="The link works",
        choices=EXPIRY_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
    )

    def expires_at(self):
        """When the link stops working, or None: it works until revoked."""
        days = self.cleaned_data["expires_in"]
        return timezone.now() + timedelta(days=days) if days else None


class AddMemberForm(forms.Form):
    username = forms.CharField(
        label="User name",
        max_length=150,
        error_messages={"required": "Type the user name of the person to add."},
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )


def person(user) -> str:
    """A user as a choice names them: display name and user name, which nobody else has."""
    shown, username = display_name(user), user.get_username()
    return username if shown == username else f"{shown} ({username})"


class TransferForm(forms.Form):
    """Whom the owner hands the group over to: one of its other members."""

    member = forms.TypedChoiceField(label="New owner", coerce=int)

    def __init__(self, *args, members: list[Membership], **kwargs):
        super().__init__(*args, **kwargs)
        self.candidates = {member.pk: member for member in members if member.role != Role.OWNER}
        self.fields["member"].choices = [(pk, person(member.user)) for pk, member in self.candidates.items()]

    def clean_member(self) -> Membership:
        return self.candidates[self.cleaned_data["member"]]


# Invisible characters that format text (Unicode's category Cf): they reorder it ("\u202enimda"
# shows as "admin") or hide inside it ("bo\u200bb"). Joiners stay: emoji and some scripts need them.
JOINERS = {"\u200c", "\u200d"}


def formats_text(name: str) -> bool:
    return any(unicodedata.category(character) == "Cf" and character not in JOINERS for character in name)


def variants(name: str) -> set[str]:
    return {name, name.lower(), name.upper(), name.casefold(), name.title()}


class DisplayNameForm(forms.Form):
    display_name = OneLineField(
        what="A display name",
        label="Display name",
        required=False,
        max_length=Profile._meta.get_field("display_name").max_length,
        help_text="The name others see beside your annotations and in your groups. "
        "Leave it empty to be shown by your user name.",
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_display_name(self):
        name = self.cleaned_data["display_name"]
        if formats_text(name):
            raise forms.ValidationError("A display name cannot hold invisible characters that format text.")
        if not name:
            return name
        # Compatibility forms too ("ｄｅｍｏ" is "demo"); and iexact folds only ASCII letters on
        # SQLite: the name's other cases are asked for as well.
        plain = unicodedata.normalize("NFKC", name)
        cases = {form for text in {name, plain} for form in variants(text)}
        others = get_user_model().objects.exclude(pk=self.user.pk)
        if others.filter(Q(username__iexact=plain) | Q(username__in=cases)).exists():
            raise forms.ValidationError("That is another user's user name: choose a name of your own.")
        named = Profile.objects.exclude(user=self.user)
        if named.filter(Q(display_name__iexact=plain) | Q(display_name__in=cases)).exists():
            raise forms.ValidationError("Someone else shows as this name: choose a name of your own.")
        return name


class ApiTokenForm(forms.Form):
    name = OneLineField(
        what="A token's name",
        label="Name",
        max_length=ApiToken._meta.get_field("name").max_length,
        error_messages={"required": "Name the token after what will use it, for example “my notebook”."},
        help_text="What will use it, for example “my notebook”.",
    )
