"""The import_corpus command and import_articles(): all or nothing, idempotent."""

import json
import os
import shutil
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command

from articles.importer import ImportProblem, iter_records
from articles.models import Article, Outlet, Story
from articles.services.imports import import_articles
from articles.text.canonical import canonicalize, content_hash

pytestmark = pytest.mark.django_db

PROJECT = Path(__file__).resolve().parent.parent
FIXTURES = PROJECT / "fixtures"
STORY_SLUG = "microsoft-employees-protest-the-companys-ice-contract"


def import_corpus(*paths: Path) -> str:
    """Run the command and return its summary line."""
    out = StringIO()
    call_command("import_corpus", *map(str, paths), stdout=out, stderr=StringIO())
    return out.getvalue().splitlines()[0]


def import_error(*paths: Path) -> str:
    with pytest.raises(CommandError) as caught:
        import_corpus(*paths)
    return str(caught.value)


def write_corpus(folder: Path, files: dict[str, str | bytes], manifest: dict | None = None) -> Path:
    """A corpus folder with the given files (text, bytes, or lists/dicts written as JSON)."""
    folder.mkdir(exist_ok=True)
    for name, content in files.items():
        if isinstance(content, list | dict):
            content = json.dumps(content)
        (folder / name).write_bytes(content.encode() if isinstance(content, str) else content)
    if manifest is not None:
        (folder / "manifest.json").write_text(json.dumps(manifest))
    return folder


def copy_fixtures(tmp_path: Path, *, leave_out: str = "") -> Path:
    folder = tmp_path / "corpus"
    shutil.copytree(FIXTURES, folder)
    for path in folder.glob(f"{leave_out}_*.txt") if leave_out else []:
        path.unlink()
    return folder


def fixture_text(prefix: str) -> bytes:
    (path,) = FIXTURES.glob(f"{prefix}_*.txt")
    return path.read_bytes()


def article(prefix: str) -> Article:
    return Article.objects.get(source_file__startswith=prefix)


def row_counts() -> tuple[int, int, int]:
    return Article.objects.count(), Outlet.objects.count(), Story.objects.count()


def snapshot() -> list[tuple]:
    return list(
        Article.objects.order_by("pk").values_list("pk", "source_file", "slug", "updated_at", "source_hash")
    )


# The real corpus ------------------------------------------------------------------------------------


def test_it_imports_the_corpus():
    assert import_corpus(FIXTURES) == "Imported: 5 new, 0 changed, 0 unchanged"

    assert row_counts() == (5, 2, 1)
    outlets = Article.objects.order_by("source_file").values_list("outlet__name", flat=True)
    assert list(outlets) == ["The Hill", "TheBlaze", None, None, None]
    assert set(Article.objects.values_list("story__slug", flat=True)) == {STORY_SLUG}
    assert (article("002").byline, str(article("002").published_on)) == ("Darnell Taylor", "2018-06-20")


def test_it_stores_canonical_bodies_with_their_hashes():
    import_corpus(FIXTURES)

    for imported in Article.objects.all():
        assert imported.body == canonicalize(imported.body)
        assert imported.content_hash == content_hash(imported.body)
        assert "{mosads}" not in imported.body and "Watch LIVE" not in imported.body


def test_it_changes_nothing_when_importing_the_same_files_again():
    import_corpus(FIXTURES)
    before = snapshot()

    assert import_corpus(FIXTURES) == "Imported: 0 new, 0 changed, 5 unchanged"
    assert snapshot() == before
    assert row_counts() == (5, 2, 1)


def test_it_updates_a_changed_file_in_place(tmp_path):
    corpus = copy_fixtures(tmp_path)
    import_corpus(corpus)
    old = article("003")
    others = [row for row in snapshot() if row[0] != old.pk]
    (path,) = corpus.glob("003_*.txt")
    path.write_text(path.read_text().replace("About 100 Microsoft", "About 120 Microsoft"))

    assert import_corpus(corpus) == "Imported: 0 new, 1 changed, 4 unchanged"

    new = article("003")
    assert new.pk == old.pk
    assert new.get_absolute_url() == old.get_absolute_url()
    assert new.body.startswith("About 120 Microsoft")
    assert new.content_hash != old.content_hash
    assert new.updated_at > old.updated_at
    assert [row for row in snapshot() if row[0] != old.pk] == others


def test_it_keeps_an_editors_fix_when_the_file_is_unchanged():
    import_corpus(FIXTURES)
    fixed = article("002")
    fixed.title = "Microsoft employees call on the company to cancel its ICE contract"
    fixed.body = fixed.body.replace("Microsft released", "Microsoft released")
    fixed.full_clean()
    fixed.save()

    assert import_corpus(FIXTURES) == "Imported: 0 new, 0 changed, 5 unchanged"

    again = article("002")
    assert again.title == "Microsoft employees call on the company to cancel its ICE contract"
    assert "Microsoft released" in again.body


# Bulk JSON ----------------------------------------------------------------------------------------

