from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.views.main import ChangeList
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Case, Count, F, OuterRef, Q, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce
from django.forms.models import BaseInlineFormSet
from django.shortcuts import redirect
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from taggit.models import Tag as UnusedTaggitTag

from articles.forms import TagsField
from articles.models import Annotation, Article, DuplicateArticle, Outlet, Story, Tag
from articles.models.annotations import Flag, Reply
from articles.models.tag_counts import Layer, TagOutletCount
from articles.permissions import can_hide
from articles.queries.reading import parse_id
from articles.services import stories
from articles.services.annotations import set_annotation_tags
from articles.services.articles import (
    is_big_edit,
    text_edit_in_progress,
    update_article_text,
    update_article_text_later,
)
from articles.services.moderation import hide, resolve_flags, root_of, unhide
from articles.services.uploads import UPLOAD_SUFFIXES, store_upload, upload_subject
from newsroom.jobs.models import Job
from newsroom.jobs.services import start_job

# Edits to these change what a story's comparison shows.
COMPARED_FIELDS = {"body", "story", "title", "outlet"}
IMPORT_FIELDS = ["content_hash", "source_file", "source_hash", "text_damaged", "imported_at", "updated_at"]
# A URL typed without a scheme is taken as https:// (Django 6's default, chosen now).
HTTPS_URLS = {models.URLField: {"assume_scheme": "https"}}
# An action's intermediate page names this many of the selected items, then counts the others.
ACTION_PAGE_LISTS = 20
MOST_USED_TAGS_KEY, MOST_USED_TAGS_SECONDS = "admin:most-used-tags", 300


class ListWithoutText(ChangeList):
    """A change list that loads none of the long text columns its model admin names in `list_defer`
    (an article's body, through list_select_related too): a page of 100 rows must not read 100 bodies."""

    def get_queryset(self, request, exclude_parameters=None):
        return super().get_queryset(request, exclude_parameters).defer(*self.model_admin.list_defer)


class ListsWithoutText:
    """Mixed into the ModelAdmin of a long list, which sets `list_defer`."""

    list_defer: list[str] = []
    # A filtered list counts its own rows only, not all of them again (a million annotations).
    show_full_result_count = False

    def get_changelist(self, request, **kwargs):
        return ListWithoutText


@admin.register(Outlet)
class OutletAdmin(admin.ModelAdmin):
    list_display = ["name", "homepage_url"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    formfield_overrides = HTTPS_URLS


# A story's page in the admin lists this many of its articles (the largest have more than a
# thousand); its article list, linked from the page, holds them all.
ARTICLES_INLINE = 50


class FirstArticles(BaseInlineFormSet):
    def get_queryset(self):
        if not hasattr(self, "_first"):
            self._first = list(super().get_queryset()[:ARTICLES_INLINE])
        return self._first


class ArticleInline(admin.TabularInline):
    model = Article
    formset = FirstArticles
    verbose_name_plural = f"articles (the first {ARTICLES_INLINE}; all of them through the link above)"
    fields = ["title", "outlet", "byline", "published_on"]
    readonly_fields = fields
    show_change_link = True
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False  # articles come from imports or the article form, with a body

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("outlet").defer("body", "outlet__description")


class StoryTitleField(forms.CharField):
    def __init__(self, **kwargs):
        max_length = Story._meta.get_field("title").max_length
        # Wide enough for a headline (Django's default input shows 20 characters).
        widget = forms.TextInput(attrs={"size": 60})
        super().__init__(label="Title", max_length=max_length, strip=True, widget=widget, **kwargs)


class StoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, story):
        count = story.article_count
        return f"{story.title} ({story.get_status_display().lower()}, {count} {plural(count, 'article')})"


class MergeForm(forms.Form):
    keep = StoryChoiceField(
        Story.objects.none(),
        widget=forms.RadioSelect,
        label="The story that stays",
        help_text="It keeps its title and address; the others' articles move to it, "
        "and the others are deleted.",
        error_messages={"required": "Pick the story that stays."},
    )

    def __init__(self, data, *, stories):
        super().__init__(data)
        self.fields["keep"].queryset = stories


class NewStoryForm(forms.Form):
    title = StoryTitleField(error_messages={"required": "Give the new story a title."})


class StoryAutocomplete(AutocompleteSelect):
    """The admin's search-as-you-type select (not a list of thousands of stories)."""

    def optgroups(self, name, value, attr=None):
        # Django's looks the chosen id up as given: text sent back with the form's errors would fail.
        return super().optgroups(name, [pk for pk in value if parse_id(pk)], attr)


class AssignForm(forms.Form):
    story = forms.ModelChoiceField(
        Story.objects.all(),
        label="Story",
        widget=StoryAutocomplete(Article._meta.get_field("story"), admin.site),
        error_messages={"required": "Pick the story the articles go to."},
    )


