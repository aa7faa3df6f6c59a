"""Time full-text search (/search/) on 100,000 synthetic articles and 1,000,000 annotations, on SQLite
and on PostgreSQL.

    .venv/bin/python bench/search_bench.py [--articles 100000] [--annotations 1000000] [--users 1000]
                                           [--queries 200] [--backend both|sqlite|postgresql] [--seed 1]
                                           [--keep] [--reuse FOLDER [--rebuild-index]] [--timeout 60]
                                           [--postgres URL] [--database search_bench] [--explain 3]

Each backend runs in a process of its own (both by default, PostgreSQL when it answers), one after
the other:

1. Data. A new database: SQLite in a temporary folder (under $TMPDIR), with the settings' own WAL
   options, or the PostgreSQL database --database (search_bench, made anew through --postgres, an
   administrative connection, and dropped afterwards). `manage.py migrate` and `collectstatic` run
   in subprocesses, then this process becomes Django, calls `index.drop()` (no triggers during the
   load) and fills the tables in bulk, one transaction per batch (executemany on SQLite, COPY on
   PostgreSQL): --users users (a third with a display name); a group per ~7 users, each user in 0-5
   of them (one owner per group, some moderators); 200 outlets, a story per 20 articles, 500 tags;
   articles dated over two years whose bodies are 2-4 KB of canonical word salad drawn with
   Zipf-like weights from ~350 real words and 200,000 pseudo-words, so that some words are in most
   articles and many in one or two; annotations skewed over articles and authors, each a passage
   of its article's body cut at word boundaries (quote and context as the app stores them), with a
   short Markdown note (and its HTML, as render_note() makes it) or none, 50% public, 25% for a
   group of the author's, 25% private, 3% of the shared ones hidden by a moderator, 1% deleted;
   about two tags per annotation (Zipf over the tags) and replies under 5% of them. It prints each
   phase's time, generating and inserting apart. PostgreSQL then gets VACUUM ANALYZE, as
   autovacuum would after a bulk load (timed apart, not part of the build).
   Every body is checked canonical, and a sample of annotations against the stored text.
2. Index. The time of `index.build()` in this process, then index.size_bytes() and the size of the
   whole database (SQLite: the file after a WAL checkpoint).
3. Queries. --queries URLs of /search/ drawn with --seed (the same on both databases): five kinds
   in equal shares (a common word; a rare word, found in 1-5 articles; a phrase of 2-3 words in
   quotes taken from a body; two words; an exclusion, OR or prefix*), each half without and half
   with a filter (outlet, story, tag, dates, kind=annotations, author, annotated, and for a member
   layer and group), a fifth sorted by date, half as an anonymous reader and half as a member of
   several groups (Client.force_login). After a few warm-up requests each URL is timed once in
   this process with Django's test Client (the whole page: queries and template; DEBUG off), with
   progress and every request over 2 s printed as it goes. SQL that runs over --timeout seconds
   (60) is stopped (SQLite: a progress handler, for the whole request; PostgreSQL:
   statement_timeout), so that one pathological search cannot hold the bench for hours: such a
   request counts at the time it was stopped, which is too low, and is listed as not 200. Every
   answer must be 200, and the counts the page shows are checked where they can be known: a word
   finds at least the articles known to hold it, a phrase taken from a body at least one, a
   filter never more than the same words on the same tab without it (a count shown as "More
   than N" or "N+" is a lower bound and is checked as one).

It prints p50, p95 and max per backend, overall and per query kind, filter, reader, tab and sort;
the slowest 5 URLs; and for the slowest requests over the target (--explain, 3; the slowest of
each filter) their statements each run again alone with all rows fetched (SQLite computes rows as
they are fetched, so Django's own timing leaves most of it out), the slowest one's SQL and its
plan (EXPLAIN QUERY PLAN on SQLite, EXPLAIN (ANALYZE, BUFFERS) on PostgreSQL). --keep keeps the
folder (SQLite file, the data's word lists) and the PostgreSQL database; --reuse FOLDER searches
them again without generating anything, building the index anew only when the search app now
builds it otherwise (or with --rebuild-index). A small run: --articles 2000 --annotations 20000
(well under a minute per backend).

Targets: p95 under 100 ms on both backends; index build under 10 minutes on SQLite (100,000
articles, 1,000,000 annotations). It prints figures and does not assert them.
"""

import argparse
import datetime
import hashlib
import html
import json
import logging
import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

import numpy as np
from django.utils.text import slugify  # needs no settings
from harness import ROOT, TAGS, become_django, bench_env, load_average, postgres_answers
from import_bench import CITIES, FIRST_NAMES, LAST_NAMES, PAPER_NOUNS, VOCABULARY

TARGET_P95_MS = 100
TARGET_BUILD_SECONDS = 600
SEARCH_PATH = "/search/"
MB = 1024 * 1024

PSEUDO_WORDS = 200_000
ZIPF_EXPONENT = 1.1  # weight of the word of rank r: 1 / (r + ZIPF_OFFSET) ** ZIPF_EXPONENT
ZIPF_OFFSET = 2.7
FIRST_DAY = datetime.date(2023, 1, 1)
DAYS = 730
LAST_MOMENT = datetime.datetime(2025, 6, 30, tzinfo=datetime.UTC)
ARTICLES_PER_BATCH = 1000
OUTLETS = 200
TAG_COUNT = 500
TAGS_PER_ANNOTATION = [0.1, 0.25, 0.3, 0.2, 0.1, 0.05]  # shares of 0, 1, ... 5 tags: 2.1 on average
VISIBILITIES = [("public", 0.5), ("group", 0.25), ("private", 0.25)]
HIDDEN_SHARE = 0.03  # of public and group annotations
DELETED_SHARE = 0.01
REPLIED_SHARE = 0.05
EMPTY_NOTE_SHARE = 0.2
WARM_UP_QUERIES = 10

ONSETS = "b c d f g h j k l m n p r s t v w z br ch cr dr fl gl gr kl pl pr sh sk sl sp st tr".split()
NUCLEI = "a e i o u a e i o u ai au ea ee ia io oa ou".split()
CODAS = ["", "", "", "", "n", "r", "s", "l", "m", "nd", "nt", "rt", "st", "x"]
# {word} is a word of the passage, {n} the annotation's number; {salad} a few words of the corpus.
NOTE_TEMPLATES = [
    "Who says so? *No source* is given for this.",
    "Compare the **other outlets'** wording of this passage.",
    "The word `{word}` carries the framing here.",
    "Check against the report: https://example.com/reports/{n}",
    "- a claim\n- no figure to back it\n- see note {n}",
    "> {word}\n\nQuoted without its context.",
    "Is _{word}_ the right word? [A glossary](https://example.org/glossary#{n})",
    "Correction {n}: the date is wrong.",
    "Why {word} here?",
    "{salad}",
    "{salad}",
    "{salad}",
]
WORD_MARK, NUMBER_MARK = "qqwordqq", "qqnumberqq"  # what a template is rendered with, once
KINDS = ["common word", "rare word", "phrase", "two words", "operators"]
READERS = ["anonymous", "member"]
ANONYMOUS_FILTERS = ["outlet", "story", "tag", "dates", "kind=annotations", "author", "annotated"]
MEMBER_FILTERS = [*ANONYMOUS_FILTERS, "layer", "group"]
ORDER = {label: number for number, label in enumerate([*KINDS, "none", *MEMBER_FILTERS, *READERS])}
LONG_LISTS = re.compile(r"\d+(?:, ?\d+){9,}")  # ids in SQL and plans, shortened when printed


