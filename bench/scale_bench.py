"""The site's pages at scale: 100,000 articles and 1,000,000 annotations, on SQLite or PostgreSQL.

    .venv/bin/python bench/scale_bench.py [--scale 0.1] [--requests 3] [--seed 1] [--keep]
                                          [--postgres URL] [--database scale_bench] [--reuse FOLDER]

Builds issue 14's data set, times --scale (1 is the whole set; 0.01 tries it in a minute or two):
200 outlets, 100,000 articles of 2-4 KB in 5,000 stories (the largest of 1,259 articles, the others
about 20 each), 1,000 users (a staff editor among them) in groups of about seven, 1,000,000
annotations skewed over articles and authors (50% public, 25% for a group of the author's, 25%
private; 3% of the shared ones hidden by a moderator, 1% deleted) and about 2,000,000 tag links over
500 tags, the top tag on 26.6% of the annotations (266,000 passages at scale 1); a reply on 5% of
the annotations and a flag on 0.5% (public ones), for the admin's lists. Counts of articles,
stories, users, annotations and links scale; outlets and tags do not. One article of the largest
story carries 100 annotations at every scale: the article page that is measured.

The data goes in through the real models with bulk_create(), one transaction per batch of articles,
with the search index and the tag counts' triggers dropped meanwhile and built after (as
search_bench does). Bodies are canonical (canonicalize(), content_hash(), count_words() as
Article.clean() sets them); every annotation is a passage of its article's body cut at word
boundaries, its quote and context as anchoring.quote_at() makes them (a sample is checked against
the stored text). The database is new: a SQLite file in a temporary folder (under $TMPDIR), or with
--postgres (an administrative URL such as postgres://postgres@127.0.0.1:5432/postgres) the database
--database, created and dropped after (and VACUUM ANALYZE'd after the load, as autovacuum would).
migrate and collectstatic run in subprocesses; settings are the project's with DEBUG off
(bench/harness.py's bench_env) and the search rate limit lifted. --reuse FOLDER measures again the
data set that a run with --keep left (FOLDER is the one it names; on PostgreSQL with the same
--postgres and --database), migrated first: an index or a page can be tried without building the
data set again. The data set is then kept.

The largest story is compared as the task worker compares it (its coverage page shows the record).
Then each page of the issue is requested with Django's test Client in this process: cold (cache
cleared before each request) and warm (after one untimed request), --requests times each, and it
prints the median server CPU per request (time.process_time around the client call), the HTML size,
the number of queries and the slowest query (every SELECT of one more cold request run again alone
with all its rows fetched, as SQLite computes rows as they are fetched: CPU time on SQLite, wall
clock on PostgreSQL), each against the issue's
targets: at most 200 ms of CPU cold and 20 ms warm, 500 KB of HTML (an article's own annotations
excepted: its size is not judged), and 500 ms for the admin lists. It prints figures and asserts
nothing.
"""

import argparse
import datetime
import json
import os
import random
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import numpy as np
from harness import (
    become_django,
    bench_env,
    check_ok,
    clean_up,
    create_postgres_database,
    drop_postgres_database,
    manage,
)
from import_bench import VOCABULARY

FULL = {
    "articles": 100_000,
    "stories": 5_000,
    "largest story": 1_259,
    "users": 1_000,
    "annotations": 1_000_000,
}
OUTLETS = 200
TAGS = 500
TOP_TAG_SHARE = 0.266  # of the annotations
TAG_PAGE_PASSAGES = 10_000  # the other tag page: the tag nearest this many passages (scaled)
TAGS_PER_ANNOTATION = [0.1, 0.2, 0.4, 0.2, 0.1]  # shares of 0, 1, ... 4 tags: 2 on average
MEASURED_ANNOTATIONS = 100  # on the article of the largest story that is measured
VISIBILITIES = [("public", 0.5), ("group", 0.25), ("private", 0.25)]
HIDDEN_SHARE = 0.03  # of the shared annotations
DELETED_SHARE = 0.01
REPLY_SHARE = 0.05  # of the annotations: a reply each (the admin's reply list)
FLAG_SHARE = 0.005  # of the annotations: a reader's flag (the admin's flag list), a third resolved
ARTICLES_PER_BATCH = 1_000
FIRST_DAY = datetime.date(2024, 1, 1)
DAYS = 730
SEARCH_WORD = "council"
NOTES = [
    "",
    "",
    "Who says so? *No source* is given for this.",
    "Compare the **other outlets'** wording of this passage.",
    "- a claim\n- no figure to back it",
    "> Quoted without its context.",
    "Is this the right word? [A glossary](https://example.org/glossary)",
    "Correction: the date is wrong.",
]

