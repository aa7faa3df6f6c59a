from django import forms
from django.contrib import admin, messages
from django.db import models
from taggit.models import Tag as UnusedTaggitTag

from articles.forms import TagsField
from articles.models import Annotation, Article, Outlet, Story, Tag
from articles.services.annotations import set_annotation_tags
from articles.services.articles import update_article_text
from articles.services.coverage import compare_story

# Edits to these change what a story's comparison shows.
COMPARED_FIELDS = {"body", "story", "title", "outlet"}
IMPORT_FIELDS = ["content_hash", "source_file", "source_hash", "imported_at", "updated_at"]
# A URL typed without a scheme is taken as https:// (Django 6's default, chosen now).
HTTPS_URLS = {models.URLField: {"assume_scheme": "https"}}


@admin.register(Outlet)
class OutletAdmin(admin.ModelAdmin):
    list_display = ["name", "homepage_url"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    formfield_overrides = HTTPS_URLS


class ArticleInline(admin.TabularInline):
    model = Article
    fields = ["title", "outlet", "byline", "published_on"]
    readonly_fields = fields
    show_change_link = True
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False  # articles come from imports or the article form, with a body

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("outlet")


@admin.register(Story)
class StoryAdmin(admin.ModelAdmin):
    list_display = ["title", "date"]
    search_fields = ["title", "summary"]
    date_hierarchy = "date"
    prepopulated_fields = {"slug": ["title"]}
    inlines = [ArticleInline]


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "outlet", "story", "published_on", "byline", "updated_at"]
    list_filter = ["outlet", "story", "published_on"]
    list_select_related = ["outlet", "story"]
    search_fields = ["title", "byline", "source_file"]
    date_hierarchy = "published_on"
    autocomplete_fields = ["outlet", "story"]
    formfield_overrides = HTTPS_URLS
    readonly_fields = IMPORT_FIELDS
    fieldsets = [
        (None, {"fields": ["title", "slug", "outlet", "story", "byline", "published_on", "source_url"]}),
        (
            "Text",
            {
                "fields": ["body"],
                "description": "Paragraphs are separated by a blank line; "
                "spacing is tidied on save so that annotations stay anchored.",
            },
        ),
        ("Import", {"fields": IMPORT_FIELDS, "classes": ["collapse"]}),
    ]

    def save_model(self, request, obj, form, change):
        if not (change and "body" in form.changed_data):
            super().save_model(request, obj, form, change)
        elif orphaned := update_article_text(obj).orphaned:
            self.message_user(
                request,
                f"{orphaned} annotation(s) could not be placed in the new text "
                "and are listed as orphaned on the article page.",
                messages.WARNING,
            )
        if COMPARED_FIELDS & set(form.changed_data):
            # Its story, and the story it left, if it moved.
            for story in Story.objects.filter(pk__in={obj.story_id, form.initial.get("story")} - {None}):
                compare_story(story)


# Our tags are articles.Tag; taggit's own table only keeps what migration 0007 copied from it.
admin.site.unregister(UnusedTaggitTag)


class TagAdminForm(forms.ModelForm):
    class Meta:
        model = Tag
        fields = ["name", "slug"]

    def clean_name(self):
        """The app's rules for a tag's name, and no second tag that differs only in case."""
        names = TagsField().clean(self.cleaned_data["name"])
        if len(names) != 1:
            raise forms.ValidationError("A tag's name cannot hold a comma: commas separate tags.")
        [name] = names
        if Tag.objects.exclude(pk=self.instance.pk).filter(key=Tag.key_for(name)).exists():
            raise forms.ValidationError(f"There is already a tag “{name}” (in this or another case).")
        return name


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    form = TagAdminForm
    list_display = ["name", "slug"]
    search_fields = ["name"]


class AnnotationAdminForm(forms.ModelForm):
    # The same limits as in the app: a tag too long for its column must not reach the database.
    tags = TagsField(required=False, help_text="Separate tags with commas.")

    class Meta:
        model = Annotation
        fields = ["tags", "deleted_at"]


@admin.register(Annotation)
class AnnotationAdmin(admin.ModelAdmin):
    form = AnnotationAdminForm
    list_display = ["__str__", "article", "author", "is_orphan", "created_at", "deleted_at"]
    list_filter = ["is_orphan", ("deleted_at", admin.EmptyFieldListFilter), "tags"]
    list_select_related = ["article", "author"]
    search_fields = ["exact", "note"]
    # Passages and their rendered notes are written only by the services, never by hand:
    # editors moderate (tags, deletion), they don't move annotations between texts.
    readonly_fields = [
        "article",
        "author",
        "start",
        "end",
        "exact",
        "prefix",
        "suffix",
        "note",
        "note_html",
        "is_orphan",
        "created_at",
    ]

    def has_add_permission(self, request):
        return False

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        obj.article.touch_annotations()  # the rendered highlights and lists are stale

    def save_related(self, request, form, formsets, change):
        """Tags go through the service, which matches them ignoring case as the app does."""
        set_annotation_tags(annotation=form.instance, tags=form.cleaned_data["tags"])

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        obj.article.touch_annotations()

    def delete_queryset(self, request, queryset):
        articles = list(Article.objects.filter(annotations__in=queryset).distinct())
        super().delete_queryset(request, queryset)
        for article in articles:
            article.touch_annotations()
