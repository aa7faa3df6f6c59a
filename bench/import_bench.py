"""Time `manage.py import_corpus` on N synthetic ~4 KB articles in a fresh SQLite database.

    .venv/bin/python bench/import_bench.py [N] [--body-bytes 4000] [--seed 1] [--keep]

Streams one bulk JSON file of N articles into a temporary folder (under $TMPDIR), migrates a new
SQLite database in that folder, imports the file in a subprocess and prints the figures. The
database is chosen through DATABASE_URL, so the bench never touches the project's own database; it
gets the same options as any SQLite database of the site (settings.py: WAL, synchronous=NORMAL,
IMMEDIATE transactions). Target: 100,000 articles of ~4 KB in under 60 s with a peak RSS under
400 MB. It prints figures and does not assert them, with the machine's load average around the
import: other work on the machine stretches the wall-clock time, not the CPU time. The CPU time
comes also split between the process that writes and its child that reads the files: on two cores
the import takes about as long as the longer of the two.
"""

import argparse
import datetime
import hashlib
import json
import math
import os
import random
import secrets
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import NamedTuple

from django.utils.text import slugify  # the importer's own slugs: needs no settings

ROOT = Path(__file__).resolve().parent.parent
TARGET_ARTICLES = 100_000
TARGET_SECONDS = 60
TARGET_PEAK_MB = 400
MB = 1024 * 1024  # all sizes below are in MiB, printed as "MB"

# Word salad for titles and bodies; a few non-ASCII words and a no-break space keep the
# importer's Unicode tidying busy, as scraped text would.
VOCABULARY = """
the a of to and in that for on with as by at from its their his her after before while
said says told according officials report reports reported government council minister
president senator governor mayor court judge jury police officers federal state county city
budget vote votes voted bill law lawmakers committee hearing investigation inquiry charges
election campaign voters poll polls district seat party leaders opposition coalition policy
economy inflation prices market markets shares investors bank rates growth jobs workers union
strike wages tax taxes spending deficit debt plan plans proposal agreement deal talks trade
tariffs exports imports company companies chief executive board profits losses quarter year
week month day morning evening night Monday Tuesday Wednesday Thursday Friday weekend spring
summer autumn winter storm flooding wildfire drought heat rain snow wind damage residents
families children students schools teachers hospital doctors patients health care virus
vaccine study researchers scientists data climate energy oil gas power grid solar wind
emissions water river coast harbour bridge road rail airport flights passengers transport
housing rents homes construction land farmers crops food supply shortages exports border
migrants asylum refugees security military troops defence ministry ceasefire conflict attack
protest protesters crowd march square capital region province village town neighbourhood
statement spokesman spokeswoman interview comment comments documents records emails filing
lawsuit appeal ruling verdict sentence prison release bail evidence witness testimony
technology software platform users privacy online internet network phones app startup
museum festival film music concert team season match coach players fans stadium league
record history decades century new old early late major minor public private local national
international foreign domestic economic political social legal financial official senior
former current first second last next several many few some most all more less higher lower
rising falling growing slowing strong weak sharp steady expected unexpected likely unlikely
about around nearly almost roughly more than under over across between within without during
would could should might must will can may also still already again only even just now then
café résumé naïve Zürich São Paulo Montréal Köln Kraków — “quote” ‘aside’
""".split()
VOCABULARY.append("per\u00a0cent")  # added apart: split() would cut it at the no-break space
FIRST_NAMES = "Ana Ben Chloé Dmitri Elena Farid Grace Hiro Ines Jamal Kofi Lena Marta Noor Omar".split()
LAST_NAMES = "Adams Baker Chen Dubois Evans Fischer García Haddad Ito Jensen Kowalski Lee Moreau".split()
CITIES = """Springfield Riverton Lakeside Fairview Georgetown Clinton Madison Franklin Salem Ashland
Bristol Dover Milton Newport Oxford Kingston Arlington Burlington Chester Dayton Easton Hudson
Jackson Lebanon Marion Monroe Oakland Preston Quincy Winchester""".split()
PAPER_NOUNS = "Herald Gazette Tribune Courier Times Post Ledger Observer Sentinel Chronicle Star".split()
# Lines the importer must drop as site chrome (see CHROME_LINES in articles/importer.py).
CHROME = [
    "Watch Live",
    "{mosads}",
    "Copyright 2024 Example Media Inc. All rights reserved.",
    "Related Articles",
    "Officials speak outside the courthouse. (Photo by Jane Doe/Getty Images)",
]


