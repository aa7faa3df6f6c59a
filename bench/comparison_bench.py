"""Time articles.text.passages on synthetic data: one big story, and a corpus-wide near-duplicate scan.

    .venv/bin/python bench/comparison_bench.py [--articles 50] [--words 800] [--corpus 100000]
                                               [--corpus-words 300] [--short-texts 20000] [--seed 1]
                                               [--largest 1500] [--only-largest]

0. The largest story, compared as the task worker compares it: --largest articles of 2 to 4 KB
   built as bench/scale_bench.py builds them (sentences drawn from a pool of 3,000, so that
   articles share many), with the corpus's quotes and figures mixed in, stored in a temporary
   SQLite site (bench/harness.py) as one confirmed story whose comparison is queued; then
   `manage.py run_worker --batch` runs the job and exits. Prints the worker's peak RSS (ru_maxrss
   of the whole process, Django set up), its growth over an idle worker's (the same command with
   nothing queued), its CPU time, the stored record's size and the target (the whole worker under
   200 MB for 1,500 articles) met or missed. --only-largest stops there.

1. A story of --articles articles of about --words words each. Twelve source passages (two or
   three sentences each) are planted in 3 to 12 articles each, every copy edited (a word changed,
   dropped or added here and there, quotes and case changed now and then). Prints the time of
   find_shared_passages() (best of three runs), the clusters it found, how many planted copies
   the clusters cover and how many clusters match no planted passage. Target: well under 2 s.
   Then the worst case: --articles edited copies of one wire article.
2. A corpus of --corpus articles of about --corpus-words words, streamed from a generator to
   near_duplicates(); one article in 500 is followed by a copy with one word changed in each
   paragraph. Prints the time, the peak memory (ru_maxrss, before and after), and the recall and
   precision of the planted pairs.
3. --short-texts texts of 20 words (headlines, captions) with two planted copies, one of them
   upper-cased and with commas: comparing all pairs would not finish (20,000 texts make 200
   million pairs). Prints the time and the pairs found.

Text is word salad from a small vocabulary drawn with Zipf-like weights, so common words repeat
as in real text. It prints figures and does not assert them.
"""

import argparse
import random
import resource
import sys
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from articles.text.near_duplicates import near_duplicates, shingle_hashes  # noqa: E402
from articles.text.passages import find_shared_passages  # noqa: E402

VOCABULARY = """
the of to and a in that for on with as by at from its their his her after before while was is
said says told according officials report government council minister president senator governor
mayor court judge police federal state county city budget vote bill law lawmakers committee
hearing investigation charges election campaign voters poll district party leaders opposition
policy economy inflation prices market shares investors bank rates growth jobs workers union
strike wages tax spending deficit debt plan proposal agreement deal talks trade tariffs exports
company companies chief executive board profits losses quarter year week month day morning night
Monday Tuesday Wednesday Thursday Friday storm flooding wildfire drought heat rain damage
residents families children students schools teachers hospital doctors patients health virus
vaccine study researchers scientists data climate energy oil gas power grid water river coast
bridge road rail airport flights housing rents homes land farmers food supply border migrants
asylum refugees security military troops ceasefire attack protest crowd capital region village
statement spokesman interview documents emails lawsuit appeal ruling evidence witness technology
software platform users privacy online network app museum festival film music team season
record history public private local national international foreign economic political social
legal financial senior former current first second last next several many few some most more
less higher lower rising falling growing strong weak expected likely about nearly would could
should might will can may also still already again only even just now then U.S. United States
""".split()
WEIGHTS = [1 / (rank + 10) for rank in range(len(VOCABULARY))]  # Zipf-like: "the" most common
PARAGRAPH_WORDS = 100


def sentence(rng: random.Random) -> list[str]:
    words = rng.choices(VOCABULARY, WEIGHTS, k=rng.randint(8, 24))
    words[0] = words[0][:1].upper() + words[0][1:]
    words[-1] += "."
    return words


