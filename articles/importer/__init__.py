"""Parse corpus files into plain dicts (records) for services.import_articles().

Pure Python, no database. Inputs:
- a text file (.txt): after site chrome is removed, the first line is the title (a blank one is
  refused), byline and date lines right below it become fields, the rest is the body;
- files of many articles with the same fields (bulk.BULK_FIELDS), read as a stream: bulk JSON
  (.json, a list of article objects), JSON Lines (.jsonl, one object a line) and CSV with a
  header row (.csv; authors and tags as cells of names separated by ";");
- a saved web page of an article (.html, .htm), extracted by trafilatura (pages.py);
- a folder: those files in it and in its subfolders in path order, with the folder's manifest.json.

A file's source key (Article.source_file) is its path inside the folder imported, "A/real.txt",
or its name when the file itself is named; the manifest names files by the same key. The
manifest says per file what is known (outlet, story, byline, date, URL, lines to drop);
whatever it does not say stays empty, or comes from the page itself for a web page.

Problems are ImportProblem (the file, the record's number in it, its name, the reason). Without a
report, iter_records() raises the first; with one, it lists every bad record (and every file it
could not read) there and goes on with the next.

Symbolic links are refused, never followed: a link in a folder could publish any file the
server can read. A bulk file's nesting and each article's size are capped while streaming, so
that memory stays bounded whatever the file holds.
"""

import multiprocessing
import os
import queue
from collections.abc import Iterable, Iterator
from itertools import islice
from pathlib import Path

from articles.importer.bulk import (
    BULK_FIELDS,
    MAX_ARTICLE_JSON_BYTES,
    MAX_BULK_DEPTH,
    iter_bulk_file,
    iter_csv_file,
    iter_json_lines_file,
)
from articles.importer.checks import (
    MANIFEST_NAME,
    MAX_FILE_BYTES,
    MAX_SOURCE_CHARS,
    MAX_TITLE_CHARS,
    check_source_key,
    parse_date,
    read_file,
    refuse_link,
)
from articles.importer.pages import MAX_PAGE_BYTES, parse_html_file
from articles.importer.problems import MAX_LISTED_PROBLEMS, ImportProblem, ImportReport, InvalidRecords
from articles.importer.text_files import Manifest, load_manifest, parse_text_file

__all__ = [
    "BULK_FIELDS",
    "MANIFEST_NAME",
    "MAX_ARTICLE_JSON_BYTES",
    "MAX_BULK_DEPTH",
    "MAX_FILE_BYTES",
    "MAX_LISTED_PROBLEMS",
    "MAX_PAGE_BYTES",
    "MAX_SOURCE_CHARS",
    "MAX_TITLE_CHARS",
    "SUFFIXES",
    "ImportProblem",
    "ImportReport",
    "InvalidRecords",
    "Manifest",
    "iter_records",
    "iter_records_aside",
    "load_manifest",
    "parse_date",
    "parse_html_file",
    "parse_text_file",
]

# Files of many articles, read as a stream.
STREAMS = {".json": iter_bulk_file, ".jsonl": iter_json_lines_file, ".csv": iter_csv_file}
# Files of one article each: how to read them, and their size limit.
SINGLES = {".txt": (parse_text_file, MAX_FILE_BYTES), ".html": (parse_html_file, MAX_PAGE_BYTES)}
SINGLES[".htm"] = SINGLES[".html"]
SUFFIXES = set(STREAMS) | set(SINGLES)


def folder_files(folder: Path, root: Path) -> Iterator[Path | ImportProblem]:
    """The files to import in a folder and its subfolders, in path order, and the problem of each
    entry refused on the way.

    Hidden files and folders (".git", "._a.txt") are skipped; symbolic links are refused.
    """
    for path in sorted(folder.iterdir()):
        where = path.relative_to(root).as_posix()
        if path.name.startswith("."):
            continue
        if path.is_symlink():
            yield ImportProblem(where, "is a symbolic link: the importer does not follow links")
        elif path.is_dir():
            yield from folder_files(path, root)
        elif path.name == MANIFEST_NAME and folder != root:
            yield ImportProblem(where, f"only the {MANIFEST_NAME} of the folder imported is read")
        elif path.suffix.lower() in SUFFIXES and path.name != MANIFEST_NAME:
            yield path


def file_records(source: str, file: Path, manifest: Manifest) -> Iterator[dict | ImportProblem]:
    """The records of one file, or the problems of its bad records; raises what stops it being read."""
    suffix = file.suffix.lower()
    if suffix in STREAMS:
        yield from STREAMS[suffix](source, file)
    elif suffix in SINGLES:
        parse, limit = SINGLES[suffix]
        yield parse(source, read_file(source, file, limit), manifest)
    else:
        raise ImportProblem(source, f"unsupported file type: use {', '.join(sorted(SUFFIXES))}")


