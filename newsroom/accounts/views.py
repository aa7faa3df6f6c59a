"""Groups and their members, invite links, the display name and API tokens: pages for signed-in users."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from newsroom.accounts.forms import (
    AddMemberForm,
    ApiTokenForm,
    DisplayNameForm,
    GroupForm,
    InviteForm,
    TransferForm,
)
from newsroom.accounts.models import Membership, Profile, Role, display_name
from newsroom.accounts.permissions import access_group, can, can_change_member
from newsroom.accounts.services import (
    GroupError,
    TokenError,
    accept_invite,
    add_member_by_username,
    check_invite,
    create_api_token,
    create_group,
    create_invite,
    leave_group,
    remove_member,
    revoke_api_token,
    revoke_invite,
    set_display_name,
    set_role,
    transfer_ownership,
)
from newsroom.limits import rate_limited


@login_required
def group_list(request):
    memberships = (
        request.user.memberships.select_related("group")
        .annotate(member_count=Count("group__memberships"))
        .order_by("group__name", "group__pk")
    )
    return render(request, "accounts/group_list.html", {"memberships": memberships})


@login_required
def group_create(request):
    form = GroupForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        group = create_group(owner=request.user, **form.cleaned_data)
        messages.success(request, f"{group} is ready, with you as its owner. Invite its members below.")
        return redirect("accounts:group_members", group.slug)
    return render(request, "accounts/group_create.html", {"form": form})


def members_page(request, viewer: Membership, *, add_form: AddMemberForm | None = None, status: int = 200):
    """The members page as the viewer's role shows it: the actions they may take, and no others."""
    group = viewer.group
    members = list(group.memberships.select_related("user__profile"))
    context = {
        "group": group,
        "viewer": viewer,
        "members": [(member, can_change_member(viewer, member)) for member in members],
        "can_invite": can(viewer, "invite"),
        # An owner leaves only when alone in the group; others hand it over first.
        "can_leave": viewer.role != Role.OWNER or len(members) == 1,
    }
    if context["can_invite"]:
        invites = group.invites.usable().select_related("created_by__profile")
        context["invites"] = [
            (invite, request.build_absolute_uri(invite.get_absolute_url())) for invite in invites
        ]
        context["invite_form"] = InviteForm()
        context["add_form"] = add_form or AddMemberForm()
    if can(viewer, "manage") and len(members) > 1:
        context["transfer_form"] = TransferForm(members=members)
    return render(request, "accounts/group_members.html", context, status=status)


@login_required
def group_members(request, slug):
    return members_page(request, access_group(request.user, slug, "view"))


@login_required
@require_POST
def member_add(request, slug):
    viewer = access_group(request.user, slug, "invite")
    form = AddMemberForm(request.POST)
    if form.is_valid():
        try:
            membership = add_member_by_username(group=viewer.group, username=form.cleaned_data["username"])
        except GroupError as error:
            form.add_error("username", str(error))
        else:
            messages.success(request, f"{display_name(membership.user)} is now a member of {viewer.group}.")
            return redirect("accounts:group_members", slug)
    return members_page(request, viewer, add_form=form, status=400)


@login_required
@require_POST
def member_remove(request, slug, pk):
    viewer = access_group(request.user, slug, "manage")
    membership = get_object_or_404(viewer.group.memberships.select_related("user__profile"), pk=pk)
    try:
        remove_member(membership=membership)
    except GroupError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"{display_name(membership.user)} is no longer a member.")
    return redirect("accounts:group_members", slug)


@login_required
@require_POST
def member_role(request, slug, pk):
    viewer = access_group(request.user, slug, "manage")
    membership = get_object_or_404(viewer.group.memberships.select_related("user__profile"), pk=pk)
    try:
        membership = set_role(membership=membership, role=request.POST.get("role", ""))
    except GroupError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"{display_name(membership.user)} is now a {membership.role}.")
    return redirect("accounts:group_members", slug)


