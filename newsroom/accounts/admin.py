from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet

from newsroom.accounts.models import Group, Invite, Membership, Profile, Role

# Staff sign in through the site's form, and so within its limits on failed attempts (allauth's).
admin.site.login = secure_admin_login(admin.site.login)


class MembershipFormSet(BaseInlineFormSet):
    """A group with members keeps exactly one owner when staff edit its members."""

    def clean(self):
        super().clean()
        kept = [form for form in self.forms if form.cleaned_data and not form.cleaned_data.get("DELETE")]
        owners = sum(form.cleaned_data.get("role") == Role.OWNER for form in kept)
        if kept and owners != 1:
            raise ValidationError(f"A group has exactly one owner; these members have {owners}.")


class MembershipInline(admin.TabularInline):
    model = Membership
    formset = MembershipFormSet
    extra = 0
    autocomplete_fields = ["user"]
    readonly_fields = ["joined_at"]


@admin.register(Group)
class GroupAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "created_at"]
    search_fields = ["name", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline]


@admin.register(Invite)
class InviteAdmin(admin.ModelAdmin):
    list_display = ["group", "created_by", "created_at", "expires_at", "revoked_at"]
    list_filter = ["revoked_at", "expires_at"]
    search_fields = ["group__name"]
    list_select_related = ["group", "created_by"]
    autocomplete_fields = ["group"]
    raw_id_fields = ["created_by"]


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "display_name"]
    search_fields = ["user__username", "display_name"]
    list_select_related = ["user"]
    autocomplete_fields = ["user"]
