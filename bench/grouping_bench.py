"""Time and memory of story grouping (articles.text.grouping, pure: no database) on a large corpus.

    .venv/bin/python bench/grouping_bench.py [--articles 100000] [--events 5000] [--outlets 200]
                                             [--days 365] [--lede-chars 2500] [--seed 1]

--articles synthetic articles about --events events spread over --days days, from --outlets
outlets: each event has its own names (people, places: made-up words) and words, and each of its
articles, published on the event's day or up to two days later, draws a title and a lede of about
--lede-chars characters from them and from a common vocabulary drawn with Zipf-like weights, so
that articles of one event share words without sharing sentences. A tenth of the articles belong to
no event. The items are streamed from a generator, as the service reads them from the database.

Prints the time of group_articles() (less the time spent making the articles up), the peak
memory of the process (ru_maxrss) before and after, met or missed against the targets (3 minutes,
1 GB), and, as a check that the work was done, the share of proposed stories that are one event
and of same-event pairs found together.
"""

import argparse
import datetime
import random
import resource
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from articles.text.grouping import Item, group_articles  # noqa: E402

TIME_TARGET = 180  # seconds
MEMORY_TARGET = 1024  # MB

VOCABULARY = """
the of to and a in that for on with as by at from its their his her after before while was is
said says told according officials report government council minister president senator governor
mayor court judge police federal state county city budget vote bill law lawmakers committee
hearing investigation charges election campaign voters poll district party leaders opposition
policy economy inflation prices market shares investors bank rates growth jobs workers union
strike wages tax spending deficit debt plan proposal agreement deal talks trade tariffs exports
company companies chief executive board profits losses quarter year week month day morning night
storm flooding wildfire drought heat rain damage residents families children students schools
teachers hospital doctors patients health virus vaccine study researchers scientists data climate
energy oil gas power grid water river coast bridge road rail airport flights housing rents homes
land farmers food supply border migrants asylum refugees security military troops ceasefire
attack protest crowd capital region village statement spokesman interview documents lawsuit
appeal ruling evidence witness technology software platform users privacy online network museum
festival film music team season record history public private local national international
""".split()
WEIGHTS = [1 / (rank + 10) for rank in range(len(VOCABULARY))]
SYLLABLES = "ka ri to ven mar sol tek an dur vi lo zen qua bel or im gra fen nu sha".split()


def made_up_word(rng: random.Random) -> str:
    return "".join(rng.choices(SYLLABLES, k=rng.randint(2, 4)))


def synthetic_items(options) -> Iterator[tuple[Item, int | None]]:
    """Articles with their event (None: of no event), in no particular order."""
    rng = random.Random(options.seed)
    start = datetime.date(2024, 1, 1)
    events = []
    for _ in range(options.events):
        names = [made_up_word(rng).capitalize() for _ in range(5)]
        words = rng.sample(VOCABULARY, 12) + [made_up_word(rng) for _ in range(4)]
        events.append((names, words, start + datetime.timedelta(days=rng.randrange(options.days))))
    outlets = [f"outlet-{number}" for number in range(options.outlets)]
    for key in range(1, options.articles + 1):
        event = rng.randrange(len(events)) if rng.random() < 0.9 else None
        if event is None:
            names = [made_up_word(rng).capitalize() for _ in range(5)]
            words = rng.sample(VOCABULARY, 12)
            date = start + datetime.timedelta(days=rng.randrange(options.days))
        else:
            names, words, date = events[event]
            date += datetime.timedelta(days=rng.choice([0, 0, 0, 1, 1, 2]))
        title = " ".join(rng.sample(names, 2) + rng.sample(words, 4) + rng.choices(VOCABULARY, WEIGHTS, k=3))
        count = options.lede_chars // 7  # words of about six letters and a space
        lede = rng.choices(VOCABULARY, WEIGHTS, k=count)
        for position in rng.sample(range(count), count // 4):
            lede[position] = rng.choice(names if rng.random() < 0.4 else words)
        yield Item(key, rng.choice(outlets), date, title.capitalize(), " ".join(lede) + "."), event


def maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--events", type=int, default=5_000)
    parser.add_argument("--outlets", type=int, default=200)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--lede-chars", type=int, default=2_500)
    parser.add_argument("--seed", type=int, default=1)
    options = parser.parse_args()

    event_of: dict[int, int | None] = {}
    generating = 0.0  # the time spent making the articles up, not counted

    def items() -> Iterator[Item]:
        nonlocal generating
        made = synthetic_items(options)
        while True:
            began = time.perf_counter()
            item, event = next(made, (None, None))
            generating += time.perf_counter() - began
            if item is None:
                return
            event_of[item.id] = event
            yield item

    before = maxrss_mb()
    began = time.perf_counter()
    grouping = group_articles(items())
    elapsed = time.perf_counter() - began - generating
    after = maxrss_mb()

    print(
        f"{options.articles} articles, {options.events} events, "
        f"{options.outlets} outlets, {options.days} days"
    )
    print(
        f"time {elapsed:.1f} s, besides {generating:.1f} s to make the articles up "
        f"({'met' if elapsed < TIME_TARGET else 'missed'}: target {TIME_TARGET} s)"
    )
    print(
        f"peak memory {after:.0f} MB, {before:.0f} MB before "
        f"({'met' if after < MEMORY_TARGET else 'missed'}: target {MEMORY_TARGET} MB)"
    )
    clusters = grouping.clusters
    pure = sum(
        len({event_of[key] for key in c.ids}) == 1 and event_of[c.ids[0]] is not None for c in clusters
    )
    sizes = Counter(event for event in event_of.values() if event is not None)
    pairs = sum(n * (n - 1) // 2 for n in sizes.values())
    found = 0
    for cluster in clusters:
        counts = Counter(event_of[key] for key in cluster.ids if event_of[key] is not None)
        found += sum(n * (n - 1) // 2 for n in counts.values())
    print(f"{len(clusters)} stories proposed, {pure / max(1, len(clusters)):.1%} one event")
    print(f"same-event pairs together: {found / max(1, pairs):.1%} of {pairs}")
    with_similar = sum(bool(others) for others in grouping.similar.values())
    print(f"articles with similar articles from other outlets: {with_similar}")


if __name__ == "__main__":
    main()