def paragraphs_of(words: list[str], size: int) -> str:
    return "\n\n".join(" ".join(words[k : k + size]) for k in range(0, len(words), size))


def edited(words: list[str], rng: random.Random) -> list[str]:
    """A copy of a passage as another outlet prints it: a few words changed, dropped or added."""
    copy = []
    for word in words:
        roll = rng.random()
        if roll < 0.04:
            copy.append(rng.choice(VOCABULARY))  # changed
        elif roll < 0.07:
            continue  # dropped
        elif roll < 0.10:
            copy += [word, rng.choice(VOCABULARY)]  # one added
        elif roll < 0.13:
            copy.append(word.upper() if word.islower() else word.lower())
        else:
            copy.append(word)
    if rng.random() < 0.5:
        copy[0], copy[-1] = "“" + copy[0], copy[-1] + "”"
    return copy


def make_story(articles: int, words: int, seed: int) -> tuple[dict[int, str], dict[int, set[int]]]:
    """Texts of the story, and for each planted passage the articles that carry a copy."""
    rng = random.Random(seed)
    passages = [[w for _ in range(rng.randint(2, 3)) for w in sentence(rng)] for _ in range(12)]
    carriers = {p: set(rng.sample(range(articles), rng.randint(3, 12))) for p in range(len(passages))}
    texts = {}
    for article in range(articles):
        body: list[str] = []
        planted = [p for p in carriers if article in carriers[p]]
        rng.shuffle(planted)
        while len(body) < words:
            if planted and rng.random() < 0.2:
                body += edited(passages[planted.pop()], rng)
            else:
                body += sentence(rng)
        texts[article] = paragraphs_of(body + [w for p in planted for w in edited(passages[p], rng)], 60)
    return texts, carriers


def bench_story(articles: int, words: int, seed: int) -> None:
    texts, carriers = make_story(articles, words, seed)
    timings = []
    for _ in range(3):
        started = time.perf_counter()
        clusters = find_shared_passages(texts)
        timings.append(time.perf_counter() - started)
    planted_copies = sum(len(c) for c in carriers.values())
    # A cluster matches the planted passage whose carriers it overlaps most.
    matched, covered = 0, 0
    for cluster in clusters:
        found = {o.article for o in cluster.occurrences}
        best = max(carriers.values(), key=lambda c: len(c & found))
        if len(best & found) >= 2:
            matched += 1
            covered += len(best & found)
    total_words = sum(len(t.split()) for t in texts.values())
    runs = ", ".join(f"{t:.3f}" for t in timings)
    print(f"story: {articles} articles, {total_words:,} words, 12 planted passages, {planted_copies} copies")
    print(f"  find_shared_passages: {min(timings):.3f} s (best of 3 runs: {runs})")
    other = len(clusters) - matched
    print(f"  clusters: {len(clusters)}; matching a planted passage: {matched}; other: {other}")
    print(f"  planted copies found in a matching cluster: {covered} of {planted_copies}")


def bench_real_story(copies: int, seed: int) -> None:
    """The whole comparison a story gets (passages, quotes, facts) on the corpus, copied and edited."""
    from articles.importer import iter_records
    from articles.text.facts import align_facts, find_facts
    from articles.text.quotes import find_quotes, group_quotes

    rng = random.Random(seed)
    bodies = [record["body"] for record in iter_records([ROOT / "fixtures"])]
    texts = {}
    for key in range(copies * len(bodies)):
        paragraphs = bodies[key % len(bodies)].split("\n\n")
        rng.shuffle(paragraphs)  # the same facts and quotes, in another order and with one word changed
        paragraphs[0] = paragraphs[0].replace(" the ", " a ", 1)
        texts[key] = "\n\n".join(paragraphs)
    timings = []
    for _ in range(3):
        started = time.perf_counter()
        clusters = find_shared_passages(texts)
        quotes = [quote for key, text in texts.items() for quote in find_quotes(key, text)]
        facts = [fact for key, text in texts.items() for fact in find_facts(key, text)]
        quote_groups, fact_groups = group_quotes(quotes), align_facts(facts)
        timings.append(time.perf_counter() - started)
    print(f"real story: the 5 corpus articles x {copies}, shuffled and edited ({len(texts)} articles)")
    runs = ", ".join(f"{t:.3f}" for t in timings)
    print(f"  passages + quotes + facts: {min(timings):.3f} s (best of 3 runs: {runs})")
    print(f"  clusters: {len(clusters)}; quote groups: {len(quote_groups)}; fact groups: {len(fact_groups)}")


