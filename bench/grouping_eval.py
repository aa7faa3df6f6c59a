"""Story grouping on a labelled set: are the proposed stories one event each, and are an event's
articles found together?

    .venv/bin/python bench/grouping_eval.py [--set bench/eval/stories/articles.json] [--threshold X]

Runs the pure grouping (articles.text.grouping, no database) on the set (written by
bench/eval/stories/generate.py: events covered by several outlets, twins of the same kind within
days, one-outlet series and lone articles) and prints, for the default threshold and a few others:
- purity: the share of proposed stories (all from two outlets or more) whose articles are all
  labelled with one event (target at least 90%);
- pair recall: the share of labelled same-event article pairs that end up in one proposal
  (target at least 85%);
- the counts, and the proposals that mix events or hold unlabelled articles.
"""

import argparse
import datetime
import json
import sys
from itertools import combinations
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from articles.text.grouping import DEFAULT_THRESHOLD, Item, group_articles  # noqa: E402

PURITY_TARGET = 0.90
RECALL_TARGET = 0.85


def load(path: Path) -> list[dict]:
    return json.loads(path.read_text())


def items_of(articles: list[dict]) -> list[Item]:
    return [
        Item(
            a["id"],
            a["outlet"],
            datetime.date.fromisoformat(a["date"]) if a["date"] else None,
            a["title"],
            a["body"],
        )
        for a in articles
    ]


def evaluate(articles: list[dict], threshold: float) -> dict:
    label = {a["id"]: a["story"] for a in articles}
    clusters = group_articles(items_of(articles), threshold=threshold).clusters
    pure = [c for c in clusters if len({label[i] for i in c.ids}) == 1 and label[c.ids[0]] is not None]
    together = {pair for c in clusters for pair in combinations(sorted(c.ids), 2)}
    by_story: dict[str, list[int]] = {}
    for a in articles:
        if a["story"]:
            by_story.setdefault(a["story"], []).append(a["id"])
    pairs = [pair for ids in by_story.values() for pair in combinations(sorted(ids), 2)]
    found = sum(pair in together for pair in pairs)
    return {
        "threshold": threshold,
        "articles": len(articles),
        "stories": len(by_story),
        "proposed": len(clusters),
        "pure": len(pure),
        "purity": len(pure) / len(clusters) if clusters else 1.0,
        "pairs": len(pairs),
        "pairs_found": found,
        "recall": found / len(pairs) if pairs else 1.0,
        "mixed": [c for c in clusters if c not in pure],
        "label": label,
    }


def report(result: dict, details: bool) -> None:
    purity, recall = result["purity"], result["recall"]
    print(
        f"threshold {result['threshold']:.2f}: {result['proposed']} proposed, {result['pure']} one event: "
        f"purity {purity:.1%} ({'met' if purity >= PURITY_TARGET else 'missed'}), "
        f"pair recall {recall:.1%} of {result['pairs']} ({'met' if recall >= RECALL_TARGET else 'missed'})"
    )
    if details:
        for cluster in result["mixed"]:
            print(f"   mixed: {[result['label'][i] for i in cluster.ids]}  {cluster.title!r}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--set", type=Path, default=ROOT / "bench/eval/stories/articles.json")
    parser.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD)
    options = parser.parse_args()
    articles = load(options.set)
    stories = {a["story"] for a in articles if a["story"]}
    outlets = {a["outlet"] for a in articles}
    print(f"{len(articles)} articles, {len(stories)} labelled stories, {len(outlets)} outlets")
    report(evaluate(articles, options.threshold), details=True)
    print("Other thresholds:")
    for threshold in (0.2, 0.25, 0.3, 0.35, 0.4, 0.5):
        if threshold != options.threshold:
            report(evaluate(articles, threshold), details=False)


if __name__ == "__main__":
    main()