def make_outlets(rng: random.Random, count: int = 200) -> list[dict]:
    names = rng.sample([f"{city} {noun}" for city in CITIES for noun in PAPER_NOUNS], count)
    return [{"name": name, "homepage_url": f"https://{slugify(name)}.example.com"} for name in names]


def make_stories(rng: random.Random, count: int) -> list[dict]:
    stories, slugs = [], set()
    while len(stories) < count:
        title = headline(rng, rng.randint(4, 8))
        if slugify(title) in slugs:  # the importer would merge two stories with one slug
            continue
        slugs.add(slugify(title))
        date = datetime.date(2015, 1, 1) + datetime.timedelta(days=rng.randrange(3650))
        stories.append({"title": title, "date": date.isoformat(), "summary": sentence(rng)})
    return stories


def headline(rng: random.Random, words: int) -> str:
    return " ".join(word[0].upper() + word[1:] for word in rng.choices(VOCABULARY, k=words))


def sentence(rng: random.Random) -> str:
    words = rng.choices(VOCABULARY, k=rng.randint(6, 24))
    text = " ".join(words)
    return text[0].upper() + text[1:] + "."


def make_body(rng: random.Random, target_chars: int) -> str:
    paragraphs, size = [], 0
    while size < target_chars:
        paragraph = " ".join(sentence(rng) for _ in range(rng.randint(2, 6)))
        paragraphs.append(paragraph)
        size += len(paragraph) + 2
    # Roughly one article in three carries a chrome line or two, as scraped pages do.
    if rng.random() < 0.3:
        for line in rng.sample(CHROME, rng.randint(1, 2)):
            paragraphs.insert(rng.randrange(1, len(paragraphs) + 1), line)
    return "\n\n".join(paragraphs)


def make_article(rng: random.Random, index: int, body: str, outlets: list[dict], stories: list[dict]) -> dict:
    # Coverage is uneven: a few stories get many articles, most get a handful.
    story = stories[int(len(stories) * rng.random() ** 2)] if rng.random() < 0.9 else None
    outlet = rng.choice(outlets) if rng.random() < 0.97 else None
    # Wire copy: now and then an article runs under its story's headline, so titles (and slugs) repeat.
    title = story["title"] if story and rng.random() < 0.02 else headline(rng, rng.randint(6, 14))
    article = {"source_file": f"bench-{index:07d}", "title": title, "body": body}
    if outlet:
        # Outlets come both ways the bulk format allows: as a name or as an object.
        article["outlet"] = outlet if rng.random() < 0.5 else outlet["name"]
    if story:
        article["story"] = story if rng.random() < 0.5 else story["title"]
    if rng.random() < 0.7:
        article["byline"] = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
    if rng.random() < 0.8:
        base = datetime.date.fromisoformat(story["date"]) if story else datetime.date(2020, 1, 1)
        date = base + datetime.timedelta(days=rng.randrange(4))
        article["date"] = date.strftime(rng.choice(["%Y-%m-%d", "%B %d, %Y", "%b %d, %Y"]))
    if rng.random() < 0.7:
        host = f"{slugify(outlet['name'])}.example.com" if outlet else "news.example.org"
        article["url"] = f"https://{host}/{index % 12 + 1:02d}/{slugify(title)[:60]}-{index}"
    return article


