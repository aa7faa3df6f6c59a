from django.urls import path

from newsroom.accounts import views

# Mounted at the site's root, before articles: articles:group_detail (the public group page, with
# its annotations) is groups/<slug>/, so "new" and "join" are reserved slugs (services.py).
app_name = "accounts"
urlpatterns = [
    path("groups/", views.group_list, name="group_list"),
    path("groups/new/", views.group_create, name="group_create"),
    path("groups/join/<str:token>/", views.invite_accept, name="invite_accept"),
    path("groups/<slug:slug>/members/", views.group_members, name="group_members"),
    path("groups/<slug:slug>/members/add/", views.member_add, name="member_add"),
    path("groups/<slug:slug>/members/<int:pk>/remove/", views.member_remove, name="member_remove"),
    path("groups/<slug:slug>/members/<int:pk>/role/", views.member_role, name="member_role"),
    path("groups/<slug:slug>/owner/", views.ownership_transfer, name="ownership_transfer"),
    path("groups/<slug:slug>/leave/", views.group_leave, name="group_leave"),
    path("groups/<slug:slug>/invites/", views.invite_create, name="invite_create"),
    path("groups/<slug:slug>/invites/<int:pk>/revoke/", views.invite_revoke, name="invite_revoke"),
    path("profile/name/", views.display_name_update, name="display_name_update"),
    path("profile/tokens/", views.api_token_create, name="api_token_create"),
    path("profile/tokens/<int:pk>/revoke/", views.api_token_revoke, name="api_token_revoke"),
]
