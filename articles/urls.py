from django.urls import path

from articles import views

app_name = "articles"
urlpatterns = [
    path("", views.home, name="home"),
    path("stories/<slug:slug>/", views.story_detail, name="story_detail"),
    path("stories/<slug:slug>/compare/", views.compare, name="compare"),
    path("outlets/<slug:slug>/", views.outlet_detail, name="outlet_detail"),
    path("articles/<int:pk>/<slug:slug>/", views.article_detail, name="article_detail"),
]
