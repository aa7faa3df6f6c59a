"""Time the tag index and the top tag's page on a large synthetic corpus (issue 14, "At scale").

    .venv/bin/python bench/tag_bench.py [--articles 20000] [--annotations 200000] [--tags 500]
                                        [--outlets 200] [--requests 5] [--keep]

Builds a new SQLite database in a temporary folder through the real models with bulk inserts:
outlets, articles of about 400 words (one story per ten articles), annotations on valid offsets by
50 users (80% public, 10% shared with a group, 5% private, 5% public but hidden by a moderator)
and two tags each on average, drawn so that tag 0 is on about a quarter of the passages. Then it
prints the server CPU time (median, in this process with Django's test Client, DEBUG off), the
queries and the HTML size of /tags/ and of the top tag's first page, for an anonymous reader and a
signed-in group member, cold (cache cleared) and warm. It prints figures and asserts nothing.
"""

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from harness import become_django, bench_env, clean_up, manage

# Static files as they are in the repository: the bench times views, not the manifest.
STATIC = '\nSTORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}\n'
WORDS = "the council voted to raise the rate after a long debate about housing costs and rents".split()


def build(args, rng):
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from articles.models import Annotation, Article, Outlet, Story, Tag, TaggedAnnotation
    from newsroom.accounts.models import Group, Membership

    users = get_user_model().objects.bulk_create(
        get_user_model()(username=f"reader{i}", email=f"reader{i}@example.org") for i in range(50)
    )
    group = Group.objects.create(name="Desk", slug="desk")
    Membership.objects.bulk_create(Membership(user=user, group=group) for user in users[:10])
    outlets = Outlet.objects.bulk_create(
        Outlet(name=f"Outlet {i:03}", slug=f"outlet-{i}") for i in range(args.outlets)
    )
    stories = Story.objects.bulk_create(
        Story(title=f"Story {i}", slug=f"story-{i}") for i in range(args.articles // 10)
    )
    body = " ".join(rng.choice(WORDS) for _ in range(400))
    Article.objects.bulk_create(
        (
            Article(
                outlet=rng.choice(outlets),
                story=stories[i // 10],
                title=f"Article {i}",
                slug=f"article-{i}",
                source_file=f"article-{i}.txt",
                body=body,
                word_count=400,
            )
            for i in range(args.articles)
        ),
        batch_size=2000,
    )
    article_ids = list(Article.objects.values_list("pk", flat=True))
    tags = Tag.objects.bulk_create(
        Tag(name=f"tag {i:03}", key=f"tag {i:03}", slug=f"tag-{i:03}") for i in range(args.tags)
    )
    now = timezone.now()
    batch = []
    for _ in range(args.annotations):
        start = rng.randrange(0, len(body) - 40)
        roll = rng.random()
        visibility, grp, hidden = "public", None, None
        if roll < 0.10:
            visibility, grp = "group", group
        elif roll < 0.15:
            visibility = "private"
        elif roll < 0.20:
            hidden = now
        batch.append(
            Annotation(
                article_id=rng.choice(article_ids),
                author=rng.choice(users),
                start=start,
                end=start + 20,
                exact=body[start : start + 20],
                prefix=body[max(0, start - 32) : start],
                suffix=body[start + 20 : start + 52],
                visibility=visibility,
                group=grp,
                hidden_at=hidden,
            )
        )
        if len(batch) == 5000:
            Annotation.objects.bulk_create(batch)
            batch = []
    Annotation.objects.bulk_create(batch)
    links = []
    weights = [1 / (rank + 1) for rank in range(args.tags)]
    for annotation_id in Annotation.objects.values_list("pk", flat=True).iterator():
        chosen = {0} if rng.random() < 0.27 else set()
        chosen |= set(rng.choices(range(args.tags), weights, k=2 - len(chosen)))
        links.extend(TaggedAnnotation(content_object_id=annotation_id, tag=tags[t]) for t in chosen)
        if len(links) >= 10000:
            TaggedAnnotation.objects.bulk_create(links)
            links = []
    TaggedAnnotation.objects.bulk_create(links)
    return users[0], tags[0]


def measure(client, path: str, requests: int, *, cold: bool):
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(path)
    samples = []
    for _ in range(requests):
        if cold:
            cache.clear()
        started = time.process_time()
        response = client.get(path)
        samples.append(time.process_time() - started)
        assert response.status_code == 200, (path, response.status_code)
    if cold:
        cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    return 1000 * statistics.median(samples), len(queries), len(response.content)


def after_a_write(client, member, top) -> float:
    """CPU ms of the tag index just after an annotation was written (its counts brought up to date)."""
    from django.core.cache import cache

    from articles.models import Article
    from articles.services.annotations import create_annotation

    article = Article.objects.order_by("pk").first()
    end = article.body.index(" ", 10)
    create_annotation(
        article=article, author=member, start=0, end=end, exact=article.body[:end], tags=[top.name], note=""
    )
    cache.clear()
    started = time.process_time()
    client.get("/tags/")
    return 1000 * (time.process_time() - started)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=20000)
    parser.add_argument("--annotations", type=int, default=200000)
    parser.add_argument("--tags", type=int, default=500)
    parser.add_argument("--outlets", type=int, default=200)
    parser.add_argument("--requests", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--dir", help="a folder to build the database in, or to use the one built there")
    args = parser.parse_args()
    work_dir = Path(args.dir) if args.dir else Path(tempfile.mkdtemp(prefix="tag-bench-"))
    work_dir.mkdir(parents=True, exist_ok=True)
    built = (work_dir / "bench.sqlite3").exists()
    env = bench_env(work_dir, database_url=f"sqlite:///{work_dir / 'bench.sqlite3'}", settings=STATIC)
    manage(env, "migrate", "--noinput", "--verbosity", "0")
    become_django(env, work_dir)
    from django.contrib.auth import get_user_model
    from django.test import Client

    from articles.models import Tag

    started = time.perf_counter()
    if built:
        member, top = get_user_model().objects.get(username="reader0"), Tag.objects.get(slug="tag-000")
    else:
        member, top = build(args, random.Random(args.seed))
    print(f"built in {time.perf_counter() - started:.0f} s: {vars(args)}", file=sys.stderr)
    from articles.services.tag_counts import refresh

    started = time.process_time()
    refresh()
    print(f"first count of the tags: {time.process_time() - started:.1f} s of CPU", file=sys.stderr)
    anonymous, signed_in = Client(HTTP_HOST="127.0.0.1"), Client(HTTP_HOST="127.0.0.1")
    signed_in.force_login(member)
    paths = ["/tags/", f"/tags/{top.slug}/"]
    print(f"{'page':<24} {'reader':<10} {'cold ms':>8} {'warm ms':>8} {'queries':>8} {'KB':>8}")
    for path in paths:
        for name, client in [("anonymous", anonymous), ("member", signed_in)]:
            cold, queries, size = measure(client, path, args.requests, cold=True)
            warm, _, _ = measure(client, path, args.requests, cold=False)
            print(f"{path:<24} {name:<10} {cold:8.1f} {warm:8.1f} {queries:8} {size / 1024:8.0f}")
    print(f"{'after one write':<24} {'anonymous':<10} {after_a_write(anonymous, member, top):8.1f}")
    clean_up(work_dir, args.keep or bool(args.dir))


if __name__ == "__main__":
    main()