BULK = [
    {
        "source_file": "wire-1",
        "title": "Microsoft workers protest ICE contract",
        "body": "First paragraph.\n\nSecond paragraph.",
        "outlet": {"name": "Wire Service", "homepage_url": "https://wire.example/"},
        "story": "ICE contract protests",
        "byline": "Jane Doe",
        "date": "2018-06-20",
        "url": "https://wire.example/1",
    },
    {
        "source_file": "wire-2",
        "title": "Nadella responds",
        "body": "He wrote an email.",
        "outlet": "Wire Service",
    },
]


def test_it_imports_a_bulk_json_file_once(tmp_path):
    corpus = write_corpus(tmp_path / "bulk", {"wire.json": BULK})

    assert import_corpus(corpus / "wire.json") == "Imported: 2 new, 0 changed, 0 unchanged"
    before = snapshot()
    assert import_corpus(corpus / "wire.json") == "Imported: 0 new, 0 changed, 2 unchanged"

    assert snapshot() == before
    assert row_counts() == (2, 1, 1)
    first = Article.objects.get(source_file="wire-1")
    assert (first.outlet.slug, first.story.title, first.byline) == (
        "wire-service",
        "ICE contract protests",
        "Jane Doe",
    )
    assert first.source_url == "https://wire.example/1"
    assert Article.objects.get(source_file="wire-2").outlet == first.outlet


def test_it_imports_text_files_and_a_bulk_file_from_one_folder(tmp_path):
    corpus = copy_fixtures(tmp_path)
    write_corpus(corpus, {"wire.json": BULK})

    assert import_corpus(corpus) == "Imported: 7 new, 0 changed, 0 unchanged"


def test_it_refuses_a_django_fixture_for_users(tmp_path):
    users = User.objects.count()
    fixture = [{"model": "auth.user", "pk": 99, "fields": {"username": "mallory", "is_superuser": True}}]
    corpus = write_corpus(tmp_path / "bulk", {"users.json": fixture})

    message = import_error(corpus)

    assert "users.json #1: the article has unknown field(s) fields, model, pk" in message
    assert User.objects.count() == users
    assert not User.objects.filter(username="mallory").exists()
    assert row_counts() == (0, 0, 0)


# All or nothing -----------------------------------------------------------------------------------

BAD_FILES = {
    "empty": (b"", "the file is empty"),
    "binary": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "NUL bytes"),
    "not UTF-8": ("A title\nCaf\u00e9 society.".encode("latin-1"), "not valid UTF-8"),
    "no title": (b"Watch LIVE\n{mosads}\nMost recent\n", "missing title"),
    "blank title line": (b" \t\nThe first paragraph.\nThe second.\n", "missing title"),
    "absurdly long title": (b"word " * 200 + b"\nText.", "the limit is 500"),
    "control characters": (b"A title\n\x1b[2JText.", "control characters"),
}


def corpus_with_a_bad_file(tmp_path: Path, bad_name: str, content: bytes) -> Path:
    """Four good corpus files (000 to 003) and one bad one."""
    return write_corpus(copy_fixtures(tmp_path, leave_out="004"), {bad_name: content})


@pytest.mark.parametrize("bad_name", ["000_0_first.txt", "999_last.txt"])
@pytest.mark.parametrize("content, problem", BAD_FILES.values(), ids=BAD_FILES.keys())
def test_it_imports_nothing_when_one_file_is_bad(tmp_path, bad_name, content, problem):
    corpus = corpus_with_a_bad_file(tmp_path, bad_name, content)

    message = import_error(corpus)

    assert message.startswith("Nothing was imported. ")
    assert bad_name in message and problem in message
    assert row_counts() == (0, 0, 0)


@pytest.mark.parametrize("content, problem", BAD_FILES.values(), ids=BAD_FILES.keys())
def test_it_rolls_back_batches_written_before_the_bad_file(tmp_path, content, problem):
    corpus = corpus_with_a_bad_file(tmp_path, "999_last.txt", content)
    batch_sizes = []

    with pytest.raises(ImportProblem, match=problem):
        import_articles(records=iter_records([corpus]), batch_size=2, progress=batch_sizes.append)

    assert batch_sizes == [2, 2]  # both good batches were written before the bad file was read
    assert row_counts() == (0, 0, 0)


def test_it_leaves_an_earlier_import_as_it_was_when_a_later_one_fails(tmp_path):
    import_corpus(FIXTURES)
    before = snapshot()
    corpus = copy_fixtures(tmp_path)
    (path,) = corpus.glob("003_*.txt")
    path.write_text(path.read_text().replace("About 100", "About 120"))
    write_corpus(corpus, {"999_last.txt": b""})

    assert "999_last.txt: the file is empty" in import_error(corpus)
    assert snapshot() == before
    assert article("003").body.startswith("About 100")


def test_it_records_the_text_of_an_imported_article_under_another_name_as_its_duplicate(tmp_path):
    import_corpus(FIXTURES)
    corpus = write_corpus(tmp_path / "more", {"copy.txt": fixture_text("000")})

    assert import_corpus(corpus) == "Imported: 0 new, 0 changed, 0 unchanged, 1 duplicate recorded"
    assert row_counts() == (5, 2, 1)
    assert article("000").duplicates.get().source_file == "copy.txt"


