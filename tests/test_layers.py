"""Dependencies run one way: views -> services | queries -> models -> text, and newsroom.api and
newsroom.search -> articles -> newsroom.accounts (README, Architecture)."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# A module may import ours of its own layer or one below; the apps above articles come last.
LAYERS = [
    {"newsroom.accounts", "newsroom.jobs"},  # newsroom.jobs names the work of those above by path only
    {"articles.text"},
    {"articles.models"},
    {
        "articles.sanitize",
        "articles.importer",
        "articles.navigation",
        "articles.permissions",
        "articles.forms",
    },
    {"articles.services", "articles.queries"},
    {
        "articles.apps",
        "articles.signals",  # the models' signal receivers
        "articles.views",
        "articles.templatetags",
        "articles.admin",
        "articles.urls",
        "articles.management",
        "articles.jobs",
    },
    {"newsroom.api", "newsroom.search"},
]
# Beside each other, not on top of each other: a write never needs a page-shaped read.
APART = [("articles.services", "articles.queries"), ("articles.queries", "articles.services")]


def layer_of(module: str) -> int | None:
    return next(
        (rank for rank, names in enumerate(LAYERS) for name in names if f"{module}.".startswith(f"{name}.")),
        None,
    )


def forbidden_imports(root: Path) -> list[str]:
    """Every import of one of our modules that a layer rule forbids, as "importer -> imported"."""
    found = []
    paths = [*root.glob("articles/**/*.py"), *(root / "newsroom").glob("*/**/*.py")]
    for path in paths:
        if "migrations" in path.parts:
            continue
        importer = ".".join(path.relative_to(root).with_suffix("").parts)
        for node in ast.walk(ast.parse(path.read_text())):
            names = [alias.name for alias in node.names] if isinstance(node, ast.Import) else []
            names += [node.module] if isinstance(node, ast.ImportFrom) and node.module else []
            for imported in names:
                here, there = layer_of(importer), layer_of(imported)
                if importer.startswith("articles.text.") and (
                    imported.split(".")[0] == "django" or (there is not None and there != here)
                ):
                    found.append(f"{importer} -> {imported}")
                    continue
                apart = any(importer.startswith(a) and imported.startswith(b) for a, b in APART)
                if there is not None and (here is None or there > here or apart):
                    found.append(f"{importer} -> {imported}")
    return found


def test_dependencies_run_one_way():
    assert forbidden_imports(ROOT) == []


def test_the_rules_catch_a_forbidden_import(tmp_path):
    for module, source in {
        "articles/text/words.py": "import django.utils.text\nfrom newsroom.accounts import models\n",
        "newsroom/accounts/models.py": "from articles.models import Article\n",
        "newsroom/api/views.py": "from articles.queries import tags\nfrom newsroom.accounts import models\n",
        "articles/models/corpus.py": "from articles.queries.stories import story_page\n",
        "articles/services/imports.py": "from articles.queries import tags\n",
        "articles/queries/tags.py": "from articles.models import Tag\nfrom articles.text import words\n",
    }.items():
        (tmp_path / module).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / module).write_text(source)

    assert sorted(forbidden_imports(tmp_path)) == [
        "articles.models.corpus -> articles.queries.stories",
        "articles.services.imports -> articles.queries",
        "articles.text.words -> django.utils.text",
        "articles.text.words -> newsroom.accounts",
        "newsroom.accounts.models -> articles.models",
    ]