def write_bulk_file(path: Path, count: int, body_bytes: int, seed: int) -> None:
    """Write count articles as one JSON list, one article at a time (never all in memory)."""
    rng = random.Random(seed)
    outlets = make_outlets(rng)
    stories = make_stories(rng, max(1, count // 20))
    body_digests = set()  # 16-byte digests: ~5 MB for 100,000 articles
    with path.open("w", encoding="utf-8") as file:
        file.write("[\n")
        for index in range(count):
            while True:  # the importer refuses duplicate texts, so every body must be new
                body = make_body(rng, int(body_bytes * rng.uniform(0.75, 1.25)))
                digest = hashlib.blake2b(body.encode(), digest_size=16).digest()
                if digest not in body_digests:
                    body_digests.add(digest)
                    break
            article = make_article(rng, index, body, outlets, stories)
            file.write((",\n" if index else "") + json.dumps(article, ensure_ascii=False))
        file.write("\n]\n")


# manage.py, writing as it exits the CPU time (user + system) of its own process, the writer, and of
# its children waited for, the reader of the files (importer.iter_records_aside), to BENCH_CPU_FILE.
MANAGE_TIMED = """
import atexit, os, runpy

def write_cpu_times():
    times = os.times()
    with open(os.environ["BENCH_CPU_FILE"], "w") as file:
        file.write(f"{times.user + times.system} {times.children_user + times.children_system}")

atexit.register(write_cpu_times)
runpy.run_path("manage.py", run_name="__main__")
"""


class ImportRun(NamedTuple):
    seconds: float  # wall clock
    cpu_seconds: float  # user + system
    writer_cpu_seconds: float  # the import process alone
    reader_cpu_seconds: float  # its child reading the files
    peak_mb: float
    exit_code: int
    load: tuple[float, float]  # the machine's 1-minute load average before and after


def run_import(command: list[str], env: dict, log_dir: Path) -> ImportRun:
    """Run the import in a subprocess and measure that process alone."""
    with (log_dir / "import.out").open("wb") as out, (log_dir / "import.err").open("wb") as err:
        load_before = os.getloadavg()[0]
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=err)
        # wait4() reaps this one child and returns the resource usage of that child alone, so
        # ru_maxrss is the import's own peak. getrusage(RUSAGE_CHILDREN) would instead report
        # the largest of all children waited for so far, the migrate run among them.
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)  # tell Popen the child is reaped
    cpu_seconds = usage.ru_utime + usage.ru_stime
    peak_mb = usage.ru_maxrss * 1024 / MB  # KiB on Linux
    cpu_file = Path(env["BENCH_CPU_FILE"])  # not written if the import was killed
    writer, reader = map(float, cpu_file.read_text().split()) if cpu_file.exists() else (math.nan, math.nan)
    load = (load_before, os.getloadavg()[0])
    return ImportRun(seconds, cpu_seconds, writer, reader, peak_mb, process.returncode, load)


def count_rows(database: Path) -> dict[str, float]:
    with sqlite3.connect(database) as connection:
        return {
            table: connection.execute(f"SELECT COUNT(*) FROM articles_{table}").fetchone()[0]
            for table in ["article", "outlet", "story"]
        } | {"body_chars": connection.execute("SELECT AVG(LENGTH(body)) FROM articles_article").fetchone()[0]}


def verdict(is_met: bool) -> str:
    return "met" if is_met else "MISSED"


def report(args: argparse.Namespace, generation_seconds: float, run: ImportRun, work_dir: Path) -> None:
    bulk_file, database = work_dir / "bench.json", work_dir / "bench.sqlite3"
    rows = count_rows(database)
    rate = args.n / run.seconds
    cores = f"1 minute; {os.cpu_count()} cores"
    in_database = f"{rows['article']:,} articles, {rows['outlet']:,} outlets, {rows['story']:,} stories"
    target = f"{TARGET_ARTICLES:,} articles in under {TARGET_SECONDS} s, peak under {TARGET_PEAK_MB} MB"
    lines = [
        ("articles", f"{args.n:,} (seed {args.seed}, --body-bytes {args.body_bytes:,})"),
        ("bulk file", f"{bulk_file.stat().st_size / MB:,.1f} MB"),
        ("generation", f"{generation_seconds:,.1f} s"),
        ("import", f"{run.seconds:,.1f} s (the whole subprocess, Python and Django start-up included)"),
        # On a busy machine wall-clock time wanders; CPU time is the steadier figure to compare runs by.
        ("CPU time", f"{run.cpu_seconds:,.1f} s (user + system: the import process and its reader)"),
        ("  writer", f"{run.writer_cpu_seconds:,.1f} s (the import process: checks and writes)"),
        ("  reader", f"{run.reader_cpu_seconds:,.1f} s (its child: reads, checks and cleans the files)"),
        ("load average", f"{run.load[0]:.1f} before the import, {run.load[1]:.1f} after ({cores})"),
        ("rate", f"{rate:,.0f} articles/s"),
        ("peak RSS", f"{run.peak_mb:,.0f} MB (the larger of the import process and its reader)"),
        ("import said", (work_dir / "import.out").read_text().strip()),
        ("in database", in_database),
        ("mean body", f"{rows['body_chars'] or 0:,.0f} characters once imported (chrome lines removed)"),
        ("all imported", "yes" if rows["article"] == args.n else f"NO: {rows['article']:,} of {args.n:,}"),
        ("database file", f"{database.stat().st_size / MB:,.1f} MB"),
        ("target", target),
    ]
    if args.n >= TARGET_ARTICLES:
        lines.append(("time", verdict(run.seconds < TARGET_SECONDS)))
        lines.append(("memory", verdict(run.peak_mb < TARGET_PEAK_MB)))
    else:
        projected = f"~{TARGET_ARTICLES / rate:,.0f} s at this rate"
        lines.append(("time", f"not measured below {TARGET_ARTICLES:,} articles ({projected})"))
        lines.append(("memory", f"not measured below {TARGET_ARTICLES:,} articles"))
    for label, value in lines:
        print(f"{label:<14} {value}")


