from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("", include("newsroom.api.urls")),  # api/...
    path("", include("newsroom.accounts.urls")),  # groups/..., profile/name/
    path("", include("newsroom.search.urls")),  # search/, articles/<id>/like/
    path("", include("newsroom.jobs.urls")),  # jobs/<id>/...: background work's status and files
    path("", include("articles.urls")),
]

# allauth answers its rate limits (ACCOUNT_RATE_LIMITS) with this page: 429 with Retry-After.
handler429 = "newsroom.limits.allauth_limit_hit"
# A write that found SQLite locked for longer than its busy timeout: 503 with Retry-After, not 500.
handler400 = "newsroom.database.bad_request"
handler500 = "newsroom.database.server_error"