# The vocabulary.


class Vocabulary:
    """Real words first (function words at the top, as import_bench.py lists them), then pseudo-words,
    drawn with Zipf-like weights by rank."""

    def __init__(self, seed: int):
        rng = random.Random(seed)
        real = list(dict.fromkeys([word for word in VOCABULARY if word.isalpha()] + CITIES))
        taken, pseudo = set(word.lower() for word in real), []
        while len(pseudo) < PSEUDO_WORDS:
            word = "".join(
                rng.choice(ONSETS) + rng.choice(NUCLEI) + rng.choice(CODAS)
                for _ in range(rng.choice([2, 2, 3, 3, 3, 4]))
            )
            if word not in taken:
                taken.add(word)
                pseudo.append(word)
        self.words = real + pseudo
        self.real = len(real)
        weights = (np.arange(len(self.words)) + ZIPF_OFFSET) ** -ZIPF_EXPONENT
        self.cumulative = np.cumsum(weights / weights.sum())
        self.cumulative[-1] = 1.0
        lengths = np.array([len(word) + 1 for word in self.words])
        self.mean_chars = float((weights / weights.sum() * lengths).sum())  # a word and its space
        self.numbers = np.random.default_rng(seed)
        self.df = np.zeros(len(self.words), dtype=np.int64)  # articles that hold each word

    def draw(self, count: int) -> np.ndarray:
        return np.searchsorted(self.cumulative, self.numbers.random(count), side="right")

    def text(self, count: int) -> list[str]:
        words = self.words
        return [words[index] for index in self.draw(count).tolist()]

    def count(self, ids: np.ndarray) -> None:
        self.df[np.unique(ids)] += 1


def capitalized(word: str) -> str:
    return word[0].upper() + word[1:]


def make_body(vocabulary: Vocabulary, rng: random.Random, target_chars: int) -> tuple[str, np.ndarray]:
    """Canonical text: sentences of 6-24 words, 2-6 to a paragraph, paragraphs apart by one blank line."""
    ids = vocabulary.draw(int(target_chars / vocabulary.mean_chars) + 1)
    words = vocabulary.words
    tokens = [words[index] for index in ids.tolist()]
    paragraphs, position = [], 0
    while position < len(tokens):
        sentences = []
        for _ in range(rng.randint(2, 6)):
            sentence = tokens[position : position + rng.randint(6, 24)]
            if not sentence:
                break
            position += len(sentence)
            sentence[0] = capitalized(sentence[0])
            if len(sentence) > 8 and rng.random() < 0.3:
                sentence[len(sentence) // 2] += ","
            sentences.append(" ".join(sentence) + ".")
        paragraphs.append(" ".join(sentences))
    return "\n\n".join(paragraphs), ids


# Inserting in bulk.


class Table:
    """Rows of one model inserted in bulk: COPY on PostgreSQL, executemany on SQLite, one transaction a
    call. Rows are tuples in the order of `columns` (attnames); the model's other fields get their
    defaults, so that a field added later does not break the bench."""

    def __init__(self, model, columns: list[str], label: str = ""):
        from django.db import connection

        self.label = label or str(model._meta.verbose_name_plural)
        fields = {field.attname: field for field in model._meta.concrete_fields}
        others = [
            field
            for field in model._meta.concrete_fields
            if field.attname not in columns
            and not field.primary_key
            and not getattr(field, "generated", False)
        ]
        self.defaults = tuple(field.get_db_prep_save(field.get_default(), connection) for field in others)
        names = ", ".join(
            connection.ops.quote_name(column)
            for column in [fields[name].column for name in columns] + [field.column for field in others]
        )
        table = connection.ops.quote_name(model._meta.db_table)
        self.is_postgresql = connection.vendor == "postgresql"
        if self.is_postgresql:
            self.sql = f"COPY {table} ({names}) FROM STDIN"
        else:
            self.sql = (
                f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * (len(columns) + len(others)))})"
            )
        self.model = model
        self.rows = 0
        self.seconds = 0.0

    def insert(self, rows: list[tuple]) -> None:
        from django.db import connection, transaction

        if not rows:
            return
        started = time.perf_counter()
        if self.defaults:
            rows = [row + self.defaults for row in rows]
        with transaction.atomic(), connection.cursor() as cursor:
            if self.is_postgresql:
                with cursor.copy(self.sql) as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                cursor.executemany(self.sql, rows)
        self.rows += len(rows)
        self.seconds += time.perf_counter() - started


class Clock:
    """Seconds spent generating, by label."""

    def __init__(self):
        self.seconds = defaultdict(float)
        self.started = 0.0

    def start(self) -> None:
        self.started = time.perf_counter()

    def stop(self, label: str) -> None:
        now = time.perf_counter()
        self.seconds[label] += now - self.started
        self.started = now


# The data set.