def article_body(key: int, words: int, seed: int) -> list[str]:
    rng = random.Random(seed * 1_000_003 + key)
    return [w for _ in range(words // 15) for w in sentence(rng)]


def near_copy(body: list[str], key: int, seed: int) -> list[str]:
    """The body with one word changed in each paragraph."""
    rng, copy = random.Random(-(seed * 1_000_003 + key)), list(body)
    for start in range(0, len(copy), PARAGRAPH_WORDS):
        copy[start + rng.randrange(min(PARAGRAPH_WORDS, len(copy) - start))] = "changed"
    return copy


def bench_wire_story(articles: int, words: int, seed: int) -> None:
    """The worst case for the story: every article is the same wire copy, edited by each outlet."""
    rng = random.Random(seed)
    wire = [w for _ in range(words // 15) for w in sentence(rng)]
    texts = {article: paragraphs_of(edited(wire, rng), 60) for article in range(articles)}
    timings = []
    for _ in range(3):
        started = time.perf_counter()
        clusters = find_shared_passages(texts)
        timings.append(time.perf_counter() - started)
    runs = ", ".join(f"{t:.3f}" for t in timings)
    sizes = sorted((len(c.occurrences) for c in clusters), reverse=True)
    print(f"wire story: {articles} edited copies of one {len(wire)}-word article")
    print(f"  find_shared_passages: {min(timings):.3f} s (best of 3 runs: {runs})")
    print(f"  clusters: {len(clusters)}, with {sizes} articles")


def make_corpus(size: int, words: int, seed: int, planted: set[int]) -> Iterator[tuple[int, str]]:
    """Articles 0..size-1, each planted one followed by its near-copy, keyed size + its number."""
    for key in range(size):
        body = article_body(key, words, seed)
        yield key, paragraphs_of(body, PARAGRAPH_WORDS)
        if key in planted:
            yield size + key, paragraphs_of(near_copy(body, key, seed), PARAGRAPH_WORDS)


def true_jaccard(key: int, words: int, seed: int) -> float:
    body = article_body(key, words, seed)
    ours = set(shingle_hashes(paragraphs_of(body, PARAGRAPH_WORDS)).tolist())
    theirs = set(shingle_hashes(paragraphs_of(near_copy(body, key, seed), PARAGRAPH_WORDS)).tolist())
    return len(ours & theirs) / len(ours | theirs)


def bench_corpus(size: int, words: int, seed: int) -> None:
    planted = set(range(0, size, 500))
    expected = {(key, size + key) for key in planted}
    total = size + len(planted)
    started = time.perf_counter()
    for _ in make_corpus(min(size, 5000), words, seed, planted):
        pass
    generating = (time.perf_counter() - started) / min(size, 5000)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    started = time.perf_counter()
    pairs = near_duplicates(make_corpus(size, words, seed, planted))
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    found = {(a, b) for a, b, _ in pairs}
    hits = len(found & expected)
    missed = sorted(a for a, b in expected - found)
    print(f"corpus: {total:,} articles of ~{words} words, {len(planted)} planted pairs")
    print(
        f"  near_duplicates: {seconds:.1f} s, {seconds / total * 1e6:.0f} us per article"
        f" (of which ~{generating * 1e6:.0f} us generating the text)"
    )
    print(f"  peak RSS: {after:.0f} MB (before the scan {before:.0f} MB: +{after - before:.0f} MB)")
    recall, precision = hits / len(expected), hits / max(len(found), 1)
    print(f"  pairs found: {len(pairs)}; recall {recall:.3f}; precision {precision:.3f}")
    if pairs:
        estimates = sorted(estimate for _, _, estimate in pairs)
        print(f"  estimated Jaccard of the pairs found: {estimates[0]:.3f} to {estimates[-1]:.3f}")
    truths = sorted(true_jaccard(key, words, seed) for key in planted)
    print(f"  true Jaccard of the planted pairs: {truths[0]:.3f} to {truths[-1]:.3f}")
    for key in missed:
        print(f"  missed: ({key}, {size + key}), true Jaccard {true_jaccard(key, words, seed):.3f}")


def bench_short_texts(count: int, seed: int) -> None:
    rng = random.Random(seed)
    texts = [" ".join(rng.choices(VOCABULARY, k=20)) for _ in range(count)]
    texts[-2] = texts[10].upper().replace(" ", ", ")  # the same words, shouted, with commas
    texts[-1] = texts[count // 2]
    planted = {(10, count - 2), (count // 2, count - 1)}
    started = time.perf_counter()
    pairs = near_duplicates(enumerate(texts))
    seconds = time.perf_counter() - started
    found = {(a, b) for a, b, _ in pairs}
    all_pairs = count * (count - 1) // 2
    print(f"short texts: {count:,} texts of 20 words ({all_pairs:,} pairs), {len(planted)} planted copies")
    print(f"  near_duplicates: {seconds:.1f} s")
    print(f"  planted pairs found: {len(found & planted)} of {len(planted)}; others: {len(found - planted)}")


LARGEST_TARGET_MB = 200  # the whole worker process comparing a story of 1,500 articles


def largest_story_texts(articles: int, seed: int) -> list:
    """The articles of a huge story: scale_bench's bodies, a corpus paragraph (quotes, figures) in each."""
    from articles.importer import iter_records
    from articles.text.comparison import ArticleText

    rng = random.Random(seed)
    words = [word for word in VOCABULARY if word.isalpha()]

    def sentence_text() -> str:
        text = " ".join(rng.choices(words, k=rng.randint(8, 24)))
        return text[0].upper() + text[1:] + "."

    pool = [sentence_text() for _ in range(3_000)]
    corpus = [p for record in iter_records([ROOT / "fixtures"]) for p in record["body"].split("\n\n")]
    texts = []
    for key in range(articles):
        paragraphs, size, target = [], 0, rng.randint(2_000, 4_000)
        while size < target:
            paragraphs.append(" ".join(rng.choices(pool, k=rng.randint(2, 5))))
            size += len(paragraphs[-1]) + 2
        paragraphs.insert(rng.randrange(len(paragraphs)), rng.choice(corpus))
        body = "\n\n".join(paragraphs)
        texts.append(ArticleText(key + 1, f"Article {key}", f"Outlet {key % 200}", f"/a/{key}", body))
    return texts


def store_largest_story(articles: int, seed: int) -> tuple[int, int]:
    """The story and its articles in the site's database: (the story's id, characters of text)."""
    from articles.models import Article, Outlet, Story
    from articles.text.canonical import content_hash, count_words

    texts = largest_story_texts(articles, seed)
    outlets = Outlet.objects.bulk_create(Outlet(name=f"Outlet {n}", slug=f"outlet-{n}") for n in range(200))
    story = Story.objects.create(title="The largest story", slug="largest", status=Story.Status.CONFIRMED)
    Article.objects.bulk_create(
        (
            Article(
                outlet=outlets[n % len(outlets)],
                story=story,
                title=text.title,
                slug=f"article-{n}",
                body=text.body,
                content_hash=content_hash(text.body),
                word_count=count_words(text.body),
                source_file=f"largest-{n}.json",
            )
            for n, text in enumerate(texts)
        ),
        batch_size=500,
    )
    return story.pk, sum(len(text.body) for text in texts)


def run_worker(env: dict) -> tuple[float, float]:
    """`manage.py run_worker --batch` (every queued job, then exit): its peak RSS in MB and CPU seconds."""
    import os
    import subprocess

    worker = subprocess.Popen(
        [sys.executable, "manage.py", "run_worker", "--no-reload", "--batch"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    _, status, usage = os.wait4(worker.pid, 0)  # wait4: the worker's own resource usage
    worker.returncode = os.waitstatus_to_exitcode(status)
    if worker.returncode:
        raise RuntimeError(f"run_worker failed (exit code {worker.returncode})")
    return usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime  # ru_maxrss in KiB on Linux


def bench_largest_story(articles: int, seed: int) -> None:
    """The task worker comparing the largest story, in a temporary site: its whole peak RSS, the
    first time and again (an edit queues it again: the stored record is then replaced)."""
    import json
    import shutil
    import tempfile

    from harness import become_django, bench_env, load_average, manage

    work_dir = Path(tempfile.mkdtemp(prefix="comparison-bench-"))
    try:
        env = bench_env(work_dir, database_url=f"sqlite:///{work_dir / 'db.sqlite3'}")
        manage(env, "migrate", "--noinput", "--verbosity", "0")
        become_django(env, work_dir)
        from articles.models import StoryComparison
        from articles.services.coverage import compare_later
        from newsroom.jobs.models import Job

        story_id, chars = store_largest_story(articles, seed)
        print(f"largest story: {articles:,} articles, {chars / 1e6:.1f} M characters (load {load_average()})")
        idle_mb, idle_seconds = run_worker(env)
        print(f"  an idle task worker (nothing queued): peak RSS {idle_mb:.0f} MB")
        peaks = []
        for run in ["first", "again"]:
            compare_later([story_id])
            peak_mb, seconds = run_worker(env)
            job = Job.objects.filter(kind=Job.Kind.COMPARE_STORY).latest("pk")
            if job.status != Job.Status.DONE:
                print(f"  the comparison job did not finish: {job.status}, {job.result}")
                return
            peaks.append(peak_mb)
            print(
                f"  compared {run}: peak RSS {peak_mb:.0f} MB ({peak_mb - idle_mb:+.0f} MB over the idle"
                f" worker's), {seconds - idle_seconds:.1f} s of CPU more"
            )
        data = StoryComparison.objects.get(story_id=story_id).data
        listed = f"{len(data['passages'])} passages listed, {data['more_passages']} more"
        print(f"  stored JSON: {len(json.dumps(data)) / 1e6:.1f} MB; {listed}; {job.result['report']}")
        verdict = "met" if max(peaks) < LARGEST_TARGET_MB else "MISSED"
        print(f"  target: the whole worker under {LARGEST_TARGET_MB} MB for 1,500 articles: {verdict}")
    finally:
        shutil.rmtree(work_dir)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=50)
    parser.add_argument("--words", type=int, default=800)
    parser.add_argument("--corpus", type=int, default=100_000)
    parser.add_argument("--corpus-words", type=int, default=300)
    parser.add_argument("--short-texts", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--largest", type=int, default=1500, help="articles of the largest story (0: skip)")
    parser.add_argument("--only-largest", action="store_true", help="only the largest story")
    args = parser.parse_args()
    if args.largest:
        bench_largest_story(args.largest, args.seed)
    if args.only_largest:
        return
    bench_story(args.articles, args.words, args.seed)
    bench_real_story(args.articles // 5, args.seed)
    bench_wire_story(args.articles, args.words, args.seed)
    bench_corpus(args.corpus, args.corpus_words, args.seed)
    bench_short_texts(args.short_texts, args.seed)


if __name__ == "__main__":
    main()
