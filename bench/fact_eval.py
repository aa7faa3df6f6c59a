"""Numeric facts on a labelled set: extraction, alignment across outlets and "stated differently".

    .venv/bin/python bench/fact_eval.py [--set tune|heldout|all] [--verbose]

Reads bench/eval/facts/*.json (format in tune.json's "about"): stories of two or three articles,
each fact labelled with its phrase, kind, fact id and what it says. For each story it runs
find_facts() on every article and align_facts() on them all, as the comparison does, and prints:

- extraction: precision (found facts that overlap a labelled fact of the same kind) and recall
  (labelled facts found);
- alignment: precision and recall over pairs of facts in different articles (a found pair is right
  when both are labelled with the same id);
- "stated differently": over the groups flagged (a flag is right when all its facts have one id and
  two of them say different things) and over pairs (two facts of a flagged group that differ in
  value or qualifier; right when they have one id and say different things); recall over the
  labelled pairs that say different things. Target: precision at least 85%.

tune.json is what the rules were tuned on; heldout.json was written with it and never tuned on.
It prints figures and does not assert them. --verbose lists every miss and false find.
"""

import argparse
import datetime
import json
import sys
from itertools import combinations
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from articles.text.facts import align_facts, differs, find_facts  # noqa: E402

SETS = ROOT / "bench" / "eval" / "facts"


class Tally:
    """Right finds out of all finds, and labelled items found out of all labelled."""

    def __init__(self):
        self.right = self.found = self.labelled_found = self.labelled = 0

    def line(self, name: str) -> str:
        precision = self.right / self.found if self.found else 1.0
        recall = self.labelled_found / self.labelled if self.labelled else 1.0
        return (
            f"  {name:<22} precision {precision:6.1%} ({self.right}/{self.found})"
            f"   recall {recall:6.1%} ({self.labelled_found}/{self.labelled})"
        )


def labelled_span(body: str, phrase: str) -> tuple[int, int]:
    """Where the labelled phrase stands: its first occurrence, or its nth with "#n" after it."""
    phrase, _, nth = phrase.partition("#")
    start = -1
    for _ in range(int(nth or 1)):
        start = body.index(phrase, start + 1)
    return start, start + len(phrase)


def evaluate(stories: list[dict], verbose: bool) -> dict[str, Tally]:
    tallies = {
        name: Tally() for name in ("extraction", "alignment", "differently (flags)", "differently (pairs)")
    }
    for story in stories:
        evaluate_story(story, tallies, verbose)
    return tallies


def evaluate_story(story: dict, tallies: dict[str, Tally], verbose: bool) -> None:
    articles = story["articles"]
    labels = {}  # (article, start, end) -> (kind, id, says)
    for article, phrase, kind, fact_id, says in story["facts"]:
        start, end = labelled_span(articles[article]["body"], phrase)
        labels[(article, start, end)] = (kind, fact_id, says)

    found = [
        fact
        for number, article in enumerate(articles)
        for fact in find_facts(
            number, article["body"], published=datetime.date.fromisoformat(article["published"])
        )
    ]
    label_of = {fact: matching_label(fact, labels) for fact in found}

    extraction = tallies["extraction"]
    extraction.found += len(found)
    extraction.right += sum(1 for fact in found if label_of[fact])
    matched = {label_of[fact] for fact in found if label_of[fact]}
    extraction.labelled += len(labels)
    extraction.labelled_found += len(matched)
    if verbose:
        for fact in found:
            if not label_of[fact]:
                print(f"  {story['id']}: false {fact.kind} {phrase_of(fact, articles)!r} ({fact.subject!r})")
        for label, (kind, fact_id, _) in labels.items():
            if label not in matched:
                print(f"  {story['id']}: missed {kind} {text_at(label, articles)!r} ({fact_id})")

    groups = align_facts(found)
    same = labelled_pairs(labels, lambda a, b: a[1] == b[1])
    different = labelled_pairs(labels, lambda a, b: a[1] == b[1] and a[2] != b[2] and a[0] != "date")
    found_pairs, differing_pairs = set(), set()
    flags = tallies["differently (flags)"]
    for group in groups:
        pairs = {
            pair: (first, second)
            for first, second in combinations(group, 2)
            if (pair := key(first, second, label_of))
        }
        found_pairs |= set(pairs)
        if differs(group):
            flags.found += 1
            ids = {labels[label_of[fact]][1] if label_of[fact] else None for fact in group}
            right = len(ids) == 1 and None not in ids and any(pair in different for pair in pairs)
            flags.right += right
            differing_pairs |= {
                pair
                for pair, (first, second) in pairs.items()
                if (first.value, first.qualifier) != (second.value, second.qualifier)
            }
            if verbose and not right:
                print(f"  {story['id']}: false flag {[phrase_of(fact, articles) for fact in group]}")
    alignment = tallies["alignment"]
    alignment.found += len(found_pairs)
    alignment.right += len(found_pairs & same)
    alignment.labelled += len(same)
    alignment.labelled_found += len(found_pairs & same)

    pairs = tallies["differently (pairs)"]
    pairs.found += len(differing_pairs)
    pairs.right += len(differing_pairs & different)
    pairs.labelled += len(different)
    pairs.labelled_found += len(differing_pairs & different)
    flags.labelled += len(different)
    flags.labelled_found += len(differing_pairs & different)
    if verbose:
        for pair in sorted(same - found_pairs):
            print(f"  {story['id']}: not aligned {[text_at(key, articles) for key in pair]}")
        for pair in sorted(different - differing_pairs):
            print(f"  {story['id']}: difference missed {[text_at(key, articles) for key in pair]}")


def key(first, second, label_of: dict) -> tuple | None:
    """Two found facts of different articles as a pair: their labels in order, or themselves."""
    if first.article == second.article:
        return None
    if label_of[first] and label_of[second]:
        return tuple(sorted((label_of[first], label_of[second])))
    return ("unlabelled", first, second)


def matching_label(fact, labels: dict) -> tuple | None:
    """The labelled fact of the same kind that the found one overlaps, if any."""
    for (article, start, end), (kind, _, _) in labels.items():
        if article == fact.article and kind == fact.kind and fact.start < end and start < fact.end:
            return (article, start, end)
    return None


def labelled_pairs(labels: dict, related) -> set[tuple]:
    """Pairs of labelled facts (keys, in order) in different articles that are related."""
    return {
        (first, second)
        for first, second in combinations(sorted(labels), 2)
        if first[0] != second[0] and related(labels[first], labels[second])
    }


def phrase_of(fact, articles: list[dict]) -> str:
    return articles[fact.article]["body"][fact.start : fact.end]


def text_at(key: tuple, articles: list[dict]) -> str:
    article, start, end = key
    return f"{article}:{articles[article]['body'][start:end]}"


def load(name: str) -> list[dict]:
    return json.loads((SETS / f"{name}.json").read_text(encoding="utf-8"))["stories"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", choices=["tune", "heldout", "all"], default="all")
    parser.add_argument("--verbose", action="store_true")
    options = parser.parse_args()
    names = ["tune", "heldout"] if options.set == "all" else [options.set]
    for name in names:
        stories = load(name)
        facts = sum(len(story["facts"]) for story in stories)
        articles = sum(len(story["articles"]) for story in stories)
        print(f"{name}: {len(stories)} stories, {articles} articles, {facts} facts")
        for label, tally in evaluate(stories, options.verbose).items():
            print(tally.line(label))


if __name__ == "__main__":
    main()
