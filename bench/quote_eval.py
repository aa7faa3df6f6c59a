"""Speakers and statement groups of articles.text.quotes, measured on a labelled set of news stories.

    .venv/bin/python bench/quote_eval.py [--set dev|heldout|all] [--errors] [--speed 1500]

The sets live in bench/eval/quotes/ (dev.json, tuned on; heldout.json, written with it and not
tuned on). Each is a list of stories of two or more outlets' articles; each article lists every
quotation of QUOTE_MIN_WORDS words or more in its body: how the quote starts, the speaker a careful
reader takes from the text (null when the text does not say) and a statement label shared by the
quotes of the same words across the story's articles (null for a quote no other article has).

Speakers are compared as the code writes them (the surname of a person, an organisation or a
title with its article), in lower case and without a leading article ("the", "a") or a possessive
"’s", so that "the Foreign Ministry" and "Foreign Ministry" are one speaker. It prints:

- speaker precision: of the labelled quotes given a speaker, the share given the right one;
- speaker recall: of the labelled quotes with a speaker, the share given the right one;
- quotes labelled but not found, and quotes found but not labelled (scare quotes are not labelled);
- grouping errors: pairs of quotes from two articles grouped together but labelled as different
  statements (false joins), pairs labelled as the same statement in no common group (missed
  joins), and groups holding two or more labelled statements (chained groups).

--speed N times find_quotes and group_quotes on a story of N articles made from the set's
articles, each copy with its sentences in another order. It prints figures and asserts nothing.
"""

import argparse
import json
import random
import re
import sys
import time
from itertools import combinations
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from articles.text.quotes import Quote, find_quotes, group_quotes  # noqa: E402
from articles.text.words import split_sentences  # noqa: E402

SETS = ROOT / "bench" / "eval" / "quotes"
_LEADING_ARTICLE = re.compile(r"^(?:the|a|an)\s+")


def load(name: str) -> list[dict]:
    names = ["dev", "heldout"] if name == "all" else [name]
    return [story for part in names for story in json.loads((SETS / f"{part}.json").read_text())]


def same_speaker(found: str | None, expected: str | None) -> bool:
    return found is not None and expected is not None and normalised(found) == normalised(expected)


def normalised(speaker: str) -> str:
    plain = speaker.lower().replace("’", "'").strip()
    return _LEADING_ARTICLE.sub("", plain).removesuffix("'s")


def matching(found: list[Quote], start: str) -> Quote | None:
    """The quote found that the label's start names: one starts where the other does."""
    for quote in found:
        if quote.text.startswith(start) or (len(quote.text) >= 10 and start.startswith(quote.text)):
            return quote
    return None


def evaluate(stories: list[dict], show_errors: bool) -> None:
    given = right = with_speaker = labelled = missing = unlabelled = 0
    false_joins = missed_joins = chained = 0
    for story in stories:
        labels: dict[Quote, str | None] = {}
        all_found: list[Quote] = []
        for number, article in enumerate(story["articles"]):
            found = find_quotes(number, article["body"])
            all_found += found
            matched = set()
            for label in article["quotes"]:
                labelled += 1
                with_speaker += label["speaker"] is not None
                quote = matching(found, label["start"])
                if quote is None:
                    missing += 1
                    if show_errors:
                        print(f"  NOT FOUND [{story['story']} / {article['outlet']}] {label['start']!r}")
                    continue
                matched.add(quote)
                labels[quote] = label["statement"]
                if quote.speaker is not None:
                    given += 1
                    right += same_speaker(quote.speaker, label["speaker"])
                if show_errors and not (
                    quote.speaker is None
                    and label["speaker"] is None
                    or same_speaker(quote.speaker, label["speaker"])
                ):
                    print(
                        f"  SPEAKER [{story['story']} / {article['outlet']}] {label['start'][:40]!r}: "
                        f"found {quote.speaker!r}, expected {label['speaker']!r}"
                    )
            for quote in found:
                if quote not in matched:
                    unlabelled += 1
                    if show_errors:
                        print(f"  UNLABELLED [{story['story']} / {article['outlet']}] {quote.text[:50]!r}")
        joins, chains = grouping_errors(group_quotes(all_found), labels, story["story"], show_errors)
        false_joins, missed_joins, chained = false_joins + joins[0], missed_joins + joins[1], chained + chains
    print(f"stories: {len(stories)}; labelled quotes: {labelled} ({with_speaker} with a speaker)")
    print(f"  not found: {missing}; found but not labelled: {unlabelled}")
    print(f"  speaker precision: {right}/{given} = {share(right, given)}")
    print(f"  speaker recall:    {right}/{with_speaker} = {share(right, with_speaker)}")
    print(f"  grouping: false joins {false_joins}, missed joins {missed_joins}, chained groups {chained}")


def grouping_errors(
    groups: list[list[Quote]], labels: dict[Quote, str | None], story: str, show: bool
) -> tuple[tuple[int, int], int]:
    """False and missed joins between labelled quotes of two articles, and groups of several statements."""
    together = {frozenset(pair) for group in groups for pair in combinations(group, 2)}
    false_joins = missed_joins = 0
    for first, second in combinations(labels, 2):
        if first.article == second.article:
            continue
        same = labels[first] is not None and labels[first] == labels[second]
        joined = frozenset((first, second)) in together
        if joined and not same:
            false_joins += 1
            if show:
                print(f"  FALSE JOIN [{story}] {first.text[:40]!r} ~ {second.text[:40]!r}")
        elif same and not joined:
            missed_joins += 1
            if show:
                print(f"  MISSED JOIN [{story}] {first.text[:40]!r} ~ {second.text[:40]!r}")
    chained = sum(1 for group in groups if len({labels[q] for q in group if labels.get(q)}) > 1)
    return (false_joins, missed_joins), chained


def share(part: int, whole: int) -> str:
    return f"{part / whole:.1%}" if whole else "n/a"


def bench_speed(stories: list[dict], articles: int, seed: int) -> None:
    """find_quotes and group_quotes on one story of this many articles, copies of the set's, reordered."""
    rng = random.Random(seed)
    bodies = [article["body"] for story in stories for article in story["articles"]]
    texts = {}
    for key in range(articles):
        sentences = split_sentences(bodies[key % len(bodies)].replace("\n\n", " "))
        rng.shuffle(sentences)
        texts[key] = ". ".join(sentence.rstrip(".") for sentence in sentences) + "."
    started = time.perf_counter()
    quotes = [quote for key, text in texts.items() for quote in find_quotes(key, text)]
    found = time.perf_counter()
    groups = group_quotes(quotes)
    grouped = time.perf_counter()
    characters = sum(len(text) for text in texts.values())
    print(f"speed: {articles} articles, {characters:,} characters, {len(quotes)} quotes")
    print(f"  find_quotes: {found - started:.2f} s; group_quotes: {grouped - found:.2f} s")
    print(f"  groups: {len(groups)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--set", choices=["dev", "heldout", "all"], default=None)
    parser.add_argument("--errors", action="store_true", help="list every error")
    parser.add_argument("--speed", type=int, default=0, help="also time a story of this many articles")
    parser.add_argument("--seed", type=int, default=1)
    arguments = parser.parse_args()
    for name in [arguments.set] if arguments.set else ["dev", "heldout"]:
        print(f"== {name}")
        evaluate(load(name), arguments.errors)
    if arguments.speed:
        bench_speed(load("all"), arguments.speed, arguments.seed)


if __name__ == "__main__":
    main()
