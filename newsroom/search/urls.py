from django.urls import path

from newsroom.search import views

app_name = "search"
urlpatterns = [
    path("search/", views.results, name="results"),
    path("articles/<int:pk>/like/", views.more_like_this, name="more_like_this"),
]
