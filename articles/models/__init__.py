"""The app's models, one module per area; Django and the rest of the code import them from here."""

from articles.models.annotations import Annotation, Tag, TaggedAnnotation
from articles.models.corpus import Article, DuplicateArticle, Outlet, SimilarArticle, Story, WebURLField
from articles.models.coverage import StoryComparison
from articles.models.tag_counts import TagCountVersion, TagOutletCount

__all__ = [
    "Annotation",
    "Article",
    "DuplicateArticle",
    "Outlet",
    "SimilarArticle",
    "Story",
    "StoryComparison",
    "Tag",
    "TagCountVersion",
    "TagOutletCount",
    "TaggedAnnotation",
    "WebURLField",
]
