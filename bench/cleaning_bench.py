"""Time the importer's cleaning of N synthetic ~4 KB bodies: repair, canonical lines, clean_lines, is_damaged.

    .venv/bin/python bench/cleaning_bench.py [N] [--seed 1]

The bodies reproduce real wire copy's shapes in equal shares: one line of ASCII text with a
dateline and trailers; several paragraphs with accented words and curly quotes; one line with
mojibake and a dash lost as '"?'; one line with an inline pitch and a "READ MORE:" link. Target:
100,000 bodies in a few seconds (the importer's own work is on top). It prints figures and does
not assert them.
"""

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from articles.text import cleaning  # noqa: E402  (pure: needs no settings)
from articles.text.canonical import canonical_lines  # noqa: E402

TARGET_SECONDS = 5  # per 100,000 bodies
WORDS = (
    "the minister said on Monday that talks with the union would resume after a week of strikes across "
    "the country while officials warned that the deal could still fail if both sides refused to move"
).split()
ACCENTED = ["café", "Zürich", "São", "naïve", "“deal”", "déjà", "—", "l’accord"]


def sentence(rng: random.Random, accented: bool = False) -> str:
    words = rng.choices(WORDS, k=rng.randint(12, 30))
    if accented:
        words[rng.randrange(len(words))] = rng.choice(ACCENTED)
    return " ".join(words).capitalize() + "."


def text_of(rng: random.Random, size: int, accented: bool = False) -> str:
    sentences, length = [], 0
    while length < size:
        sentences.append(sentence(rng, accented))
        length += len(sentences[-1]) + 1
    return " ".join(sentences)


def body(rng: random.Random, kind: int, size: int) -> str:
    if kind == 0:
        return (
            f"LONDON (Reuters) - {text_of(rng, size)} (Reporting by Jane Doe; Editing by John Roe) "
            "Copyright 2018 Reuters. All rights reserved."
        )
    if kind == 1:
        return "\n\n".join(text_of(rng, size // 8, accented=True) for _ in range(8))
    if kind == 2:
        return text_of(rng, size).replace(" the ", " thÃ© ", 3).replace(" while ", ' "? ', 2)
    middle = size // 2
    return (
        f"{text_of(rng, middle)} Sign up for our daily newsletter. READ MORE: Brexit news: May faces "
        f"fresh revoltThe {text_of(rng, middle)} Follow us on Twitter."
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", nargs="?", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--body-bytes", type=int, default=4000)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    bodies = [body(rng, number % 4, args.body_bytes) for number in range(args.count)]
    megabytes = sum(map(len, bodies)) / 1e6

    started = time.perf_counter()
    damaged = 0
    for text in bodies:
        lines = cleaning.clean_lines(canonical_lines(cleaning.repair(text)), "Reuters")
        damaged += cleaning.is_damaged("\n\n".join(lines))
    seconds = time.perf_counter() - started

    per_100k = seconds * 100_000 / args.count
    print(
        f"{args.count:,} bodies, {megabytes:.1f} MB: {seconds:.2f} s "
        f"({seconds / args.count * 1e6:.0f} µs a body)"
    )
    print(f"per 100,000 bodies: {per_100k:.1f} s (target {TARGET_SECONDS} s); damaged: {damaged:,}")


if __name__ == "__main__":
    main()
