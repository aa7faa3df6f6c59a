"""The public tag counts that database triggers keep (articles/models/tag_counts.py) equal a count
from scratch after any sequence of writes, and reading the tag pages writes nothing."""

import random
import threading

import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.core.management.sql import emit_post_migrate_signal
from django.db import connection, transaction
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.models import Annotation, Article, Tag, TaggedAnnotation, TagOutletCount, tag_counts
from articles.models.annotations import set_tags
from articles.queries import tags
from articles.services.annotations import delete_annotation, restore_annotation, update_annotation
from articles.services.moderation import hide, unhide
from newsroom.accounts.models import Membership
from newsroom.accounts.services import create_group
from tests.base import annotate, make_article, make_outlet, make_story

pytestmark = pytest.mark.django_db(transaction=True)  # tag pages follow writes once committed

WORDS = "one two three four five six seven eight nine ten".split()
TAG_NAMES = ["framing", "claim", "source", "figure"]


def kept() -> dict[tuple[int, ...], int]:
    """(layer, owner, author, tag, outlet key) -> passages, as the triggers keep them."""
    rows = TagOutletCount.objects.filter(passages__gt=0).values_list(
        "layer", "owner_key", "author_key", "tag", "outlet_key", "passages"
    )
    return {tuple(row[:-1]): row[-1] for row in rows}


class Writer:
    """Random writes of every kind that changes what everyone sees of the tags."""

    def __init__(self, seed: int, alice, bob):
        self.rng = random.Random(seed)
        self.users = [alice, bob]
        self.group = create_group(owner=alice, name=f"Desk {seed}")
        Membership.objects.create(user=bob, group=self.group)
        self.outlets = [make_outlet(f"Outlet {n}") for n in range(3)] + [None]
        story = make_story("The story")
        self.articles = [
            make_article(story=story, outlet=self.rng.choice(self.outlets), body=" ".join(WORDS))
            for _ in range(4)
        ]

    def audience(self, author, choices: list[str]) -> dict:
        """A visibility drawn from the choices: the group only while the author is in it."""
        visibility = self.rng.choice(choices)
        if visibility == "group" and Membership.objects.filter(user=author, group=self.group).exists():
            return {"visibility": "group", "group": self.group}
        return {"visibility": "private" if visibility == "group" else visibility, "group": None}

    def annotations(self):
        return list(Annotation.objects.filter(article__in=self.articles).order_by("pk"))

    def step(self) -> str:
        rng = self.rng
        annotations = self.annotations()
        actions = ["create"] * 8
        if annotations:
            actions += ["retag", "delete", "restore", "audience", "hide", "unhide", "orphan", "purge", "bulk"]
        actions += ["move", "drop article", "drop tag", "membership"] if annotations else []
        action = rng.choice(actions)
        annotation = rng.choice(annotations) if annotations else None
        if action == "create":
            author = rng.choice(self.users)
            annotate(
                rng.choice(self.articles),
                author,
                rng.choice(WORDS),
                rng.sample(TAG_NAMES, rng.randint(0, 3)),
                **self.audience(author, ["public", "public", "private", "group"]),
            )
        elif action == "retag":
            set_tags(annotation, Tag.objects.named(rng.sample(TAG_NAMES, rng.randint(0, 3))))
        elif action == "delete":
            delete_annotation(annotation)
        elif action == "restore":
            restore_annotation(annotation)
        elif action == "audience":
            update_annotation(
                annotation=annotation,
                tags=list(annotation.tags.values_list("name", flat=True)),
                note=annotation.note,
                **self.audience(annotation.author, ["public", "private", "group"]),
            )
        elif action == "hide" and annotation.visibility != "private":  # private ones are never moderated
            hide(item=annotation, moderator=self.users[0])
        elif action == "unhide":
            unhide(item=annotation)
        elif action == "orphan":
            Annotation.objects.filter(pk=annotation.pk).update(is_orphan=not annotation.is_orphan)
        elif action == "purge":
            annotation.delete()  # for good, with its links (an account deleted, say)
        elif action == "bulk":
            Annotation.objects.filter(article=annotation.article).update(hidden_at=None, deleted_at=None)
        elif action == "move":
            article = rng.choice(self.articles)
            article.outlet = rng.choice(self.outlets)
            article.save()
        elif action == "drop article":
            article = annotation.article
            self.articles.remove(article)
            article.delete()
            self.articles.append(make_article(outlet=rng.choice(self.outlets), body=" ".join(WORDS)))
        elif action == "membership":  # bob leaves the group or joins again: his own passages stay his
            bob = self.users[1]
            if not Membership.objects.filter(user=bob, group=self.group).delete()[0]:
                Membership.objects.create(user=bob, group=self.group)
        elif action == "drop tag":
            Tag.objects.filter(pk__in=TaggedAnnotation.objects.values("tag")[:1]).delete()
        return action


def seen_by(user) -> dict[int, int]:
    """tag -> passages the user sees, counted the slow way: every visible annotation's links."""
    passages = Annotation.objects.visible_to(user).shown_in_full_to(user).anchored()
    rows = (
        TaggedAnnotation.objects.filter(content_object__in=passages)
        .values_list("tag")
        .annotate(n=Count("pk"))
    )
    return dict(rows.order_by())


