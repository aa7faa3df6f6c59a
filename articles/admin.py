from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.shortcuts import redirect
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from taggit.models import Tag as UnusedTaggitTag

from articles.forms import TagsField
from articles.models import Annotation, Article, Outlet, Story, Tag
from articles.models.annotations import Flag, Reply
from articles.permissions import can_hide
from articles.services.annotations import set_annotation_tags
from articles.services.articles import (
    is_big_edit,
    text_edit_in_progress,
    update_article_text,
    update_article_text_later,
)
from articles.services.coverage import compare_later
from articles.services.moderation import hide, resolve_flags, root_of, unhide
from articles.services.uploads import UPLOAD_SUFFIXES, store_upload
from newsroom.jobs.models import Job
from newsroom.jobs.services import start_job

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


class ArticleAdminForm(forms.ModelForm):
    def clean(self):
        data = super().clean()
        if "body" in self.changed_data and self.instance.pk and text_edit_in_progress(self.instance):
            self.add_error("body", "Its previous new text is still being saved: edit it again in a minute.")
        return data


class ArticleUploadForm(forms.Form):
    file = forms.FileField(
        help_text="A bulk JSON file (a list of articles), or a zip of a folder of text files "
        "with its manifest.json, as `manage.py import_corpus` reads them."
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if Path(upload.name).suffix.lower() not in UPLOAD_SUFFIXES:
            raise forms.ValidationError("Choose a .json or a .zip file.")
        if upload.size > settings.IMPORT_UPLOAD_MAX_BYTES:
            limit = filesizeformat(settings.IMPORT_UPLOAD_MAX_BYTES)
            raise forms.ValidationError(f"The file is larger than {limit}: import it in parts.")
        return upload


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    form = ArticleAdminForm
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
        elif is_big_edit(obj):
            self.save_text_later(request, obj)
        elif orphaned := update_article_text(obj).orphaned:
            self.message_user(
                request,
                f"{orphaned} annotation(s) could not be placed in the new text "
                "and are listed as orphaned on the article page.",
                messages.WARNING,
            )
        if COMPARED_FIELDS & set(form.changed_data):
            # Its story, and the story it left, if it moved.
            compare_later({obj.story_id, form.initial.get("story")} - {None})

    def save_text_later(self, request, article):
        """Save all but the new text, which the worker saves with its annotations placed again."""
        job = update_article_text_later(article, article.body, request.user)
        article.refresh_from_db(fields=["body", "content_hash", "word_count"])
        article.save()
        self.message_user(
            request,
            format_html(
                "The new text has many annotations to place again: it is being saved in the background "
                'and the article shows its previous text until then (<a href="{}">follow it</a>).',
                reverse("admin:jobs_job_change", args=[job.pk]),
            ),
        )

    def get_urls(self):
        upload = path("import/", self.admin_site.admin_view(self.import_view), name="articles_article_import")
        return [upload, *super().get_urls()]

    def import_view(self, request):
        """Upload a file of articles: the worker imports it, and the job's page gives the report."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = ArticleUploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            job = start_job(
                Job.Kind.IMPORT_ARTICLES, owner=request.user, file=store_upload(upload), name=upload.name
            )
            self.message_user(request, f"“{upload.name}” is being imported: its report shows here when done.")
            return redirect("admin:jobs_job_change", job.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Import articles",
            "form": form,
            "max_size": settings.IMPORT_UPLOAD_MAX_BYTES,
        }
        return TemplateResponse(request, "admin/articles/article/import.html", context)


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
    list_display = ["__str__", "article", "author", "is_orphan", "created_at", "deleted_at", "hidden_at"]
    list_filter = [
        "is_orphan",
        ("deleted_at", admin.EmptyFieldListFilter),
        ("hidden_at", admin.EmptyFieldListFilter),
        "visibility",
        "tags",
    ]
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
        "hidden_at",
        "hidden_by",
    ]
    actions = ["hide_selected", "unhide_selected"]

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

    @admin.action(description="Hide the selected annotations (public ones: groups moderate their own)")
    def hide_selected(self, request, queryset):
        moderate_selected(request, queryset.select_related("article"), hiding=True)

    @admin.action(description="Unhide the selected annotations")
    def unhide_selected(self, request, queryset):
        moderate_selected(request, queryset.select_related("article"), hiding=False)


def moderate_selected(request, items, *, hiding: bool) -> None:
    """Hide or unhide annotations or replies through the service, by the app's rule: staff
    moderate public threads; group threads are their moderators', private ones nobody's."""
    changed = skipped = 0
    for item in items:
        if not can_hide(request.user, root_of(item)):
            skipped += 1
            continue
        changed += hide(item=item, moderator=request.user) if hiding else unhide(item=item)
    verb = "hidden" if hiding else "shown again"
    messages.success(request, f"{changed} {verb}.")
    if skipped:
        messages.warning(request, f"{skipped} left alone: only public threads are moderated here.")


@admin.register(Reply)
class ReplyAdmin(admin.ModelAdmin):
    list_display = ["__str__", "annotation", "author", "created_at", "edited_at", "deleted_at", "hidden_at"]
    list_filter = [("deleted_at", admin.EmptyFieldListFilter), ("hidden_at", admin.EmptyFieldListFilter)]
    list_select_related = ["annotation", "author"]
    search_fields = ["note", "author__username"]
    # Written by their authors through the services; staff only hide and unhide them.
    fields = readonly_fields = [
        "annotation",
        "parent",
        "author",
        "note",
        "note_html",
        "created_at",
        "edited_at",
        "deleted_at",
        "hidden_at",
        "hidden_by",
    ]
    actions = ["hide_selected", "unhide_selected"]

    def has_add_permission(self, request):
        return False

    @admin.action(description="Hide the selected replies (in public threads)")
    def hide_selected(self, request, queryset):
        moderate_selected(request, queryset.select_related("annotation__article"), hiding=True)

    @admin.action(description="Unhide the selected replies")
    def unhide_selected(self, request, queryset):
        moderate_selected(request, queryset.select_related("annotation__article"), hiding=False)


@admin.register(Flag)
class FlagAdmin(admin.ModelAdmin):
    list_display = ["flagged", "reason", "user", "created_at", "is_hidden", "resolved_at", "resolved_by"]
    list_filter = [
        ("resolved_at", admin.EmptyFieldListFilter),
        ("annotation__hidden_at", admin.EmptyFieldListFilter),
        "created_at",
    ]
    list_select_related = ["annotation__article", "user", "resolved_by"]
    search_fields = ["reason", "annotation__exact", "annotation__note", "user__username"]
    date_hierarchy = "created_at"
    fields = readonly_fields = [
        "flagged",
        "annotation_note",
        "user",
        "reason",
        "created_at",
        "resolved_at",
        "resolved_by",
    ]
    actions = ["resolve", "hide_and_resolve"]

    def has_add_permission(self, request):
        return False  # readers flag from the article page

    @admin.display(description="annotation")
    def flagged(self, flag):
        """The annotation on its page, where staff also read its thread and can unhide it."""
        return format_html('<a href="{}">{}</a>', flag.annotation.get_absolute_url(), flag.annotation)

    @admin.display(description="note")
    def annotation_note(self, flag):
        return flag.annotation.note

    @admin.display(description="hidden", boolean=True)
    def is_hidden(self, flag):
        return flag.annotation.hidden_at is not None

    @admin.action(description="Resolve: nothing to do")
    def resolve(self, request, queryset):
        closed = resolve_flags(flags=queryset, resolver=request.user).flags
        messages.success(request, f"{closed} flag(s) resolved.")

    @admin.action(description="Hide their annotations and resolve every flag on them")
    def hide_and_resolve(self, request, queryset):
        result = resolve_flags(flags=queryset, resolver=request.user, hide_annotations=True)
        messages.success(request, f"{result.hidden} annotation(s) hidden, {result.flags} flag(s) resolved.")
