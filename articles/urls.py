from django.urls import path, register_converter
from django.urls.converters import SlugConverter

from articles import views


class UnicodeSlugConverter(SlugConverter):
    """Slugs in any script ("réfugiés", "日本語"), as slugify(allow_unicode=True) makes them."""

    regex = r"[-\w]+"


register_converter(UnicodeSlugConverter, "unicode_slug")

app_name = "articles"
urlpatterns = [
    path("", views.home, name="home"),
    path("stories/<slug:slug>/", views.story_detail, name="story_detail"),
    path("stories/<slug:slug>/compare/", views.compare, name="compare"),
    path("stories/<slug:slug>/coverage/", views.story_coverage, name="story_coverage"),
    path("stories/<slug:slug>/comparison.json", views.story_comparison_json, name="story_comparison_json"),
    path(
        "stories/<slug:slug>/passages/<int:cluster_id>/annotate/",
        views.cluster_annotate,
        name="cluster_annotate",
    ),
    path("outlets/<slug:slug>/", views.outlet_detail, name="outlet_detail"),
    path("articles/<int:pk>/<slug:slug>/", views.article_detail, name="article_detail"),
    path("annotations/", views.annotation_create, name="annotation_create"),
    path("annotations/<int:pk>/edit/", views.annotation_update, name="annotation_update"),
    path("annotations/<int:pk>/delete/", views.annotation_delete, name="annotation_delete"),
    path("annotations/<int:pk>/restore/", views.annotation_restore, name="annotation_restore"),
    path("tags/", views.tag_index, name="tag_index"),
    path("tag-suggestions/", views.tag_suggestions, name="tag_suggestions"),
    path("tags/<unicode_slug:slug>/", views.tag_detail, name="tag_detail"),
]
