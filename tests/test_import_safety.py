"""Importing untrusted files: bounded memory, no symbolic links followed, files kept apart by path.

Each refusal names the file and writes nothing (the import is all or nothing).
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.files.base import ContentFile

from articles.importer import MAX_ARTICLE_JSON_BYTES, MAX_FILE_BYTES, iter_records
from articles.models import Article
from articles.services.uploads import import_upload
from newsroom.jobs.models import job_files
from tests.test_import_command import FIXTURES, import_corpus, import_error, write_corpus

pytestmark = pytest.mark.django_db

PROJECT = Path(__file__).resolve().parent.parent
ARTICLE = {"source_file": "a", "title": "A title", "body": "Some text."}

# Reads a file with the importer in a process whose memory is capped: before the caps, 1 MB of
# "[" took gigabytes (ijson's path strings grow with the depth, quadratically in all).
READ_WITH_CAPPED_MEMORY = """
import resource, sys
resource.setrlimit(resource.RLIMIT_AS, (256 * 2**20, 256 * 2**20))
from articles.importer import ImportProblem, iter_records
try:
    list(iter_records([sys.argv[1]]))
except ImportProblem as problem:
    print(problem)
"""


def read_with_capped_memory(path: Path) -> str:
    done = subprocess.run(
        [sys.executable, "-c", READ_WITH_CAPPED_MEMORY, str(path)],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.strip()


def test_deeply_nested_brackets_are_refused_with_bounded_memory(tmp_path):
    path = tmp_path / "nested.json"
    path.write_bytes(b"[" * 5_000_000)

    assert read_with_capped_memory(path) == (
        "nested.json #1: the JSON is nested more than 3 levels deep "
        "(a list of articles whose outlet and story may be objects); the rest of the file was not read"
    )


def test_a_huge_string_is_refused_with_bounded_memory(tmp_path):
    path = tmp_path / "huge.json"
    with path.open("wb") as file:
        file.write(b'[{"source_file": "a", "title": "A title", "body": "')
        for _ in range(100):
            file.write(b"x" * 1_000_000)
        file.write(b'"}]')

    assert read_with_capped_memory(path) == (
        f"huge.json #1: the article takes more than {MAX_ARTICLE_JSON_BYTES:,} bytes of JSON; "
        "the rest of the file was not read"
    )


@pytest.mark.parametrize(
    "content, problem",
    [
        ([ARTICLE, {**ARTICLE, "source_file": "b", "outlet": {"name": ["x"]}}], "#2: the JSON is nested"),
        ([{**ARTICLE, "story": {"title": {"x": 1}}}], "#1: the JSON is nested more than 3 levels"),
        ([ARTICLE, {**ARTICLE, "source_file": "b", "body": "x" * (MAX_FILE_BYTES + 1)}], "#2 (b): the body"),
        ([{**ARTICLE, "body": "Some\u0000text"}], "#1 (a): field 'body' contains control characters"),
        ([{**ARTICLE, "source_file": "x" * 256}], "the name is 256 characters; the limit is 255"),
        ({"articles": [ARTICLE]}, "bulk.json: a bulk JSON file must hold a list of articles"),
    ],
)
def test_a_bulk_file_beyond_the_limits_is_refused(tmp_path, content, problem):
    folder = write_corpus(tmp_path / "corpus", {"a.txt": "A text file\nIts body.", "bulk.json": content})

    assert problem in import_error(folder)
    assert not Article.objects.exists()


@pytest.mark.parametrize(
    "content, problem",
    [
        (b'[{"source_file": "a"', "parse error: premature EOF"),
        (b"[" + json.dumps(ARTICLE).encode() + b"] and more", "parse error: trailing garbage"),
        (b'[{"source_file": "\xff"}]', "lexical error: invalid bytes in UTF8 string."),
        (b"[{'source_file': 'a'}]", "lexical error: invalid char in json text."),
    ],
)
def test_malformed_json_is_refused_with_the_parsers_first_line(tmp_path, content, problem):
    folder = write_corpus(tmp_path / "corpus", {"a.txt": "A text file\nIts body.", "bulk.json": content})

    assert import_error(folder) == f"Nothing was imported. bulk.json: the file is not valid JSON: {problem}"
    assert not Article.objects.exists()


@pytest.fixture
def upload(settings, tmp_path):
    """Import a file as staff upload it (the task worker's import_upload): the job's report."""
    settings.STORAGES = {
        **settings.STORAGES,
        "jobs": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "jobs"},
        },
    }

    def import_file(name: str, content: bytes) -> str:
        return import_upload(job_files().save(f"imports/{name}", ContentFile(content)), name)["report"]

    return import_file


@pytest.mark.parametrize(
    "article, refusal",
    [
        (
            rb'{"source_file": "a\udfff", "title": "T", "body": "Some text."}',
            "bulk.json #1 (a\\udfff): field 'source_file' is not valid Unicode text: it holds \\udfff",
        ),
        (
            rb'{"source_file": "a", "title": "T\ud800", "body": "Some text."}',
            "bulk.json #1 (a): field 'title' is not valid Unicode text: it holds \\ud800",
        ),
    ],
    ids=["low half", "high half"],
)
def test_half_a_surrogate_pair_is_refused_alike_by_the_command_and_the_upload(
    tmp_path, upload, article, refusal
):
    """Before, the low half failed the import with a traceback and the high one was saved as "T?"."""
    content = b"[" + article + b"]"
    folder = write_corpus(tmp_path / "corpus", {"bulk.json": content})
    refused = f"Nothing was imported. {refusal}, half of a surrogate pair"

    assert import_error(folder) == refused
    assert upload("bulk.json", content) == refused
    assert not Article.objects.exists()


def test_a_csv_file_cut_inside_a_quoted_cell_imports_nothing(upload):
    content = b'source_file,title,body\nb,Whole,Text.\na,First,"Para one.\n\nPara two is here and'

    assert upload("cut.csv", content) == (
        "Nothing was imported. cut.csv #2: the file ends inside a quoted cell "
        "(is it cut short, or is a closing quote missing?)"
    )
    assert not Article.objects.exists()


def test_a_deeply_nested_manifest_is_refused(tmp_path):
    folder = write_corpus(tmp_path / "corpus", {"a.txt": "A text file\nIts body."})
    (folder / "manifest.json").write_text("[" * 100_000 + "]" * 100_000)

    assert import_error(folder) == "Nothing was imported. manifest.json: the manifest is nested too deeply"


def test_a_text_file_over_the_limit_is_refused_without_reading_it_whole(tmp_path):
    folder = write_corpus(tmp_path / "corpus", {"a.txt": "A title\n" + "x" * MAX_FILE_BYTES})

    assert import_error(folder) == (
        f"Nothing was imported. a.txt: the file is larger than the limit of {MAX_FILE_BYTES:,} bytes"
    )


# Symbolic links ------------------------------------------------------------------------------------


@pytest.fixture
def secret(tmp_path) -> Path:
    """A file outside the import that would make a fine article: the importer must not read it."""
    path = tmp_path / "secret.txt"
    path.write_text("Secret title\nThe server's secret, which no reader may see.")
    return path


def test_a_link_to_a_file_outside_the_folder_is_refused_by_name(tmp_path, secret):
    folder = write_corpus(tmp_path / "corpus", {"a.txt": "A text file\nIts body."})
    (folder / "evil.txt").symlink_to(secret)

    assert import_error(folder) == (
        "Nothing was imported. evil.txt: is a symbolic link: the importer does not follow links"
    )
    assert not Article.objects.exists()


def test_a_link_to_etc_passwd_is_refused(tmp_path):
    folder = write_corpus(tmp_path / "corpus", {"a.txt": "A text file\nIts body."})
    (folder / "evil.txt").symlink_to("/etc/passwd")

    assert "evil.txt: is a symbolic link" in import_error(folder)
    assert not Article.objects.exists()


def test_a_link_to_a_folder_is_refused_by_name(tmp_path, secret):
    folder = write_corpus(tmp_path / "corpus", {"a.txt": "A text file\nIts body."})
    (folder / "more").symlink_to(secret.parent, target_is_directory=True)

    assert "more: is a symbolic link" in import_error(folder)
    assert not Article.objects.exists()


def test_a_link_inside_the_folder_to_a_file_of_its_own_is_refused_too(tmp_path):
    folder = write_corpus(tmp_path / "corpus", {"a.txt": "A text file\nIts body."})
    (folder / "b.txt").symlink_to(folder / "a.txt")

    assert "b.txt: is a symbolic link" in import_error(folder)


def test_links_named_directly_and_a_linked_manifest_are_refused(tmp_path, secret):
    folder = write_corpus(tmp_path / "corpus", {"a.txt": "A text file\nIts body."})
    (tmp_path / "named.txt").symlink_to(secret)
    (tmp_path / "elsewhere.json").write_text(json.dumps({"files": {"a.txt": {"byline": "Jane Doe"}}}))
    (folder / "manifest.json").symlink_to(tmp_path / "elsewhere.json")

    assert "named.txt: is a symbolic link" in import_error(tmp_path / "named.txt")
    assert "manifest.json: is a symbolic link" in import_error(folder)
    assert not Article.objects.exists()


# Files are told apart by their path inside the import ------------------------------------------------


def nested_corpus(root: Path, manifest: dict | None = None) -> Path:
    write_corpus(root, {}, manifest)
    write_corpus(root / "A", {"real.txt": "From A\nThe text of A."})
    write_corpus(root / "B", {"real.txt": "From B\nThe text of B."})
    return root


def test_files_of_the_same_name_in_two_folders_are_two_articles(tmp_path):
    root = nested_corpus(tmp_path / "corpus", {"files": {"B/real.txt": {"byline": "Jane Doe"}}})

    assert import_corpus(root) == "Imported: 2 new, 0 changed, 0 unchanged"

    articles = Article.objects.order_by("source_file").values_list("source_file", "title", "byline")
    assert list(articles) == [("A/real.txt", "From A", ""), ("B/real.txt", "From B", "Jane Doe")]


def test_a_changed_file_updates_only_the_article_at_its_path(tmp_path):
    root = nested_corpus(tmp_path / "corpus")
    import_corpus(root)
    before_a = Article.objects.get(source_file="A/real.txt")

    (root / "B" / "real.txt").write_text("From B\nThe text of B, corrected.")

    assert import_corpus(root) == "Imported: 0 new, 1 changed, 1 unchanged"
    assert Article.objects.get(source_file="A/real.txt").body == before_a.body == "The text of A."
    assert Article.objects.get(source_file="B/real.txt").body == "The text of B, corrected."


def test_hidden_files_are_skipped_and_a_nested_manifest_is_refused(tmp_path):
    root = nested_corpus(tmp_path / "corpus")
    write_corpus(root, {"._real.txt": b"\x00\x05\x16\x07 resource fork", ".git": "not a folder"})
    assert [record["source_file"] for record in iter_records([root])] == ["A/real.txt", "B/real.txt"]

    write_corpus(root / "A", {}, {"files": {}})
    assert import_error(root) == (
        "Nothing was imported. A/manifest.json: only the manifest.json of the folder imported is read"
    )


def test_the_seed_corpus_keeps_its_keys_so_importing_it_again_changes_nothing():
    """Files at the top of the folder keep their bare names as keys, as before paths counted."""
    assert import_corpus(FIXTURES) == "Imported: 5 new, 0 changed, 0 unchanged"
    names = {path.name for path in FIXTURES.glob("*.txt")}
    assert set(Article.objects.values_list("source_file", flat=True)) == names

    assert import_corpus(FIXTURES) == "Imported: 0 new, 0 changed, 5 unchanged"
