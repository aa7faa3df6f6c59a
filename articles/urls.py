import re

from django.urls import path, register_converter
from django.urls.converters import StringConverter

from articles.views import annotations, coverage, moderation, people, reading, replies, tags

SLUG = re.compile(r"[-\w]+")


class TagConverter(StringConverter):
    """A tag's slug in any script ("réfugiés", "日本語"), as slugify(allow_unicode=True) makes them; in
    an address also its name as someone typed it ("Élan", "🙂"), which the tag page redirects."""

    def to_url(self, value: str) -> str:
        if not SLUG.fullmatch(value):
            raise ValueError("Not a slug: no link.")  # reverse() then finds no URL
        return value


register_converter(TagConverter, "tag")

app_name = "articles"
urlpatterns = [
    path("", reading.home, name="home"),
    path("stories/<slug:slug>/", reading.story_detail, name="story_detail"),
    path("stories/<slug:slug>/compare/", reading.compare, name="compare"),
    path("stories/<slug:slug>/coverage/", coverage.story_coverage, name="story_coverage"),
    path("stories/<slug:slug>/comparison.json", coverage.story_comparison_json, name="story_comparison_json"),
    path(
        "stories/<slug:slug>/passages/<int:cluster_id>/annotate/",
        coverage.cluster_annotate,
        name="cluster_annotate",
    ),
    path("outlets/<slug:slug>/", reading.outlet_detail, name="outlet_detail"),
    path("articles/<int:pk>/fragments/", reading.article_fragments, name="article_fragments"),
    path("articles/<int:pk>/<slug:slug>/", reading.article_detail, name="article_detail"),
    # A link shortened to the article's id: redirected to its address with the slug.
    path("articles/<int:pk>/", reading.article_detail, {"slug": ""}, name="article_by_id"),
    path("annotations/<int:pk>/edit/", annotations.annotation_update, name="annotation_update"),
    path("annotations/<int:pk>/delete/", annotations.annotation_delete, name="annotation_delete"),
    path("annotations/<int:pk>/restore/", annotations.annotation_restore, name="annotation_restore"),
    path("annotations/<int:pk>/replies/", replies.reply_create, name="reply_create"),
    path("replies/<int:pk>/edit/", replies.reply_update, name="reply_update"),
    path("replies/<int:pk>/delete/", replies.reply_delete, name="reply_delete"),
    path("annotations/<int:pk>/hide/", moderation.annotation_hide, name="annotation_hide"),
    path("annotations/<int:pk>/unhide/", moderation.annotation_unhide, name="annotation_unhide"),
    path("replies/<int:pk>/hide/", moderation.reply_hide, name="reply_hide"),
    path("replies/<int:pk>/unhide/", moderation.reply_unhide, name="reply_unhide"),
    path("annotations/<int:pk>/flag/", moderation.annotation_flag, name="annotation_flag"),
    path("people/<str:username>/", people.person_detail, name="person_detail"),
    path("groups/<slug:slug>/", people.group_detail, name="group_detail"),
    path("tags/", tags.tag_index, name="tag_index"),
    path("tag-suggestions/", tags.tag_suggestions, name="tag_suggestions"),
    path("tags/<tag:slug>/", tags.tag_detail, name="tag_detail"),
]
