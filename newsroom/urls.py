from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("", include("newsroom.api.urls")),  # api/...
    path("", include("newsroom.accounts.urls")),  # groups/..., profile/name/
    path("", include("newsroom.search.urls")),  # search/, articles/<id>/like/
    path("", include("articles.urls")),
]