class Generator:
    def __init__(self, args, meta: dict):
        from django.db import connection

        self.args = args
        self.meta = meta
        self.rng = random.Random(args.seed)
        self.vocabulary = Vocabulary(args.seed)
        self.clock = Clock()
        if connection.vendor == "sqlite":
            self.moment = connection.ops.adapt_datetimefield_value
            self.day = connection.ops.adapt_datefield_value
        else:
            self.moment = self.day = lambda value: value
        self.notes = self.note_templates()

    # Accounts.

    def accounts(self) -> None:
        from django.contrib.auth import get_user_model
        from django.contrib.auth.hashers import make_password

        from newsroom.accounts.models import Group, Membership, Profile

        rng, count = self.rng, self.args.users
        user_table = Table(
            get_user_model(),
            ["id", "password", "username", "email", "is_staff", "is_superuser", "is_active", "date_joined"],
        )
        password = make_password(None)  # unusable: the bench signs in with force_login
        joined = self.moment(datetime.datetime(2022, 6, 1, tzinfo=datetime.UTC))
        names = [f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}" for _ in range(count)]
        self.usernames = ["editor"] + [
            slugify(f"{name}-{number}").replace("-", ".") for number, name in enumerate(names[1:], 1)
        ]
        self.user_ids = list(range(1, count + 1))
        user_table.insert(
            [
                (user_id, password, username, f"{username}@example.org", user_id == 1, False, True, joined)
                for user_id, username in zip(self.user_ids, self.usernames, strict=True)
            ]
        )
        self.editor = 1  # staff: hides public annotations
        profiles = Table(Profile, ["user_id", "display_name"])
        profiles.insert([(user_id, names[user_id - 1]) for user_id in self.user_ids if rng.random() < 1 / 3])

        # Authors by Zipf-like weights over the users in random order: a few write much.
        order = self.user_ids[:]
        rng.shuffle(order)
        self.authors = order
        self.author_weights = list(np.cumsum([1 / (rank + 10) for rank in range(count)]))

        group_count = max(3, count * 150 // 1000)
        group_table = Table(Group, ["id", "name", "slug", "description", "created_at"])
        group_names = [
            f"{capitalized(self.vocabulary.words[rng.randrange(25, 300)])} desk {n}"
            for n in range(1, group_count + 1)
        ]
        self.group_slugs = [slugify(name) for name in group_names]
        created = self.moment(datetime.datetime(2022, 6, 2, tzinfo=datetime.UTC))
        group_table.insert(
            [
                (number, name, slug, "", created)
                for number, (name, slug) in enumerate(zip(group_names, self.group_slugs, strict=True), 1)
            ]
        )
        group_ids = list(range(1, group_count + 1))
        group_weights = list(np.cumsum([1 / (rank + 3) for rank in range(group_count)]))
        members = defaultdict(list)
        self.groups_of = defaultdict(list)
        for user_id in self.user_ids:
            for group_id in set(rng.choices(group_ids, cum_weights=group_weights, k=rng.randint(0, 5))):
                members[group_id].append(user_id)
                self.groups_of[user_id].append(group_id)
        self.moderators_of = {}
        rows = []
        for group_id in group_ids:
            if not members[group_id]:
                user_id = rng.choice(self.user_ids)
                members[group_id].append(user_id)
                self.groups_of[user_id].append(group_id)
            owner = rng.choice(members[group_id])
            self.moderators_of[group_id] = [owner]
            for user_id in members[group_id]:
                role = "owner" if user_id == owner else "moderator" if rng.random() < 0.15 else "member"
                if role == "moderator":
                    self.moderators_of[group_id].append(user_id)
                rows.append((group_id, user_id, role, created))
        membership_table = Table(Membership, ["group_id", "user_id", "role", "joined_at"])
        membership_table.insert(rows)
        # The member who searches: in several groups, and among the most prolific authors.
        member = next(user_id for user_id in self.authors if len(self.groups_of[user_id]) >= 3)
        self.meta["member"] = self.usernames[member - 1]
        self.meta["member_groups"] = [self.group_slugs[group_id - 1] for group_id in self.groups_of[member]]
        self.meta["authors"] = [self.usernames[user_id - 1] for user_id in self.authors[:50]]
        self.tables = [user_table, profiles, group_table, membership_table]

    # Outlets, stories, tags.

    def catalogue(self) -> None:
        from articles.models import Outlet, Story, Tag

        rng, vocabulary = self.rng, self.vocabulary
        names = rng.sample([f"{city} {noun}" for city in CITIES for noun in PAPER_NOUNS], OUTLETS)
        outlets = Table(Outlet, ["id", "name", "slug", "homepage_url", "description"])
        outlets.insert(
            [
                (number, name, slugify(name), f"https://{slugify(name)}.example.com", "")
                for number, name in enumerate(names, 1)
            ]
        )
        self.outlet_slugs = [slugify(name) for name in names]

        story_count = max(10, self.args.articles // 20)
        stories, slugs, self.story_days = [], set(), []
        while len(stories) < story_count:
            title = " ".join(map(capitalized, vocabulary.text(rng.randint(4, 8))))
            slug = slugify(title)[:190]
            if slug in slugs:
                continue
            slugs.add(slug)
            day = FIRST_DAY + datetime.timedelta(days=rng.randrange(DAYS))
            self.story_days.append(day)
            summary = capitalized(" ".join(vocabulary.text(rng.randint(8, 20)))) + "."
            stories.append((len(stories) + 1, title, slug, summary, self.day(day)))
        Table(Story, ["id", "title", "slug", "summary", "date"]).insert(stories)
        self.story_slugs = [story[2] for story in stories]

        names = [*TAGS, "Élan", "réfugiés"]
        keys = {Tag.key_for(name) for name in names}
        while len(names) < TAG_COUNT:
            words = vocabulary.words[rng.randrange(25, vocabulary.real)]
            if rng.random() < 0.5:
                words += " " + vocabulary.words[rng.randrange(25, 2000)]
            if Tag.key_for(words) not in keys:
                keys.add(Tag.key_for(words))
                names.append(words)
        tags, slugs = [], set()
        for number, name in enumerate(names, 1):
            slug = Tag().slugify(name)
            while slug in slugs:
                slug += "-x"
            slugs.add(slug)
            tags.append((number, name, slug, Tag.key_for(name)))
        Table(Tag, ["id", "name", "slug", "key"]).insert(tags)
        self.tag_ids = list(range(1, len(tags) + 1))
        self.tag_weights = list(np.cumsum([1 / (rank + 1) for rank in range(len(tags))]))
        self.meta["tags"] = [tag[2] for tag in tags]  # by popularity

    # Articles, with their annotations, tag links and replies, a batch at a time.

    def corpus(self) -> None:
        from articles.models import Annotation, Article
        from articles.models.annotations import Reply, TaggedAnnotation
        from articles.text.canonical import is_canonical

        args, rng, vocabulary, clock = self.args, self.rng, self.vocabulary, self.clock
        articles = Table(
            Article,
            [
                *["id", "outlet_id", "story_id", "title", "slug", "byline", "published_on", "source_url"],
                *["body", "content_hash", "source_file", "source_hash", "word_count", "imported_at"],
                *["updated_at", "annotations_changed_at"],
            ],
        )
        annotations = Table(
            Annotation,
            [
                *["id", "article_id", "author_id", "start", "end", "exact", "prefix", "suffix", "note"],
                *["note_html", "is_orphan", "created_at", "updated_at", "edited_at", "deleted_at"],
                *["visibility", "group_id", "version", "hidden_at", "hidden_by_id"],
            ],
        )
        tag_links = Table(TaggedAnnotation, ["content_object_id", "tag_id"], "tag links")
        replies = Table(
            Reply,
            [
                *["id", "annotation_id", "parent_id", "author_id", "note", "note_html", "created_at"],
                *["updated_at", "edited_at", "version", "deleted_at", "hidden_at", "hidden_by_id"],
            ],
        )
        self.tables += [articles, annotations, tag_links, replies]
        numbers = np.random.default_rng(args.seed + 1)
        weights = numbers.lognormal(0, 1.2, args.articles)
        per_article = numbers.multinomial(args.annotations, weights / weights.sum()).tolist()
        imported = self.moment(datetime.datetime(2025, 7, 1, tzinfo=datetime.UTC))
        story_count = len(self.story_days)
        self.annotation_id = self.reply_id = 0
        story_articles = defaultdict(int)
        started = time.perf_counter()
        next_report = 0.1
        for first in range(1, args.articles + 1, ARTICLES_PER_BATCH):
            clock.start()
            article_rows, batch = [], []
            for article_id in range(first, min(first + ARTICLES_PER_BATCH, args.articles + 1)):
                body, ids = make_body(vocabulary, rng, rng.randint(2000, 4000))
                if not is_canonical(body):
                    raise RuntimeError(f"article {article_id}: the generated body is not canonical")
                title_ids = vocabulary.draw(rng.randint(6, 12))
                title = " ".join(capitalized(vocabulary.words[index]) for index in title_ids.tolist())
                vocabulary.count(np.concatenate([ids, title_ids]))
                story = int(story_count * rng.random() ** 2) + 1 if rng.random() < 0.9 else None
                if story:
                    story_articles[story] += 1
                    day = self.story_days[story - 1] + datetime.timedelta(days=rng.randrange(4))
                else:
                    day = FIRST_DAY + datetime.timedelta(days=rng.randrange(DAYS))
                outlet = rng.randrange(OUTLETS) + 1 if rng.random() < 0.97 else None
                byline = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}" if rng.random() < 0.7 else ""
                slug = f"{slugify(title)[:180]}-{article_id}"
                url = f"https://{self.outlet_slugs[outlet - 1]}.example.com/{slug}" if outlet else ""
                digest = hashlib.sha256(body.encode()).hexdigest()
                word_count = body.count(" ") + body.count("\n\n") + 1
                article_rows.append(
                    (
                        *(article_id, outlet, story, title, slug, byline, self.day(day), url, body, digest),
                        *(f"search-bench-{article_id:07d}", digest, word_count, imported, imported, imported),
                    )
                )
                batch.append((article_id, body, day))
            clock.stop("articles")
            articles.insert(article_rows)
            self.annotate(batch, per_article, annotations, tag_links, replies)
            done = min(first + ARTICLES_PER_BATCH - 1, args.articles)
            if done / args.articles >= next_report or done == args.articles:
                next_report += 0.1
                print(
                    f"{'':<14} {done:,} articles, {annotations.rows:,} annotations "
                    f"({time.perf_counter() - started:,.0f} s)",
                    flush=True,
                )
        by_coverage = sorted(story_articles, key=story_articles.get, reverse=True)
        self.meta["stories"] = [self.story_slugs[story - 1] for story in by_coverage[:200]]

    def annotate(self, batch, per_article, annotations: Table, tag_links: Table, replies: Table) -> None:
        """The annotations of a batch of articles, their tag links and replies."""
        from articles.text.anchoring import quote_at

        rng, clock = self.rng, self.clock
        clock.start()
        rows, link_rows, reply_rows = [], [], []
        public, group, _ = (share for _, share in VISIBILITIES)
        for article_id, body, day in batch:
            count = per_article[article_id - 1]
            if not count:
                continue
            authors = rng.choices(self.authors, cum_weights=self.author_weights, k=count)
            earliest = datetime.datetime(day.year, day.month, day.day, 6, tzinfo=datetime.UTC)
            span = max(3600, min(60 * 86400, int((LAST_MOMENT - earliest).total_seconds())))
            for author in authors:
                self.annotation_id += 1
                start, end = self.passage(body)
                quote = quote_at(body, start, end)
                note, note_html = self.note(quote.exact, self.annotation_id)
                created = earliest + datetime.timedelta(seconds=rng.randrange(span))
                draw = rng.random()
                groups = self.groups_of[author]
                if draw < public or (draw < public + group and not groups):
                    visibility, group_id = "public", None
                elif draw < public + group:
                    visibility, group_id = "group", rng.choice(groups)
                else:
                    visibility, group_id = "private", None
                hidden_at = hidden_by = deleted_at = edited_at = None
                if visibility != "private" and rng.random() < HIDDEN_SHARE:
                    hidden_at = self.moment(created + datetime.timedelta(days=1))
                    hidden_by = rng.choice(self.moderators_of[group_id]) if group_id else self.editor
                if rng.random() < DELETED_SHARE:
                    deleted_at = self.moment(created + datetime.timedelta(hours=2))
                if rng.random() < 0.05:
                    edited_at = self.moment(created + datetime.timedelta(minutes=30))
                moment = self.moment(created)
                rows.append(
                    (
                        *(self.annotation_id, article_id, author, start, end, quote.exact, quote.prefix),
                        *(quote.suffix, note, note_html, False, moment, edited_at or moment, edited_at),
                        *(deleted_at, visibility, group_id, 2 if edited_at else 1, hidden_at, hidden_by),
                    )
                )
                tag_count = rng.choices(range(len(TAGS_PER_ANNOTATION)), TAGS_PER_ANNOTATION)[0]
                if tag_count:
                    tags = set(rng.choices(self.tag_ids, cum_weights=self.tag_weights, k=tag_count))
                    link_rows += [(self.annotation_id, tag) for tag in tags]
                if rng.random() < REPLIED_SHARE:
                    reply_rows += self.thread(self.annotation_id, created)
        clock.stop("annotations")
        annotations.insert(rows)
        tag_links.insert(link_rows)
        replies.insert(reply_rows)

    def passage(self, body: str) -> tuple[int, int]:
        """A passage that starts and ends at word boundaries: mostly a phrase or a sentence (median
        ~55 characters), now and then a paragraph or more."""
        rng = self.rng
        position = rng.randrange(len(body))
        start = max(body.rfind(" ", 0, position), body.rfind("\n", 0, position)) + 1
        reach = start + min(600, max(3, int(rng.lognormvariate(4, 0.7))))
        ends = [end for end in (body.find(" ", reach), body.find("\n", reach)) if end >= 0]
        return start, min(ends) if ends else len(body)

    def thread(self, annotation_id: int, created: datetime.datetime) -> list[tuple]:
        rng, rows = self.rng, []
        for number in range(rng.randint(1, 3)):
            self.reply_id += 1
            parent = self.reply_id - 1 if number and rng.random() < 0.3 else None
            author = rng.choices(self.authors, cum_weights=self.author_weights)[0]
            note, note_html = ("", "")
            while not note:
                note, note_html = self.note(self.vocabulary.text(8), self.reply_id)
            moment = self.moment(created + datetime.timedelta(hours=number + 1))
            rows.append(
                (self.reply_id, annotation_id, parent, author, note, note_html, moment, moment, None, 1)
                + (None, None, None)
            )
        return rows

    # Notes.

    def note_templates(self) -> list[tuple[str, str]]:
        """Each template with its HTML as render_note() makes it, rendered once with marks where the
        word and the number go."""
        from articles.sanitize import render_note

        return [
            (template, render_note(template.format(word=WORD_MARK, n=NUMBER_MARK, salad=WORD_MARK)))
            for template in NOTE_TEMPLATES
        ]

    def note(self, passage, n: int) -> tuple[str, str]:
        """A note (Markdown) and its HTML; passage is a text or a list of words."""
        rng = self.rng
        if rng.random() < EMPTY_NOTE_SHARE:
            return "", ""
        template, rendered = rng.choice(self.notes)
        if "{salad}" in template:
            salad = " ".join(self.vocabulary.text(rng.randint(4, 12)))
            return capitalized(salad) + ".", rendered.replace(
                WORD_MARK, html.escape(capitalized(salad) + ".")
            )
        words = passage if isinstance(passage, list) else passage.split()
        word = rng.choice(words).strip(".,")
        note = template.format(word=word, n=n)
        return note, rendered.replace(WORD_MARK, html.escape(word)).replace(NUMBER_MARK, str(n))

    def check_notes(self, count: int = 300) -> None:
        """The shortcut renders as render_note() does."""
        from articles.sanitize import render_note

        for n in range(count):
            note, note_html = self.note(self.vocabulary.text(6), n)
            if render_note(note) != note_html:
                raise RuntimeError(
                    f"note {note!r}: {note_html!r} is not render_note()'s {render_note(note)!r}"
                )

    # Words for the queries.

    def word_lists(self) -> None:
        """Common, middling and rare words with the number of articles that hold each (title or body)."""
        from articles.text.words import STOP_WORDS

        try:
            from newsroom.search.syntax import STOP_WORDS as SEARCH_STOP_WORDS
        except ImportError:
            SEARCH_STOP_WORDS = frozenset()
        vocabulary, articles = self.vocabulary, self.args.articles
        skip = STOP_WORDS | SEARCH_STOP_WORDS
        counted = [
            (word, int(df))
            for word, df in zip(vocabulary.words, vocabulary.df.tolist(), strict=True)
            if df and word.lower() not in skip
        ]
        counted.sort(key=lambda pair: -pair[1])
        self.meta["common"] = [pair for pair in counted[:60] if pair[1] >= articles * 0.1] or counted[:20]
        middling = [pair for pair in counted if articles * 0.005 <= pair[1] <= articles * 0.05]
        self.meta["middling"] = self.rng.sample(middling, min(300, len(middling))) or counted[60:300]
        rare = [pair for pair in counted if pair[1] <= 5 and len(pair[0]) >= 5]
        self.meta["rare"] = self.rng.sample(rare, min(500, len(rare))) or counted[-100:]

    # The run.

    def run(self) -> None:
        from django.db import connection

        started = time.perf_counter()
        self.accounts()
        self.catalogue()
        self.check_notes()
        print(
            f"{'accounts etc.':<14} {self.args.users:,} users, {len(self.moderators_of):,} groups, "
            f"{OUTLETS} outlets, {len(self.story_days):,} stories, {TAG_COUNT} tags "
            f"({time.perf_counter() - started:.1f} s)",
            flush=True,
        )
        self.corpus()
        self.word_lists()
        if connection.vendor == "postgresql":
            from django.core.management.color import no_style

            with connection.cursor() as cursor:
                for statement in connection.ops.sequence_reset_sql(
                    no_style(), [t.model for t in self.tables]
                ):
                    cursor.execute(statement)
        self.meta["load_seconds"] = time.perf_counter() - started
        print(f"\n{'phase':<14} {'rows':>11} {'generate s':>11} {'insert s':>9} {'rows/s':>9}")
        for table in self.tables:
            label = table.label
            generate = self.clock.seconds.get(label, 0.0)
            rate = table.rows / table.seconds if table.seconds else 0
            print(f"{label[:14]:<14} {table.rows:>11,} {generate:>11.1f} {table.seconds:>9.1f} {rate:>9,.0f}")
        print(f"{'':<14} (generating annotations includes their tag links and replies)")
        print(f"{'loaded in':<14} {self.meta['load_seconds']:,.1f} s")
        self.meta["rows"] = {table.label: table.rows for table in self.tables}


# The queries.


class Search:
    """One URL of the mix, and what became of it."""

    def __init__(self, params: dict, *, reader: str, kind: str, filter: str):
        self.params = params
        self.url = f"{SEARCH_PATH}?{urlencode(params)}"
        self.reader, self.kind, self.filter = reader, kind, filter
        self.tab = params.get("kind", "articles")
        self.sort = params.get("sort", "relevance")
        self.at_least = 0  # articles it must find, when known (a capped count shows at most the cap)
        self.seconds = 0.0
        self.status = 0
        self.counts: dict[str, int] = {}

    def unfiltered(self) -> "Search":
        """The same words on the same tab, without the filter."""
        params = {"q": self.params["q"]} | ({"kind": self.tab} if self.tab != "articles" else {})
        return Search(params, reader=self.reader, kind=self.kind, filter="none")


class QueryMaker:
    def __init__(self, meta: dict, seed: int):
        from articles.models import Outlet

        self.meta = meta
        self.rng = random.Random(seed)
        self.outlets = sorted(Outlet.objects.values_list("slug", flat=True))
        self.filtered = defaultdict(int)

    def common(self):
        return self.rng.choice(self.meta["common"])

    def middling(self):
        return self.rng.choice(self.meta["middling"])[0]

    def rare(self):
        return self.rng.choice(self.meta["rare"])

    def prefix(self) -> str:
        word = self.rng.choice([word for word, _ in self.meta["common"] if len(word) >= 6] or ["report"])
        return word[: self.rng.randint(4, 5)].lower() + "*"

    def phrase(self) -> str:
        """Two or three words that follow each other in a sentence of a stored body, not all stop words."""
        from articles.models import Article
        from articles.text.words import STOP_WORDS

        rng = self.rng
        while True:
            body = Article.objects.filter(pk=rng.randint(1, self.meta["articles"])).values_list(
                "body", flat=True
            )
            sentences = [sentence.split() for sentence in re.split(r"\.\s", body.first() or "")]
            words = rng.choice(sentences)
            size = rng.choice([2, 3])
            if len(words) < size:
                continue
            start = rng.randrange(len(words) - size + 1)
            chosen = [word.strip(".,") for word in words[start : start + size]]
            if any(word.lower() not in STOP_WORDS for word in chosen):
                return " ".join(chosen)

    def text(self, kind: str) -> tuple[str, int]:
        """The query typed, and how many articles it must find at least (0: not known)."""
        rng = self.rng
        if kind == "common word":
            return self.common()
        if kind == "rare word":
            return self.rare()
        if kind == "phrase":
            return f'"{self.phrase()}"', 1
        if kind == "two words":
            return f"{self.common()[0]} {self.middling()}", 0
        form = rng.randrange(5)
        if form == 0:
            return f"{self.common()[0]} -{self.common()[0]}", 0
        if form == 1:
            word, df = self.rare()
            return f"{self.middling()} OR {word}", df
        if form == 2:
            return self.prefix(), 0
        if form == 3:
            return f'"{self.phrase()}" -{self.middling()}', 0
        return f"{self.prefix()} {self.middling()}", 0

    def filter(self, name: str) -> dict:
        rng, meta = self.rng, self.meta
        if name == "outlet":
            return {"outlet": rng.choice(self.outlets)}
        if name == "story":
            return {"story": rng.choice(meta["stories"][:50])}
        if name == "tag":
            return {"tag": rng.choice(meta["tags"][:30])}
        if name == "dates":
            start = FIRST_DAY + datetime.timedelta(days=rng.randrange(DAYS - 90))
            end = start + datetime.timedelta(days=rng.randint(30, 90))
            return {"from": start.isoformat(), "to": end.isoformat()}
        if name == "kind=annotations":
            return {"kind": "annotations"}
        if name == "author":
            return {"author": rng.choice(meta["authors"][:20])}
        if name == "annotated":
            return {"annotated": rng.choice(["yes", "no"])}
        if name == "layer":
            return {"layer": rng.choice(["mine", "group", "public"])}
        return {"group": rng.choice(meta["member_groups"])}

    def searches(self, count: int) -> list[Search]:
        """count searches: the kinds in turn, each in blocks alike without and with a filter, as
        either reader; a fifth sorted by date; in random order, no URL twice."""
        rng, searches, seen = self.rng, [], set()
        number = 0
        while len(searches) < count:
            kind = KINDS[number % len(KINDS)]
            reader = READERS[number // len(KINDS) % 2]
            is_filtered = number // (2 * len(KINDS)) % 2 == 1
            number += 1
            text, at_least = self.text(kind)
            params = {"q": text}
            filter = "none"
            if is_filtered:
                filters = MEMBER_FILTERS if reader == "member" else ANONYMOUS_FILTERS
                filter = filters[self.filtered[reader] % len(filters)]
                self.filtered[reader] += 1
                params |= self.filter(filter)
            if rng.random() < 0.2:
                params["sort"] = "date"
            search = Search(params, reader=reader, kind=kind, filter=filter)
            if search.url in seen:
                continue
            seen.add(search.url)
            if filter == "none":
                search.at_least = at_least
            searches.append(search)
        rng.shuffle(searches)
        return searches


def shown_counts(content: bytes) -> dict[str, tuple[int, bool]]:
    """The counts the page shows, by tab, as (number, whether it is only a lower bound): the current
    tab's ("12 articles found", "More than 1000 articles match"), and the tabs' own when they carry
    them ("Articles <span class="count">100+</span>")."""
    text = content.decode()
    counts = {}
    for tab in ["articles", "annotations"]:
        found = re.search(rf'{tab.capitalize()} <span class="count">([\d,]+)(\+?)</span>', text)
        if found:
            counts[tab] = (int(found[1].replace(",", "")), bool(found[2]))
    found = re.search(r'class="result-count"[^>]*>\s*(More than )?([\d,]+) (article|annotation)', text)
    if found:
        counts[f"{found[3]}s"] = (int(found[2].replace(",", "")), bool(found[1]))
    return counts


def shown(count: tuple[int, bool]) -> str:
    return f"{count[0]}{'+' if count[1] else ''}"


DEADLINE = [float("inf")]  # time.monotonic() after which SQLite interrupts the request's SQL


def limit_sql(seconds: float) -> None:
    """Stop SQL that runs longer than `seconds` (SQLite: for the whole request, by a progress handler;
    PostgreSQL: per statement, statement_timeout): one pathological search must not hold the bench."""
    from django.db import connection
    from django.db.backends.signals import connection_created

    def limit(sender, connection, **kwargs):
        if connection.vendor == "sqlite":
            connection.connection.set_progress_handler(lambda: time.monotonic() > DEADLINE[0], 100_000)
        else:
            with connection.cursor() as cursor:
                cursor.execute(f"SET statement_timeout = {int(seconds * 1000)}")

    connection_created.connect(limit, weak=False)
    if connection.connection is not None:
        limit(None, connection)


def run_searches(searches: list[Search], clients: dict, timeout: float, *, progress: bool = False) -> None:
    from django.db import DatabaseError

    started = time.perf_counter()
    for number, search in enumerate(searches, 1):
        DEADLINE[0] = time.monotonic() + timeout
        began = time.perf_counter()
        try:
            response = clients[search.reader].get(search.url)
        except DatabaseError as error:  # stopped by limit_sql()
            search.status = f"{type(error).__name__}: {str(error).strip()[:80]}"
        else:
            search.status = response.status_code
            search.counts = shown_counts(response.content)
        finally:
            search.seconds = time.perf_counter() - began
            DEADLINE[0] = float("inf")
        if progress and (search.seconds > 2 or search.status != 200):
            print(f"{'slow':<14} {search.seconds:6.1f} s {search.reader:<9} {search.url} ({search.status})")
        if progress and number % 25 == 0:
            print(f"{'':<14} {number}/{len(searches)} ({time.perf_counter() - started:,.0f} s)")


def check_counts(searches: list[Search], clients: dict, timeout: float) -> list[str]:
    """Problems with the counts the pages show: a search's articles against those known to hold its
    words, and a filtered search's count against the same words' on the same tab without the filter
    (never more). A count shown as a lower bound ("More than", "N+") is checked as one."""
    problems, checked = [], 0
    for search in searches:
        said = f"{search.url} ({search.reader})"
        if search.status != 200:
            problems.append(f"{said} answered {search.status}")
            continue
        if search.tab not in search.counts:
            problems.append(f"{said}: no count of {search.tab} found on the page")
            continue
        number, more = search.counts.get("articles", (0, True))
        if search.at_least and not more:
            checked += 1
            if number < search.at_least:
                problems.append(f"{said}: {number} articles, {search.at_least} hold its words")
        if search.filter in ("none", "kind=annotations"):
            continue
        whole = search.unfiltered()
        run_searches([whole], clients, timeout)
        if whole.status != 200 or search.tab not in whole.counts:
            problems.append(f"{said}: not checked, {whole.url} answered {whole.status} without a count")
            continue
        part, whole_count = search.counts[search.tab], whole.counts[search.tab]
        checked += 1
        if not whole_count[1] and part[0] > whole_count[0]:
            problems.append(f"{said}: {shown(part)} {search.tab}, {shown(whole_count)} without the filter")
    print(f"{'counts':<14} {checked} checked, {len(problems)} problems")
    for problem in problems:
        print(f"{'':<14} {problem}")
    return problems


def percentiles(samples: list[float]) -> tuple[float, float, float]:
    """p50, p95 and max in ms."""
    ms = [1000 * sample for sample in samples]
    p95 = statistics.quantiles(ms, n=20, method="inclusive")[18] if len(ms) > 1 else ms[0]
    return statistics.median(ms), p95, max(ms)


def report_searches(searches: list[Search]) -> dict:
    overall = percentiles([search.seconds for search in searches])
    print(f"\n{'':<22} {'n':>4} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    print(f"{'all':<22} {len(searches):>4} {overall[0]:8.1f} {overall[1]:8.1f} {overall[2]:8.1f}")
    by_kind = {}
    for title, key in [
        ("kind", lambda search: search.kind),
        ("filter", lambda search: search.filter),
        ("reader", lambda search: search.reader),
        ("tab", lambda search: search.tab),
        ("sort", lambda search: search.sort),
    ]:
        groups = defaultdict(list)
        for search in searches:
            groups[key(search)].append(search.seconds)
        print(f"by {title}")
        for label, samples in sorted(groups.items(), key=lambda item: ORDER.get(item[0], 99)):
            figures = percentiles(samples)
            print(f"  {label:<20} {len(samples):>4} {figures[0]:8.1f} {figures[1]:8.1f} {figures[2]:8.1f}")
            if title == "kind":
                by_kind[label] = figures
    print("slowest")
    for search in sorted(searches, key=lambda search: -search.seconds)[:5]:
        status = "" if search.status == 200 else f" ({search.status})"
        print(f"  {1000 * search.seconds:8.1f} ms  {search.reader:<9} {search.url}{status}")
    stopped = sum(search.status != 200 for search in searches)
    if stopped:
        print(f"{'not 200':<14} {stopped}: timed until they failed or were stopped: too low")
    verdict = "met" if overall[1] < TARGET_P95_MS else "MISSED"
    print(f"{'target':<14} p95 under {TARGET_P95_MS} ms: {verdict} ({overall[1]:.1f} ms)")
    return {"all": overall, "by_kind": by_kind}


def statement_seconds(sql: str, timeout: float) -> float:
    """A statement run again with all its rows fetched (SQLite computes rows as they are fetched, so
    the time Django records for a statement leaves most of it out); inf when stopped by limit_sql()."""
    from django.db import DatabaseError, connection

    DEADLINE[0] = time.monotonic() + timeout
    started = time.perf_counter()
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql)
            cursor.fetchall()
    except DatabaseError:
        return float("inf")
    finally:
        DEADLINE[0] = float("inf")
    return time.perf_counter() - started


def explain_slowest(searches: list[Search], clients: dict, count: int, timeout: float) -> None:
    """For the slowest requests over the target, one per filter: their statements, each timed again,
    and the SQL and plan of the slowest."""
    from django.db import DatabaseError, connection
    from django.test.utils import CaptureQueriesContext

    slow, explained = [], set()
    for search in sorted(searches, key=lambda search: -search.seconds):
        # The slowest of each filter first: the same filter is mostly slow for the same reason.
        if search.seconds * 1000 > TARGET_P95_MS and search.filter not in explained:
            explained.add(search.filter)
            slow.append(search)
    for search in slow[:count]:
        again = Search(search.params, reader=search.reader, kind="", filter="")
        with CaptureQueriesContext(connection) as captured:
            run_searches([again], clients, timeout)
        statements = sorted(
            (
                (statement_seconds(query["sql"], timeout), query["sql"])
                for query in captured.captured_queries
                if query["sql"].lstrip().upper().startswith("SELECT")
            ),
            key=lambda pair: -pair[0],
        )
        print(
            f"\n--- {search.reader} {search.url}\n{1000 * again.seconds:.1f} ms again ({again.status}), "
            f"{len(captured.captured_queries)} statements; the slowest, each run again alone:"
        )
        for seconds, sql in statements[:3]:
            took = f"{1000 * seconds:8.1f} ms" if seconds < timeout else f"over {timeout:g} s"
            print(f"{took}  {shortened(sql)[:300]}")
        if not statements:
            continue
        sql = statements[0][1]
        print(f"the slowest in full:\n{shortened(sql)}")
        print("plan:")
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
                depth = {0: 0}
                for node, parent, _, detail in cursor.fetchall():
                    depth[node] = depth.get(parent, 0) + 1
                    print(f"{'  ' * depth[node]}{detail}")
            else:
                try:
                    cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
                except DatabaseError:  # longer than --timeout: the plan without running it
                    cursor.execute(f"EXPLAIN {sql}")
                for (line,) in cursor.fetchall():
                    print(f"  {shortened(line)}")


def shortened(text: str) -> str:
    """Long lists of ids cut to their first three."""

    def cut(found):
        numbers = re.split(r", ?", found[0])
        return f"{', '.join(numbers[:3])}, ... ({len(numbers)} numbers)"

    return LONG_LISTS.sub(cut, text)


def measure(meta: dict, args) -> dict:
    from django.contrib.auth import get_user_model
    from django.test import Client

    member = get_user_model().objects.get(username=meta["member"])
    clients = {"anonymous": Client(HTTP_HOST="127.0.0.1"), "member": Client(HTTP_HOST="127.0.0.1")}
    clients["member"].force_login(member)
    warm_up = QueryMaker(meta, args.seed + 1).searches(WARM_UP_QUERIES)
    searches = QueryMaker(meta, args.seed).searches(args.queries)
    print(
        f"\n{'queries':<14} {len(searches)} URLs of {SEARCH_PATH} as anonymous and as {meta['member']} "
        f"(in {len(meta['member_groups'])} groups), after {len(warm_up)} to warm up; load average "
        f"{load_average()}"
    )
    limit_sql(args.timeout)
    logging.getLogger("django.request").disabled = True  # a stopped search is reported here, once
    run_searches(warm_up, clients, args.timeout)
    started = time.perf_counter()
    run_searches(searches, clients, args.timeout, progress=True)
    print(f"{'timed':<14} in {time.perf_counter() - started:.1f} s")
    figures = report_searches(searches)
    problems = check_counts(searches, clients, args.timeout)
    explain_slowest(searches, clients, args.explain, args.timeout)
    return figures | {"problems": len(problems)}


# One database.


def migrate(env: dict) -> None:
    """Migrate and collect static files (DEBUG off needs whitenoise's manifest), in subprocesses."""
    for command in [
        ["migrate", "--noinput", "--verbosity", "0"],
        ["collectstatic", "--noinput", "--verbosity", "0"],
    ]:
        done = subprocess.run(
            [sys.executable, "manage.py", *command], cwd=ROOT, env=env, capture_output=True, text=True
        )
        if done.returncode != 0:
            raise RuntimeError(f"manage.py {command[0]} failed:\n{done.stdout}{done.stderr}")


def postgres_url(url: str, database: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{database}"))


def postgres_admin(url: str, statement: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(statement)


def database_bytes() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_database_size(current_database())")
            return cursor.fetchone()[0]
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    name = Path(connection.settings_dict["NAME"])
    return sum(path.stat().st_size for path in [name, Path(f"{name}-wal")] if path.exists())


def build_index(meta: dict) -> None:
    from django.db import connection

    from newsroom.search import index

    if connection.vendor == "postgresql":
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        print(f"{'vacuum':<14} VACUUM ANALYZE in {time.perf_counter() - started:.1f} s (not in the build)")
    print(f"{'index':<14} building...", flush=True)
    started = time.perf_counter()
    index.build()
    meta["build_seconds"] = time.perf_counter() - started
    meta["index_fingerprint"] = index_fingerprint()
    try:
        meta["index_bytes"] = index.size_bytes()
    except Exception as error:  # e.g. SQLite without its dbstat table
        print(f"{'index size':<14} not known: {type(error).__name__}: {error}")
        meta["index_bytes"] = None
    meta["database_bytes"] = database_bytes()


def index_fingerprint() -> str:
    """What the search app builds as its index, in short: a reused index built otherwise is stale."""
    from newsroom.search import backends

    return hashlib.sha256("\n".join(backends.current().build_statements()).encode()).hexdigest()[:12]


def search_app_version() -> str:
    """The commit, and a digest of the search app's files as they are (it may be uncommitted)."""
    files = sorted(
        [*(ROOT / "newsroom" / "search").rglob("*.py"), *(ROOT / "templates" / "search").glob("*")]
    )
    digest = hashlib.sha256(b"".join(path.read_bytes() for path in files)).hexdigest()[:12]
    head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    return f"HEAD {head.stdout.strip() or '?'}, newsroom/search and templates/search as they are: {digest}"


def report_data(meta: dict) -> None:
    index_mb = f"{meta['index_bytes'] / MB:,.0f} MB" if meta.get("index_bytes") is not None else "n/a"
    print(
        f"{'index build':<14} {meta['build_seconds']:,.1f} s; index {index_mb}, "
        f"database {meta['database_bytes'] / MB:,.0f} MB"
    )
    if meta["vendor"] == "sqlite":
        verdict = "met" if meta["build_seconds"] < TARGET_BUILD_SECONDS else "MISSED"
        if meta["articles"] < 100_000 or meta["annotations"] < 1_000_000:
            verdict = "not measured below 100,000 articles and 1,000,000 annotations"
        print(f"{'target':<14} index build under {TARGET_BUILD_SECONDS // 60} min on SQLite: {verdict}")
    common = ", ".join(f"{word} ({df:,})" for word, df in meta["common"][:5])
    rare = ", ".join(f"{word} ({df})" for word, df in meta["rare"][:5])
    print(f"{'words':<14} in most articles: {common}...; rare: {rare}...")


def check_passages(sample: int = 200) -> None:
    """Stored annotations quote their article's stored text at their offsets."""
    from articles.models import Annotation

    for annotation in Annotation.objects.select_related("article").order_by("?")[:sample]:
        if annotation.article.body[annotation.start : annotation.end] != annotation.exact:
            raise RuntimeError(
                f"annotation {annotation.pk}: its quote is not its article's text at its offsets"
            )


def check_reused(meta: dict) -> None:
    """The database holds the data the folder describes (another run may have made the PostgreSQL
    database anew since)."""
    from articles.models import Annotation, Article

    found = (Article.objects.count(), Annotation.objects.count())
    if found != (meta["articles"], meta["annotations"]):
        raise RuntimeError(
            f"the database holds {found[0]:,} articles and {found[1]:,} annotations, not the "
            f"{meta['articles']:,} and {meta['annotations']:,} of this folder: generate them again"
        )


def run_backend(args, work_dir: Path) -> dict:
    backend = args.backend
    meta_file = work_dir / f"{backend}.json"
    if backend == "sqlite":
        database_url = f"sqlite:///{work_dir / 'bench.sqlite3'}"
        title = f"SQLite ({work_dir / 'bench.sqlite3'})"
    else:
        database_url = postgres_url(args.postgres, args.database)
        title = f"PostgreSQL (database {args.database})"
    print(f"\n=== {title} ===", flush=True)
    env = bench_env(work_dir, database_url=database_url)
    made_database = False
    try:
        if args.reuse:
            meta = json.loads(meta_file.read_text())
        else:
            if backend == "sqlite":
                for path in work_dir.glob("bench.sqlite3*"):
                    path.unlink()
            else:
                postgres_admin(args.postgres, f'DROP DATABASE IF EXISTS "{args.database}" WITH (FORCE)')
                postgres_admin(args.postgres, f'CREATE DATABASE "{args.database}"')
                made_database = True
            started = time.perf_counter()
            migrate(env)
            print(f"{'migrate':<14} {time.perf_counter() - started:.1f} s (with collectstatic)")
        become_django(env, work_dir)
        from django.db import connection

        if not args.reuse:
            from newsroom.search import index

            index.drop()
            meta = {"vendor": connection.vendor, "seed": args.seed, "articles": args.articles}
            meta |= {"annotations": args.annotations, "users": args.users}
            print(f"{'machine':<14} {os.cpu_count()} CPUs, load average {load_average()}")
            Generator(args, meta).run()
            check_passages()
            build_index(meta)
            meta_file.write_text(json.dumps(meta))
        else:
            check_reused(meta)
            print(
                f"{'reused':<14} {meta['articles']:,} articles, {meta['annotations']:,} annotations "
                f"(seed {meta['seed']})"
            )
            stale = meta.get("index_fingerprint") != index_fingerprint()
            if args.rebuild_index or stale:
                from newsroom.search import index

                if stale:
                    print(f"{'':<14} the search app builds its index otherwise now: building it anew")
                index.drop()
                build_index(meta)
                meta_file.write_text(json.dumps(meta))
            else:
                print(f"{'':<14} the index as built with the data (--rebuild-index builds it anew)")
        print(f"{'search app':<14} {search_app_version()}")
        report_data(meta)
        figures = measure(meta, args)
        connection.close()
        return (
            {"backend": backend}
            | {
                key: meta.get(key)
                for key in ["load_seconds", "build_seconds", "index_bytes", "database_bytes"]
            }
            | figures
        )
    finally:
        from django.db import connections

        connections.close_all()
        if made_database and not args.keep:
            postgres_admin(args.postgres, f'DROP DATABASE IF EXISTS "{args.database}" WITH (FORCE)')


# Both databases.


def child_arguments(args, backend: str, work_dir: Path) -> list[str]:
    arguments = [
        *["--articles", str(args.articles), "--annotations", str(args.annotations)],
        *["--users", str(args.users), "--queries", str(args.queries), "--seed", str(args.seed)],
        *["--postgres", args.postgres, "--database", args.database, "--explain", str(args.explain)],
        *["--timeout", str(args.timeout)],
        *["--backend", backend, "--work-dir", str(work_dir)],
    ]
    arguments += ["--keep"] * args.keep + ["--rebuild-index"] * args.rebuild_index
    return arguments + ["--reuse", args.reuse] * bool(args.reuse)


def report_summary(summaries: list[dict]) -> None:
    print("\n=== Summary ===")
    print(
        f"{'backend':<12} {'load s':>7} {'build s':>8} {'index MB':>9} {'db MB':>7} {'p50 ms':>7} "
        f"{'p95 ms':>7} {'max ms':>7} {'problems':>9}"
    )
    for summary in summaries:
        if "all" not in summary:
            print(f"{summary['backend']:<12} the bench could not run: {summary.get('error', '')}")
            continue
        index_mb = summary["index_bytes"] / MB if summary["index_bytes"] is not None else float("nan")
        p50, p95, most = summary["all"]
        print(
            f"{summary['backend']:<12} {summary['load_seconds'] or 0:7.0f} {summary['build_seconds']:8.1f} "
            f"{index_mb:9.0f} {summary['database_bytes'] / MB:7.0f} {p50:7.1f} {p95:7.1f} {most:7.1f} "
            f"{summary['problems']:9}"
        )
    print("p95 ms by kind:")
    for kind in KINDS:
        row = "  ".join(
            f"{summary['backend']} {summary['by_kind'][kind][1]:.1f}"
            for summary in summaries
            if kind in summary.get("by_kind", {})
        )
        print(f"  {kind:<14} {row}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000, help="articles (100,000)")
    parser.add_argument("--annotations", type=int, default=1_000_000, help="annotations (1,000,000)")
    parser.add_argument("--users", type=int, default=1000, help="users (1,000)")
    parser.add_argument("--queries", type=int, default=200, help="timed searches per backend (200)")
    parser.add_argument("--backend", choices=["both", "sqlite", "postgresql"], default="both")
    parser.add_argument("--seed", type=int, default=1, help="random seed of the data and the queries (1)")
    parser.add_argument("--keep", action="store_true", help="keep the folder and the PostgreSQL database")
    parser.add_argument(
        "--reuse", metavar="FOLDER", help="a folder kept by --keep: search again, generate nothing"
    )
    parser.add_argument(
        "--rebuild-index", action="store_true", help="with --reuse: drop the index and time its build again"
    )
    parser.add_argument(
        "--postgres",
        default="postgres://postgres@127.0.0.1:5432/postgres",
        help="a PostgreSQL connection to create and drop the bench's database with",
    )
    parser.add_argument(
        "--database", default="search_bench", help="the PostgreSQL database to fill (search_bench)"
    )
    parser.add_argument(
        "--explain", type=int, default=3, help="slow requests whose slowest statement is explained (3)"
    )
    parser.add_argument(
        "--timeout", type=float, default=60, help="seconds of SQL after which a search is stopped (60)"
    )
    parser.add_argument("--work-dir", help=argparse.SUPPRESS)  # a child's folder, shared by both
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)  # progress shows also when piped to a file
    if args.database == "test" or args.database.startswith("test_"):
        parser.error("--database: not a test database, which the test suite drops and creates")
    if args.rebuild_index and not args.reuse:
        parser.error("--rebuild-index goes with --reuse (a new data set always gets a new index)")
    if args.articles < 10 or args.annotations < 1 or args.users < 10:
        parser.error("at least 10 articles, 1 annotation and 10 users")
    # A plain `kill` cleans up as Ctrl-C does: the database dropped, the folder removed.
    signal.signal(signal.SIGTERM, lambda number, frame: signal.default_int_handler(number, frame))

    if args.work_dir:  # a child: one backend
        try:
            summary = run_backend(args, Path(args.work_dir))
        except Exception as error:
            traceback.print_exc()
            print(
                f"\nThe bench could not run on {args.backend}: {type(error).__name__}: {error}",
                file=sys.stderr,
            )
            return 1
        (Path(args.work_dir) / f"{args.backend}-summary.json").write_text(json.dumps(summary))
        return 0

    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    if "postgresql" in backends and not postgres_answers(args.postgres):
        if args.backend == "postgresql":
            parser.error(f"PostgreSQL does not answer at {urlsplit(args.postgres).netloc}")
        print(f"PostgreSQL does not answer at {urlsplit(args.postgres).netloc}: SQLite only.")
        backends.remove("postgresql")
    if args.reuse:
        work_dir = Path(args.reuse).resolve()
        backends = [backend for backend in backends if (work_dir / f"{backend}.json").exists()]
        if not backends:
            parser.error(f"--reuse: {work_dir} holds no data of this bench")
    else:
        work_dir = Path(tempfile.mkdtemp(prefix="search-bench-"))
    summaries = []
    try:
        for backend in backends:
            summary_file = work_dir / f"{backend}-summary.json"
            summary_file.unlink(missing_ok=True)
            code = subprocess.run(
                [sys.executable, __file__, *child_arguments(args, backend, work_dir)]
            ).returncode
            if code == 0 and summary_file.exists():
                summaries.append(json.loads(summary_file.read_text()))
            else:
                summaries.append({"backend": backend, "error": f"exit code {code}"})
    finally:
        if args.keep or args.reuse:
            print(
                f"{'kept':<14} {work_dir}"
                + (f" and the PostgreSQL database {args.database}" if "postgresql" in backends else "")
            )
        else:
            shutil.rmtree(work_dir, ignore_errors=True)
    report_summary(summaries)
    return 0 if all("all" in summary and not summary["problems"] for summary in summaries) else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(130)