def path_records(path: Path, manifest_path: Path | None) -> Iterator[dict | ImportProblem]:
    """The records of a file or folder given to import, with the problems of its bad records and
    files (each an ImportProblem as a value). A problem that stops the path (no such path, a bad
    manifest) is raised."""
    refuse_link(str(path), path)
    if not path.exists():
        raise ImportProblem(str(path), "no such file or folder")
    root = path if path.is_dir() else path.parent
    manifest_file = manifest_path or root / MANIFEST_NAME
    manifest = load_manifest(manifest_file) if os.path.lexists(manifest_file) else Manifest()
    for file in folder_files(root, root) if path.is_dir() else [path]:
        if isinstance(file, ImportProblem):
            yield file
            continue
        try:
            source = check_source_key(str(file), file.relative_to(root).as_posix())
            yield from file_records(source, file, manifest)
        except ImportProblem as problem:
            yield problem  # the file's remaining records are lost, not the other files'


def iter_records(
    paths: Iterable[Path], manifest_path: Path | None = None, report: ImportReport | None = None
) -> Iterator[dict]:
    """Every good record in the given files and folders, one at a time.

    Each bad record (and each file or folder that cannot be read) goes to the report; without
    one, the first is raised.
    """
    for path in map(Path, paths):
        try:
            for item in path_records(path, manifest_path):
                if not isinstance(item, ImportProblem):
                    yield item
                elif report is None:
                    raise item
                else:
                    report.add(item)
        except ImportProblem as problem:
            if report is None:
                raise
            report.add(problem)


# Records read in another process travel in chunks of this many (about 4 MB of 4 KB articles), at
# most QUEUED_CHUNKS waiting: memory stays bounded however far the reader runs ahead.
CHUNK_RECORDS = 500
QUEUED_CHUNKS = 4


def iter_records_aside(
    paths: Iterable[Path], manifest_path: Path | None = None, report: ImportReport | None = None
) -> Iterator[dict]:
    """iter_records() read, checked and cleaned in a child process, while this one writes what it
    has: on two cores a bulk import takes as long as the longer of the two halves instead of their
    sum (100,000 articles: about 40 s each). Same records, same problems in the same order, the
    same first problem raised without a report. In this process where no fork is available."""
    if "fork" not in multiprocessing.get_all_start_methods() or (os.cpu_count() or 1) < 2:
        yield from iter_records(paths, manifest_path, report)
        return
    context = multiprocessing.get_context("fork")
    chunks = context.Queue(QUEUED_CHUNKS)
    reader = context.Process(
        target=_read_aside, args=(list(paths), manifest_path, report is not None, chunks), daemon=True
    )
    reader.start()
    try:
        while (chunk := _next_chunk(chunks, reader)) is not None:
            for item in chunk:
                if isinstance(item, ImportProblem) and report is not None:
                    report.add(item)
                elif isinstance(item, Exception):
                    raise item  # the first problem without a report, or what stopped the reading
                else:
                    yield item
    finally:
        if reader.is_alive():
            reader.kill()  # the import stopped early (a bad record, an error): its reading is moot
        reader.join()


def _next_chunk(chunks, reader) -> list | None:
    while True:
        try:
            return chunks.get(timeout=1)
        except queue.Empty:
            if not reader.is_alive() and chunks.empty():
                stopped = f"the process reading the files stopped (exit code {reader.exitcode})"
                raise RuntimeError(stopped) from None


def _read_aside(paths: list[Path], manifest_path: Path | None, with_report: bool, chunks) -> None:
    """The child process: every record and problem, in order, in chunks; None at the end."""
    items = _records_and_problems(paths, manifest_path, with_report)
    try:
        while chunk := list(islice(items, CHUNK_RECORDS)):
            chunks.put(chunk)
    except ImportProblem as problem:  # without a report, the first problem ends the reading
        chunks.put([problem])
    except Exception as error:  # noqa: BLE001 (told in the importing process, which raises it)
        chunks.put([RuntimeError(f"reading the files failed: {error!r}")])
    chunks.put(None)
    chunks.close()
    chunks.join_thread()


def _records_and_problems(paths, manifest_path, with_report: bool) -> Iterator[dict | ImportProblem]:
    """The records, with each problem in its place (a report in this process would keep them apart)."""
    if not with_report:
        yield from iter_records(paths, manifest_path)
        return
    problems = _Relay()
    for record in iter_records(paths, manifest_path, problems):
        yield from problems.taken()
        yield record
    yield from problems.taken()


class _Relay(ImportReport):
    """A report that hands its problems on instead of keeping them."""

    def add(self, problem: ImportProblem) -> None:
        self.problems.append(problem)

    def taken(self) -> list[ImportProblem]:
        taken, self.problems = self.problems, []
        return taken
