"""People and groups: a person's public annotations, a group's members and latest annotations."""

from django.contrib.auth import get_user_model
from django.shortcuts import get_object_or_404, render

from articles.queries.people import (
    group_annotations_page,
    groups_in_common,
    public_annotations_page,
    replies_to,
)
from newsroom.accounts.forms import ApiTokenForm
from newsroom.accounts.models import Group, display_name
from newsroom.accounts.services import mark_replies_seen


def person_detail(request, username):
    person = get_object_or_404(get_user_model(), username=username, is_active=True)
    context = {
        "person": person,
        "name": display_name(person),
        "groups": groups_in_common(request.user, person),
        "annotations": public_annotations_page(request.user, person, request.GET.get("page")),
    }
    if person == request.user:  # their own page: the replies to them, marked seen once shown
        context["replies"] = replies_to(person)
        context["api_tokens"] = person.api_tokens.active()
        context["token_form"] = ApiTokenForm()
        mark_replies_seen(user=person)
    return render(request, "articles/person_detail.html", context)


def group_detail(request, slug):
    group = get_object_or_404(Group.objects.of(request.user), slug=slug)  # members only: 404 for others
    context = {
        "group": group,
        "role": group.role_of(request.user),
        "members": group.memberships.select_related("user__profile"),
        "annotations": group_annotations_page(request.user, group, request.GET.get("page")),
    }
    return render(request, "articles/group_detail.html", context)