@login_required
@require_POST
def ownership_transfer(request, slug):
    viewer = access_group(request.user, slug, "manage")
    form = TransferForm(request.POST, members=viewer.group.memberships.select_related("user__profile"))
    if not form.is_valid():
        messages.error(request, "Choose one of the group's members as its new owner.")
        return redirect("accounts:group_members", slug)
    new_owner = form.cleaned_data["member"].user
    try:
        transfer_ownership(group=viewer.group, owner=request.user, new_owner=new_owner)
    except GroupError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"{display_name(new_owner)} now owns {viewer.group}; you are a moderator.")
    return redirect("accounts:group_members", slug)


@login_required
@require_POST
def group_leave(request, slug):
    viewer = access_group(request.user, slug, "leave")
    try:
        leave_group(group=viewer.group, user=request.user)
    except GroupError as error:
        messages.error(request, str(error))
        return redirect("accounts:group_members", slug)
    messages.success(request, f"You have left {viewer.group}.")
    return redirect("accounts:group_list")


@login_required
@require_POST
def invite_create(request, slug):
    viewer = access_group(request.user, slug, "invite")
    form = InviteForm(request.POST)
    if form.is_valid():
        create_invite(group=viewer.group, created_by=request.user, expires_at=form.expires_at())
        messages.success(request, "A new invite link is ready: copy it below and send it to whom you invite.")
    else:
        messages.error(request, "Choose how long the link works.")
    return redirect("accounts:group_members", slug)


@login_required
@require_POST
def invite_revoke(request, slug, pk):
    viewer = access_group(request.user, slug, "invite")
    revoke_invite(invite=get_object_or_404(viewer.group.invites, pk=pk))
    messages.success(request, "The invite link no longer works.")
    return redirect("accounts:group_members", slug)


@login_required
@rate_limited("invite", methods=("GET", "POST"))
def invite_accept(request, token):
    """Anyone signed in who has the link sees its group and joins; login_required signs them in
    (or up) first and brings them back here."""
    try:
        if request.method == "POST":
            membership, joined = accept_invite(user=request.user, token=token)
            group = membership.group
            messages.success(request, f"Welcome to {group}." if joined else f"You are already in {group}.")
            return redirect("accounts:group_members", group.slug)
        invite = check_invite(token=token)
    except GroupError as error:
        return render(request, "accounts/invite_unusable.html", {"problem": str(error)}, status=404)
    role = invite.group.role_of(request.user)
    return render(request, "accounts/invite_accept.html", {"group": invite.group, "role": role})


@login_required
def display_name_update(request):
    saved = Profile.objects.filter(user=request.user).values_list("display_name", flat=True).first()
    form = DisplayNameForm(
        request.POST if request.method == "POST" else None, initial={"display_name": saved}, user=request.user
    )
    if form.is_valid():
        set_display_name(user=request.user, name=form.cleaned_data["display_name"])
        messages.success(request, "Your display name is saved.")
        return redirect("accounts:display_name_update")
    return render(request, "accounts/display_name_update.html", {"form": form})


def profile(user):
    return redirect("articles:person_detail", user.get_username())


@never_cache  # the token is in the page: no cache may keep it
@login_required
@require_POST
def api_token_create(request):
    """A new token, shown on this page once: only its digest is stored. Not a redirect, which would
    need the token kept somewhere until the next page."""
    form = ApiTokenForm(request.POST)
    if form.is_valid():
        try:
            token, secret = create_api_token(user=request.user, name=form.cleaned_data["name"])
        except TokenError as error:
            form.add_error("name", str(error))
        else:
            context = {
                "token": token,
                "secret": secret,
                "example_url": request.build_absolute_uri(reverse("api:stories")),
            }
            return render(request, "accounts/api_token_created.html", context)
    messages.error(request, form.errors["name"][0])
    return profile(request.user)


@login_required
@require_POST
def api_token_revoke(request, pk):
    token = get_object_or_404(request.user.api_tokens.active(), pk=pk)
    revoke_api_token(token=token)
    messages.success(request, f"The token “{token.name}” no longer works.")
    return profile(request.user)