# The targets on this data set.
COLD_MS = 200
WARM_MS = 20
HTML_KB = 500
ADMIN_MS = 500


def scaled(name: str, scale: float, least: int) -> int:
    return max(least, round(FULL[name] * scale))


# The data set.


class Builder:
    def __init__(self, scale: float, seed: int):
        self.scale = scale
        self.rng = random.Random(seed)
        self.numbers = np.random.default_rng(seed)
        self.articles = scaled("articles", scale, 100)
        self.story_count = scaled("stories", scale, 5)
        self.largest = min(self.articles // 2, scaled("largest story", scale, 2))
        self.user_count = scaled("users", scale, 20)
        self.annotation_count = scaled("annotations", scale, 1_000)
        words = [word for word in VOCABULARY if word.isalpha()]
        self.sentences = [self.sentence(words) for _ in range(3_000)]
        self.seconds = {}

    def remember(self, path: Path) -> None:
        """What measure() and report_data() need of the data set, for --reuse."""
        picks = {
            "scale": self.scale,
            "measured article": self.measured_article.pk,
            "largest story": self.stories[0].pk,
            "editor": self.editor.pk,
            "reader": self.reader,
            "counts": [self.links, self.replies, self.flags],
        }
        path.write_text(json.dumps(picks))

    def recall(self, path: Path) -> None:
        from django.contrib.auth import get_user_model

        from articles.models import Article, Story

        picks = json.loads(path.read_text())
        self.measured_article = Article.objects.get(pk=picks["measured article"])
        self.stories = [Story.objects.get(pk=picks["largest story"])]
        self.editor = get_user_model().objects.get(pk=picks["editor"])
        self.reader = picks["reader"]
        self.links, self.replies, self.flags = picks["counts"]

    def sentence(self, words: list[str]) -> str:
        text = " ".join(self.rng.choices(words, k=self.rng.randint(8, 24)))
        return text[0].upper() + text[1:] + "."

    def body(self) -> str:
        from articles.text.canonical import canonicalize

        rng, paragraphs, size = self.rng, [], 0
        target = rng.randint(2_000, 4_000)
        while size < target:
            paragraph = " ".join(rng.choices(self.sentences, k=rng.randint(2, 5)))
            paragraphs.append(paragraph)
            size += len(paragraph) + 2
        return canonicalize("\n\n".join(paragraphs))

    def timed(self, label: str, work) -> None:
        started = time.perf_counter()
        work()
        self.seconds[label] = time.perf_counter() - started

    def build(self) -> None:
        from articles.models import tag_counts
        from newsroom.search import index

        index.drop()  # no triggers during the load
        tag_counts.drop()
        self.timed("accounts", self.accounts)
        self.timed("outlets, stories, tags", self.catalogue)
        self.timed("articles, annotations", self.corpus)
        self.timed("search index", index.build)
        self.timed("tag counts", tag_counts.build)
        self.timed("statistics", analyze)

    def accounts(self) -> None:
        from django.contrib.auth import get_user_model
        from django.contrib.auth.hashers import make_password

        from newsroom.accounts.models import Group, Membership, Role

        rng, password = self.rng, make_password(None)  # unusable: the bench signs in with force_login
        users = [
            get_user_model()(
                username="editor" if n == 0 else f"reader{n}",
                password=password,
                is_staff=n == 0,
                is_superuser=n == 0,
            )
            for n in range(self.user_count)
        ]
        users = get_user_model().objects.bulk_create(users)
        self.editor = users[0]
        groups = Group.objects.bulk_create(
            Group(name=f"Desk {n}", slug=f"desk-{n}") for n in range(1, max(3, self.user_count // 7) + 1)
        )
        self.groups_of = {user.pk: [] for user in users}
        self.moderators_of = {group.pk: [] for group in groups}
        memberships = []
        for user in users[1:]:
            for group in rng.sample(groups, rng.choice([0, 1, 1, 2, 3])):
                role = Role.OWNER if not self.moderators_of[group.pk] else Role.MEMBER
                if role == Role.OWNER:
                    self.moderators_of[group.pk].append(user.pk)
                self.groups_of[user.pk].append(group.pk)
                memberships.append(Membership(group=group, user=user, role=role))
        Membership.objects.bulk_create(memberships)
        # Authors by Zipf-like weights: a few write much. The reader who signs in is a prolific
        # author in two groups or more.
        self.authors = [user.pk for user in users[1:]]
        rng.shuffle(self.authors)
        self.author_weights = list(np.cumsum([1 / (rank + 10) for rank in range(len(self.authors))]))
        self.reader = next(pk for pk in self.authors if len(self.groups_of[pk]) >= 2)

    def catalogue(self) -> None:
        from django.utils.text import slugify

        from articles.models import Outlet, Story, Tag

        rng = self.rng
        self.outlets = Outlet.objects.bulk_create(
            Outlet(name=f"Outlet {n}", slug=f"outlet-{n}", homepage_url=f"https://outlet-{n}.example.com")
            for n in range(1, OUTLETS + 1)
        )
        stories = []
        for n in range(1, self.story_count + 1):
            title = rng.choice(self.sentences)[:-1][:200]
            date = FIRST_DAY + datetime.timedelta(days=rng.randrange(DAYS))
            stories.append(Story(title=title, slug=f"{slugify(title)[:180]}-{n}", date=date))
        self.stories = Story.objects.bulk_create(stories)
        words = [word for word in VOCABULARY if word.isalpha()]
        names = set()
        while len(names) < TAGS:
            names.add(" ".join(rng.sample(words, rng.randint(1, 2))).lower())
        self.tags = Tag.objects.bulk_create(
            Tag(name=name, key=Tag.key_for(name), slug=f"{Tag().slugify(name)}-{n}")
            for n, name in enumerate(sorted(names))
        )
        rng.shuffle(self.tags)  # by popularity: the first is the top tag
        self.tag_weights = list(np.cumsum([1 / (rank + 3) for rank in range(1, len(self.tags))]))

    def story_of(self, number: int):
        """The largest story takes the first articles, the others share the rest at random."""
        if number < self.largest:
            return self.stories[0]
        return self.stories[1 + self.rng.randrange(len(self.stories) - 1)]

    def corpus(self) -> None:
        from django.db import transaction

        from articles.models import Article
        from articles.text.canonical import content_hash, count_words
        from articles.text.cleaning import is_damaged

        weights = self.numbers.lognormal(0, 1.2, self.articles)
        weights[0] = 0  # the measured article: exactly MEASURED_ANNOTATIONS
        rest = self.annotation_count - MEASURED_ANNOTATIONS
        self.per_article = self.numbers.multinomial(rest, weights / weights.sum()).tolist()
        self.per_article[0] = MEASURED_ANNOTATIONS
        self.links = self.replies = self.flags = 0
        notes = self.notes()
        self.reply_notes = [note for note in notes if note[0]]
        for first in range(0, self.articles, ARTICLES_PER_BATCH):
            batch = []
            for number in range(first, min(first + ARTICLES_PER_BATCH, self.articles)):
                story = self.story_of(number)
                body = self.body()
                title = self.rng.choice(self.sentences)[:-1][:300]
                batch.append(
                    Article(
                        outlet=self.outlets[number % OUTLETS],
                        story=story,
                        title=title,
                        slug=f"article-{number}",
                        published_on=story.date + datetime.timedelta(days=self.rng.randrange(4)),
                        source_url=f"https://outlet.example.com/{number}",
                        body=body,
                        content_hash=content_hash(body),
                        source_file=f"scale-bench-{number:07d}.json",
                        word_count=count_words(body),
                        text_damaged=is_damaged(body),
                    )
                )
            with transaction.atomic():
                saved = Article.objects.bulk_create(batch)
                self.annotate(saved, first, notes)
            if first == 0:
                self.measured_article = saved[0]
            done = first + len(batch)
            if done % (ARTICLES_PER_BATCH * 10) == 0 or done == self.articles:
                print(f"{'':<14} {done:,} articles", flush=True)

    def notes(self) -> list[tuple[str, str]]:
        from articles.sanitize import render_note

        return [(note, render_note(note) if note else "") for note in NOTES]

    def annotate(self, articles: list, first: int, notes: list) -> None:
        from django.utils import timezone

        from articles.models import Annotation
        from articles.models.annotations import TaggedAnnotation
        from articles.text.anchoring import quote_at

        rng, now = self.rng, timezone.now()
        annotations, tag_sets = [], []
        for number, article in enumerate(articles, first):
            authors = rng.choices(self.authors, cum_weights=self.author_weights, k=self.per_article[number])
            for author in authors:
                start, end = self.passage(article.body)
                quote = quote_at(article.body, start, end)
                note, note_html = rng.choice(notes)
                visibility, group = self.audience(author)
                hidden = visibility != "private" and rng.random() < HIDDEN_SHARE
                annotations.append(
                    Annotation(
                        article=article,
                        author_id=author,
                        start=start,
                        end=end,
                        exact=quote.exact,
                        prefix=quote.prefix,
                        suffix=quote.suffix,
                        note=note,
                        note_html=note_html,
                        visibility=visibility,
                        group_id=group,
                        hidden_at=now if hidden else None,
                        hidden_by_id=(self.moderators_of[group][0] if group else self.editor.pk)
                        if hidden
                        else None,
                        deleted_at=now if rng.random() < DELETED_SHARE else None,
                    )
                )
                tag_sets.append(self.tags_of_one())
        annotations = Annotation.objects.bulk_create(annotations, batch_size=2_000)
        links = [
            TaggedAnnotation(content_object=annotation, tag=tag)
            for annotation, tags in zip(annotations, tag_sets, strict=True)
            for tag in tags
        ]
        TaggedAnnotation.objects.bulk_create(links, batch_size=5_000)
        self.links += len(links)
        self.discuss(annotations, now)

    def discuss(self, annotations: list, now) -> None:
        """Replies and flags on a share of the public annotations, for the admin's lists."""
        from articles.models.annotations import Flag, Reply

        rng, public = (
            self.rng,
            [annotation for annotation in annotations if annotation.visibility == "public"],
        )
        replies, flags = [], []
        for annotation in public:
            if rng.random() < REPLY_SHARE * 2:  # public: half of them
                note, note_html = rng.choice(self.reply_notes)
                author = rng.choice(self.authors)
                replies.append(Reply(annotation=annotation, author_id=author, note=note, note_html=note_html))
            if rng.random() < FLAG_SHARE * 2:
                resolved = rng.random() < 1 / 3
                flags.append(
                    Flag(
                        annotation=annotation,
                        user_id=rng.choice(self.authors),
                        reason="Unsourced claim.",
                        resolved_at=now if resolved else None,
                        resolved_by_id=self.editor.pk if resolved else None,
                    )
                )
        Reply.objects.bulk_create(replies, batch_size=2_000)
        Flag.objects.bulk_create(flags, batch_size=2_000)
        self.replies += len(replies)
        self.flags += len(flags)

    def audience(self, author: int) -> tuple[str, int | None]:
        draw, groups = self.rng.random(), self.groups_of[author]
        public, group = VISIBILITIES[0][1], VISIBILITIES[1][1]
        if draw < public or (draw < public + group and not groups):
            return "public", None
        if draw < public + group:
            group_id = self.rng.choice(groups)
            return ("group", group_id) if self.moderators_of[group_id] else ("public", None)
        return "private", None

    def tags_of_one(self) -> set:
        """About two tags, the top one on TOP_TAG_SHARE of all annotations."""
        rng = self.rng
        count = rng.choices(range(len(TAGS_PER_ANNOTATION)), TAGS_PER_ANNOTATION)[0]
        if not count:
            return set()
        tags = set()
        if rng.random() < TOP_TAG_SHARE / (1 - TAGS_PER_ANNOTATION[0]):
            tags.add(self.tags[0])
        while len(tags) < count:
            tags.add(rng.choices(self.tags[1:], cum_weights=self.tag_weights)[0])
        return tags

    def passage(self, body: str) -> tuple[int, int]:
        """A passage that starts and ends at word boundaries, mostly a phrase or a sentence."""
        rng = self.rng
        position = rng.randrange(len(body))
        start = max(body.rfind(" ", 0, position), body.rfind("\n", 0, position)) + 1
        reach = start + min(600, max(3, int(rng.lognormvariate(4, 0.7))))
        ends = [end for end in (body.find(" ", reach), body.find("\n", reach)) if end >= 0]
        return start, min(ends) if ends else len(body)


def analyze() -> None:
    """PostgreSQL's statistics after a bulk load, as autovacuum would gather them."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


def check_data(builder: Builder) -> None:
    """A sample of annotations is its article's text; bodies are canonical."""
    from articles.models import Annotation, Article
    from articles.text.canonical import is_canonical

    for annotation in Annotation.objects.select_related("article").order_by("?")[:200]:
        body = annotation.article.body
        if body[annotation.start : annotation.end] != annotation.exact or not annotation.exact.strip():
            raise RuntimeError(f"annotation {annotation.pk} does not match its article's text")
    for body in Article.objects.order_by("?").values_list("body", flat=True)[:50]:
        if not is_canonical(body):
            raise RuntimeError("a stored body is not canonical")


# The pages.


def pages(builder: Builder) -> list[tuple[str, str, str]]:
    """(label, reader, path) of every page the issue names."""
    from django.db.models import Count
    from django.urls import reverse

    from articles.models import Tag

    counted = Tag.objects.annotate(passages=Count("tagged_annotations"))
    top = counted.order_by("-passages").first()
    near = TAG_PAGE_PASSAGES * builder.scale
    middle = min(counted.exclude(pk=top.pk), key=lambda tag: abs(tag.passages - near))
    builder.tag_counts = (top.passages, middle.passages)
    article = builder.measured_article
    largest = builder.stories[0]
    compare_largest_story(largest)
    side_by_side = f"{reverse('articles:compare', args=[largest.slug])}?" + "&".join(
        f"a={pk}" for pk in largest.articles.order_by("pk").values_list("pk", flat=True)[:5]
    )
    coverage = reverse("articles:story_coverage", args=[largest.slug])
    return [
        ("tag index", "anonymous", "/tags/"),
        (f"tag page, top ({top.passages:,})", "anonymous", top.get_absolute_url()),
        (f"tag page ({middle.passages:,})", "anonymous", middle.get_absolute_url()),
        ("home page", "anonymous", "/"),
        ("largest story", "anonymous", builder.stories[0].get_absolute_url()),
        ("article in it", "anonymous", article.get_absolute_url()),
        ("article in it", "reader", article.get_absolute_url()),
        ("tag index", "reader", "/tags/"),
        ("tag index, page 2", "anonymous", "/tags/?page=2"),
        ("tag index, story", "anonymous", f"/tags/?story={builder.stories[0].slug}"),
        (f"tag page, top ({top.passages:,})", "reader", top.get_absolute_url()),
        ("admin annotations", "editor", "/admin/articles/annotation/"),
        ("admin articles", "editor", "/admin/articles/article/"),
        ("admin stories", "editor", "/admin/articles/story/"),
        ("admin replies", "editor", "/admin/articles/reply/"),
        ("admin flags", "editor", "/admin/articles/flag/"),
        ("search", "anonymous", f"/search/?q={SEARCH_WORD}"),
        ("largest story side by side", "reader", side_by_side),
        ("largest story's coverage", "anonymous", coverage),
        ("largest story's coverage", "reader", coverage),
        ("its coverage, last columns", "anonymous", f"{coverage}?articles=1000"),
    ]


def compare_largest_story(story) -> None:
    """The largest story compared as the task worker compares it (once: --reuse keeps it)."""
    from articles.models import StoryComparison
    from articles.services import coverage

    if not StoryComparison.objects.filter(story=story).exists():
        started = time.process_time()
        record = coverage.compare_story(story).record
        seconds = time.process_time() - started
        print(f"compared the largest story in {seconds:.1f} s of CPU: {len(record.passages)} passages listed")


def cpu_ms(client, path: str, count: int, *, cold: bool) -> list[float]:
    from django.core.cache import cache

    samples = []
    for _ in range(count):
        if cold:
            cache.clear()
        started = time.process_time()
        response = client.get(path)
        samples.append(1000 * (time.process_time() - started))
        check_ok(response, path)
    return samples


def slowest_query(client, path: str) -> tuple[int, int, float, str]:
    """(HTML bytes, queries, ms of the slowest SELECT run again alone with its rows fetched, its start)
    of one more cold request."""
    from django.core.cache import cache
    from django.db import connection

    seen = []

    def record(execute, sql, params, many, context):
        seen.append((sql, params, many))
        return execute(sql, params, many, context)

    cache.clear()
    with connection.execute_wrapper(record):
        response = client.get(path)
    check_ok(response, path)
    # SQLite runs in this process: its CPU time. PostgreSQL's server is elsewhere: wall clock.
    clock = time.process_time if connection.vendor == "sqlite" else time.perf_counter
    slowest, slowest_sql, done = 0.0, "", set()
    for sql, params, many in seen:
        key = (sql, repr(params))
        if many or key in done or not sql.lstrip().upper().startswith(("SELECT", "WITH")):
            continue
        done.add(key)
        with connection.cursor() as cursor:
            started = clock()
            cursor.execute(sql, params)
            cursor.fetchall()
            seconds = clock() - started
        if seconds > slowest:
            slowest, slowest_sql = seconds, sql
    return len(response.content), len(seen), 1000 * slowest, " ".join(slowest_sql.split())[:70]


def measure(builder: Builder, requests: int) -> list[dict]:
    from django.contrib.auth import get_user_model
    from django.test import Client

    clients = {"anonymous": Client(HTTP_HOST="127.0.0.1")}
    for name, pk in [("reader", builder.reader), ("editor", builder.editor.pk)]:
        clients[name] = Client(HTTP_HOST="127.0.0.1")
        clients[name].force_login(get_user_model().objects.get(pk=pk))
    rows = []
    for label, reader, path in pages(builder):
        client = clients[reader]
        cold = cpu_ms(client, path, requests, cold=True)
        cpu_ms(client, path, 1, cold=False)  # primes the cache
        warm = cpu_ms(client, path, requests, cold=False)
        size, queries, slowest, sql = slowest_query(client, path)
        rows.append(
            {
                "label": label,
                "reader": reader,
                "cold": statistics.median(cold),
                "warm": statistics.median(warm),
                "size": size,
                "queries": queries,
                "slowest": slowest,
                "sql": sql,
            }
        )
        print(f"{'':<14} {label} ({reader}): {statistics.median(cold):,.0f} ms cold", flush=True)
    return rows


def verdict(is_met: bool) -> str:
    return "met" if is_met else "MISSED"


def report(rows: list[dict]) -> None:
    print()
    print("Server CPU per request in this process (time.process_time, median), DEBUG off, in ms; HTML in KB;")
    print("queries and the slowest SELECT of one more cold request, run again alone with its rows fetched")
    print("(ms: CPU time on SQLite, in this process; wall clock on PostgreSQL, whose server is elsewhere).")
    print(
        f"Targets: cold <= {COLD_MS} ms (admin lists {ADMIN_MS} ms), warm <= {WARM_MS} ms,"
        f" HTML <= {HTML_KB} KB (an article page's own annotations excepted: not judged)."
    )
    header = f"{'page':<24} {'reader':<10} {'cold':>8} {'warm':>8} {'HTML':>8} {'queries':>8} {'slowest':>9}"
    print(f"{header}  {'cold':<6} {'warm':<6} {'HTML':<6} slowest query")
    for row in rows:
        is_admin = row["label"].startswith("admin")
        cold_met = row["cold"] <= (ADMIN_MS if is_admin else COLD_MS)
        warm_met = is_admin or row["warm"] <= WARM_MS
        size_met = "-" if row["label"].startswith("article") else verdict(row["size"] <= HTML_KB * 1024)
        print(
            f"{row['label']:<24} {row['reader']:<10} {row['cold']:>8,.1f} {row['warm']:>8,.1f}"
            f" {row['size'] / 1024:>8,.0f} {row['queries']:>8} {row['slowest']:>9,.1f}"
            f"  {verdict(cold_met):<6} {verdict(warm_met) if not is_admin else '-':<6} {size_met:<6}"
            f" {row['sql']}"
        )
    print("reader: a signed-in author in two groups or more; editor: staff, superuser (the admin lists).")


def report_data(builder: Builder) -> None:
    from articles.models import Annotation

    stats = [
        ("articles", f"{builder.articles:,} in {builder.story_count:,} stories over {OUTLETS} outlets,"),
        ("", f"the largest of {builder.largest:,}; {builder.user_count:,} users"),
        ("annotations", f"{Annotation.objects.count():,} with {builder.links:,} tag links over {TAGS} tags"),
        ("", f"{builder.replies:,} replies, {builder.flags:,} flags"),
        (
            "tag pages",
            f"the top tag on {builder.tag_counts[0]:,} passages, the other on {builder.tag_counts[1]:,}",
        ),
    ]
    for label, text in stats:
        print(f"{label:<14} {text}")
    for label, seconds in builder.seconds.items():
        print(f"{'built':<14} {label}: {seconds:,.1f} s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=0.1, help="share of the issue's data set (0.1)")
    parser.add_argument("--requests", type=int, default=3, help="timed requests per page and state (3)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder and database")
    parser.add_argument("--reuse", type=Path, help="a folder --keep left: measure its data set again")
    parser.add_argument("--postgres", help="an administrative PostgreSQL URL: run on PostgreSQL")
    parser.add_argument(
        "--database", default="scale_bench", help="the PostgreSQL database made (scale_bench)"
    )
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda number, frame: sys.exit(128 + number))

    work_dir = args.reuse or Path(tempfile.mkdtemp(prefix="scale-bench-"))
    keep = args.keep or bool(args.reuse)
    picks = work_dir / "picks.json"
    if args.reuse:
        args.scale = json.loads(picks.read_text())["scale"]
    created = False  # a PostgreSQL database of ours, to drop (never one that was there before)
    try:
        url = f"sqlite:///{work_dir / 'scale.sqlite3'}"
        if args.postgres and args.reuse:
            url = urlunsplit(urlsplit(args.postgres)._replace(path=f"/{args.database}"))
        elif args.postgres:
            url, created = create_postgres_database(args.postgres, args.database), True
        env = bench_env(
            work_dir, database_url=url, settings='\nRATE_LIMITS = {**RATE_LIMITS, "search": (1e6, 1e6)}\n'
        )
        for command in [
            ["migrate", "--noinput", "--verbosity", "0"],
            ["collectstatic", "--noinput", "--verbosity", "0"],
        ]:
            manage(env, *command)
        become_django(env, work_dir)
        backend = f"PostgreSQL {args.database}" if args.postgres else "SQLite"
        print(f"{'database':<14} {backend}, scale {args.scale:g}")
        builder = Builder(args.scale, args.seed)
        if args.reuse:
            builder.recall(picks)
            analyze()  # for the indexes a migration may have added
        else:
            builder.build()
            check_data(builder)
            builder.remember(picks)
        rows = measure(builder, args.requests)
        report_data(builder)
        load = ", ".join(f"{figure:.1f}" for figure in os.getloadavg())
        print(f"{'machine':<14} {os.cpu_count()} CPUs, load average {load} (1, 5, 15 min)")
        report(rows)
    finally:
        if created:
            from django.db import connections

            connections.close_all()
            if not keep:
                drop_postgres_database(args.postgres, args.database)
        clean_up(work_dir, keep)
    return 0


if __name__ == "__main__":
    sys.exit(main())