def shown_to(user) -> dict[int, int]:
    overview = tags.tag_overview(tags.Reader.of(user))
    return {row.tag.pk: row.total for row in overview.rows}


@pytest.mark.parametrize("seed", range(8))
def test_the_counts_equal_a_count_from_scratch_after_any_writes(alice, bob, seed):
    writer = Writer(seed, alice, bob)
    editor = User.objects.create_superuser("editor", "editor@example.com", "pw")  # moderates public ones
    done, largest = set(), 0
    for step in range(60):
        action = writer.step()
        done.add(action)
        counted = tag_counts.recount()
        assert kept() == counted, f"after {action}"
        largest = max(largest, sum(counted.values()))
        if step % 10 == 9:  # and each reader's own layers counted on top
            for user in [AnonymousUser(), alice, bob, editor]:
                assert shown_to(user) == seen_by(user), user
    assert len(done) >= 10 and largest >= 3  # most kinds of write, on several passages


def test_the_counts_are_rebuilt_after_a_load_without_triggers(alice):
    article = make_article(outlet=make_outlet("Daily"), body=" ".join(WORDS))
    annotate(article, alice, "two", ["framing"])
    tag_counts.drop()
    assert not tag_counts.is_built()
    annotate(article, alice, "three", ["framing", "claim"])
    assert kept() != tag_counts.recount()
    tag_counts.build()
    assert tag_counts.is_built()
    assert kept() == tag_counts.recount() and sum(kept().values()) == 3


def test_migrate_puts_back_the_triggers_a_migration_dropped():
    tag_counts.drop()  # as a migration that remakes a counted table on SQLite does
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
    assert tag_counts.is_built()


def test_every_change_a_tag_page_shows_raises_the_version(alice):
    outlet = make_outlet("Daily")
    article = make_article(story=make_story("S"), outlet=outlet, body=" ".join(WORDS))
    versions = [tag_counts.current_version()]

    def changed():
        versions.append(tag_counts.current_version())
        return versions[-1] != versions[-2]

    annotation = annotate(article, alice, "two", ["framing"], visibility="private")
    assert changed()  # a private link: the author's own counts
    Annotation.objects.filter(pk=annotation.pk).update(hidden_at=timezone.now())
    assert changed()
    Article.objects.filter(pk=article.pk).update(title="Renamed")
    assert changed()
    article.story.title = "Story renamed"
    article.story.save()
    assert changed()
    outlet.name = "The Daily"
    outlet.save()
    assert changed()
    Annotation.objects.filter(pk=annotation.pk).update(note_html="<p>Corrected.</p>")
    assert changed()  # an edited note must not stay on the tag page
    Article.objects.filter(pk=article.pk).update(annotations_changed_at=timezone.now())
    assert not changed()  # nothing shown changed


def test_reading_the_tag_pages_writes_nothing(client, alice):
    article = make_article(story=make_story("S"), outlet=make_outlet("Daily"), body=" ".join(WORDS))
    annotate(article, alice, "two", ["framing"])
    annotate(article, alice, "three", ["claim"], visibility="private")
    client.force_login(alice)
    paths = [
        reverse("articles:tag_index"),
        reverse("articles:tag_index") + f"?story={article.story.slug}",
        reverse("articles:tag_detail", args=["framing"]),
        reverse("articles:tag_detail", args=["claim"]),
    ]
    with CaptureQueriesContext(connection) as queries:
        for path in paths:
            assert client.get(path).status_code == 200
    writes = [
        q["sql"]
        for q in queries
        if not q["sql"].lstrip().upper().startswith(("SELECT", "SAVEPOINT", "RELEASE"))
    ]
    assert writes == []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite runs one write at a time")
def test_two_writes_on_one_article_never_deadlock_on_the_version(alice, bob):
    """A new annotation locks its article, then links its tags; an edit changes an annotation, then
    stamps the same article. Were the version's row raised before commit, each would hold what the
    other waits for (PostgreSQL: "deadlock detected", a 500)."""
    article = make_article(body=" ".join(WORDS))
    edited = annotate(article, bob, "three", ["claim"])
    tag = Tag.objects.get(key="claim")
    article_locked, errors = threading.Event(), []

    def create_annotation():
        try:
            with transaction.atomic():
                Article.objects.select_for_update().get(pk=article.pk)
                article_locked.set()
                made = annotate(article, alice, "two", [])
                threading.Event().wait(0.5)  # while the edit waits for the article
                TaggedAnnotation.objects.create(content_object=made, tag=tag)
        except Exception as error:  # noqa: BLE001 (reported below)
            errors.append(error)
        finally:
            connection.close()

    def edit_annotation():
        try:
            article_locked.wait()
            with transaction.atomic():
                Annotation.objects.filter(pk=edited.pk).update(note_html="<p>Edited.</p>")
                Article.objects.filter(pk=article.pk).update(annotations_changed_at=timezone.now())
        except Exception as error:  # noqa: BLE001 (reported below)
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=create_annotation), threading.Thread(target=edit_annotation)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert kept() == tag_counts.recount()