def test_it_refuses_the_same_name_twice_in_one_import(tmp_path):
    corpus = write_corpus(tmp_path / "bulk", {"wire.json": [BULK[0], {**BULK[1], "source_file": "wire-1"}]})

    assert "wire.json #2 (wire-1): the name appears twice in this import" in import_error(corpus)
    assert row_counts() == (0, 0, 0)


def test_it_refuses_a_bad_manifest(tmp_path):
    corpus = write_corpus(
        tmp_path / "corpus", {"a.txt": "A title\nText."}, {"files": {"a.txt": {"outlet": "x"}}}
    )

    assert "manifest.json (file a.txt): unknown outlet 'x'" in import_error(corpus)


# Slugs --------------------------------------------------------------------------------------------

SAME_TITLE = {
    "a.txt": "Microsoft workers protest\nFirst text.",
    "b.txt": "Microsoft workers protest\nSecond text.",
}


@pytest.mark.parametrize("outlet", ["the-hill", None], ids=["same outlet", "no outlet"])
def test_it_gives_articles_with_the_same_title_distinct_slugs(tmp_path, outlet):
    facts = {"outlet": outlet} if outlet else {}
    manifest = {
        "outlets": {"the-hill": {"name": "The Hill"}},
        "files": {"a.txt": facts, "b.txt": facts, "c.txt": facts},
    }
    import_corpus(write_corpus(tmp_path / "first", SAME_TITLE, manifest))
    import_corpus(
        write_corpus(tmp_path / "later", {"c.txt": "Microsoft workers protest\nThird text."}, manifest)
    )

    slugs = dict(Article.objects.values_list("source_file", "slug"))
    assert slugs == {
        "a.txt": "microsoft-workers-protest",
        "b.txt": "microsoft-workers-protest-2",
        "c.txt": "microsoft-workers-protest-3",
    }
    assert len({imported.get_absolute_url() for imported in Article.objects.all()}) == 3


def test_it_lets_different_outlets_use_the_same_slug(tmp_path):
    manifest = {
        "outlets": {"the-hill": {"name": "The Hill"}, "theblaze": {"name": "TheBlaze"}},
        "files": {"a.txt": {"outlet": "the-hill"}, "b.txt": {"outlet": "theblaze"}},
    }
    import_corpus(write_corpus(tmp_path / "corpus", SAME_TITLE, manifest))

    assert set(Article.objects.values_list("slug", flat=True)) == {"microsoft-workers-protest"}


def test_it_keeps_slugs_distinct_when_a_file_moves_to_an_outlet(tmp_path):
    manifest = {"outlets": {"the-hill": {"name": "The Hill"}}, "files": {"a.txt": {"outlet": "the-hill"}}}
    corpus = write_corpus(tmp_path / "corpus", SAME_TITLE, manifest)
    import_corpus(corpus)
    manifest["files"]["b.txt"] = {"outlet": "the-hill"}
    write_corpus(corpus, {}, manifest)

    assert import_corpus(corpus) == "Imported: 0 new, 1 changed, 1 unchanged"
    assert sorted(Article.objects.filter(outlet__slug="the-hill").values_list("slug", flat=True)) == [
        "microsoft-workers-protest",
        "microsoft-workers-protest-2",
    ]


def test_it_uses_an_existing_outlet_of_the_same_name(tmp_path):
    hill = Outlet.objects.create(name="The Hill", slug="thehill")
    manifest = {"outlets": {"the-hill": {"name": "The Hill"}}, "files": {"a.txt": {"outlet": "the-hill"}}}

    import_corpus(write_corpus(tmp_path / "corpus", {"a.txt": "A title\nText."}, manifest))

    assert Article.objects.get().outlet == hill


# Messages -----------------------------------------------------------------------------------------


def command_output(*args) -> list[str]:
    out = StringIO()
    call_command(*map(str, args), stdout=out, stderr=StringIO())
    return out.getvalue().splitlines()


def test_it_counts_stories_in_words():
    assert command_output("import_corpus", FIXTURES)[1] == "Compared: 1 story"
    assert command_output("import_corpus", FIXTURES)[1] == "Compared: 0 stories"
    assert command_output("compare_stories", "--all") == ["Compared: 1 story"]


def test_it_counts_the_stories_it_queues_for_the_worker(tmp_path):
    bulk = [{**BULK[0], "story": "Another story"}, {**BULK[1], "story": "A third story"}]
    corpus = write_corpus(tmp_path / "bulk", {"wire.json": bulk})

    assert (
        command_output("import_corpus", corpus, "--defer-comparison")[1] == "Queued for comparison: 2 stories"
    )
    assert command_output("compare_stories") == ["Compared: 2 stories"]


# The command's exit status ------------------------------------------------------------------------


def test_it_exits_with_an_error_status_for_a_path_that_does_not_exist(tmp_path):
    # A throwaway database: the command must fail before it reads or writes any rows.
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'unused.sqlite3'}"}

    result = subprocess.run(
        [sys.executable, "manage.py", "import_corpus", "/nonexistent"],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode != 0
    assert "Nothing was imported. /nonexistent: no such file or folder" in result.stderr
    assert result.stdout == ""