def time_comparisons(manage: list[str], env: dict, database: Path, sample: int) -> None:
    """Time `compare_stories` on a sample of the imported stories, and project it to all of them."""
    with sqlite3.connect(database) as connection:
        stories = connection.execute("SELECT COUNT(*) FROM articles_story").fetchone()[0]
        slugs = [slug for (slug,) in connection.execute("SELECT slug FROM articles_story LIMIT ?", (sample,))]
    if not slugs:
        return
    command = [*manage, "compare_stories", *(f"--story={slug}" for slug in slugs)]
    started = time.perf_counter()
    subprocess.run(command, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    seconds = time.perf_counter() - started
    per_story = seconds / len(slugs)
    label = f"{len(slugs)} stories in {seconds:,.1f} s, {per_story:.2f} s a story (start-up included);"
    print(f"{'comparison':<14} {label}")
    print(
        f"{'':<14} all {stories:,} stories at this rate: ~{per_story * stories:,.0f} s with `compare_stories`"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", nargs="?", type=int, default=10_000, help="articles (default 10,000)")
    parser.add_argument("--body-bytes", type=int, default=4000, help="body size, +-25%% (default 4000)")
    parser.add_argument("--seed", type=int, default=1, help="random seed; one seed, one file")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder: file, database, logs")
    parser.add_argument("--compare-sample", type=int, default=50, help="stories to time compare_stories on")
    args = parser.parse_args()

    work_dir = Path(tempfile.mkdtemp(prefix="import-bench-"))
    bulk_file, database = work_dir / "bench.json", work_dir / "bench.sqlite3"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}", "DEBUG": "false"}
    env["BENCH_CPU_FILE"] = str(work_dir / "cpu.txt")
    env["SECRET_KEY"] = secrets.token_urlsafe(50)
    try:
        started = time.perf_counter()
        write_bulk_file(bulk_file, args.n, args.body_bytes, args.seed)
        generation_seconds = time.perf_counter() - started

        manage = [sys.executable, "manage.py"]
        migrate = subprocess.run([*manage, "migrate", "--noinput", "--verbosity", "0"], cwd=ROOT, env=env)
        if migrate.returncode != 0:
            print(f"migrate failed (exit code {migrate.returncode}); see above", file=sys.stderr)
            return 1
        # Comparing thousands of stories is deferred, as README advises for huge imports, and timed
        # below on a sample of stories.
        import_corpus = ["import_corpus", "--defer-comparison", str(bulk_file)]
        run = run_import([sys.executable, "-c", MANAGE_TIMED, *import_corpus], env, work_dir)
        if run.exit_code != 0:
            print(f"import_corpus failed (exit code {run.exit_code}):", file=sys.stderr)
            print((work_dir / "import.err").read_text(), file=sys.stderr)
            return 1
        report(args, generation_seconds, run, work_dir)
        time_comparisons(manage, env, database, args.compare_sample)
    finally:
        if args.keep:
            print(f"{'kept':<14} {work_dir}")
        else:
            shutil.rmtree(work_dir)
    return 0


if __name__ == "__main__":
    sys.exit(main())