def action_page(request, model_admin, queryset, *, action: str, title: str, form, intro: str):
    """An action's intermediate page: its form, posted back to the list with the same selection
    (as Django's own "delete selected" does), which runs the action again with the answers."""
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.opts,
        "title": title,
        "intro": intro,
        "form": form,
        "media": model_admin.media + form.media,
        "action": action,
        "selected": request.POST.getlist(helpers.ACTION_CHECKBOX_NAME),
        "select_across": request.POST.get("select_across", "0"),
        "objects": queryset[:ACTION_PAGE_LISTS],
        "count": queryset.count(),
    }
    return TemplateResponse(request, "admin/articles/action_form.html", context)


def plural(count: int, word: str) -> str:
    return word if count == 1 else {"story": "stories"}.get(word, f"{word}s")


def answered(request) -> bool:
    """Whether this is the intermediate page's answer rather than the action's first request."""
    return "apply" in request.POST


@admin.register(Story)
class StoryAdmin(admin.ModelAdmin):
    list_display = ["title", "status", "article_count", "date"]
    list_filter = ["status"]
    search_fields = ["title", "summary"]
    date_hierarchy = "date"
    # Proposals first: they wait for an editor.
    ordering = [
        Case(When(status=Story.Status.PROPOSED, then=Value(0)), default=Value(1)).asc(),
        F("date").desc(nulls_last=True),
    ]
    fields = ["title", "slug", "status", "date", "summary", "article_list"]
    readonly_fields = ["article_list"]
    prepopulated_fields = {"slug": ["title"]}  # on new stories only: a renamed story keeps its address
    inlines = [ArticleInline]
    actions = ["confirm_selected", "dismiss_selected", "merge_selected"]

    def get_queryset(self, request):
        # Counted per listed story (a subquery on the story index), not by joining every article
        # to every story before the page is cut, which its date list also paid.
        articles = Article.objects.filter(story=OuterRef("pk")).order_by().values("story")
        return (
            super()
            .get_queryset(request)
            .annotate(article_count=Coalesce(Subquery(articles.annotate(n=Count("pk")).values("n")), 0))
        )

    @admin.display(description="articles", ordering="article_count")
    def article_count(self, story):
        return story.article_count

    @admin.display(description="Move or split its articles")
    def article_list(self, story):
        """The story's articles in the article list, where editors pick some to move or split off."""
        url = reverse("admin:articles_article_changelist") + f"?story__id__exact={story.pk}"
        return format_html('<a href="{}">Pick among its {} articles</a>', url, story.article_count)

    def has_merge_permission(self, request):
        return self.has_change_permission(request) and self.has_delete_permission(request)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        stories.status_saved(obj, form.initial.get("status") if change else None)

    @admin.action(description="Confirm: readers see the selected stories", permissions=["change"])
    def confirm_selected(self, request, queryset):
        self.change_status(request, queryset, Story.Status.CONFIRMED, stories.confirm)

    @admin.action(description="Dismiss: readers no longer see the selected stories", permissions=["change"])
    def dismiss_selected(self, request, queryset):
        self.change_status(request, queryset, Story.Status.DISMISSED, stories.dismiss)

    def change_status(self, request, queryset, status: Story.Status, change) -> None:
        """Give the selected stories the status through the service, logging each that changes."""
        changed = list(queryset.exclude(status=status))
        change(queryset)
        for story in changed:
            self.log_change(request, story, f"{status.label}.")
        count = len(changed)
        messages.success(request, f"{count} {plural(count, 'story')} {status.label.lower()}.")

    @admin.action(description="Merge the selected stories", permissions=["merge"])
    def merge_selected(self, request, queryset):
        if queryset.count() < 2:
            messages.error(request, "Select two stories or more to merge them.")
            return None
        form = MergeForm(request.POST if answered(request) else None, stories=queryset)
        if not form.is_valid():
            intro = "Their articles, with their annotations, are all kept."
            return action_page(
                request,
                self,
                queryset,
                action="merge_selected",
                title="Merge stories",
                form=form,
                intro=intro,
            )
        keep = form.cleaned_data["keep"]
        merged = queryset.count() - 1
        moved = stories.merge(queryset, keep)
        self.log_change(request, keep, f"Merged with {merged} other {plural(merged, 'story')}.")
        messages.success(
            request,
            f"{merged + 1} stories merged into “{keep}”: {moved.articles} "
            f"{plural(moved.articles, 'article')} moved to it; it is {keep.get_status_display().lower()}.",
        )
        return None


class ArticleAdminForm(forms.ModelForm):
    def clean(self):
        data = super().clean()
        if "body" in self.changed_data and self.instance.pk and text_edit_in_progress(self.instance):
            self.add_error("body", "Its previous new text is still being saved: edit it again in a minute.")
        return data


class ArticleUploadForm(forms.Form):
    file = forms.FileField(
        help_text="A bulk JSON file (a list of articles), JSON Lines (.jsonl), CSV with a header row, "
        "a saved web page of an article (.html), or a zip of a folder of text files and web pages "
        "with or without its manifest.json, as `manage.py import_corpus` reads them."
    )
    skip_invalid = forms.BooleanField(
        required=False,
        label="Skip invalid records",
        help_text="Import the good records and report the bad ones. Unticked, a bad record stops the "
        "import and nothing is written; the report lists every bad record either way.",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if Path(upload.name).suffix.lower() not in UPLOAD_SUFFIXES:
            allowed = ", ".join(sorted(UPLOAD_SUFFIXES))
            raise forms.ValidationError(f"Choose a file of one of these kinds: {allowed}.")
        if upload.size > settings.IMPORT_UPLOAD_MAX_BYTES:
            limit = filesizeformat(settings.IMPORT_UPLOAD_MAX_BYTES)
            raise forms.ValidationError(f"The file is larger than {limit}: import it in parts.")
        return upload


class DuplicateArticleInline(admin.TabularInline):
    """The records imported with exactly this article's text: kept as records, not articles."""

    model = DuplicateArticle
    fields = ["source_file", "title", "outlet_name", "source_url", "published_on", "recorded_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name = "duplicate record"
    verbose_name_plural = "duplicate records (the same text, imported under other names)"

    def has_add_permission(self, request, obj=None):
        return False  # recorded by imports


@admin.register(DuplicateArticle)
class DuplicateArticleAdmin(admin.ModelAdmin):
    """Every record an import found to be exactly the text of an article it kept."""

    list_display = ["source_file", "title", "outlet_name", "published_on", "article", "recorded_at"]
    list_select_related = ["article"]
    search_fields = ["source_file", "title", "outlet_name", "article__title"]
    date_hierarchy = "recorded_at"
    fields = readonly_fields = list_display[:-2] + ["source_url", "article", "recorded_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # written by imports only


@admin.register(Article)
class ArticleAdmin(ListsWithoutText, admin.ModelAdmin):
    form = ArticleAdminForm
    list_display = ["title", "outlet", "story", "published_on", "byline", "text_damaged", "updated_at"]
    # Not a link per story (there are thousands): with a story or none, and its status. A story's
    # articles are listed from its page (?story__id__exact=).
    list_filter = [
        "outlet",
        ("story", admin.EmptyFieldListFilter),
        "story__status",
        "published_on",
        "text_damaged",
    ]
    list_select_related = ["outlet", "story"]
    list_defer = ["body", "story__summary", "outlet__description"]
    search_fields = ["title", "byline", "source_file"]
    # No date_hierarchy: its list of years reads every article's date on each view (the
    # published_on filter above dates them instead).
    autocomplete_fields = ["outlet", "story"]
    formfield_overrides = HTTPS_URLS
    readonly_fields = IMPORT_FIELDS
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "title",
                    "subtitle",
                    "slug",
                    "outlet",
                    "story",
                    "byline",
                    "published_on",
                    "source_url",
                    "language",
                    "keywords",
                    "wire_agencies",
                ]
            },
        ),
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
    actions = ["assign_to_story", "new_story_from_selection"]

    def get_inlines(self, request, obj):
        """Its duplicate records, when an import found any (no empty section otherwise)."""
        return [DuplicateArticleInline] if obj is not None and obj.duplicates.exists() else []

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
            # Its story, and the story it left, if it moved (readers see only confirmed stories).
            stories.compare_confirmed({obj.story_id, form.initial.get("story")})

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

    def has_assign_permission(self, request):
        story_admin = self.admin_site.get_model_admin(Story)
        return self.has_change_permission(request) and story_admin.has_change_permission(request)

    def has_split_permission(self, request):
        story_admin = self.admin_site.get_model_admin(Story)
        return self.has_change_permission(request) and story_admin.has_add_permission(request)

    @admin.action(description="Assign to story", permissions=["assign"])
    def assign_to_story(self, request, queryset):
        form = AssignForm(request.POST if answered(request) else None)
        if not form.is_valid():
            intro = "The articles keep their annotations; the stories they leave are compared again."
            return action_page(
                request,
                self,
                queryset,
                action="assign_to_story",
                title="Assign to a story",
                form=form,
                intro=intro,
            )
        self.report_moved(request, stories.move_articles(queryset, form.cleaned_data["story"]))
        return None

    @admin.action(description="New story from selection", permissions=["split"])
    def new_story_from_selection(self, request, queryset):
        first = queryset.order_by(F("published_on").asc(nulls_last=True), "pk").first()
        if first is None:  # deleted meanwhile, or "select all" over an empty list
            messages.error(request, "None of the selected articles exists any more.")
            return None
        form = NewStoryForm(request.POST if answered(request) else None, initial={"title": first.title})
        if not form.is_valid():
            intro = "A new confirmed story of these articles, taken from the stories they are in."
            return action_page(
                request,
                self,
                queryset,
                action="new_story_from_selection",
                title="New story",
                form=form,
                intro=intro,
            )
        moved = stories.new_story_from(queryset, form.cleaned_data["title"])
        self.log_addition(request, moved.story, [{"added": {}}])
        self.report_moved(request, moved)
        return None

    def report_moved(self, request, moved: stories.Moved):
        link = format_html(
            '<a href="{}">{}</a>', reverse("admin:articles_story_change", args=[moved.story.pk]), moved.story
        )
        count = moved.articles
        messages.success(request, format_html("{} {} moved to “{}”.", count, plural(count, "article"), link))
        if moved.emptied:
            emptied = ", ".join(f"“{title}”" for title in moved.emptied)
            messages.info(request, f"Proposals left without articles, and deleted: {emptied}.")

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
            job = start_job(  # not start_job_once: each upload is imported, even of a name seen before
                Job.Kind.IMPORT_ARTICLES,
                subject=upload_subject(upload.name),  # the job's page and the job list name the file
                owner=request.user,
                file=store_upload(upload),
                name=upload.name,
                skip_invalid=form.cleaned_data["skip_invalid"],
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


class MostUsedTags(admin.SimpleListFilter):
    """The tags on most public passages, not every tag: readers make new ones freely, and a list of
    thousands would be read and shown on each view. Any other tag by its slug: ?tag=<slug>."""

    title = "tag"
    parameter_name = "tag"
    shown = 20

    def lookups(self, request, model_admin):
        tags = Tag.objects.filter(Q(pk__in=most_used_tags(self.shown)) | Q(slug=self.value() or ""))
        tags = tags.order_by("key")
        return list(tags.values_list("slug", "name"))

    def queryset(self, request, queryset):
        return queryset.filter(tags__slug=self.value()) if self.value() else queryset


def most_used_tags(count: int) -> list[int]:
    """The tags on most public passages: a sum of every public count (one per tag and outlet), kept a
    few minutes, as a filter's choices may be."""
    key = f"{MOST_USED_TAGS_KEY}:{count}"
    used = cache.get(key)
    if used is None:
        totals = TagOutletCount.objects.filter(layer=Layer.PUBLIC).values("tag").annotate(n=Sum("passages"))
        used = list(totals.order_by("-n").values_list("tag", flat=True)[:count])
        cache.set(key, used, MOST_USED_TAGS_SECONDS)
    return used


class AnnotationAdminForm(forms.ModelForm):
    # The same limits as in the app: a tag too long for its column must not reach the database.
    tags = TagsField(required=False, help_text="Separate tags with commas.")

    class Meta:
        model = Annotation
        fields = ["tags", "deleted_at"]


@admin.register(Annotation)
class AnnotationAdmin(ListsWithoutText, admin.ModelAdmin):
    form = AnnotationAdminForm
    # Newest first, by the primary key's index: the model's (start, end) order has none, and sorting
    # a million annotations for each page took seconds.
    ordering = ["-pk"]
    list_display = ["__str__", "article", "author", "is_orphan", "created_at", "deleted_at", "hidden_at"]
    list_filter = [
        "is_orphan",
        ("deleted_at", admin.EmptyFieldListFilter),
        ("hidden_at", admin.EmptyFieldListFilter),
        "visibility",
        MostUsedTags,
    ]
    list_select_related = ["article", "author"]
    list_defer = ["note_html", "article__body"]
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
class ReplyAdmin(ListsWithoutText, admin.ModelAdmin):
    list_display = ["__str__", "annotation", "author", "created_at", "edited_at", "deleted_at", "hidden_at"]
    list_filter = [("deleted_at", admin.EmptyFieldListFilter), ("hidden_at", admin.EmptyFieldListFilter)]
    list_select_related = ["annotation", "author"]
    # The list shows the reply's note and its annotation's quote, cut short: nothing else long.
    list_defer = [
        "note_html",
        "annotation__note",
        "annotation__note_html",
        "annotation__prefix",
        "annotation__suffix",
    ]
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
class FlagAdmin(ListsWithoutText, admin.ModelAdmin):
    list_display = ["flagged", "reason", "user", "created_at", "is_hidden", "resolved_at", "resolved_by"]
    list_filter = [
        ("resolved_at", admin.EmptyFieldListFilter),
        ("annotation__hidden_at", admin.EmptyFieldListFilter),
        "created_at",
    ]
    list_select_related = ["annotation__article", "user", "resolved_by"]
    list_defer = [
        "annotation__article__body",
        "annotation__note",
        "annotation__note_html",
        "annotation__prefix",
        "annotation__suffix",
    ]
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
